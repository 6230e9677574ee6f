"""Twilio Programmable Voice: calls.create with a <Connect><Stream> TwiML, status and AMD callbacks."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from xml.sax.saxutils import quoteattr

import requests
from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from apps.calls.streams import stream_parameters
from apps.compliance.recording import recording_decision
from apps.integrations.telephony import twiml
from apps.integrations.telephony.base import ProviderCall, Telephony, TelephonyError
from apps.leads.models import mask_phone
from apps.leads.phones import normalize_or_none

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
# Twilio error codes that mean the number itself cannot be called.
INVALID_NUMBER_CODES = {13223, 13224, 13225, 13226, 21211, 21214, 21217, 21401, 21407}
STATUS_EVENTS = ["initiated", "ringing", "answered", "completed"]


class _BaseUrlHttpClient(TwilioHttpClient):
    """Sends api.twilio.com requests to another base URL (tests at the wire, regional proxies)."""

    def __init__(self, base_url: str, timeout: float):
        super().__init__(timeout=timeout)
        self.base_url = base_url.rstrip("/")

    def request(self, method, url, *args, **kwargs):
        if url.startswith(TWILIO_API):
            url = self.base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


def public_url(path: str, scheme: str = "https") -> str:
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    if scheme == "wss":
        base = "wss://" + base.split("://", 1)[1]
    return base + path


def stream_twiml(call, stream_url: str | None = None) -> str:
    """TwiML that connects the answered call's audio to our media server (`stream_url`, else our public wss
    address), with our call id and the short-lived token that binds the stream to this call (apps.calls.streams)."""
    url = stream_url or public_url(settings.MEDIA_STREAM_PATH, "wss")
    parameters = "".join(f"<Parameter name={quoteattr(name)} value={quoteattr(value)}/>"
                         for name, value in stream_parameters(call).items())
    return f"<Response><Connect><Stream url={quoteattr(url)}>{parameters}</Stream></Connect></Response>"


def caller_id(campaign) -> str:
    """The number a lead sees and can call back: the campaign's own (one of the Twilio account's numbers), else the
    server's TWILIO_FROM_NUMBER. The voicemail the agent leaves names the same number."""
    return normalize_or_none(campaign.callback_number or "") or settings.TWILIO_FROM_NUMBER


