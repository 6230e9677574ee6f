"""The lead's turns: voice activity (Silero), where a turn starts and ends (silence, or Smart Turn v3
at the first short pause), barge-in, and what was said (faster-whisper, off the event loop).

    16 kHz lead audio → VoiceActivity → VoiceScoreFrame per 32 ms
    → EndOfTurn → UserStartedSpeakingFrame, InterruptionFrame (barge-in),
                  LeadStoppedSpeakingFrame + UtteranceFrame
    → Transcription → LeadTranscriptFrame (and the lead's Turn row, and the audio seconds
                      transcribed to the ledger)
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from datetime import UTC, datetime

import numpy as np
from django.conf import settings
from pipecat.frames.frames import Frame, InterruptionFrame, StartFrame, UserStartedSpeakingFrame
from pipecat.processors.frame_processor import FrameDirection

from media_server.agent.interface import CallContext
from media_server.dsp import turn as smart_turn
from media_server.dsp.vad import VoiceActivity as SileroVoiceActivity
from media_server.pipeline.frames import (
    DraftWithdrawnFrame,
    LeadAudioFrame,
    LeadStoppedSpeakingFrame,
    LeadTranscriptFrame,
    ReplyFinishedFrame,
    ReplyLockedFrame,
    ReplyStartedFrame,
    UtteranceFrame,
    VoiceScoreFrame,
)
from media_server.pipeline.records import CallRecords
from media_server.pipeline.stage import DirectStage

log = logging.getLogger(__name__)
LANGUAGE_SURE = 0.8  # below it a short "hello" keeps the call in English
STT_RATE = 16000
VAD_WINDOW_MS = 32
SPEECH_THRESHOLD = 0.5
SPEECH_START_MS = 96
PREROLL_FRAMES = 15  # 300 ms of audio before speech was detected
MAX_UTTERANCE_FRAMES = 30 * 50  # 30 s


class VoiceActivity(DirectStage):
    """Silero's speech probability for every 32 ms of 16 kHz lead audio, after the audio itself."""

    def __init__(self, sample_rate: int = STT_RATE, **kwargs):
        super().__init__(**kwargs)
        self.sample_rate = sample_rate
        self.vad = SileroVoiceActivity(sample_rate)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)
        if isinstance(frame, LeadAudioFrame) and frame.sample_rate == self.sample_rate:
            for score in self.vad.push(frame.samples):
                await self.push_frame(VoiceScoreFrame(score))


class EndOfTurn(DirectStage):
    """Turns of the lead from voice scores: a turn starts after SPEECH_START_MS of voice and ends after
    END_OF_TURN_SILENCE_MS of quiet, or at the first short pause if Smart Turn hears a finished
    sentence. Talking BARGE_IN_MS over an agent reply interrupts it."""

    def __init__(self, now_ms, **kwargs):
        super().__init__(**kwargs)
        self.now_ms = now_ms
        self._preroll: deque[np.ndarray] = deque(maxlen=PREROLL_FRAMES)
        self._utterance: list[np.ndarray] = []
        self._in_speech = False
        self._voiced_ms = 0
        self._quiet_ms = 0
        self._utterances = 0
        self._floor: int | None = None  # the agent reply the lead would talk over
        self._drafted = False  # a draft of this utterance went to Whisper, and the lead has not spoken since

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadAudioFrame) and frame.sample_rate == STT_RATE:
            await self._on_audio(frame.samples)
            return  # the lead's audio ends here, in utterances: nothing further on needs every 20 ms
        if isinstance(frame, VoiceScoreFrame):
            await self._on_voice_score(frame.score)
            return
        if isinstance(frame, ReplyStartedFrame):
            self._floor = frame.number
        elif isinstance(frame, (ReplyFinishedFrame, ReplyLockedFrame)) and frame.number == self._floor:
            self._floor = None  # (a locked reply is heard out: the lead's words wait for the next turn)
        await self.push_frame(frame, direction)

    async def _on_audio(self, samples: np.ndarray) -> None:
        self._preroll.append(samples)
        if self._in_speech:
            self._utterance.append(samples)
            if len(self._utterance) >= MAX_UTTERANCE_FRAMES:
                await self._end_of_turn()

    async def _on_voice_score(self, score: float) -> None:
        if score >= SPEECH_THRESHOLD:
            self._voiced_ms += VAD_WINDOW_MS
            self._quiet_ms = 0
            if self._drafted:  # the lead goes on: a draft transcript would miss these words
                self._drafted = False
                await self.push_frame(DraftWithdrawnFrame(self._utterances + 1))
        else:
            self._quiet_ms += VAD_WINDOW_MS
            if not self._in_speech:
                self._voiced_ms = 0
        if not self._in_speech and self._voiced_ms >= SPEECH_START_MS:
            self._in_speech = True
            self._utterance = list(self._preroll)
            await self.push_frame(UserStartedSpeakingFrame())
        if self._in_speech and self._floor is not None and self._voiced_ms >= settings.BARGE_IN_MS:
            self._floor = None
            await self.push_frame(InterruptionFrame())  # the lead talks over the agent: it stops
        if self._in_speech and self._quiet_ms - VAD_WINDOW_MS < smart_turn.SHORT_PAUSE_MS <= self._quiet_ms:
            self.spawn(self._ask_if_finished(), "smart-turn")
            if self._utterance:  # Whisper starts now, while the rest of the turn's silence is waited out
                self._drafted = True
                await self.push_frame(UtteranceFrame(np.concatenate(self._utterance), STT_RATE,
                                                     self._utterances + 1, self.now_ms() - self._quiet_ms,
                                                     draft=True))
        if self._in_speech and self._quiet_ms >= settings.END_OF_TURN_SILENCE_MS:
            await self._end_of_turn()

    async def _ask_if_finished(self) -> None:
        """At the first short pause Smart Turn may end the turn early; otherwise silence decides."""
        if not self._utterance:
            return
        finished = await smart_turn.sounds_finished(np.concatenate(self._utterance))
        if finished and self._in_speech and self._quiet_ms >= smart_turn.SHORT_PAUSE_MS:
            await self._end_of_turn()

    async def _end_of_turn(self) -> None:
        if not self._in_speech:
            return  # the pause and the silence timeout both ended this turn
        self._in_speech, self._voiced_ms = False, 0
        end_ms = self.now_ms() - self._quiet_ms
        audio = np.concatenate(self._utterance) if self._utterance else np.zeros(0, dtype=np.int16)
        self._utterance = []
        self._utterances += 1
        await self.push_frame(LeadStoppedSpeakingFrame(utterance=self._utterances, end_ms=end_ms))
        await self.push_frame(UtteranceFrame(audio, STT_RATE, self._utterances, end_ms, endpoint_ms=self._quiet_ms,
                                             same_as_draft=self._drafted))
        self._drafted = False


