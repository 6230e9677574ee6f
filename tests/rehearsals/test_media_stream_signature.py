"""/media/stream handshakes from the simulated network: signed with its own token, good for one simulated call."""
from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from twilio.request_validator import RequestValidator

from apps.calls.models import Call, CallStatus
from apps.leads.models import LeadStatus
from config.asgi import application
from tests.conftest import make_lead
from tests.media_stream import start_message

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def twilio_configured(settings):
    """Twilio's token set: handshakes must be signed (by Twilio, or by the simulated network)."""
    settings.TWILIO_AUTH_TOKEN, settings.PUBLIC_BASE_URL = "f" * 32, "https://calls.example.com"


def make_call(campaign, phone: str, provider: str = "simulated") -> Call:
    lead = make_lead(campaign, phone, status=LeadStatus.IN_CALL, attempts=1)
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.IN_PROGRESS, provider=provider,
                               provider_call_id="SIMsig")


def handshake(signed_for: int, token: str | None = None, started_for: int | None = None) -> dict:
    """Open the stream as the simulated network does (it signs the URL it calls, call id included)."""
    path = f"/media/stream?call_id={signed_for}"
    signature = RequestValidator(token or settings.SIMULATED_NETWORK_TOKEN).compute_signature(
        f"ws://testserver{path}", {})

    started = start_message(Call.objects.get(pk=started_for)) if started_for is not None else None

    async def run():
        communicator = WebsocketCommunicator(application, path, headers=[(b"host", b"testserver"),
                                                                         (b"x-twilio-signature", signature.encode())])
        connected, code = await communicator.connect()
        result = {"connected": connected, "code": code}
        if connected and started_for is not None:
            await communicator.send_to(text_data=started)
            result["after_start"] = await communicator.receive_output(timeout=5)
        await communicator.disconnect()
        return result

    return async_to_sync(run)()


def test_it_accepts_the_simulated_networks_signature_for_a_simulated_call(campaign):
    call = make_call(campaign, "+12025550121")
    assert handshake(call.pk)["connected"] is True


def test_it_refuses_the_simulated_networks_signature_for_a_call_on_twilio(campaign):
    call = make_call(campaign, "+12025550122", provider="twilio")
    assert handshake(call.pk)["connected"] is False


def test_it_refuses_a_forged_signature(campaign):
    call = make_call(campaign, "+12025550123")
    assert handshake(call.pk, token="forged-token")["connected"] is False


def test_a_handshake_signed_for_one_call_cannot_stream_another(campaign):
    signed, other = make_call(campaign, "+12025550124"), make_call(campaign, "+12025550125")
    result = handshake(signed.pk, started_for=other.pk)
    assert result["after_start"] == {"type": "websocket.close", "code": 4403}
    other.refresh_from_db()
    assert other.status == CallStatus.IN_PROGRESS  # nothing happened to the other call
