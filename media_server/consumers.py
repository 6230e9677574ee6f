"""/media/stream: Twilio's WebSocket for a call's audio, relayed to the media worker holding its slot.

Who may stream (tests/security/test_media_stream_takeover.py): the handshake must carry Twilio's
X-Twilio-Signature when a Twilio auth token is set (or the simulated network's, good for one simulated call),
and whatever the settings, the `start` message must carry the call's stream token (apps.calls.streams: an
HMAC of the call id and an expiry that the dialer put in the call's TwiML) and name the provider call sid
we placed. One stream per call, ever: a second is refused and the first keeps going. A refused stream never
touches the call. A connection with no valid `start` within MEDIA_STREAM_START_TIMEOUT_SECONDS is closed.

Bounds: a message over MEDIA_STREAM_MAX_MESSAGE_BYTES closes the stream (4413); messages beyond
MEDIA_STREAM_MAX_MESSAGES_PER_SECOND (Twilio sends 50) are dropped, and a flood of five times that closes
it (4429). The consumer renews a lease on its call's stream; whatever way it ends (closed, or cancelled by
daphne without `disconnect()`) it tells the worker and gives the lease up, and a worker whose call lost its
lease (the web process was killed) ends the call and frees the slot.

If the worker goes quiet for MEDIA_WORKER_ALIVE_TIMEOUT the call is ended cleanly: a short apology, the call
marked failed, the lead rescheduled.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import time

import redis
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.utils.crypto import constant_time_compare

from apps.calls import media as calls
from apps.calls.slots import SlotRegistry
from apps.calls.streams import StreamRefused, verify_start
from apps.core.dbthread import run_db
from media_server.relay import Relay
from media_server.twilio_protocol import Dtmf, ProtocolError, Start, media_message, parse

log = logging.getLogger(__name__)
APOLOGY = "I'm sorry, we're having a technical problem. We'll call you back shortly. Goodbye."


async def _fail_call(call_id: int, reason: str, hang_up: bool = True) -> None:
    """The call ends failed (hung up first, unless the line is to stay open for an apology)."""
    call = await run_db(calls.call_to_hang_up, call_id)
    if call is None:
        return
    if hang_up:
        await asyncio.to_thread(calls.hang_up, call)  # the provider, off the database thread
    await run_db(calls.fail_call, call_id, reason)


def _signature_ok(scope) -> bool:
    if not settings.TWILIO_AUTH_TOKEN:
        return True
    from twilio.request_validator import RequestValidator

    from apps.integrations.telephony.twilio import public_url

    headers = dict(scope.get("headers") or [])
    signature = headers.get(b"x-twilio-signature", b"").decode()
    query = scope.get("query_string", b"").decode()
    url = public_url(scope["path"] + (f"?{query}" if query else ""), "wss")
    return RequestValidator(settings.TWILIO_AUTH_TOKEN).validate(url, {}, signature)


async def _simulated_network_call(scope) -> int | None:
    """The call a handshake from the simulated network is for, or None when it is not one.

    The simulated network signs, with SIMULATED_NETWORK_TOKEN and as Twilio does, the URL it called
    (it calls us directly, no proxy), and that URL names the call (`?call_id=`): the signature is
    good for that call only, and only when the call is on the simulated network.
    """
    call_id = _simulated_signature_for(scope)
    return call_id if call_id is not None and await run_db(calls.is_simulated_call, call_id) else None


def _simulated_signature_for(scope) -> int | None:
    """The call named by a handshake that carries the simulated network's good signature, or None."""
    from urllib.parse import parse_qs

    from twilio.request_validator import RequestValidator

    headers = dict(scope.get("headers") or [])
    signature = headers.get(b"x-twilio-signature", b"").decode()
    query = scope.get("query_string", b"").decode()
    call_id = parse_qs(query).get("call_id", [""])[0]
    if not signature or not call_id.isdigit():
        return None
    url = f"{scope.get('scheme') or 'ws'}://{headers.get(b'host', b'').decode()}{scope['path']}?{query}"
    if not RequestValidator(settings.SIMULATED_NETWORK_TOKEN).validate(url, {}, signature):
        return None
    return int(call_id)


