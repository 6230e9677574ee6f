"""One live call in a media worker: Twilio frames in, the agent's voice out.

    Twilio frames → jitter/PLC → μ-law→PCM → echo cancel → denoise → 8→16 kHz   (InboundChain)
    → voice activity (Silero) → end of turn → STT (faster-whisper, off the loop)
    → agent (streams sentences) → voice (Piper | ElevenLabs) → 8 kHz μ-law 20 ms frames,
      paced in real time, a mark after each sentence to know what the lead has heard
    The lead talking over the agent (barge-in) stops it: `clear` goes to Twilio and the agent's
    turn is cut to what was played. Every turn, hand-over and latency is recorded.

Transport-agnostic: `feed()` takes Twilio's messages, `send` delivers ours.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np
from channels.db import database_sync_to_async
from django.conf import settings

from media_server.agent.interface import CallContext, Handover, Hangup, LeadTurn
from media_server.dsp.chain import InboundChain, telephone_frames
from media_server.dsp.turn import SHORT_PAUSE_MS, sounds_finished
from media_server.dsp.vad import VoiceActivity
from media_server.recording import StereoRecorder
from media_server.speech.text import sentences, speakable
from media_server.twilio_protocol import (
    Dtmf,
    Mark,
    Media,
    ProtocolError,
    Stop,
    clear_message,
    mark_message,
    media_message,
    parse,
)

log = logging.getLogger(__name__)
VAD_WINDOW_MS = 32
SPEECH_THRESHOLD = 0.5
SPEECH_START_MS = 96
PREROLL_FRAMES = 15  # 300 ms of audio before speech was detected
MAX_UTTERANCE_FRAMES = 30 * 50  # 30 s


@dataclass
class Piece:
    """One spoken sentence of an agent turn."""

    text: str
    frames: int = 0
    sent: int = 0
    heard: bool = False


@dataclass
class AgentTurn:
    number: int
    pieces: list[Piece] = field(default_factory=list)
    started_ms: int = 0
    interrupted: bool = False

    def heard_text(self) -> str:
        """What the lead actually heard: sentences Twilio confirmed, then the played share of the next."""
        words: list[str] = []
        for piece in self.pieces:
            if piece.heard:
                words += piece.text.split()
                continue
            if piece.sent and piece.frames:
                part = piece.text.split()
                words += part[: round(len(part) * piece.sent / piece.frames)]
            break
        return " ".join(words)


class CallSession:
    def __init__(self, call_id: int, stream_sid: str, send: Callable[[str], Awaitable[None]], context: CallContext,
                 agent, stt, voice, hang_up: Callable[[], Awaitable[None]] | None = None):
        self.call_id, self.stream_sid, self._send = call_id, stream_sid, send
        self.context, self.agent, self.stt, self.voice = context, agent, stt, voice
        self._hang_up = hang_up
        self.inbound = InboundChain()
        self.vad = VoiceActivity()
        self.recorder = StereoRecorder()
        self.malformed = 0
        self.started = time.monotonic()
        self._outbox: asyncio.Queue = asyncio.Queue()
        self._utterances: asyncio.Queue = asyncio.Queue()
        self._preroll: deque[np.ndarray] = deque(maxlen=PREROLL_FRAMES)
        self._utterance: list[np.ndarray] = []
        self._in_speech = False
        self._voiced_ms = 0
        self._quiet_ms = 0
        self._speech_end_ms = 0
        self._greeted = asyncio.Event()
        self._agent_turn: AgentTurn | None = None
        self._turns_spoken = 0
        self._sequence = 0
        self._dtmf = ""
        self._barged_in = False
        self._reply_task: asyncio.Task | None = None
        self._tasks: list[asyncio.Task] = []
        self.metrics: dict = {"turns": []}
        self.ended = asyncio.Event()

    # --- lifecycle -----------------------------------------------------------------

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self._pace_outbox(), name=f"call-{self.call_id}-out"),
                       asyncio.create_task(self._take_turns(), name=f"call-{self.call_id}-turns"),
                       asyncio.create_task(self._greet_after_silence(), name=f"call-{self.call_id}-greet")]

    async def end(self, reason: str) -> None:
        """Stop all work for this call at once, then keep its records."""
        if self.ended.is_set():
            return
        self.ended.set()
        for task in [*self._tasks, self._reply_task]:
            if task and not task.done() and task is not asyncio.current_task():
                task.cancel()
        if self._agent_turn is not None:
            await self._record_agent_turn(self._agent_turn)
        await database_sync_to_async(self._save_records)()
        log.info("call %s: media session ended (%s), %d malformed frames", self.call_id, reason, self.malformed)

    def now_ms(self) -> int:
        return int((time.monotonic() - self.started) * 1000)

    # --- from Twilio ---------------------------------------------------------------

    async def feed(self, text: str) -> None:
        try:
            message = parse(text)
        except ProtocolError as exc:
            self.malformed += 1
            log.debug("call %s: skipped a malformed frame: %s", self.call_id, exc)
            return
        if isinstance(message, Media) and message.track in ("inbound", "inbound_track"):
            for frame in self.inbound.push(message.chunk, message.payload, message.timestamp_ms, self.now_ms()):
                await self._on_audio(frame)
        elif isinstance(message, Mark):
            self._on_mark(message.name)
        elif isinstance(message, Dtmf):
            self._dtmf += message.digit
            await self._utterances.put(None)  # a keypress is a turn of its own
        elif isinstance(message, Stop):
            await self.end("the lead hung up")

    async def _on_audio(self, frame) -> None:
        self.recorder.add(frame.audio_8k, frame.far_8k)
        self._preroll.append(frame.audio_16k)
        if self._in_speech:
            self._utterance.append(frame.audio_16k)
        for score in self.vad.push(frame.audio_16k):
            await self._on_voice_score(score)
        if self._in_speech and len(self._utterance) >= MAX_UTTERANCE_FRAMES:
            await self._end_of_turn()

    async def _on_voice_score(self, score: float) -> None:
        if score >= SPEECH_THRESHOLD:
            self._voiced_ms += VAD_WINDOW_MS
            self._quiet_ms = 0
        else:
            self._quiet_ms += VAD_WINDOW_MS
            if not self._in_speech:
                self._voiced_ms = 0
        if not self._in_speech and self._voiced_ms >= SPEECH_START_MS:
            self._in_speech = True
            self._utterance = list(self._preroll)
        if self._in_speech and self._agent_turn is not None and self._voiced_ms >= settings.BARGE_IN_MS:
            await self._barge_in()
        if self._in_speech and self._quiet_ms - VAD_WINDOW_MS < SHORT_PAUSE_MS <= self._quiet_ms:
            self._tasks.append(asyncio.create_task(self._ask_if_finished()))
        if self._in_speech and self._quiet_ms >= settings.END_OF_TURN_SILENCE_MS:
            await self._end_of_turn()

    async def _ask_if_finished(self) -> None:
        """At the first short pause Smart Turn may end the turn early; otherwise silence decides."""
        if not self._utterance:
            return
        finished = await sounds_finished(np.concatenate(self._utterance))
        if finished and self._in_speech and self._quiet_ms >= SHORT_PAUSE_MS:
            await self._end_of_turn()

    async def _end_of_turn(self) -> None:
        if not self._in_speech:
            return  # the pause and the silence timeout both ended this turn
        self._in_speech, self._voiced_ms = False, 0
        self._speech_end_ms = self.now_ms() - self._quiet_ms
        audio = np.concatenate(self._utterance) if self._utterance else np.zeros(0, dtype=np.int16)
        self._utterance = []
        await self._utterances.put((audio, self._speech_end_ms))

    def _on_mark(self, name: str) -> None:
        turn = self._agent_turn
        if turn is None or not name.startswith(f"t{turn.number}-"):
            return
        index = int(name.rsplit("-", 1)[1])
        if index < len(turn.pieces):
            turn.pieces[index].heard = True
        if all(piece.heard for piece in turn.pieces) and (self._reply_task is None or self._reply_task.done()):
            self._finish_agent_turn()

    # --- turns ----------------------------------------------------------------------

    async def _greet_after_silence(self) -> None:
        """Outbound calls wait for the lead's hello; if none comes, greet after a short silence."""
        while not self._greeted.is_set():
            await asyncio.sleep(0.1)
            if not self._in_speech and self.now_ms() - max(self._speech_end_ms, 0) >= \
                    settings.GREETING_SILENCE_SECONDS * 1000 and self._utterances.empty():
                await self._utterances.put("greet")
                return

    async def _take_turns(self) -> None:
        while True:
            item = await self._utterances.get()
            if item == "greet" or not self._greeted.is_set():
                if self._greeted.is_set():
                    continue
                self._greeted.set()
                self._reply_task = asyncio.create_task(self._speak(self.agent.greeting(self.context), 0))
                if isinstance(item, tuple):  # the lead's "hello?" is kept, transcribed while we greet
                    await self._transcribe(*item)
                continue
            if item is None:
                turn = LeadTurn("", dtmf=self._dtmf)
                self._dtmf = ""
                lead_end = self.now_ms()
            else:
                audio, lead_end = item
                turn = await self._transcribe(audio, lead_end)
                if turn is None:
                    continue
            if self._reply_task and not self._reply_task.done():
                await self._reply_task  # let the last reply finish (or be cut by barge-in)
            self._reply_task = asyncio.create_task(self._speak(self.agent.respond(turn, self.context), lead_end))

    async def _transcribe(self, audio: np.ndarray, lead_end: int) -> LeadTurn | None:
        started = time.monotonic()
        language = None if self._turns_spoken == 0 and self.context.language == "auto" else self.context.language
        result = await self.stt.atranscribe(audio, 16000, language=language or "en")
        stt_ms = int((time.monotonic() - started) * 1000)
        self.metrics["turns"].append({"stt_ms": stt_ms})
        if result.no_speech and not result.text:
            return None
        if language is None:
            self.context.language = result.language
        duration_ms = int(audio.size / 16)
        await self._record_turn("lead", result.text, lead_end - duration_ms, lead_end, result.confidence,
                                result.language, False)
        interrupted, self._barged_in = self._barged_in, False
        return LeadTurn(result.text, result.confidence, result.language, result.usable, self._dtmf,
                        interrupted_agent=interrupted)

    async def _speak(self, outputs, lead_end_ms: int) -> None:
        """Say the agent's sentences as they come; each goes out as paced frames plus a mark."""
        self._turns_spoken += 1
        turn = AgentTurn(self._turns_spoken, started_ms=self.now_ms())
        self._agent_turn = turn
        first_frame_ms = None
        hangup: Hangup | None = None
        async for output in outputs:
            if isinstance(output, Handover):
                await self._record_transition(output)
                continue
            if isinstance(output, Hangup):
                hangup = output
                break
            for sentence in sentences(speakable(output.text)) or [output.text]:
                piece = Piece(sentence)
                turn.pieces.append(piece)
                index = len(turn.pieces) - 1
                async for audio in self.voice.speak(sentence):
                    for frame in telephone_frames(audio):
                        piece.frames += 1
                        await self._outbox.put((turn.number, index, frame))
                        if first_frame_ms is None:
                            first_frame_ms = self.now_ms()
                await self._outbox.put((turn.number, index, f"t{turn.number}-{index}"))
        if lead_end_ms and first_frame_ms is not None and self.metrics["turns"]:
            self.metrics["turns"][-1]["voice_to_voice_ms"] = first_frame_ms - lead_end_ms
        if hangup is not None:
            await self._outbox.join()  # the goodbye is played before the line goes down
            await asyncio.sleep(0.3)
            await self.end(hangup.reason)
            if self._hang_up:
                await self._hang_up()

    async def _pace_outbox(self) -> None:
        """Sends queued frames in real time (a 20 ms clock), marks as they come."""
        next_send = time.monotonic()
        while True:
            number, index, item = await self._outbox.get()
            turn = self._agent_turn
            if turn is None or turn.number != number or turn.interrupted:
                self._outbox.task_done()
                continue  # a reply cut by barge-in: drop what was queued
            if isinstance(item, str):
                await self._send(mark_message(self.stream_sid, item))
            else:
                next_send = max(next_send + 0.02, time.monotonic() - 0.04)
                delay = next_send - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                ulaw, pcm = item
                await self._send(media_message(self.stream_sid, ulaw))  # as the voice made it: no re-encoding
                self.inbound.played(pcm)
                turn.pieces[index].sent += 1
            self._outbox.task_done()

    async def _barge_in(self) -> None:
        turn = self._agent_turn
        if turn is None or turn.interrupted:
            return
        turn.interrupted = self._barged_in = True
        if self._reply_task and not self._reply_task.done():
            self._reply_task.cancel()
        await self._send(clear_message(self.stream_sid))
        log.info("call %s: the lead barged in; agent turn %d cut", self.call_id, turn.number)
        self._finish_agent_turn()

    def _finish_agent_turn(self) -> None:
        turn, self._agent_turn = self._agent_turn, None
        if turn is not None:
            asyncio.create_task(self._record_agent_turn(turn))

    # --- records ---------------------------------------------------------------------

    async def _record_agent_turn(self, turn: AgentTurn) -> None:
        text = turn.heard_text() if turn.interrupted else " ".join(p.text for p in turn.pieces)
        if text:
            await self._record_turn("agent", text, turn.started_ms, self.now_ms(), None, self.context.language,
                                    turn.interrupted)

    async def _record_turn(self, speaker, text, start_ms, end_ms, confidence, language, interrupted) -> None:
        from apps.calls.models import Turn

        self._sequence += 1
        await database_sync_to_async(Turn.objects.create)(
            call_id=self.call_id, sequence=self._sequence, speaker=speaker, text=text, start_ms=max(start_ms, 0),
            end_ms=max(end_ms, 0), stt_confidence=confidence, language=language or "", interrupted=interrupted)

    async def _record_transition(self, handover: Handover) -> None:
        from apps.calls.models import AgentTransition

        await database_sync_to_async(AgentTransition.objects.create)(
            call_id=self.call_id, from_agent=handover.from_agent, to_agent=handover.to_agent,
            reason=handover.reason[:200], at_ms=self.now_ms())

    def _save_records(self) -> None:
        from apps.calls.models import Call

        path = self.recorder.save(self.call_id)
        self.metrics.update(malformed_frames=self.malformed, lost_frames=self.inbound.jitter.stats.lost,
                            jitter_target_ms=self.inbound.jitter.stats.target_ms)
        Call.objects.filter(pk=self.call_id).update(recording=path, metrics=self.metrics)
