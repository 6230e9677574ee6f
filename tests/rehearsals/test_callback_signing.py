"""The simulated network's callbacks, signed as Twilio signs them: the platform's views accept them for a
simulated call, and refuse them when forged or for a call on another provider."""
from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import pytest
import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.test import Client

from apps.calls.models import Call, CallStatus
from apps.leads.models import LeadStatus
from apps.rehearsals.network.call import DialRequest, Network, SimulatedCall
from apps.rehearsals.personas import personas
from tests.conftest import make_lead

pytestmark = pytest.mark.django_db(transaction=True)
SID = "SIM" + "4" * 32


class DjangoHttp:
    """The network's HTTP client, delivering to the views through Django's test client (host: testserver)."""

    def __init__(self):
        self.client, self.statuses = Client(), []

    async def post(self, url: str, data: dict, headers: dict):
        response = await sync_to_async(self.client.post)(urlsplit(url).path, data, headers=headers)
        self.statuses.append(response.status_code)
        return response


@pytest.fixture
def call(campaign):
    lead = make_lead(campaign, "+12025550112", status=LeadStatus.IN_CALL, attempts=1)
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.DIALING, provider="simulated",
                               provider_call_id=SID)


def play(call: Call, token: str, steps) -> list[int]:
    async def run():
        http = DjangoHttp()
        client = aioredis.from_url(settings.REDIS_URL, decode_responses=True)
        network = Network(web_url="http://testserver", token=token, redis=client, http=http, stt=None)
        simulated = SimulatedCall(DialRequest(call.pk, SID, "voicemail", to=call.lead.phone), personas()["voicemail"],
                                  network)
        for step in steps:
            await step(simulated)
        await client.aclose()
        return http.statuses

    return asyncio.run(run())


def test_signed_callbacks_drive_a_simulated_call_to_its_end(call):
    statuses = play(call, settings.SIMULATED_NETWORK_TOKEN, [
        lambda c: c.twilio.status("ringing"), lambda c: c.twilio.status("in-progress"),
        lambda c: c.twilio.amd("machine_end_beep", 4200), lambda c: c.twilio.final_status("completed", 12)])
    assert statuses == [204, 204, 204, 204]
    call.refresh_from_db()
    assert (call.status, call.answered_by, call.duration_seconds) == (CallStatus.VOICEMAIL, "machine_end_beep", 12)


def test_a_forged_signature_is_refused_and_changes_nothing(call):
    assert play(call, "not-the-token", [lambda c: c.twilio.status("in-progress")]) == [403]
    call.refresh_from_db()
    assert call.status == CallStatus.DIALING


def test_the_simulated_networks_signature_is_no_good_for_a_twilio_call(call, settings):
    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = "t" * 32, "https://calls.example.com"
    Call.objects.filter(pk=call.pk).update(provider="twilio")
    assert play(call, settings.SIMULATED_NETWORK_TOKEN, [lambda c: c.twilio.status("in-progress")]) == [403]
    call.refresh_from_db()
    assert call.status == CallStatus.DIALING
