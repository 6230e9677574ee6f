"""Media-stream credentials: a short-lived token, per call, that binds a Twilio media stream to the call it is for.

The dialer puts the token in the call's TwiML (`<Stream><Parameter name="token" …/>`; the simulated network
carries the same parameters in its dial request), Twilio hands the parameters back in the stream's `start`
message, and the media consumer accepts the stream only when the token is ours, for this call id, not
expired, and the `start` names the provider call sid we placed. A captured token is worth nothing for any
other call, nor after it expires, nor (with the consumer's one-stream-per-call claim) a second time.

The token is an HMAC (SHA-256, keyed by SECRET_KEY through Django's `salted_hmac`) of the call id and the
expiry. The provider's call sid is not inside the HMAC because the TwiML is sent in the same request that
creates the call, before Twilio has said its sid; the sid is bound instead by comparing `start.callSid`
with the sid stored on the call.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "apps.calls.streams.media-stream"


def _token(call_id: int, expires: int) -> str:
    return salted_hmac(_SALT, f"{call_id}:{expires}", algorithm="sha256").hexdigest()


def stream_parameters(call, *, now: float | None = None) -> dict[str, str]:
    """The `<Parameter>`s of the call's `<Stream>`: our call id, its campaign, and the token binding them."""
    expires = int((now if now is not None else time.time()) + settings.MEDIA_STREAM_TOKEN_TTL_SECONDS)
    return {"call_id": str(call.pk), "campaign_id": str(call.campaign_id), "expires": str(expires),
            "token": _token(call.pk, expires)}


@dataclass(frozen=True)
class StreamGrant:
    """What a verified `start` may stream for."""

    call_id: int


class StreamRefused(Exception):
    """A stream's `start` does not prove it is for the call it names; `code` is the WebSocket close code."""

    def __init__(self, reason: str, code: int = 4403):
        super().__init__(reason)
        self.code = code


def verify_start(parameters: dict[str, str], call_sid: str, *, now: float | None = None) -> StreamGrant:
    """Check a `start` message's custom parameters and callSid; raises StreamRefused.

    Only the signature and expiry are checked here (no database): the caller compares `call_sid` with the
    call's stored provider sid once it has loaded the call.
    """
    call_id, expires, token = (parameters.get(name, "") for name in ("call_id", "expires", "token"))
    if not call_id.isdigit() or not expires.isdigit() or not token:
        raise StreamRefused("the start carries no stream token")
    if not constant_time_compare(token, _token(int(call_id), int(expires))):
        raise StreamRefused("the stream token is not ours for this call")
    if int(expires) < (now if now is not None else time.time()):
        raise StreamRefused("the stream token has expired")
    if not call_sid:
        raise StreamRefused("the start names no call sid")
    return StreamGrant(int(call_id))