class _Budget:
    """A token bucket: `rate` messages a second, bursts of `burst`."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


class TwilioMediaConsumer(AsyncWebsocketConsumer):
    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            # Also when daphne cancels a consumer that did not finish in time (no `disconnect()` then):
            # the worker hears the call is over and the lease goes, whatever happens to this task next.
            cleanup = asyncio.ensure_future(self._cleanup())
            await asyncio.shield(cleanup)

    async def connect(self):
        self.call_id = None
        self.stream_sid = ""
        self.worker_id = None
        self.relay = None
        self.last_alive = time.monotonic()
        self.watchdog = None
        self.listener = None
        self.deadline = None
        self.abandoning = None
        self.opted_out = False
        self.failed = False
        self.closing = False
        self.cleaned = False
        self.budget = _Budget(settings.MEDIA_STREAM_MAX_MESSAGES_PER_SECOND,
                              2.5 * settings.MEDIA_STREAM_MAX_MESSAGES_PER_SECOND)
        self.dropped, self.dropped_window = 0, (0, 0.0)
        self.signed_for_call = None  # a simulated network's handshake is good for one call only
        if not _signature_ok(self.scope):
            self.signed_for_call = await _simulated_network_call(self.scope)
            if self.signed_for_call is None:
                log.warning("refused a media stream: bad X-Twilio-Signature")
                await self.close(code=4403)
                return
        await self.accept()
        self.deadline = asyncio.create_task(self._close_unless_started())

    async def _close_unless_started(self) -> None:
        await asyncio.sleep(settings.MEDIA_STREAM_START_TIMEOUT_SECONDS)
        if self.call_id is None:
            log.warning("refused a media stream: no valid start within %.0f s",
                        settings.MEDIA_STREAM_START_TIMEOUT_SECONDS)
            await self._refuse(4408)

    async def _refuse(self, code: int) -> None:
        self.closing = True
        await self.close(code=code)

    async def receive(self, text_data=None, bytes_data=None):
        if self.closing:
            return
        size = len(text_data or bytes_data or "")
        if text_data is not None and size > settings.MEDIA_STREAM_MAX_MESSAGE_BYTES // 4:
            size = len(text_data.encode())  # a character may be 4 bytes; a media frame (~400 ASCII ones) never is
        if size > settings.MEDIA_STREAM_MAX_MESSAGE_BYTES:
            log.warning("call %s: closing the stream: a %d-byte message", self.call_id, size)
            await self._refuse(4413)
            return
        if not self.budget.take():
            await self._drop()
            return
        if text_data is None:
            return  # Twilio sends text frames only
        if self.worker_id is not None:
            # Relayed as received: the worker parses it (once) and counts what it cannot use.
            try:
                await self.relay.to_worker(self.worker_id, {"type": "call.frame", "call_id": self.call_id,
                                                            "text": text_data})
            except redis.RedisError:
                await self._worker_lost("the relay to the media worker failed")
            return
        if self.abandoning is not None:
            await self._on_keypress_while_abandoned(text_data)
            return
        if self.call_id is not None:
            return  # started, and waiting for its slot
        try:
            message = parse(text_data)
        except ProtocolError:
            return  # before `start` nothing else matters
        if isinstance(message, Start):
            await self._start(message)

    async def _drop(self) -> None:
        """Over the message rate: drop, and close a stream that floods (five times the rate within a second)."""
        second = int(time.monotonic())
        count = self.dropped_window[1] + 1 if self.dropped_window[0] == second else 1
        self.dropped_window, self.dropped = (second, count), self.dropped + 1
        if count == 1:
            log.warning("call %s: over %d messages a second, dropping", self.call_id,
                        settings.MEDIA_STREAM_MAX_MESSAGES_PER_SECOND)
        if count > 5 * settings.MEDIA_STREAM_MAX_MESSAGES_PER_SECOND:
            log.warning("call %s: closing a flooding stream (%d dropped)", self.call_id, self.dropped)
            await self._refuse(4429)

    async def _start(self, start: Start) -> None:
        try:
            grant = verify_start(start.custom_parameters, start.call_sid)
        except StreamRefused as refused:
            log.warning("refused a media stream: %s", refused)
            await self._refuse(refused.code)
            return
        if self.signed_for_call is not None and grant.call_id != self.signed_for_call:
            log.warning("refused a media stream: signed for call %s, started for %s", self.signed_for_call,
                        grant.call_id)
            await self._refuse(4403)
            return
        servable, provider_sid = await run_db(calls.stream_target, grant.call_id)
        if not servable:
            log.warning("refused a media stream for unknown or ended call %s", grant.call_id)
            await self._refuse(4404)
            return
        if not provider_sid or not constant_time_compare(provider_sid, start.call_sid):
            log.warning("refused a media stream for call %s: its callSid is not the call's", grant.call_id)
            await self._refuse(4403)
            return
        relay = Relay()
        if not await relay.claim_stream(grant.call_id, self.channel_name, _claim_seconds()):
            await relay.close()
            log.warning("refused a second media stream for call %s", grant.call_id)
            await self._refuse(4409)
            return
        self.call_id, self.stream_sid, self.relay = grant.call_id, start.stream_sid, relay
        await self.relay.renew_stream(self.call_id)
        await self._serve()

    async def _serve(self) -> None:
        """The stream is the call's own: reserve (or find) its slot and start relaying. Someone has answered, so
        any free slot serves, whatever its worker's load (the dialer heeded the load before it rang)."""
        worker_id = await asyncio.to_thread(SlotRegistry().reserve, self.call_id, False)
        if not worker_id:
            log.error("call %s: no media worker can take it; playing the identification message", self.call_id)
            self.failed = True  # no worker to tell anything
            self.abandoning = asyncio.create_task(self._abandon("no media worker available"))
            return
        self.worker_id = worker_id
        await self.relay.reset_call(self.call_id)
        self.last_alive = time.monotonic()
        self.listener = asyncio.create_task(self._listen_to_worker())
        await self.relay.to_worker(worker_id, {"type": "call.start", "call_id": self.call_id,
                                               "stream_sid": self.stream_sid})
        self.watchdog = asyncio.create_task(self._watch_worker())

    async def _abandon(self, reason: str) -> None:
        """Nobody can speak to the person who answered: the call is abandoned (apps.compliance.abandonment), and
        instead of silence they hear who called, the number to call back, and that 9 stops our calls; then the
        stream closes (4503). A 9 pressed meanwhile puts the number on the do-not-call list (receive())."""
        try:
            opening = await run_db(calls.abandon_call, self.call_id, reason)
            if opening is not None:
                audio = await asyncio.to_thread(identification_audio, opening.company_name,
                                                opening.callback_number)
                await self._play(audio)
                await asyncio.sleep(KEYPRESS_GRACE_SECONDS)  # time to press 9 after the message
        except Exception:  # the record stands; end the call rather than hold the line
            log.exception("call %s: could not play the identification message", self.call_id)
        finally:
            await self._refuse(4503)

    async def _on_keypress_while_abandoned(self, text_data: str) -> None:
        try:
            message = parse(text_data)
        except ProtocolError:
            return
        if isinstance(message, Dtmf) and message.digit == "9" and not self.opted_out:
            self.opted_out = True
            log.info("call %s: the lead pressed 9 during the identification message", self.call_id)
            await run_db(calls.opt_out_by_keypad, self.call_id)

    async def _play(self, audio: bytes) -> None:
        """8 kHz μ-law audio to the caller, then wait as long as it lasts (closing sooner would cut it)."""
        for start in range(0, len(audio), 160):
            await self.send(text_data=media_message(self.stream_sid, audio[start:start + 160]))
        await asyncio.sleep(len(audio) / 8000)

    async def _listen_to_worker(self) -> None:
        async for message in self.relay.call_messages(self.call_id):
            kind = message.get("type")
            if kind == "twilio.send":
                await self.send(text_data=message["text"])
            elif kind == "worker.alive":
                self.last_alive = time.monotonic()
            elif kind == "twilio.close":
                log.info("call %s: closing the stream: %s", self.call_id, message.get("reason", ""))
                await self.close()
                return

    async def _watch_worker(self) -> None:
        renewed = time.monotonic()
        while not self.failed:
            await asyncio.sleep(0.25)
            if time.monotonic() - renewed > 1.0:
                renewed = time.monotonic()
                await self.relay.renew_stream(self.call_id)
            if time.monotonic() - self.last_alive > settings.MEDIA_WORKER_ALIVE_TIMEOUT:
                await self._worker_lost("media worker stopped responding")

    async def _worker_lost(self, reason: str) -> None:
        """End the call cleanly: a short apology while the line is open, the call failed, the lead
        rescheduled (finish_call's retry policy)."""
        if self.failed:
            return
        self.failed = True
        log.error("call %s: %s; ending the call", self.call_id, reason)
        try:
            # First the record (the lead is rescheduled, never left "in a call"), then the words.
            await _fail_call(self.call_id, reason, hang_up=False)
            await self._apologise()
        finally:
            await self.close()  # Twilio then ends the call: nothing follows <Connect> in our TwiML

    async def _apologise(self) -> None:
        """A short apology while the line is still open; closing the stream before it is played
        would cut it, so wait as long as it lasts."""
        try:
            await self._play(await asyncio.to_thread(_apology_audio))
        except Exception:  # no voice or no line: end the call without words rather than not at all
            log.exception("call %s: could not apologise", self.call_id)

    async def disconnect(self, code):
        await self._cleanup()

    async def _cleanup(self) -> None:
        """Everything this stream holds goes, once: its tasks, the worker's session, the lease, the reply stream."""
        if getattr(self, "cleaned", True):
            return  # never connected, or already done
        self.cleaned = True
        for task in (self.deadline, self.watchdog, self.listener, self.abandoning):
            if task and task is not asyncio.current_task():
                task.cancel()
        if self.relay is None:
            return
        try:
            if self.worker_id is not None and not self.failed:
                await self.relay.to_worker(self.worker_id, {"type": "call.hangup", "call_id": self.call_id})
            await self.relay.end_stream(self.call_id)
            await self.relay.reset_call(self.call_id)
        except redis.RedisError:
            log.warning("call %s: could not tell the worker the stream closed; its lease runs out", self.call_id)
        finally:
            await self.relay.close()


def _claim_seconds() -> int:
    """How long a call's stream claim is kept: as long as the call may last, and then some."""
    return settings.CALL_MAX_SECONDS + settings.MEDIA_STREAM_TOKEN_TTL_SECONDS


_apology: bytes | None = None
KEYPRESS_GRACE_SECONDS = 3.0


@functools.lru_cache(maxsize=64)
def identification_audio(company: str, callback_number: str) -> bytes:
    """The abandoned-call message (8 kHz μ-law), rendered once per campaign wording and kept."""
    from media_server.speech.text import identification
    from media_server.speech.tts import piper_tts

    return b"".join(piper_tts().telephone_chunks(identification(company, callback_number)))


def _apology_audio() -> bytes:
    """The apology, synthesised once per web process (8 kHz μ-law)."""
    global _apology
    if _apology is None:
        from media_server.speech.tts import piper_tts

        _apology = b"".join(piper_tts().telephone_chunks(APOLOGY))
    return _apology