class TwilioTelephony(Telephony):
    name = "twilio"

    def __init__(self):
        missing = [name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "PUBLIC_BASE_URL")
                   if not getattr(settings, name)]
        if missing:
            raise TelephonyError(f"Twilio is not configured: set {', '.join(missing)}", permanent=True)
        http = _BaseUrlHttpClient(settings.TWILIO_API_BASE_URL, timeout=settings.TWILIO_TIMEOUT_SECONDS)
        self.client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)

    def place_call(self, call) -> str:
        status_url = public_url(reverse("twilio-status", args=[call.pk]))
        params = {
            "to": call.lead.phone,
            "from_": caller_id(call.campaign),
            "twiml": stream_twiml(call),
            "status_callback": status_url,
            "status_callback_event": STATUS_EVENTS,
            "status_callback_method": "POST",
            "timeout": settings.TWILIO_RING_TIMEOUT_SECONDS,
            "time_limit": settings.CALL_MAX_SECONDS,
        }
        if call.lead.phone_extension:
            params["send_digits"] = "w" + call.lead.phone_extension
        if settings.TWILIO_MACHINE_DETECTION:
            params.update(machine_detection="DetectMessageEnd", async_amd="true",
                          async_amd_status_callback=public_url(reverse("twilio-amd", args=[call.pk])),
                          async_amd_status_callback_method="POST")
        if settings.TWILIO_RECORD_CALLS and recording_decision(call.lead, call.campaign).record:
            params.update(record=True, recording_channels="dual")
        with _twilio_errors(maybe_placed=True):  # the caller looks the call up before trying again
            created = self.client.calls.create(**params)
        log.info("call %s placed with Twilio as %s to %s", call.pk, created.sid, mask_phone(call.lead.phone))
        return created.sid

    def hang_up(self, call) -> None:
        if not call.provider_call_id:
            return
        with _twilio_errors(missing_ok=True):  # a call Twilio does not know is not on the line
            self.client.calls(call.provider_call_id).update(status="completed")

    def find_call(self, call) -> ProviderCall | None:
        found = None
        with _twilio_errors(missing_ok=True):  # a 404: Twilio never placed it
            if call.provider_call_id:
                found = self.client.calls(call.provider_call_id).fetch()
            else:
                found = self._find_unsaved(call)
        if found is None:
            return None
        duration = int(found.duration) if found.duration not in (None, "") else None
        return ProviderCall(found.sid, found.status, duration, found.price)

    def dial_human(self, leg) -> str:
        call = leg.transfer.call
        params = {
            "to": leg.human.phone,
            "from_": caller_id(call.campaign),
            "url": public_url(reverse("twilio-transfer-whisper", args=[leg.pk])),
            "method": "POST",
            "status_callback": public_url(reverse("twilio-transfer-status", args=[leg.pk])),
            "status_callback_event": STATUS_EVENTS,
            "status_callback_method": "POST",
            "timeout": settings.TRANSFER_RING_SECONDS,
            "time_limit": settings.TRANSFER_TALK_MAX_SECONDS,
        }
        with _twilio_errors():
            created = self.client.calls.create(**params)
        log.info("call %s: ringing human agent %s for a transfer (%s)", call.pk, leg.human_id, created.sid)
        return created.sid

    def join_conference(self, call, room: str) -> None:
        record = settings.TWILIO_RECORD_CALLS and recording_decision(call.lead, call.campaign).record
        with _twilio_errors():
            self.client.calls(call.provider_call_id).update(
                twiml=twiml.join(room, time_limit=settings.TRANSFER_TALK_MAX_SECONDS, record=record),
                time_limit=settings.TRANSFER_TALK_MAX_SECONDS)

    def end_leg(self, leg) -> None:
        if not leg.provider_call_id:
            return
        with _twilio_errors(missing_ok=True):
            self.client.calls(leg.provider_call_id).update(status="completed")

    def _find_unsaved(self, call):
        """The call Twilio created for us although its answer never reached us. StartTime filters by
        date only, and a call waiting in Twilio's calls-per-second queue has no start time yet: keep
        only calls to this number created since this attempt began, queued ones included."""
        since = (call.created_at - dt.timedelta(minutes=1)).astimezone(dt.UTC)
        calls = self.client.calls
        from_ = caller_id(call.campaign)
        matches = calls.list(to=call.lead.phone, from_=from_, start_time_after=since, limit=20)
        matches += calls.list(to=call.lead.phone, from_=from_, status="queued", limit=20)
        ours = [c for c in matches if c.date_created and c.date_created >= since]
        return min(ours, key=lambda c: c.date_created) if ours else None


@contextmanager
def _twilio_errors(*, maybe_placed: bool = False, missing_ok: bool = False) -> Iterator[None]:
    """The one place where what a request to Twilio can raise becomes a TelephonyError: Twilio's refusals by
    their code, and any failure of the network on the way (refused, reset, cut off, timed out: every
    requests.RequestException). `maybe_placed`: the request may have reached Twilio before the network failed;
    `missing_ok`: a 404 (no such call) is an answer, not an error, and is swallowed."""
    try:
        yield
    except TwilioRestException as exc:
        if not (missing_ok and exc.status == 404):
            raise _error(exc) from exc
    except requests.RequestException as exc:
        raise TelephonyError(f"Twilio did not answer: {exc.__class__.__name__}", maybe_placed=maybe_placed) from exc


def _error(exc: TwilioRestException) -> TelephonyError:
    message = f"Twilio error {exc.code}: {exc.msg}"
    if exc.code in INVALID_NUMBER_CODES:
        return TelephonyError(message, invalid_number=True)
    if exc.status >= 500:
        # Twilio may have created the call before failing: look it up before trying again.
        return TelephonyError(message, maybe_placed=True)
    if exc.status in (401, 403, 429):
        # Our credentials, permissions or rate: not the lead's fault, so not a used attempt.
        return TelephonyError(message)
    return TelephonyError(message, permanent=True)
