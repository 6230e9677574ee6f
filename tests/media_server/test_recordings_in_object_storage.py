"""With RECORDINGS_S3_BUCKET a call's recording goes to an S3-compatible bucket, so the media worker and the web tier
need no shared disk: a media worker process writes it there (its own MEDIA_ROOT stays empty), the web serves it to
staff from there, and the retention purge deletes it there.

Real components: daphne and a media worker process (tests.media_server.live_stack) on the test database and Redis,
and moto's S3 server over HTTP on a local port, spoken to by django-storages and boto3 as they speak to AWS.
"""
from __future__ import annotations

import asyncio
import io
import wave

import boto3
import pytest
from django.urls import reverse

from apps.calls.models import Call, CallStatus
from apps.calls.retention import purge_call
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.media_server.live_stack import FakeTwilio, free_port, run_stack
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)
BUCKET = "reautomation-recordings"


@pytest.fixture
def s3(monkeypatch):
    """An S3-compatible server on a local port, with the recordings' bucket; credentials from the environment."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "us-east-1")):
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    yield {"endpoint": endpoint, "client": client}
    server.stop()


@pytest.fixture
def stack(tmp_path, s3):
    yield from run_stack(tmp_path, "tests.media_server.scripted_agent.ScriptedAgent",
                         RECORDINGS_S3_BUCKET=BUCKET, RECORDINGS_S3_ENDPOINT_URL=s3["endpoint"])


@pytest.fixture
def web_reads_the_bucket(settings, s3, tmp_path_factory):
    """This process plays the web tier on another host: its own empty MEDIA_ROOT, the bucket for recordings."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("web-host-disk")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": BUCKET, "endpoint_url": s3["endpoint"], "region_name": "us-east-1", "default_acl": None,
        "querystring_auth": True, "file_overwrite": False}}}
    return settings.MEDIA_ROOT


def test_a_calls_recording_goes_to_the_bucket_is_played_from_it_and_purged_from_it(
        stack, s3, web_reads_the_bucket, active_campaign, client, manager):
    lead = make_lead(active_campaign, "+12125550178", status=LeadStatus.IN_CALL, attempts=1, name="Maria")
    call = Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", provider_call_id="SIMs3")

    async def talk():
        async with FakeTwilio(stack["port"], call.pk) as twilio:
            await twilio.wait_for_line(0.2)
            await twilio.wait_for_agent()  # nobody speaks: the greeting comes after a second's silence; then we hang up

    asyncio.run(talk())
    name = wait_for(lambda: Call.objects.get(pk=call.pk).recording.name, what="the call's recording", timeout=30)
    stored = [item["Key"] for item in s3["client"].list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert stored == [name] and name.endswith(f"call-{call.pk}.wav")
    assert not list(stack["media_root"].rglob("*.wav"))  # nothing on the media worker's own disk

    client.force_login(manager)
    response = client.get(reverse("call-recording", args=[call.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    with wave.open(io.BytesIO(b"".join(response.streaming_content))) as recording:
        assert (recording.getnchannels(), recording.getframerate()) == (2, 8000) and recording.getnframes() > 8000
    assert not list(web_reads_the_bucket.rglob("*"))  # nor on the web's

    assert purge_call(call.pk)["recordings"] == 1
    assert s3["client"].list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
