"""One call on the simulated network: Twilio's signed status callbacks and Media Streams WebSocket, and the lead.

The lead is a persona: it answers (or not), says hello, listens to the agent (audio collected until
~0.7 s of quiet, then transcribed by Whisper), answers by its rules in its espeak-ng voice over a line
with the persona's conditions, talks over the agent when told to, or plays an answering machine's
greeting and beep and records the message. Measured at the phone, per turn: voice-to-voice (end of the
lead's speech → first agent audio) and barge-in stop time (lead starts talking over the agent → `clear`
received, or the agent's audio stops). The call's report goes to Redis `simtel:report:<call id>`.
"""
from __future__ import annotations

import asyncio
import base64
import datetime as dt
import email.utils
import heapq
import json
import logging
import resource
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from twilio.request_validator import RequestValidator

from apps.integrations.telephony.simnet.line import FRAME_SAMPLES, FRAME_SECONDS, SILENCE, Line
from apps.integrations.telephony.simnet.personas import Persona
from apps.integrations.telephony.simnet.voice import speak, tone
from apps.integrations.telephony.simulated import HANGUP_KEY, KEY_TTL_SECONDS, call_record_key, call_record_value
from media_server.speech.audio import ulaw_to_pcm16

log = logging.getLogger(__name__)
QUIET_SECONDS = 0.7  # the agent has finished speaking when its audio has stopped this long
GAP_SECONDS = 0.25  # agent audio stopped (barge-in measurement) when nothing arrived for this long
ACCOUNT_SID = "AC" + "5" * 32
FROM_NUMBER = "+12025550199"  # the campaign's caller id on the simulated network (a fictional 555 number)
REPORT_KEY = "simtel:report:{call_id}"

REPORT_TTL_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class DialRequest:
    call_id: int
    sid: str
    persona: str
    lead_name: str = ""
    to: str = ""
    requested_at: float = 0.0  # time.time() when the platform placed it
    # Where the media stream goes instead of the platform's /media/stream (as a TwiML <Stream url> would
    # say): the benchmark's stock pipecat bot (media_server.benchmarks.stock).
    stream_url: str = ""
    # The <Stream>'s <Parameter>s (call id, stream token), sent back in `start.customParameters` as Twilio does.
    stream_parameters: dict = field(default_factory=dict)

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> DialRequest:
        return cls(call_id=int(fields["call_id"]), sid=fields["sid"], persona=fields["persona"],
                   lead_name=fields.get("lead_name", ""), to=fields.get("to", ""),
                   requested_at=float(fields.get("requested_at") or 0), stream_url=fields.get("stream_url", ""),
                   stream_parameters=json.loads(fields.get("stream_parameters") or "{}"))


@dataclass
class Network:
    """What every call shares: where the platform is, the signing token, Redis, HTTP and Whisper."""

    web_url: str
    token: str
    redis: object  # redis.asyncio.Redis (decode_responses=True)
    http: object  # httpx.AsyncClient
    stt: object  # media_server.speech.stt.SpeechToText, loaded once per process


@dataclass
class Heard:
    at: float  # monotonic arrival of its first frame
    frames: list[bytes] = field(default_factory=list)
    reply: int = 0


