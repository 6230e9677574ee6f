"""The frames our call pipeline adds to pipecat's: Twilio packets at the edge, the lead's cleaned
audio and utterances, the bookkeeping of an agent reply (started, hung up, ended, finished, heard), and
the lead's score as the agent keeps it (the voice goes premium for hot leads), and machine detection's
verdict as it arrives.

Everything else travels in pipecat's own frames: InputDTMFFrame, InterruptionFrame (barge-in),
TTSSpeakFrame (a sentence to say), TTSTextFrame / TTSAudioRawFrame / TTSStoppedFrame (a sentence
spoken), StartFrame / EndFrame / CancelFrame, ErrorFrame.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from pipecat.frames.frames import (
    ControlFrame,
    DataFrame,
    InputAudioRawFrame,
    SystemFrame,
    TranscriptionFrame,
    UserStoppedSpeakingFrame,
)


@dataclass
class PacketFrame(SystemFrame):
    """One Twilio media packet as it arrived: 20 ms of 8 kHz μ-law, numbered by Twilio."""

    chunk: int
    payload: bytes
    stream_ms: float
    arrival_ms: float


@dataclass
class OrderedPacketFrame(SystemFrame):
    """The next packet in Twilio's order; payload None: given up as lost."""

    payload: bytes | None


@dataclass
class LeadAudioFrame(InputAudioRawFrame):
    """20 ms of the lead's line, PCM16 mono at `sample_rate`. `far_end`: the 8 kHz PCM16 frame the
    agent was playing meanwhile (the echo reference, and the recording's other channel)."""

    far_end: np.ndarray | None = None

    @property
    def samples(self) -> np.ndarray:
        return np.frombuffer(self.audio, dtype=np.int16)


@dataclass
class VoiceScoreFrame(SystemFrame):
    """Silero's speech probability (0–1) for the latest 32 ms window of the lead's audio."""

    score: float


@dataclass
class LeadStoppedSpeakingFrame(UserStoppedSpeakingFrame):
    """The lead's turn `utterance` (numbered from 1) ended at `end_ms` of the call."""

    utterance: int = 0
    end_ms: int = 0


@dataclass
class UtteranceFrame(DataFrame):
    """One whole lead turn for STT: PCM16 mono at `sample_rate`, ended at `end_ms` of the call."""

    audio: np.ndarray
    sample_rate: int
    utterance: int
    end_ms: int
    endpoint_ms: int = 0  # how long after the lead's last voiced window the turn was called over
    # A draft sent at the lead's first short pause, so Whisper can start while the turn's silence is
    # still being waited out; the final frame says whether the lead spoke again since (the draft is stale).
    draft: bool = False
    same_as_draft: bool = False
    interruptible: bool = field(default=False, init=False)  # a barge-in never loses what the lead said


@dataclass
class DraftWithdrawnFrame(DataFrame):
    """The lead spoke again after a draft of `utterance` went to Whisper: if its decoding has not begun, it is
    dropped (the model's time goes to the calls that need it)."""

    utterance: int


@dataclass
class LeadTranscriptFrame(TranscriptionFrame):
    """What STT heard in utterance `utterance`: text with Whisper's confidence; `usable` False asks
    the agent to have the lead repeat."""

    confidence: float = 1.0
    usable: bool = True
    utterance: int = 0
    end_ms: int = 0
    interruptible: bool = field(default=False, init=False)


@dataclass
class ReplyStartedFrame(SystemFrame):
    """The agent took the floor with reply `number` (the lead may now barge in); pushed both ways."""

    number: int
    started_ms: int
    lead_end_ms: int  # when the lead's turn it answers ended (the greeting: their hello); 0 for none


@dataclass
class ReplyLockedFrame(SystemFrame):
    """Reply `number` plays to its end: the lead talking over it no longer stops it (pushed upstream)."""

    number: int


@dataclass
class ReplyEndFrame(SystemFrame):
    """The agent has said all it will say in reply `number` (its audio may still be playing)."""

    number: int


@dataclass
class LeadScoreFrame(SystemFrame):
    """The agent's score for the lead changed (0–100; `band` hot, warm or cold by the campaign's
    thresholds); pushed before the first sentence of the reply that follows the change."""

    score: int
    band: str


@dataclass
class AgentHangupFrame(ControlFrame):
    """The agent ends the call once everything before this frame has been played."""

    reason: str


@dataclass
class ReplyFinishedFrame(SystemFrame):
    """Reply `number` is over (heard to its end, or cut): the lead no longer talks over the agent."""

    number: int
    heard: str | None = None  # a cut reply: what the lead heard of it (None: heard to its end)


@dataclass
class MachineDetectionFrame(SystemFrame):
    """Machine detection's verdict on who answered, as it came: human, machine_start, machine_end_beep, ...
    (Twilio's AnsweredBy). It happens outside the pipeline and enters it as the lead's line does."""

    answered_by: str


@dataclass
class SpeechPrepareFrame(SystemFrame):
    """A sentence the agent will say soon (the greeting, before the lead's hello): the voice may render it now,
    so that saying it later starts at once."""

    text: str


@dataclass
class MarkHeardFrame(SystemFrame):
    """Twilio played everything up to the mark named `mark` that we sent."""

    mark: str