class Transcription(DirectStage):
    """Each utterance → text, one at a time in order, Whisper running off the event loop; a draft of the
    utterance sent at the lead's first short pause starts Whisper early, and its text is used when the
    lead said nothing more before the turn ended (a draft made stale is cancelled: dropped unread if the
    model has not started it). Records the
    lead's Turn row and the turn's stt_ms, and with a meter (apps.costs.meter) the turn's seconds of audio, one
    `stt` ledger row per turn (drafts are our own business, not the lead's), written off the loop before the agent
    hears the turn.
    While the call's language is "auto", the first utterance transcribed (the lead's hello) is
    detected and sets it; English unless Whisper is sure."""

    def __init__(self, stt, context: CallContext, records: CallRecords, meter=None, **kwargs):
        super().__init__(**kwargs)
        self.stt, self.context, self.records, self.meter = stt, context, records, meter
        self._utterances: asyncio.Queue[UtteranceFrame] = asyncio.Queue()
        self._drafts: dict[int, asyncio.Task] = {}  # utterance → its transcription begun at a pause

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, UtteranceFrame) and frame.draft:  # a later pause's draft replaces an earlier one
            self._withdraw_draft(frame.utterance)
            self._drafts[frame.utterance] = self.spawn(self._whisper(frame), "stt-draft")
            return
        if isinstance(frame, DraftWithdrawnFrame):
            self._withdraw_draft(frame.utterance)
            return
        if isinstance(frame, UtteranceFrame):
            self._utterances.put_nowait(frame)
            return
        if isinstance(frame, StartFrame):
            self.spawn(self._transcribe_in_turn(), "stt")
        await self.push_frame(frame, direction)

    def _withdraw_draft(self, utterance: int) -> None:
        """A draft no longer needed is cancelled: still queued for the model, it is never decoded (nor billed).
        Drafts of other utterances stay: one whose turn is still queued here may yet be used."""
        if (draft := self._drafts.pop(utterance, None)) is not None:
            draft.cancel()

    async def _transcribe_in_turn(self) -> None:
        while True:
            utterance = await self._utterances.get()
            try:
                transcript = await self._transcribe(utterance)
            except Exception as exc:  # the turn is lost, the call goes on
                await self.push_error(f"call {self.records.call_id}: STT failed: {exc}", exception=exc)
                continue
            if transcript is not None:
                await self.push_frame(transcript)

    async def _whisper(self, utterance: UtteranceFrame):
        """Whisper on one utterance (a draft or the whole turn): its transcript, and the seconds of audio read."""
        language = None if self.context.language == "auto" else self.context.language
        result = await self.stt.atranscribe(utterance.audio, utterance.sample_rate, language=language)
        return result, utterance.audio.size / utterance.sample_rate

    async def _transcribe(self, utterance: UtteranceFrame) -> LeadTranscriptFrame | None:
        started = time.monotonic()
        detect = self.context.language == "auto"  # the first words transcribed decide the call's language
        draft = self._drafts.pop(utterance.utterance, None)
        for earlier in [n for n in self._drafts if n < utterance.utterance]:
            self._withdraw_draft(earlier)  # turns already transcribed: their drafts are not needed
        if utterance.same_as_draft and draft is not None:
            result, heard = await draft  # begun at the short pause: the same words, most of the work done
        else:
            if draft is not None:
                draft.cancel()  # stale: dropped if Whisper has not started it
            result, heard = await self._whisper(utterance)
        self.records.metrics["turns"].append({"endpoint_ms": utterance.endpoint_ms,
                                              "stt_ms": int((time.monotonic() - started) * 1000)})
        if self.meter is not None:
            from apps.costs.models import CostEntry

            # The turn's seconds, once, however many drafts it took: the cost projection reads a turn's
            # transcription as one row, and drafts are our own business, not the lead's.
            self.meter.add(CostEntry.Kind.STT, heard)
            self.meter.flush()
        if result.no_speech and not result.text:
            return None
        if detect:  # the lead's first words set the call's language, when Whisper is sure of it
            sure = result.language_probability >= LANGUAGE_SURE
            self.context.language = result.language if sure else "en"
        duration_ms = int(utterance.audio.size * 1000 / utterance.sample_rate)
        await self.records.turn("lead", result.text, utterance.end_ms - duration_ms, utterance.end_ms,
                                result.confidence, result.language, False)
        return LeadTranscriptFrame(text=result.text, user_id="lead", timestamp=datetime.now(UTC).isoformat(),
                                   language=result.language, confidence=result.confidence, usable=result.usable,
                                   utterance=utterance.utterance, end_ms=utterance.end_ms)
