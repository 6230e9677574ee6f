"""The agent's voice to Twilio: 20 ms PCM16 frames paced out in real time as 8 kHz μ-law (the
outbound edge: μ-law exists only here), a mark after each sentence to learn what the lead has
heard, `clear` on barge-in, and the agent's Turn rows — an interrupted reply cut to what was played.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np
from pipecat.frames.frames import (
    EndWorkerFrame,
    Frame,
    InterruptionFrame,
    StartFrame,
    TTSAudioRawFrame,
    TTSStoppedFrame,
    TTSTextFrame,
)
from pipecat.processors.frame_processor import FrameDirection

from apps.compliance.abandonment import SPEAK_WITHIN
from media_server.agent.interface import CallContext
from media_server.pipeline.frames import (
    AgentHangupFrame,
    MarkHeardFrame,
    ReplyEndFrame,
    ReplyFinishedFrame,
    ReplyStartedFrame,
)
from media_server.pipeline.inbound import EchoReference
from media_server.pipeline.records import CallRecords
from media_server.pipeline.stage import DirectStage
from media_server.speech.audio import pcm16_to_ulaw
from media_server.twilio_protocol import clear_message, mark_message, media_message

log = logging.getLogger(__name__)
ABANDON_AFTER_MS = int(SPEAK_WITHIN.total_seconds() * 1000)  # the greeting's limit after the lead's hello
FRAME_SECONDS = 0.02
HANGUP_GRACE_SECONDS = 0.3  # after the goodbye's last frame, before the line goes down
# A goodbye the lead talked over: the agent hears them out and says it again (media_server.agent.orchestrator's
# closing turn). When no words of theirs come of it (a cough, a "mm"), the line goes down this long after the cut.
HANGUP_AFTER_CUT_SECONDS = 6.0


@dataclass
class Piece:
    """One spoken sentence of an agent reply."""

    text: str
    frames: int = 0
    sent: int = 0
    heard: bool = False


@dataclass
class AgentTurn:
    number: int
    started_ms: int = 0
    lead_end_ms: int = 0
    pieces: list[Piece] = field(default_factory=list)
    interrupted: bool = False
    generated: bool = False  # the agent has said all it will say
    first_text_ms: int | None = None  # its first sentence reached the voice
    first_audio_ms: int | None = None

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
        return _one_cue_a_stretch(" ".join(words))

    def text(self) -> str:
        return self.heard_text() if self.interrupted else _one_cue_a_stretch(" ".join(p.text for p in self.pieces))


def _one_cue_a_stretch(text: str) -> str:
    """A stage cue played piece after piece ("[hold music]" once a second) is written once for its stretch."""
    return _REPEATED_CUE.sub(r"\1", text)


_REPEATED_CUE = re.compile(r"(\[[^\]]+\])(?:\s+\1)+")


class Playback(DirectStage):
    def __init__(self, send: Callable[[str], Awaitable[None]], stream_sid: str, echo: EchoReference,
                 records: CallRecords, context: CallContext, **kwargs):
        super().__init__(**kwargs)
        self._send, self.stream_sid, self.echo = send, stream_sid, echo
        self.records, self.context = records, context
        self.turn: AgentTurn | None = None
        self.hangup_reason = ""
        self._outbox: asyncio.Queue = asyncio.Queue()  # (turn, piece index, PCM frame | mark name | hang-up)
        self._recording: set[asyncio.Task] = set()
        self._replies_started = 0

    @property
    def idle(self) -> bool:
        """Nothing is waiting to be played: what a cut reply had queued has been dropped."""
        return self._outbox.empty()

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        turn = self.turn
        if isinstance(frame, TTSAudioRawFrame):
            if turn is not None and turn.pieces:
                self._queue_audio(turn, np.frombuffer(frame.audio, dtype=np.int16))
            return
        if isinstance(frame, TTSTextFrame):
            if turn is not None:
                turn.pieces.append(Piece(frame.text))
                if turn.first_text_ms is None:
                    turn.first_text_ms = self.records.now_ms()
            return
        if isinstance(frame, TTSStoppedFrame):
            if turn is not None and turn.pieces:
                index = len(turn.pieces) - 1
                self._outbox.put_nowait((turn, index, f"t{turn.number}-{index}"))
            return
        if isinstance(frame, MarkHeardFrame):
            await self._on_mark(frame.mark)
            return
        if isinstance(frame, AgentHangupFrame):
            if turn is not None:
                self._outbox.put_nowait((turn, None, frame))
            return
        if isinstance(frame, StartFrame):
            self.spawn(self._pace(), "pace")
        elif isinstance(frame, ReplyStartedFrame) and direction == FrameDirection.DOWNSTREAM:
            self._replies_started += 1
            if turn is not None:
                await self._cut(turn)  # a newer reply takes over: the rest of this one is not played
            self.turn = AgentTurn(frame.number, frame.started_ms, frame.lead_end_ms)
        elif isinstance(frame, ReplyEndFrame):
            await self._on_reply_end(frame.number)
        elif isinstance(frame, InterruptionFrame) and turn is not None:
            turn.interrupted = True  # nothing more of it leaves, even while `clear` is on its way
            await self._send(clear_message(self.stream_sid))
            log.info("call %s: the lead barged in; agent turn %d cut", self.records.call_id, turn.number)
            await self._cut(turn)
        await self.push_frame(frame, direction)

    def _queue_audio(self, turn: AgentTurn, pcm: np.ndarray) -> None:
        index = len(turn.pieces) - 1
        turn.pieces[index].frames += 1
        if turn.first_audio_ms is None:
            turn.first_audio_ms = self.records.now_ms()
            if turn.number == 1 and turn.lead_end_ms:
                self._greeted_after(turn.first_audio_ms - turn.lead_end_ms)
        self._outbox.put_nowait((turn, index, pcm))

    def _greeted_after(self, greeting_ms: int) -> None:
        """How long the lead waited for the greeting after their hello; over 2 s the call counts as abandoned
        (47 CFR 64.1200(a)(7))."""
        self.records.metrics["greeting_ms"] = greeting_ms
        if greeting_ms > ABANDON_AFTER_MS:
            log.warning("call %s: greeted %d ms after the lead's hello", self.records.call_id, greeting_ms)
            self.spawn(self.records.abandoned(greeting_ms), "abandoned")

    async def _on_reply_end(self, number: int) -> None:
        turn = self.turn
        if turn is None or turn.number != number:
            return
        turn.generated = True
        turns = self.records.metrics["turns"]
        if turn.number > 1 and turn.lead_end_ms and turn.first_audio_ms is not None and turns:
            # The server's share of voice-to-voice, split: endpoint_ms and stt_ms are already there;
            # agent_ms runs from the reply's start to its first sentence, tts_ms from there to audio.
            turns[-1]["voice_to_voice_ms"] = turn.first_audio_ms - turn.lead_end_ms
            if turn.first_text_ms is not None:
                turns[-1]["agent_ms"] = turn.first_text_ms - turn.started_ms
                turns[-1]["tts_ms"] = turn.first_audio_ms - turn.first_text_ms
        if all(piece.heard for piece in turn.pieces):
            await self._finish(turn)

    async def _on_mark(self, name: str) -> None:
        turn = self.turn
        if turn is None or not name.startswith(f"t{turn.number}-"):
            return
        index = int(name.rsplit("-", 1)[1])
        if index < len(turn.pieces):
            turn.pieces[index].heard = True
        if turn.generated and all(piece.heard for piece in turn.pieces):
            await self._finish(turn)

    async def _cut(self, turn: AgentTurn) -> None:
        """Stop a reply where it is: what is queued is dropped, the Turn row says what was heard."""
        turn.interrupted = True
        await self._finish(turn)

    async def _finish(self, turn: AgentTurn) -> None:
        if self.turn is turn:
            self.turn = None
        task = asyncio.create_task(self._record(turn))  # not ours to cancel: the row must be written
        self._recording.add(task)
        task.add_done_callback(self._recording.discard)
        heard = turn.heard_text() if turn.interrupted else None
        await self.push_frame(ReplyFinishedFrame(turn.number, heard), FrameDirection.UPSTREAM)

    async def close(self) -> None:
        """The call is over: the reply still open is recorded as far as it got, and every row written."""
        if self.turn is not None:
            turn, self.turn = self.turn, None
            await self._record(turn)
        if self._recording:
            await asyncio.wait(set(self._recording))

    async def _record(self, turn: AgentTurn) -> None:
        text = turn.text()
        if text:
            await self.records.turn("agent", text, turn.started_ms, self.records.now_ms(), None,
                                    self.context.language, turn.interrupted)

    async def _pace(self) -> None:
        """Sends queued frames on a 20 ms clock, marks as they come; a cut reply's frames are dropped."""
        next_send = time.monotonic()
        while True:
            turn, index, item = await self._outbox.get()
            if turn.interrupted:
                if isinstance(item, AgentHangupFrame):
                    self.spawn(self._hang_up_unless_answered(item, self._replies_started), "hang-up after cut")
                continue
            try:
                next_send = await self._play(turn, index, item, next_send)
            except Exception as exc:  # one lost frame or mark; the voice goes on
                await self.push_error(f"call {self.records.call_id}: playback failed: {exc}", exception=exc)

    async def _hang_up_unless_answered(self, hangup: AgentHangupFrame, replies_started: int) -> None:
        """The call was ending when the lead cut in: it still ends, unless the agent has answered them by then
        (its answer ends the call in its own time)."""
        await asyncio.sleep(HANGUP_AFTER_CUT_SECONDS)
        if self._replies_started == replies_started and self.turn is None and not self.hangup_reason:
            self.hangup_reason = hangup.reason
            await self.push_frame(EndWorkerFrame(reason=hangup.reason))

    async def _play(self, turn: AgentTurn, index: int | None, item, next_send: float) -> float:
        """One outbox item: a mark, the hang-up, or a frame sent in its 20 ms slot (returned)."""
        if isinstance(item, str):
            await self._send(mark_message(self.stream_sid, item))
        elif isinstance(item, AgentHangupFrame):
            await asyncio.sleep(HANGUP_GRACE_SECONDS)  # the goodbye is played before the line goes down
            self.hangup_reason = item.reason
            await self.push_frame(EndWorkerFrame(reason=item.reason))
        else:
            next_send = max(next_send + FRAME_SECONDS, time.monotonic() - 2 * FRAME_SECONDS)
            delay = next_send - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
                if turn.interrupted:
                    return next_send  # cut while this frame waited for its slot
            await self._send(media_message(self.stream_sid, pcm16_to_ulaw(item)))
            self.echo.played(item)
            turn.pieces[index].sent += 1
        return next_send
