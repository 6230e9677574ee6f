"""A media worker process: holds K call slots on one device, runs each call's session.

It registers its slots in Redis and beats every 0.5 s from a thread of its own; the consumer that terminates Twilio's
WebSocket relays each call's frames to it over Redis Streams (media_server.relay) and hears
from it every 0.5 s, so either side notices the other's death within two seconds. What the calls domain
announces about a call as it happens (machine detection's verdict: apps.calls.call_events) arrives on the same
input stream and goes to the call's session. The database is reached through the calls domain
(apps.calls.media) on the process's database thread (apps.core.dbthread). SIGTERM drains: no new calls,
live calls run to their end.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid

from django.conf import settings

from apps.calls import media as calls
from apps.calls.call_events import ANSWERED_BY, worker_inbox
from apps.calls.slots import HEARTBEAT_SECONDS, SlotRegistry
from apps.core.dbthread import run_db
from media_server.agent.interface import CallContext
from media_server.load import SAMPLE_SECONDS, LoadMeter
from media_server.relay import Relay

log = logging.getLogger(__name__)


def call_context(opening: calls.CallOpening, language: str = "auto") -> CallContext:
    """What the agent is told of the call (`language` "auto": the lead's first words, their hello, decide the
    language the call is transcribed in)."""
    return CallContext(call_id=opening.call_id, lead_name=opening.lead_name, agent_name=opening.agent_name,
                       company_name=opening.company_name, callback_number=opening.callback_number,
                       language=language, record=opening.record, inbound=opening.inbound,
                       lead_state=opening.lead_state)


class MediaWorker:
    def __init__(self, slots: int, device: str, stt, tts, agent_factory, voice_factory):
        self.slots, self.device = slots, device
        self.stt, self.tts = stt, tts
        self.agent_factory, self.voice_factory = agent_factory, voice_factory
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
        self.registry = SlotRegistry()
        self.relay = Relay()
        self.sessions: dict[int, object] = {}  # call id → CallSession
        self.draining = asyncio.Event()
        self.channel = f"redis-stream:{worker_inbox(self.worker_id)}"
        self._stop_beating = threading.Event()
        self.load = LoadMeter(slots) if settings.MEDIA_ADMISSION == "load" else None
        if self.load is not None and hasattr(stt, "observe_wait"):
            stt.observe_wait = self.load.stt_wait

    async def run(self) -> None:
        await self.relay.reset_worker(self.worker_id)
        await asyncio.to_thread(self.registry.register, self.worker_id, self.slots, self.device, self.channel)
        log.info("media worker %s ready on %s with %d slots", self.worker_id, self.device, self.slots)
        heart = threading.Thread(target=self._heartbeat, name="media-heartbeat", daemon=True)
        heart.start()
        beats = asyncio.create_task(self._tell_calls())
        receiving = asyncio.create_task(self._receive())
        measuring = asyncio.create_task(self._measure_load()) if self.load is not None else None
        await self.draining.wait()
        await asyncio.to_thread(self.registry.drain, self.worker_id)
        while self.sessions:
            await asyncio.sleep(0.2)
        receiving.cancel()
        beats.cancel()
        if measuring is not None:
            measuring.cancel()
        self._stop_beating.set()
        await asyncio.to_thread(heart.join)
        await asyncio.to_thread(self.registry.unregister, self.worker_id)
        log.info("media worker %s drained and stopped", self.worker_id)

    def drain(self) -> None:
        self.draining.set()

    def _heartbeat(self) -> None:
        """The registry's heartbeat, off the event loop and its thread pool: speech models busy on every
        core must not make a live worker look dead (its calls would be ended, its slots lost)."""
        registry = SlotRegistry()  # a connection of its own
        while not self._stop_beating.wait(HEARTBEAT_SECONDS):
            calls = list(self.sessions)
            load = None if self.load is None else self.load.reading_now(len(calls))
            try:
                if registry.heartbeat(self.worker_id, self.slots, self.device, self.channel, calls, load):
                    log.warning("media worker %s missed its heartbeat and registered again with %d call(s)",
                                self.worker_id, len(self.sessions))
                    if self.draining.is_set():
                        registry.drain(self.worker_id)
            except Exception:  # noqa: BLE001 - Redis away for a moment: beat again next time
                log.warning("media worker %s: heartbeat failed", self.worker_id, exc_info=True)

    async def _measure_load(self) -> None:
        """What this worker can carry (media_server.load), read every SAMPLE_SECONDS on the event loop itself: how
        late its own wake-ups are is the loop's lag, and each call's new turns give their voice-to-voice time."""
        lag_every = SAMPLE_SECONDS / 5
        seen: dict[int, int] = {}  # call id → turns already counted
        while True:
            for _ in range(5):
                asked = time.monotonic()
                await asyncio.sleep(lag_every)
                self.load.loop_lag((time.monotonic() - asked - lag_every) * 1000)
            for call_id, session in list(self.sessions.items()):
                turns = session.metrics["turns"]
                for turn in turns[seen.get(call_id, 0):]:
                    if "voice_to_voice_ms" in turn:
                        self.load.turn(turn["voice_to_voice_ms"])
                seen[call_id] = len(turns) if turns and "voice_to_voice_ms" in turns[-1] else max(0, len(turns) - 1)
            for call_id in set(seen) - set(self.sessions):
                del seen[call_id]
            self.load.sample(len(self.sessions))

    async def _tell_calls(self) -> None:
        """Each call's consumer hears that this worker is alive (it ends the call when it stops hearing), and
        a call whose consumer stopped renewing its stream's lease (killed without closing) is ended here."""
        while True:
            calls = list(self.sessions)
            for call_id in calls:
                await self.relay.to_call(call_id, {"type": "worker.alive"})
            for call_id in set(calls) - await self.relay.live_streams(calls):
                if session := self.sessions.pop(call_id, None):
                    log.warning("call %s: its media stream is gone (lease expired); ending the call", call_id)
                    await session.end("the media stream is gone")
            await asyncio.sleep(HEARTBEAT_SECONDS)

    async def _receive(self) -> None:
        async for message in self.relay.worker_messages(self.worker_id):
            try:
                await self._dispatch(message)
            except Exception:  # one call's failure must not take the others down
                log.exception("media worker: message %s failed", message.get("type"))

    async def _dispatch(self, message: dict) -> None:
        kind, call_id = message.get("type"), int(message.get("call_id", 0))
        if kind == "call.frame":
            session = self.sessions.get(call_id)
            if session:
                await session.feed(message["text"])
        elif kind == "call.start":
            await self._start(call_id, message["stream_sid"])
        elif kind == "call.hangup":
            session = self.sessions.pop(call_id, None)
            if session:
                await session.end("the stream closed")
        elif kind == ANSWERED_BY:  # announced by the calls domain (apps.calls.call_events)
            session = self.sessions.get(call_id)
            if session:
                await session.answered_by(message["answered_by"])

    async def _start(self, call_id: int, stream_sid: str) -> None:
        from media_server.session import CallSession

        opening = await run_db(calls.call_opening, call_id)
        if opening is None or self.draining.is_set():
            await self.relay.to_call(call_id, {"type": "twilio.close", "reason": "call not servable"})
            return

        async def send(text: str) -> None:
            await self.relay.to_call(call_id, {"type": "twilio.send", "text": text})

        async def hang_up() -> None:
            call = await run_db(calls.call_to_hang_up, call_id)
            if call is not None:
                await asyncio.to_thread(calls.hang_up, call)
            await self.relay.to_call(call_id, {"type": "twilio.close", "reason": "agent hung up"})

        session = CallSession(call_id, stream_sid, send, call_context(opening), self.agent_factory(), self.stt,
                              self.voice_factory(call_id), hang_up)
        self.sessions[call_id] = session
        await session.start()
        asyncio.create_task(self._forget_when_done(call_id, session))
        await self.relay.to_call(call_id, {"type": "worker.alive"})

    async def _forget_when_done(self, call_id: int, session) -> None:
        await session.ended.wait()
        self.sessions.pop(call_id, None)
        await asyncio.to_thread(self.registry.release, call_id)  # the slot is free for the next call
