"""/media/stream: Twilio's WebSocket for a call's audio, relayed to the media worker holding its slot.

The consumer checks the handshake's X-Twilio-Signature (when a Twilio auth token is set; the
simulated network's, signed with its own token, is good for one simulated call), refuses
streams for unknown calls or calls not in progress, reserves (or finds) the call's
media slot, and relays Twilio's messages to that worker over Redis Streams (media_server.relay);
the worker's replies come back the same way. If the worker goes quiet for MEDIA_WORKER_ALIVE_TIMEOUT the
call is ended cleanly: a short apology, the call marked failed, the lead rescheduled.
"""
from __future__ import annotations

import asyncio
import logging
import time

import redis
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from media_server.relay import Relay
from media_server.slots import SlotRegistry
from media_server.twilio_protocol import ProtocolError, Start, media_message, parse

log = logging.getLogger(__name__)
APOLOGY = "I'm sorry, we're having a technical problem. We'll call you back shortly. Goodbye."


def _servable(call_id: int) -> bool:
    from apps.calls.models import Call, CallStatus

    return Call.objects.filter(pk=call_id, status__in=(CallStatus.DIALING, CallStatus.RINGING,
                                                       CallStatus.IN_PROGRESS)).exists()


def _fail_call(call_id: int, reason: str, hang_up: bool = True) -> None:
    from apps.calls.models import Call, CallStatus
    from apps.calls.services import finish_call
    from apps.integrations.telephony import TelephonyError, telephony

    call = Call.objects.filter(pk=call_id).first()
    if call is None:
        return
    if hang_up:
        try:
            telephony(call.provider or None).hang_up(call)
        except TelephonyError as exc:
            log.warning("call %s: hang-up after worker loss failed: %s", call_id, exc)
    finish_call(call_id, CallStatus.FAILED, outcome="failed", error=reason)


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


def _simulated_network_call(scope) -> int | None:
    """The call a handshake from the simulated network is for, or None when it is not one.

    The simulated network signs, with SIMULATED_NETWORK_TOKEN and as Twilio does, the URL it called
    (it calls us directly, no proxy), and that URL names the call (`?call_id=`): the signature is
    good for that call only, and only when the call is on the simulated network.
    """
    from urllib.parse import parse_qs

    from twilio.request_validator import RequestValidator

    from apps.calls.models import Call

    headers = dict(scope.get("headers") or [])
    signature = headers.get(b"x-twilio-signature", b"").decode()
    query = scope.get("query_string", b"").decode()
    call_id = parse_qs(query).get("call_id", [""])[0]
    if not signature or not call_id.isdigit():
        return None
    url = f"{scope.get('scheme') or 'ws'}://{headers.get(b'host', b'').decode()}{scope['path']}?{query}"
    if not RequestValidator(settings.SIMULATED_NETWORK_TOKEN).validate(url, {}, signature):
        return None
    return int(call_id) if Call.objects.filter(pk=int(call_id), provider="simulated").exists() else None


class TwilioMediaConsumer(AsyncWebsocketConsumer):
    async def connect(self):
        self.call_id = None
        self.stream_sid = ""
        self.worker_id = None
        self.relay = None
        self.last_alive = time.monotonic()
        self.watchdog = None
        self.listener = None
        self.failed = False
        self.signed_for_call = None  # a simulated network's handshake is good for one call only
        if not _signature_ok(self.scope):
            self.signed_for_call = await database_sync_to_async(_simulated_network_call)(self.scope)
            if self.signed_for_call is None:
                log.warning("refused a media stream: bad X-Twilio-Signature")
                await self.close(code=4403)
                return
        await self.accept()

    async def receive(self, text_data=None, bytes_data=None):
        if text_data is None:
            return
        if self.worker_id is not None:
            # Relayed as received: the worker parses it (once) and counts what it cannot use.
            try:
                await self.relay.to_worker(self.worker_id, {"type": "call.frame", "call_id": self.call_id,
                                                            "text": text_data})
            except redis.RedisError:
                await self._worker_lost("the relay to the media worker failed")
            return
        try:
            message = parse(text_data)
        except ProtocolError:
            return  # before `start` nothing else matters
        if isinstance(message, Start):
            await self._start(message)

    async def _start(self, start: Start) -> None:
        call_id = start.custom_parameters.get("call_id", "")
        if self.signed_for_call is not None and call_id != str(self.signed_for_call):
            log.warning("refused a media stream: signed for call %s, started for %r", self.signed_for_call, call_id)
            await self.close(code=4403)
            return
        if not call_id.isdigit() or not await database_sync_to_async(_servable)(int(call_id)):
            log.warning("refused a media stream for unknown or ended call %r", call_id)
            await self.close(code=4404)
            return
        self.call_id, self.stream_sid = int(call_id), start.stream_sid
        worker_id = await asyncio.to_thread(SlotRegistry().reserve, self.call_id)
        if not worker_id:
            log.error("call %s: no media worker can take it", self.call_id)
            await database_sync_to_async(_fail_call)(self.call_id, "no media worker available")
            await self.close(code=4503)
            return
        self.worker_id, self.relay = worker_id, Relay()
        await self.relay.reset_call(self.call_id)
        self.last_alive = time.monotonic()
        self.listener = asyncio.create_task(self._listen_to_worker())
        await self.relay.to_worker(worker_id, {"type": "call.start", "call_id": self.call_id,
                                               "stream_sid": self.stream_sid})
        self.watchdog = asyncio.create_task(self._watch_worker())

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
        while not self.failed:
            await asyncio.sleep(0.25)
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
            await database_sync_to_async(_fail_call)(self.call_id, reason, hang_up=False)
            await self._apologise()
        finally:
            await self.close()  # Twilio then ends the call: nothing follows <Connect> in our TwiML

    async def _apologise(self) -> None:
        """A short apology while the line is still open; closing the stream before it is played
        would cut it, so wait as long as it lasts."""
        try:
            audio = await asyncio.to_thread(_apology_audio)
            for start in range(0, len(audio), 160):
                await self.send(text_data=media_message(self.stream_sid, audio[start:start + 160]))
            await asyncio.sleep(len(audio) / 8000)
        except Exception:  # no voice or no line: end the call without words rather than not at all
            log.exception("call %s: could not apologise", self.call_id)

    async def disconnect(self, code):
        for task in (self.watchdog, self.listener):
            if task and task is not asyncio.current_task():
                task.cancel()
        if self.relay is not None:
            if not self.failed:
                await self.relay.to_worker(self.worker_id, {"type": "call.hangup", "call_id": self.call_id})
            await self.relay.reset_call(self.call_id)
            await self.relay.close()


_apology: bytes | None = None


def _apology_audio() -> bytes:
    """The apology, synthesised once per web process (8 kHz μ-law)."""
    global _apology
    if _apology is None:
        from media_server.speech.tts import piper_tts

        _apology = b"".join(piper_tts().telephone_chunks(APOLOGY))
    return _apology


