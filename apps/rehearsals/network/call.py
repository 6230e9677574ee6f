"""One call on the simulated network, start to end: it rings, then the lead and Twilio's side talk until one
of them (or the network) hangs up, and the measurements make its report.

The roles live in their own modules: the Twilio side (`twilio_side`: the Media Streams WebSocket, the signed
status and machine-detection callbacks), the lead side (`lead_side`: the persona listening, answering,
interrupting, hanging up) and the measurement side (`measurements`: voice-to-voice, barge-in, CPU, the
report in Redis `simtel:report:<call id>`). The call holds what they share: the request, the persona, the
line, and whether (why, by whom) the call has ended.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field

from apps.rehearsals.network.lead_side import LeadSide
from apps.rehearsals.network.line import Line
from apps.rehearsals.network.measurements import REPORT_KEY, REPORT_TTL_SECONDS, Measurements
from apps.rehearsals.network.twilio_side import TwilioSide
from apps.rehearsals.personas import Persona

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DialRequest:
    call_id: int
    sid: str
    persona: str
    lead_name: str = ""
    to: str = ""
    requested_at: float = 0.0  # time.time() when the platform placed it
    # Where the media stream goes instead of the platform's /media/stream (as a TwiML <Stream url> would
    # say): the benchmark's stock pipecat bot (apps.rehearsals.benchmarks.stock).
    stream_url: str = ""
    # The <Stream>'s <Parameter>s (call id, stream token), sent back in `start.customParameters` as Twilio does.
    stream_parameters: dict = field(default_factory=dict)
    callback_to: str = ""  # the number our voicemail names (a persona that calls back rings it)
    inbound: bool = False  # the lead called the platform (answered at once; no machine detection)
    status_path: str = ""  # where the call's status callbacks go (inbound: the number's status webhook)

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> DialRequest:
        return cls(call_id=int(fields["call_id"]), sid=fields["sid"], persona=fields["persona"],
                   lead_name=fields.get("lead_name", ""), to=fields.get("to", ""),
                   requested_at=float(fields.get("requested_at") or 0), stream_url=fields.get("stream_url", ""),
                   stream_parameters=json.loads(fields.get("stream_parameters") or "{}"),
                   callback_to=fields.get("callback_to", ""))


@dataclass
class Network:
    """What every call shares: where the platform is, the signing token, Redis, HTTP and Whisper."""

    web_url: str
    token: str
    redis: object  # redis.asyncio.Redis (decode_responses=True)
    http: object  # httpx.AsyncClient
    stt: object  # media_server.speech.stt.SpeechToText, loaded once per process


class SimulatedCall:
    def __init__(self, request: DialRequest, persona: Persona, network: Network, seed: int | None = None):
        self.request, self.persona, self.network = request, persona, network
        self.line = Line(persona.line, seed=request.call_id if seed is None else seed)
        self.ended = asyncio.Event()
        self.joined = asyncio.Event()  # moved off the media stream into a transfer's conference room
        self.transfer: dict = {}  # what the lead saw of a live transfer (the report's "transfer")
        self.end_reason = ""
        self.hung_up_by = ""
        self.answered_at: float | None = None
        self._tasks: list[asyncio.Task] = []
        self.measurements = Measurements()
        self.twilio = TwilioSide(self)
        self.lead = LeadSide(self)

    # --- the call, start to end ----------------------------------------------------------------------

    async def run(self) -> dict:
        started = time.time()
        try:
            await self._ring()
            if self.answered_at is not None:
                await self._talk()
        except Exception as exc:  # noqa: BLE001 - a broken simulated call still ends, with its reason
            log.exception("simulated call %s: %s", self.request.call_id, exc)
            self.end_reason = self.end_reason or f"simulator error: {exc}"
        finally:
            await self._finish()
        report = self.report(started)
        await self.network.redis.set(REPORT_KEY.format(call_id=self.request.call_id), json.dumps(report),
                                     ex=REPORT_TTL_SECONDS)
        log.info("simulated call %s (%s) ended: %s", self.request.call_id, self.persona.name, self.end_reason)
        return report

    def hang_up(self, reason: str) -> None:
        """End the call from outside (network shutting down, the platform hanging up)."""
        self.end(reason, "network")

    def end(self, reason: str, by: str) -> None:
        """The call is over; the first to end it (the lead, the agent, the network) gives the reason."""
        if not self.ended.is_set():
            self.end_reason, self.hung_up_by = reason, by
            self.ended.set()

    def report(self, started: float) -> dict:
        return self.measurements.report(self, started)

    async def _ring(self) -> None:
        answer, twilio = self.persona.answer, self.twilio
        if self.request.inbound:  # the platform answered the lead's call before the stream was asked for
            self.answered_at = time.monotonic()
            return
        if answer in ("busy", "failed"):
            await asyncio.sleep(self.persona.ring_seconds)
            await twilio.final_status(answer, 0)
            self.end_reason = answer
            return
        await twilio.status("ringing")
        if await self.wait_ended(self.persona.ring_seconds):
            await twilio.final_status("canceled", 0)
            return
        if answer == "no_answer":
            await twilio.final_status("no-answer", 0)
            self.end_reason = "no answer"
            return
        self.answered_at = time.monotonic()
        await twilio.status("in-progress")

    async def _talk(self) -> None:
        await self.twilio.open_stream()
        for role in (self.twilio.send_frames(), self.twilio.receive(), self.twilio.watch_hang_up()):
            self.spawn(role)
        if self.persona.hang_up_after_seconds:
            self.spawn(self.lead.hang_up_later(self.persona.hang_up_after_seconds))
        if self.persona.answer == "machine":
            await self.lead.answering_machine(on_beep=self._machine_detected)
        else:
            if not self.request.inbound:  # Twilio runs machine detection on the calls it places only
                self.spawn(self.twilio.amd_later("human", 1.5))
            await self.lead.converse()
            await self.ended.wait()  # a lead put through to a person talks on after the agent has gone

    async def join_room(self, room: str) -> None:
        """The platform moved the call into a transfer's conference: the stream stops (the AI leaves), the lead
        waits for the human's first word, talks for the persona's `transfer.talk_seconds`, then hangs up."""
        from apps.rehearsals.network.human_side import room_key

        redis = self.network.redis
        self.joined.set()
        asked = time.time() - (time.monotonic() - self.lead.last_spoke_at)  # the lead's "yes, connect me" ended
        await self.twilio.leave_stream()
        await redis.set(room_key(room, "lead"), f"{time.time():.3f}", ex=3600)
        first_word = None
        for _ in range(300):  # up to 30 s
            if raw := await redis.get(room_key(room, "first_word")):
                first_word = float(raw)
                break
            await asyncio.sleep(0.1)
        self.transfer = {"room": room, "connected": first_word is not None,
                         "connect_ms": round((first_word - asked) * 1000) if first_word else None}
        if first_word is not None:
            self.lead.turns.append({"speaker": "human", "text": "(the human agent took the call)",
                                    "at_s": self.call_seconds()})
            await asyncio.sleep(self.persona.transfer.talk_seconds)
        await redis.set(room_key(room, "ended"), "1", ex=3600)
        self.end("talked with the human agent" if first_word else "nobody in the transfer's room", "lead")

    def call_seconds(self) -> float:
        return self.since_answer(time.monotonic())

    def _machine_detected(self, beep_done: float) -> None:
        """Twilio's machine detection hears the greeting end in a beep."""
        self.spawn(self.twilio.amd("machine_end_beep", round((beep_done - self.answered_at) * 1000)))

    async def _finish(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.twilio.close()
        if self.answered_at is not None:
            duration = max(1, round(time.monotonic() - self.answered_at))
            await self.twilio.final_status("completed", duration)

    # --- what the roles share -------------------------------------------------------------------------

    def spawn(self, coroutine: Coroutine) -> None:
        """Run part of the call alongside; cancelled when the call finishes."""
        self._tasks.append(asyncio.create_task(coroutine))

    async def wait_ended(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self.ended.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def since_answer(self, moment: float) -> float:
        return round(moment - (self.answered_at or moment), 2)
