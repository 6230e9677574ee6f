"""A provider that cannot be reached (Twilio over HTTP, the simulated network's Redis) is a TelephonyError,
never a crash: the call it concerns is still ended and its lead rescheduled."""
from __future__ import annotations

import asyncio
import datetime as dt
import socket
from http.server import BaseHTTPRequestHandler
from types import SimpleNamespace

import pytest
from django.utils import timezone

from apps.calls.dialing import place_call
from apps.calls.models import Call, CallStatus
from apps.integrations.telephony import TelephonyError, telephony
from apps.integrations.telephony.base import _provider
from apps.integrations.telephony.simulated import SimulatedTelephony
from apps.leads.models import LeadStatus
from tests.conftest import make_lead
from tests.local_server import serving

ACCOUNT_SID = "AC" + "3f1c9e2a7b6d4e8f9a0b1c2d3e4f5a6b"
AUTH_TOKEN = "9c2b7e41d0a35f8e6b1c4d7a2e9f0b3c"
FROM, PHONE = "+15005550006", "+12125550134"
CALL_SID = "CA" + "5d0e3b8a1c7f4e2d9b6a0c3e8f1d4a7b"


def closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _CutOff(BaseHTTPRequestHandler):
    """Starts a 200 answer and drops the connection half-way (a proxy or load balancer dying mid-answer)."""

    def _cut(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "4096")
        self.end_headers()
        self.wfile.write(b'{"sid": "CA')
        self.close_connection = True

    do_GET = do_POST = _cut

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass


@pytest.fixture(params=["refused", "cut off"])
def broken_twilio(request, no_proxy, settings):
    """Twilio's API as the network may leave it: nobody answering, or an answer cut off half-way."""
    def configure(base_url: str) -> None:
        settings.TELEPHONY_PROVIDER = "twilio"
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = ACCOUNT_SID, AUTH_TOKEN
        settings.TWILIO_FROM_NUMBER, settings.PUBLIC_BASE_URL = FROM, "https://calls.example.com"
        settings.TWILIO_API_BASE_URL, settings.TWILIO_TIMEOUT_SECONDS = base_url, 2
        _provider.cache_clear()  # the provider reads its settings once

    if request.param == "refused":
        configure(f"http://127.0.0.1:{closed_port()}")
        yield request.param
    else:
        with serving(SimpleNamespace(), _CutOff, "unused") as server:
            configure(server.base_url)
            yield request.param
    _provider.cache_clear()


@pytest.fixture
def unreachable_redis(settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/0"
    return SimulatedTelephony()


def live_call(campaign, *, provider="twilio", provider_call_id=CALL_SID, status=CallStatus.IN_PROGRESS) -> Call:
    lead = make_lead(campaign, PHONE, status=LeadStatus.IN_CALL, attempts=1, extra={"Simulated outcome": "answer"})
    call = Call.objects.create(lead=lead, campaign=campaign, status=status, provider=provider,
                               provider_call_id=provider_call_id)
    return Call.objects.select_related("lead", "campaign").get(pk=call.pk)


@pytest.mark.parametrize("operation", ["hang_up", "find_call", "find_call without a sid"])
def test_twilio_out_of_reach_is_a_telephony_error(active_campaign, broken_twilio, operation):
    call = live_call(active_campaign, provider_call_id="" if operation.endswith("without a sid") else CALL_SID)
    provider = telephony()

    with pytest.raises(TelephonyError) as raised:
        getattr(provider, operation.split()[0])(call)

    assert not raised.value.permanent


def test_placing_a_call_when_twilio_is_out_of_reach_may_be_retried(active_campaign, broken_twilio):
    lead = make_lead(active_campaign, PHONE, status=LeadStatus.QUEUED, attempts=1)
    call = Call.objects.create(lead=lead, campaign=active_campaign, attempt=1)

    with pytest.raises(TelephonyError) as raised:
        place_call(call.pk)

    assert raised.value.maybe_placed and not raised.value.permanent
    call.refresh_from_db()
    assert (call.status, call.provider_call_id) == (CallStatus.QUEUED, "")  # back in line for the retry


@pytest.mark.parametrize("operation", ["hang_up", "find_call", "place_call"])
def test_the_simulated_network_out_of_reach_is_a_telephony_error(active_campaign, unreachable_redis, operation):
    call = live_call(active_campaign, provider="simulated", provider_call_id="SIMgone")

    with pytest.raises(TelephonyError) as raised:
        getattr(unreachable_redis, operation)(call)

    assert not raised.value.permanent
    assert raised.value.maybe_placed == (operation == "place_call")


@pytest.mark.django_db(transaction=True)  # the media server's database thread must see the call
def test_a_call_whose_media_worker_went_quiet_is_failed_although_twilio_cannot_hang_it_up(
        active_campaign, broken_twilio):
    from media_server.consumers import _fail_call

    call = live_call(active_campaign)
    before = timezone.now()

    asyncio.run(_fail_call(call.pk, "media worker stopped answering"))

    call.refresh_from_db()
    call.lead.refresh_from_db()
    assert (call.status, call.error) == (CallStatus.FAILED, "media worker stopped answering")
    retry = dt.timedelta(minutes=active_campaign.retry_minutes["failed"])
    assert call.lead.status == LeadStatus.CALLED
    assert before + retry <= call.lead.next_attempt_at <= timezone.now() + retry
