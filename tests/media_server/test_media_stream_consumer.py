"""/media/stream refuses what is not a genuine stream for a call we are making."""
from __future__ import annotations

import json

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from twilio.request_validator import RequestValidator

from apps.calls.models import Call, CallStatus
from apps.leads.models import DoNotCall, LeadStatus
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


async def answer_with_no_worker(call, *, press: str = "") -> tuple[int, dict]:
    """Start the call's stream while no media worker is alive; press `press` once the message plays. Returns the
    audio frames heard and how the stream ended."""
    communicator = WebsocketCommunicator(application, "/media/stream")
    await communicator.connect()
    await communicator.send_to(text_data=start_message(call))
    frames = 0
    while True:
        output = await communicator.receive_output(timeout=30)
        if output["type"] == "websocket.close":
            break
        frames += json.loads(output["text"])["event"] == "media"
        if frames == 1 and press:
            await communicator.send_to(text_data=json.dumps({"event": "dtmf", "sequenceNumber": "9",
                                                             "streamSid": "MZtest",
                                                             "dtmf": {"track": "inbound_track", "digit": press}}))
    await communicator.disconnect()
    return frames, output


def test_with_no_media_worker_alive_the_lead_hears_who_called_and_the_call_counts_as_abandoned(call):
    call.campaign.callback_number = "+15125550100"
    call.campaign.save()
    frames, closed = async_to_sync(answer_with_no_worker)(call)
    assert closed == {"type": "websocket.close", "code": 4503}
    assert frames * 0.02 > 4  # seconds of the identification message, not silence
    call.refresh_from_db()
    call.lead.refresh_from_db()
    assert call.status == CallStatus.FAILED and call.outcome == "abandoned" and call.abandoned_at is not None
    assert call.error == "no media worker available"
    assert call.lead.status == LeadStatus.CALLED and call.lead.next_attempt_at is not None  # called again later
    assert not DoNotCall.objects.exists()


def test_a_9_pressed_during_the_identification_message_stops_our_calls(call):
    async_to_sync(answer_with_no_worker)(call, press="9")
    entry = DoNotCall.objects.active().get(phone=call.lead.phone)
    assert entry.source == DoNotCall.Source.OPT_OUT
    call.lead.refresh_from_db()
    assert call.lead.status == LeadStatus.DO_NOT_CALL