class SimulatedCall:
    def __init__(self, request: DialRequest, persona: Persona, network: Network, seed: int | None = None):
        self.request, self.persona, self.network = request, persona, network
        self.line = Line(persona.line, seed=request.call_id if seed is None else seed)
        self.stream_sid = "MZ" + uuid.uuid4().hex
        self.sequence = 0  # status callbacks
        self.ws = None
        self.ended = asyncio.Event()
        self.end_reason = ""
        self.hung_up_by = ""
        self.answered_at: float | None = None
        self.stream_start = 0.0
        self.frame = 0
        self._speech = bytearray()
        self._speech_done = asyncio.Event()
        self._speech_done.set()
        self._speech_end_at = 0.0
        self._pending: list[tuple[float, int, object]] = []
        self._sent_media = 0
        # What the phone heard of the agent: (arrival, payload, reply number).
        self.agent_frames: list[tuple[float, bytes, int]] = []
        self._consumed = 0
        self._reply = 0
        self._reply_frames = 0
        self.clears: list[float] = []
        self._v2v_since: float | None = None
        self.v2v_ms: list[int] = []
        self.barge_ins: list[dict] = []
        self._barge_claimed = False
        self._barge_started: float | None = None
        self._interrupted_reply: int | None = None
        self._final_sent = False
        self.turns: list[dict] = []
        self.cpu = {"loop": 0.0, "stt": 0.0, "tts": 0.0}
        self._last_line = ""
        self._tasks: list[asyncio.Task] = []

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
        if not self.ended.is_set():
            self.end_reason, self.hung_up_by = reason, self.hung_up_by or "network"
            self.ended.set()

    async def _ring(self) -> None:
        answer = self.persona.answer
        if answer in ("busy", "failed"):
            await asyncio.sleep(self.persona.ring_seconds)
            await self._final_status(answer, 0)
            self.end_reason = answer
            return
        await self._status("ringing")
        if await self._wait_ended(self.persona.ring_seconds):
            await self._final_status("canceled", 0)
            return
        if answer == "no_answer":
            await self._final_status("no-answer", 0)
            self.end_reason = "no answer"
            return
        self.answered_at = time.monotonic()
        await self._status("in-progress")

    async def _talk(self) -> None:
        await self._open_stream()
        self._tasks += [asyncio.create_task(self._send_frames()), asyncio.create_task(self._receive()),
                        asyncio.create_task(self._watch_hang_up())]
        if self.persona.hang_up_after_seconds:
            self._tasks.append(asyncio.create_task(self._hang_up_later(self.persona.hang_up_after_seconds)))
        if self.persona.answer == "machine":
            await self._answering_machine()
        else:
            self._tasks.append(asyncio.create_task(self._amd_later("human", 1.5)))
            await self._conversation()

    async def _finish(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self.ws is not None:
            if self.hung_up_by != "agent":
                await self._send_stop()
            await self.ws.close()
        if self.answered_at is not None:
            duration = max(1, round(time.monotonic() - self.answered_at))
            await self._final_status("completed", duration)

    # --- a person ---------------------------------------------------------------------------------------

    async def _conversation(self) -> None:
        persona, spoken = self.persona, 0
        if persona.hello:
            await asyncio.sleep(0.4)
            await self._say(persona.hello)
        while not self.ended.is_set():
            heard = await self._next_agent_utterance()
            if heard is None:
                return
            text = await self._transcribe(heard.frames)
            interrupted = heard.reply == self._interrupted_reply
            self.turns.append({"speaker": "agent", "text": text, "at_s": self._since_answer(heard.at),
                               **({"interrupted": True} if interrupted else {})})
            if interrupted or self.ended.is_set() or not text.strip():
                continue  # nothing to answer: a cut-off reply, or a blip Whisper heard no words in
            if persona.rule_for(text.lower()) is None and await self._agent_goes_on():
                continue  # "Perfect." … "Are you pre-approved?": answer the whole turn, not its first word
            line, hang_up = persona.reply_to(self._recent_agent_text())
            if line == "{repeat}":
                line = self._last_line or persona.default
            if not line:
                continue
            spoken += 1
            if spoken > persona.max_turns:
                self._lead_hangs_up(f"gave up after {persona.max_turns} turns")
                return
            await self._say(line)
            if hang_up:
                await asyncio.sleep(0.5)
                self._lead_hangs_up("the lead said goodbye")
                return

    async def _agent_goes_on(self, seconds: float = 1.2) -> bool:
        """Whether the agent starts speaking again within `seconds` (a slow second sentence)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.ended.is_set():
            if len(self.agent_frames) > self._consumed:
                return True
            await asyncio.sleep(0.05)
        return False

    def _recent_agent_text(self) -> str:
        """What the agent said since the lead last spoke, as one lowercase text."""
        said = []
        for turn in reversed(self.turns):
            if turn["speaker"] != "agent":
                break
            if not turn.get("interrupted"):
                said.append(turn["text"])
        return " ".join(reversed(said)).lower()

    async def _next_agent_utterance(self) -> Heard | None:
        """The agent's next utterance once it has been quiet QUIET_SECONDS; None when the call ended
        or the lead lost patience."""
        deadline = time.monotonic() + self.persona.patience_seconds
        while True:
            new = self.agent_frames[self._consumed:]
            now = time.monotonic()
            if new and (self.ended.is_set() or now - new[-1][0] >= QUIET_SECONDS):
                self._consumed += len(new)
                return Heard(at=new[0][0], frames=[payload for _, payload, _ in new], reply=new[0][2])
            if self.ended.is_set():
                return None
            if not new and now > deadline and self._speech_done.is_set():
                self._lead_hangs_up(f"the agent said nothing for {self.persona.patience_seconds:.0f} s")
                return None
            await self._wait_ended(0.05)

    async def _barge_in(self) -> None:
        text = self.persona.interrupt.say
        audio, cpu = await asyncio.to_thread(speak, self.persona.voice, text)
        self.cpu["tts"] += cpu
        self.turns.append({"speaker": "lead", "text": text, "at_s": self._since_answer(time.monotonic()),
                           "barge_in": True})
        self._barge_started = time.monotonic()  # its first frame leaves with the next tick
        await self._play(audio, measure=True)

    def _measure_barge_in(self) -> None:
        """Lead started talking over the agent → `clear` received, else the agent's audio stopped."""
        started = self._barge_started
        if started is None:
            return
        clear = next((at for at in self.clears if at >= started), None)
        arrivals = [at for at, _, reply in self.agent_frames if reply == self._interrupted_reply and at >= started]
        stopped = arrivals[-1] if arrivals else started
        entry = {"clear": clear is not None, "stop_ms": round(((clear or stopped) - started) * 1000)}
        if clear is not None:
            entry["audio_stopped_ms"] = round((stopped - started) * 1000)
        self.barge_ins.append(entry)

    # --- an answering machine -----------------------------------------------------------------------------

    async def _answering_machine(self) -> None:
        machine = self.persona.machine
        await asyncio.sleep(0.3)
        await self._say(machine.greeting)
        await asyncio.sleep(0.3)
        self.turns.append({"speaker": "lead", "text": "(beep)", "at_s": self._since_answer(time.monotonic())})
        await self._play(tone(machine.beep_hz, machine.beep_ms))
        beep_done = time.monotonic()
        before_beep = self.agent_frames[self._consumed:]
        self._consumed += len(before_beep)
        if before_beep:
            text = await self._transcribe([payload for _, payload, _ in before_beep])
            self.turns.append({"speaker": "agent", "text": text, "at_s": self._since_answer(before_beep[0][0]),
                               "before_beep": True})
        self._tasks.append(asyncio.create_task(
            self._amd("machine_end_beep", round((beep_done - self.answered_at) * 1000))))
        recorded = await self._record(beep_done + machine.record_seconds)
        if recorded:
            text = await self._transcribe([payload for _, payload, _ in recorded])
            self.turns.append({"speaker": "agent", "text": text, "at_s": self._since_answer(recorded[0][0]),
                               "message": True})
        if not self.ended.is_set():
            self._lead_hangs_up("the machine stopped recording")

    async def _record(self, until: float) -> list:
        """Keep what the agent says until it hangs up, the message has ended (3 s quiet), or time is up."""
        while not self.ended.is_set() and time.monotonic() < until:
            new = self.agent_frames[self._consumed:]
            if new and time.monotonic() - new[-1][0] > 3.0:
                break
            await self._wait_ended(0.1)
        recorded = self.agent_frames[self._consumed:]
        self._consumed += len(recorded)
        return recorded

    # --- speaking -------------------------------------------------------------------------------------------

    async def _say(self, text: str, measure: bool = True) -> None:
        audio, cpu = await asyncio.to_thread(speak, self.persona.voice, text)
        self.cpu["tts"] += cpu
        self._last_line = text
        self.turns.append({"speaker": "lead", "text": text, "at_s": self._since_answer(time.monotonic())})
        await self._play(audio, measure=measure)

    async def _play(self, audio: bytes, measure: bool = False) -> None:
        """Queue audio on the line and wait until its last frame has left the phone."""
        self._speech_done.clear()
        self._speech += audio
        while not self._speech_done.is_set() and not self.ended.is_set():
            await asyncio.sleep(0.02)
        if measure and not self.ended.is_set():
            self._v2v_since = self._speech_end_at

    def _lead_hangs_up(self, reason: str) -> None:
        if not self.ended.is_set():
            self.end_reason, self.hung_up_by = reason, "lead"
            self.ended.set()

    async def _hang_up_later(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._lead_hangs_up(f"hung up after {seconds:.0f} s")

    # --- the WebSocket: Twilio's Media Streams protocol --------------------------------------------------------

    def stream_url(self) -> str:
        if self.request.stream_url:
            return self.request.stream_url
        parts = urlsplit(self.network.web_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return f"{scheme}://{parts.netloc}/media/stream?call_id={self.request.call_id}"

    async def _open_stream(self) -> None:
        import websockets

        url = self.stream_url()
        signature = RequestValidator(self.network.token).compute_signature(url, {})
        self.ws = await websockets.connect(url, additional_headers={"X-Twilio-Signature": signature},
                                           max_size=2**20, open_timeout=10)
        await self.ws.send(json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"}))
        await self.ws.send(json.dumps({"event": "start", "sequenceNumber": "1", "streamSid": self.stream_sid,
                                       "start": {"accountSid": ACCOUNT_SID, "streamSid": self.stream_sid,
                                                 "callSid": self.request.sid, "tracks": ["inbound"],
                                                 "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000,
                                                                 "channels": 1},
                                                 "customParameters": self.request.stream_parameters or
                                                                     {"call_id": str(self.request.call_id)}}}))
        self.stream_start = time.monotonic()

    async def _send_frames(self) -> None:
        """20 ms frames in real time: the lead's speech, else silence, through the line's conditions."""
        try:
            while not self.ended.is_set():
                cpu = time.thread_time()
                payload = SILENCE
                if self._speech:
                    payload = bytes(self._speech[:FRAME_SAMPLES]).ljust(FRAME_SAMPLES, b"\xff")
                    del self._speech[:FRAME_SAMPLES]
                    if not self._speech:
                        self._speech_end_at = time.monotonic()
                        self._speech_done.set()
                if (out := self.line.transmit(self.frame, payload)) is not None:
                    heapq.heappush(self._pending, (out.due, out.frame, out))
                elapsed = time.monotonic() - self.stream_start
                while self._pending and self._pending[0][0] <= elapsed + 0.001:
                    _, frame, out = heapq.heappop(self._pending)
                    await self.ws.send(self._media(frame, out.payload))
                self.frame += 1
                self.cpu["loop"] += time.thread_time() - cpu
                await asyncio.sleep(max(0.0, self.stream_start + self.frame * FRAME_SECONDS - time.monotonic()))
        except Exception as exc:  # noqa: BLE001 - the socket went away: the call is over
            self._closed_by_agent(f"stream closed while sending: {exc.__class__.__name__}")

    def _media(self, frame: int, payload: bytes) -> str:
        self._sent_media += 1
        return json.dumps({"event": "media", "sequenceNumber": str(frame + 2), "streamSid": self.stream_sid,
                           "media": {"track": "inbound", "chunk": str(frame + 1), "timestamp": str(frame * 20),
                                     "payload": base64.b64encode(payload).decode()}})

    async def _receive(self) -> None:
        try:
            async for text in self.ws:
                cpu = time.thread_time()
                await self._handle(json.loads(text))
                self.cpu["loop"] += time.thread_time() - cpu
        except Exception as exc:  # noqa: BLE001 - a dropped socket ends the call like a close
            log.info("simulated call %s: stream error: %s", self.request.call_id, exc)
        self._closed_by_agent("the platform closed the stream (agent hung up)")

    async def _handle(self, message: dict) -> None:
        event, now = message.get("event"), time.monotonic()
        if event == "media":
            payload = base64.b64decode(message["media"]["payload"])
            if not self.agent_frames or now - self.agent_frames[-1][0] > QUIET_SECONDS:
                self._reply, self._reply_frames = self._reply + 1, 0
            self._reply_frames += 1
            self.agent_frames.append((now, payload, self._reply))
            self.line.hear_agent(payload, self.frame)
            if self._v2v_since is not None:
                self.v2v_ms.append(round((now - self._v2v_since) * 1000))
                self._v2v_since = None
            self._maybe_barge_in()
        elif event == "mark":  # played at once: echo it, as Twilio does
            await self.ws.send(json.dumps({"event": "mark", "sequenceNumber": str(self.frame + 2),
                                           "streamSid": self.stream_sid, "mark": message.get("mark", {})}))
        elif event == "clear":
            self.clears.append(now)

    def _maybe_barge_in(self) -> None:
        interrupt = self.persona.interrupt
        if (interrupt is None or self._barge_claimed or self._reply != interrupt.reply
                or self._reply_frames * FRAME_SECONDS * 1000 < interrupt.after_ms):
            return
        self._barge_claimed, self._interrupted_reply = True, self._reply  # one barge-in per call
        self._tasks.append(asyncio.create_task(self._barge_in()))

    async def _send_stop(self) -> None:
        try:
            await self.ws.send(json.dumps({"event": "stop", "sequenceNumber": str(self.frame + 2),
                                           "streamSid": self.stream_sid,
                                           "stop": {"accountSid": ACCOUNT_SID, "callSid": self.request.sid}}))
        except Exception as exc:  # noqa: BLE001 - already closed: nothing to stop
            log.debug("simulated call %s: no stop sent: %s", self.request.call_id, exc)

    def _closed_by_agent(self, reason: str) -> None:
        if not self.ended.is_set():
            self.end_reason, self.hung_up_by = reason, "agent"
            self.ended.set()

    async def _watch_hang_up(self) -> None:
        """The platform hangs up through the provider (SimulatedTelephony.hang_up), as with Twilio's REST API."""
        key = HANGUP_KEY.format(sid=self.request.sid)
        while not self.ended.is_set():
            if await self.network.redis.exists(key):
                self._closed_by_agent("the platform hung up the call")
                return
            await asyncio.sleep(0.5)

    # --- listening ----------------------------------------------------------------------------------------------

    async def _transcribe(self, frames: list[bytes]) -> str:
        samples = ulaw_to_pcm16(b"".join(frames))
        if samples.size < 1600:
            return ""
        text, cpu = await asyncio.to_thread(_timed_transcription, self.network.stt, samples)
        self.cpu["stt"] += cpu
        return text

    # --- Twilio's callbacks -----------------------------------------------------------------------------------------

    async def _status(self, status: str, duration: int | None = None) -> None:
        form = {"AccountSid": ACCOUNT_SID, "ApiVersion": "2010-04-01", "CallSid": self.request.sid,
                "CallStatus": status, "Called": self.request.to, "Caller": FROM_NUMBER,
                "CallbackSource": "call-progress-events", "Direction": "outbound-api", "From": FROM_NUMBER,
                "To": self.request.to, "SequenceNumber": str(self.sequence),
                "Timestamp": email.utils.format_datetime(dt.datetime.now(dt.UTC))}
        if duration is not None:
            form.update(CallDuration=str(duration), Duration=str(-(-duration // 60)))
        self.sequence += 1
        await self._record_provider_status(status, duration)
        await self._post(f"/telephony/twilio/status/{self.request.call_id}", form)

    async def _final_status(self, status: str, duration: int) -> None:
        if not self._final_sent:
            self._final_sent = True
            await self._status(status, duration)

    async def _amd(self, answered_by: str, detection_ms: int) -> None:
        await self._post(f"/telephony/twilio/amd/{self.request.call_id}",
                         {"AccountSid": ACCOUNT_SID, "CallSid": self.request.sid, "AnsweredBy": answered_by,
                          "MachineDetectionDuration": str(detection_ms)})

    async def _amd_later(self, answered_by: str, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self._amd(answered_by, round(seconds * 1000))

    async def _post(self, path: str, form: dict[str, str]) -> None:
        url = self.network.web_url.rstrip("/") + path
        signature = RequestValidator(self.network.token).compute_signature(url, form)
        for attempt in range(4):
            try:
                response = await self.network.http.post(url, data=form, headers={"X-Twilio-Signature": signature})
            except Exception as exc:  # noqa: BLE001 - the web server restarting: try again, as Twilio does
                log.warning("simulated call %s: callback %s failed: %s", self.request.call_id, path, exc)
                await asyncio.sleep(0.5 * 2**attempt)
                continue
            if response.status_code >= 400:
                log.warning("simulated call %s: callback %s answered %s: %s", self.request.call_id, path,
                            response.status_code, response.text[:200])
            if response.status_code < 500:
                return
            await asyncio.sleep(0.5 * 2**attempt)  # the server failed: retried, as with Twilio's retry policy

    async def _record_provider_status(self, status: str, duration: int | None) -> None:
        """The network's own record of the call (what SimulatedTelephony.find_call reads)."""
        await self.network.redis.set(call_record_key(self.request.sid),
                                     call_record_value(self.request.sid, self.request.call_id, status, duration),
                                     ex=KEY_TTL_SECONDS)

    # --- helpers and the report -------------------------------------------------------------------------

    async def _wait_ended(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self.ended.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def _since_answer(self, moment: float) -> float:
        return round(moment - (self.answered_at or moment), 2)

    def report(self, started: float) -> dict:
        self._measure_barge_in()
        return {
            "call_id": self.request.call_id, "sid": self.request.sid, "persona": self.persona.name,
            "answer": self.persona.answer, "started_at": started,
            "duration_s": round(time.monotonic() - self.answered_at, 1) if self.answered_at else 0,
            "end_reason": self.end_reason, "hung_up_by": self.hung_up_by, "turns": self.turns,
            "v2v_ms": self.v2v_ms, "barge_in": self.barge_ins,
            "frames": {"spoken": self.line.frames, "lost": self.line.lost, "sent": self._sent_media,
                       "agent": len(self.agent_frames)},
            "cpu_s": {key: round(value, 3) for key, value in self.cpu.items()} | {
                "total": round(sum(self.cpu.values()), 3)},
        }


def _timed_transcription(stt, samples: np.ndarray) -> tuple[str, float]:
    """Whisper, and the CPU it took: the process's CPU time across the transcription (CTranslate2 computes in
    its own threads; transcriptions are serialised, so only the network's light frame work overlaps)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    result = stt.transcribe(samples, 8000, language="en")
    after = resource.getrusage(resource.RUSAGE_SELF)
    return result.text, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), share * 100))
