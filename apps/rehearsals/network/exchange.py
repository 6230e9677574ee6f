"""The simulated network process (the exchange): takes dial requests from Redis and plays each call.

Dial requests arrive on the Redis stream `simtel:dial` (SimulatedTelephony.place_call writes them),
read through the consumer group `simnet`: a restarted network goes on from what it had not read,
and a request older than STALE_SECONDS (placed while no network ran) is failed, as a carrier would,
rather than ringing a lead minutes late. Each call is an asyncio task; Whisper is loaded once and
shared. The key `simtel:network:alive` (EX 5 s, refreshed every second) tells the platform a network
is running. SIGTERM: take no more calls, hang up the live ones cleanly (stop, close, final callback).
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import time
import uuid
import xml.etree.ElementTree as ET

import redis

from apps.core.redis import async_redis_client
from apps.integrations.telephony.simulated import DIAL_STREAM, NETWORK_ALIVE_KEY
from apps.rehearsals.network.call import DialRequest, Network, SimulatedCall
from apps.rehearsals.network.human_side import HumanDial, HumanLeg
from apps.rehearsals.network.twilio_side import signed_post, voice_form
from apps.rehearsals.personas import PersonaError, TransferPlay, persona, personas

log = logging.getLogger(__name__)
GROUP = "simnet"  # a name in Redis, kept from the network's old package: a new name would skip queued requests
HEARTBEAT_SECONDS = 1.0
HEARTBEAT_TTL_SECONDS = 5
STALE_SECONDS = 60.0
SHUTDOWN_SECONDS = 10.0


class SimulatedNetwork:
    def __init__(self, web_url: str, token: str, redis_url: str, *, max_calls: int | None = None,
                 stt_threads: int = 1, consumer: str = ""):
        self.web_url, self.token, self.redis_url = web_url.rstrip("/"), token, redis_url
        self.max_calls, self.stt_threads = max_calls, stt_threads
        self.consumer = consumer or f"{socket.gethostname()}-{os.getpid()}"
        self.stopping = asyncio.Event()
        self.calls: dict[int, SimulatedCall] = {}
        self.tasks: set[asyncio.Task] = set()
        self.taken = 0

    async def run(self) -> None:
        personas()  # a bad persona file stops the network at start, with the file and field named
        from media_server.speech.stt import SpeechToText

        stt = await asyncio.to_thread(SpeechToText, cpu_threads=self.stt_threads)
        import httpx

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        self.redis = async_redis_client(decode=True, url=self.redis_url)
        async with httpx.AsyncClient(timeout=10) as http:
            self.network = Network(web_url=self.web_url, token=self.token, redis=self.redis, http=http, stt=stt)
            await self._ensure_group()
            beat = asyncio.create_task(self._heartbeat())
            log.info("simulated network %s up: calling %s, %d personas", self.consumer, self.web_url,
                     len(personas()))
            try:
                await self._take_calls()
                await self._drain()
            finally:
                beat.cancel()
                await self.redis.delete(NETWORK_ALIVE_KEY)
                await self.redis.aclose()
        log.info("simulated network %s stopped after %d calls", self.consumer, self.taken)

    def stop(self) -> None:
        if not self.stopping.is_set():
            log.info("simulated network %s: stopping (no new calls; hanging up %d live)", self.consumer,
                     len(self.calls))
            self.stopping.set()

    async def _ensure_group(self) -> None:
        try:
            await self.redis.xgroup_create(DIAL_STREAM, GROUP, id="$", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def _heartbeat(self) -> None:
        while True:
            await self.redis.set(NETWORK_ALIVE_KEY, json.dumps({
                "consumer": self.consumer, "web_url": self.web_url, "live_calls": len(self.calls),
                "calls": self.taken, "at": time.time()}), ex=HEARTBEAT_TTL_SECONDS)
            await asyncio.sleep(HEARTBEAT_SECONDS)

    def _full(self) -> bool:
        return self.max_calls is not None and self.taken >= self.max_calls

    async def _take_calls(self) -> None:
        while not self.stopping.is_set() and not self._full():
            try:
                batches = await self.redis.xreadgroup(GROUP, self.consumer, {DIAL_STREAM: ">"}, count=10, block=1000)
            except redis.ResponseError as exc:
                if "NOGROUP" not in str(exc):
                    raise
                await self._ensure_group()  # the stream was deleted (a test's clean slate): start again
                continue
            for _, entries in batches or []:
                for entry_id, fields in entries:
                    await self.redis.xack(DIAL_STREAM, GROUP, entry_id)
                    self._start(fields)

    def _start(self, fields: dict[str, str]) -> None:
        try:
            human = fields.get("kind") == "human"
            request = HumanDial.from_fields(fields) if human else DialRequest.from_fields(fields)
        except (KeyError, ValueError) as exc:
            log.error("simulated network: unreadable dial request %r: %s", fields, exc)
            return
        if human:
            self._spawn(self._ring_human(request))
            return
        self.taken += 1
        self._spawn(self._play(request))

    def _spawn(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _ring_human(self, dial: HumanDial) -> None:
        """A human agent's phone rung for a live transfer; they do what the lead's persona scripts for them."""
        try:
            play = persona(dial.persona).transfer
        except PersonaError:
            play = TransferPlay()
        does = play.human(dial.position)
        log.info("simulated transfer leg %s: ringing %s (%s)", dial.leg_id, dial.name or "a human agent", does)
        try:
            await HumanLeg(dial, does, self.network, play.talk_seconds).run()
        except Exception:  # noqa: BLE001 - a broken leg is the platform's to notice (no answer); the network goes on
            log.exception("simulated transfer leg %s failed", dial.leg_id)

    async def _play(self, request: DialRequest) -> None:
        age = time.time() - request.requested_at if request.requested_at else 0.0
        try:
            who = persona(request.persona)
            problem = f"dial request {age:.0f} s old: no network was running" if age > STALE_SECONDS else ""
        except PersonaError as exc:
            who, problem = persona("out_of_order"), str(exc)
        call = SimulatedCall(request, who, self.network)
        if problem:
            log.warning("simulated call %s: failed at once: %s", request.call_id, problem)
            await call.twilio.final_status("failed", 0)
            return
        self.calls[request.call_id] = call
        log.info("simulated call %s: ringing %s (persona %s)", request.call_id, request.lead_name or "a lead",
                 who.name)
        try:
            await call.run()
        finally:
            self.calls.pop(request.call_id, None)
        if who.calls_back and request.callback_to and not self.stopping.is_set():
            await self._call_in(request, who)

    async def _call_in(self, earlier: DialRequest, who) -> None:
        """The lead calls the number our call gave them, as Twilio delivers a call to one of our numbers: the
        number's voice webhook (signed), whose TwiML <Connect><Stream> the network follows with the lead talking."""
        await asyncio.sleep(who.calls_back.after_seconds)
        try:
            caller = persona(who.calls_back.persona)
        except PersonaError as exc:
            log.error("simulated lead of call %s cannot call back: %s", earlier.call_id, exc)
            return
        sid = "SIM" + uuid.uuid4().hex
        form = {**voice_form(sid, earlier.callback_to, "ringing"), "Direction": "inbound", "From": earlier.to,
                "Caller": earlier.to}
        response = await signed_post(self.network, self.web_url + "/telephony/twilio/voice", form,
                                     f"inbound call from the lead of call {earlier.call_id}")
        stream = None
        if response is not None and response.status_code == 200:
            try:
                stream = ET.fromstring(response.text).find("Connect/Stream")  # noqa: S314 (the platform's TwiML)
            except ET.ParseError:
                stream = None
        if stream is None:
            log.warning("simulated lead of call %s called back and was not put through", earlier.call_id)
            return
        parameters = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
        request = DialRequest(call_id=int(parameters["call_id"]), sid=sid, persona=caller.name,
                              lead_name=earlier.lead_name, to=earlier.to, requested_at=time.time(),
                              stream_parameters=parameters, callback_to=earlier.callback_to, inbound=True,
                              status_path="/telephony/twilio/voice/status")
        log.info("simulated call %s: %s calls back (persona %s)", request.call_id, earlier.lead_name or "a lead",
                 caller.name)
        call = SimulatedCall(request, caller, self.network)
        self.calls[request.call_id] = call
        try:
            await call.run()
        finally:
            self.calls.pop(request.call_id, None)

    async def _drain(self) -> None:
        if self.stopping.is_set():
            for call in list(self.calls.values()):
                call.hang_up("the network shut down")
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=None if not self.stopping.is_set() else SHUTDOWN_SECONDS)
