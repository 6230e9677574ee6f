"""/media/stream refuses what is not a genuine stream for a call we are making."""
from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from twilio.request_validator import RequestValidator

from apps.calls.models import Call, CallStatus
from apps.leads.models import LeadStatus
from config.asgi import application
from tests.conftest import make_lead
from tests.media_stream import start_message

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "f" * 32


async def open_stream(headers=(), start=None):
    communicator = WebsocketCommunicator(application, "/media/stream", headers=list(headers))
    connected, code = await communicator.connect()
    result = {"connected": connected, "code": code}
    if connected and start is not None:
        await communicator.send_to(text_data=start)
        output = await communicator.receive_output(timeout=5)
        result["closed"] = output
    await communicator.disconnect()
    return result


@pytest.fixture
def call(active_campaign):
    lead = make_lead(active_campaign, "+12125550188", status=LeadStatus.IN_CALL, attempts=1)
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", provider_call_id="SIMx")


def test_a_handshake_without_twilios_signature_is_refused(settings):
    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = TOKEN, "https://calls.example.com"
    assert async_to_sync(open_stream)([(b"x-twilio-signature", b"forged")])["connected"] is False


def test_a_signed_handshake_is_accepted(settings):
    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = TOKEN, "https://calls.example.com"
    signature = RequestValidator(TOKEN).compute_signature("wss://calls.example.com/media/stream", {})
    assert async_to_sync(open_stream)([(b"x-twilio-signature", signature.encode())])["connected"] is True


def test_a_stream_for_an_unknown_or_ended_call_is_closed(call):
    unknown = Call(pk=999, campaign_id=call.campaign_id, provider_call_id="SIMx")
    assert async_to_sync(open_stream)(start=start_message(unknown))["closed"] == {"type": "websocket.close",
                                                                                 "code": 4404}
    Call.objects.filter(pk=call.pk).update(status=CallStatus.COMPLETED)
    assert async_to_sync(open_stream)(start=start_message(call))["closed"]["code"] == 4404


def test_with_no_media_worker_alive_the_call_fails_and_the_lead_is_rescheduled(call):
    assert async_to_sync(open_stream)(start=start_message(call))["closed"] == {"type": "websocket.close",
                                                                              "code": 4503}
    call.refresh_from_db()
    call.lead.refresh_from_db()
    assert call.status == CallStatus.FAILED and call.error == "no media worker available"
    assert call.lead.status == LeadStatus.CALLED and call.lead.next_attempt_at is not None
