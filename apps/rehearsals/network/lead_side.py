"""The lead side of a simulated call: the persona on the phone.

A person says hello, listens to the agent (audio collected until ~0.7 s of quiet, then transcribed by Whisper),
answers by the persona's rules in its voice (network.voice), talks over the agent when told to, and hangs up when it
says goodbye, runs out of turns or of patience. An answering machine plays its greeting and beep and records
the message. The Twilio side carries what the lead says (`next_frame`) and what it hears (`hear`).
"""
from __future__ import annotations

import asyncio
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from apps.rehearsals.network.line import FRAME_SAMPLES, FRAME_SECONDS, SILENCE
from apps.rehearsals.network.voice import speak, tone
from media_server.speech.audio import ulaw_to_pcm16

if TYPE_CHECKING:
    from apps.rehearsals.network.call import SimulatedCall

QUIET_SECONDS = 0.7  # the agent has finished speaking when its audio has stopped this long


@dataclass
class Heard:
    at: float  # monotonic arrival of its first frame
    frames: list[bytes] = field(default_factory=list)
    reply: int = 0


class LeadSide:
    def __init__(self, call: SimulatedCall):
        self.call, self.persona = call, call.persona
        self.measurements = call.measurements
        self._speech = bytearray()  # what the lead is saying, not yet sent
        self._speech_done = asyncio.Event()
        self._speech_done.set()
        self._speech_end_at = 0.0
        # What the phone heard of the agent: (arrival, payload, reply number).
        self.agent_frames: list[tuple[float, bytes, int]] = []
        self._consumed = 0
        self._reply = 0
        self._reply_frames = 0
        self._barge_claimed = False
        self.interrupted_reply: int | None = None
        self.turns: list[dict] = []
        self._last_line = ""

    # --- the phone's audio, as the Twilio side carries it --------------------------------------------------

    def next_frame(self) -> bytes:
        """The lead's next 20 ms: what it is saying, else silence."""
        if not self._speech:
            return SILENCE
        payload = bytes(self._speech[:FRAME_SAMPLES]).ljust(FRAME_SAMPLES, b"\xff")
        del self._speech[:FRAME_SAMPLES]
        if not self._speech:
            self._speech_end_at = time.monotonic()
            self._speech_done.set()
        return payload

    @property
    def last_spoke_at(self) -> float:
        """When the lead last stopped speaking (monotonic)."""
        return self._speech_end_at

    def hear(self, payload: bytes, now: float) -> None:
        """Agent audio arrived; a reply starts after QUIET_SECONDS without any."""
        if not self.agent_frames or now - self.agent_frames[-1][0] > QUIET_SECONDS:
            self._reply, self._reply_frames = self._reply + 1, 0
        self._reply_frames += 1
        self.agent_frames.append((now, payload, self._reply))
        self._maybe_barge_in()

    # --- a person ------------------------------------------------------------------------------------------

    async def converse(self) -> None:
        persona, spoken = self.persona, 0
        if persona.hello:
            await asyncio.sleep(0.4)
            await self._say(persona.hello)
        while not self.call.ended.is_set():
            heard = await self._next_agent_utterance()
            if heard is None:
                return
            text = await self._transcribe(heard.frames)
            interrupted = heard.reply == self.interrupted_reply
            self.turns.append({"speaker": "agent", "text": text, "at_s": self.call.since_answer(heard.at),
                               **({"interrupted": True} if interrupted else {})})
            if interrupted or self.call.ended.is_set() or not text.strip():
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
                self._hang_up(f"gave up after {persona.max_turns} turns")
                return
            await self._say(line)
            if hang_up:
                await asyncio.sleep(0.5)
                self._hang_up("the lead said goodbye")
                return

    async def _agent_goes_on(self, seconds: float = 1.2) -> bool:
        """Whether the agent starts speaking again within `seconds` (a slow second sentence)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.call.ended.is_set():
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
            if new and (self.call.ended.is_set() or now - new[-1][0] >= QUIET_SECONDS):
                self._consumed += len(new)
                return Heard(at=new[0][0], frames=[payload for _, payload, _ in new], reply=new[0][2])
            if self.call.ended.is_set() or self.call.joined.is_set():
                return None
            if not new and now > deadline and self._speech_done.is_set():
                self._hang_up(f"the agent said nothing for {self.persona.patience_seconds:.0f} s")
                return None
            await self.call.wait_ended(0.05)

    def _maybe_barge_in(self) -> None:
        interrupt = self.persona.interrupt
        if (interrupt is None or self._barge_claimed or self._reply != interrupt.reply
                or self._reply_frames * FRAME_SECONDS * 1000 < interrupt.after_ms):
            return
        self._barge_claimed, self.interrupted_reply = True, self._reply  # one barge-in per call
        self.call.spawn(self._barge_in())

    async def _barge_in(self) -> None:
        text = self.persona.interrupt.say
        audio, cpu = await asyncio.to_thread(speak, self.persona.voice, text)
        self.measurements.spent("tts", cpu)
        self.turns.append({"speaker": "lead", "text": text, "at_s": self.call.since_answer(time.monotonic()),
                           "barge_in": True})
        self.measurements.barge_in_started(time.monotonic())  # its first frame leaves with the next tick
        await self._play(audio, measure=True)

    # --- an answering machine ------------------------------------------------------------------------------

    async def answering_machine(self, on_beep: Callable[[float], None]) -> None:
        """Greeting, beep (`on_beep` gets its end, as Twilio's machine detection hears it), then the message."""
        machine = self.persona.machine
        await asyncio.sleep(0.3)
        await self._say(machine.greeting)
        await asyncio.sleep(0.3)
        self.turns.append({"speaker": "lead", "text": "(beep)", "at_s": self.call.since_answer(time.monotonic())})
        await self._play(tone(machine.beep_hz, machine.beep_ms))
        beep_done = time.monotonic()
        # Twilio's detection hears the beep end now: not after this simulator has transcribed what the agent said
        # over the greeting (Whisper on a busy CPU took seconds, the machine then hung up before the platform heard
        # of the beep, and no message was left)
        on_beep(beep_done)
        before_beep = self.agent_frames[self._consumed:]
        self._consumed += len(before_beep)
        if before_beep:
            text = await self._transcribe([payload for _, payload, _ in before_beep])
            self.turns.append({"speaker": "agent", "text": text, "at_s": self.call.since_answer(before_beep[0][0]),
                               "before_beep": True})
        recorded = await self._record(beep_done + machine.record_seconds)
        if recorded:
            text = await self._transcribe([payload for _, payload, _ in recorded])
            self.turns.append({"speaker": "agent", "text": text, "at_s": self.call.since_answer(recorded[0][0]),
                               "message": True})
        if not self.call.ended.is_set():
            self._hang_up("the machine stopped recording")

    async def _record(self, until: float) -> list:
        """Keep what the agent says until it hangs up, the message has ended (3 s quiet since recording began and
        since its last word), or time is up."""
        started = time.monotonic()
        while not self.call.ended.is_set() and time.monotonic() < until:
            new = self.agent_frames[self._consumed:]
            if new and time.monotonic() - max(new[-1][0], started) > 3.0:
                break
            await self.call.wait_ended(0.1)
        recorded = self.agent_frames[self._consumed:]
        self._consumed += len(recorded)
        return recorded

    # --- speaking and hanging up ---------------------------------------------------------------------------

    async def _say(self, text: str, measure: bool = True) -> None:
        audio, cpu = await asyncio.to_thread(speak, self.persona.voice, text)
        self.measurements.spent("tts", cpu)
        self._last_line = text
        self.turns.append({"speaker": "lead", "text": text, "at_s": self.call.since_answer(time.monotonic())})
        await self._play(audio, measure=measure)

    async def _play(self, audio: bytes, measure: bool = False) -> None:
        """Queue audio on the line and wait until its last frame has left the phone."""
        self._speech_done.clear()
        self._speech += audio
        while not self._speech_done.is_set() and not self.call.ended.is_set():
            await asyncio.sleep(0.02)
        if measure and not self.call.ended.is_set():
            self.measurements.lead_stopped_speaking(self._speech_end_at)

    def _hang_up(self, reason: str) -> None:
        self.call.end(reason, "lead")

    async def hang_up_later(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        self._hang_up(f"hung up after {seconds:.0f} s")

    # --- listening -----------------------------------------------------------------------------------------

    async def _transcribe(self, frames: list[bytes]) -> str:
        samples = ulaw_to_pcm16(b"".join(frames))
        if samples.size < 1600:
            return ""
        text, cpu = await asyncio.to_thread(_timed_transcription, self.call.network.stt, samples)
        self.measurements.spent("stt", cpu)
        return text


def _timed_transcription(stt, samples: np.ndarray) -> tuple[str, float]:
    """Whisper, and the CPU it took: the process's CPU time across the transcription (CTranslate2 computes in
    its own threads; transcriptions are serialised, so only the network's light frame work overlaps)."""
    before = resource.getrusage(resource.RUSAGE_SELF)
    result = stt.transcribe(samples, 8000, language="en")
    after = resource.getrusage(resource.RUSAGE_SELF)
    return result.text, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
