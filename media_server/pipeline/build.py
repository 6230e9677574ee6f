"""The one place a call's pipeline is put together: its stages in data-flow order, one a line.

The session runs what this returns; the tests and the benchmarks build theirs here too, with doubles
at the wires (STT, agent, voice, Twilio's `send`), so that what they measure is what calls run.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pipecat.processors.frame_processor import FrameProcessor

from media_server.agent.interface import CallContext
from media_server.pipeline.dialogue import AgentReplies, Speech
from media_server.pipeline.inbound import (
    EchoCancellation,
    EchoReference,
    JitterBufferStage,
    LineInput,
    LossConcealment,
    NoiseSuppression,
    Recording,
    Upsampling,
)
from media_server.pipeline.outbound import Playback
from media_server.pipeline.records import CallRecords
from media_server.pipeline.turns import EndOfTurn, Transcription, VoiceActivity
from media_server.recording import StereoRecorder
from media_server.speech.audio import TELEPHONE_RATE


@dataclass(frozen=True)
class CallPipeline:
    """A call's stages in order, and the three its session talks to."""

    stages: list[FrameProcessor]
    line: LineInput  # where Twilio's packets, marks and keys go in
    jitter: JitterBufferStage  # lost frames and the jitter target, for the call's metrics
    playback: Playback  # why the agent hung up; closing it writes the last agent Turn row


def build_pipeline(*, send: Callable[[str], Awaitable[None]], stream_sid: str, context: CallContext, agent, stt,
                   voice, records: CallRecords, recorder: StereoRecorder, meter=None) -> CallPipeline:
    """One call's pipeline. `send` delivers Twilio messages; `meter` (apps.costs.meter) bills speech."""
    echo_reference = EchoReference()  # what Playback sent, for EchoCancellation: the loop's one back edge
    line, jitter, echo = LineInput(), JitterBufferStage(), EchoCancellation(echo_reference)
    playback = Playback(send, stream_sid, echo_reference, records, context)
    stages = [
        line,                                           # what Twilio sends, as frames, without a queue
        jitter,                                         # Twilio packets back in order, lost ones flagged
        LossConcealment(),                              # μ-law → PCM16 8 kHz, a lost packet concealed
        echo,                                           # minus the agent's voice as played (Speex AEC)
        NoiseSuppression(echo),                         # Speex denoise + residual echo
        Recording(recorder),                            # lead | agent, for the stereo recording
        Upsampling(TELEPHONE_RATE, 16000),              # streaming Speex resampler, for VAD and STT
        VoiceActivity(),                                # Silero: speech probability per 32 ms
        EndOfTurn(records.now_ms),                      # turn start/end (Smart Turn v3), barge-in
        Transcription(stt, context, records, meter),    # faster-whisper, off the loop; lead Turns
        AgentReplies(agent, context, records),          # greeting, replies sentence by sentence, hand-overs
        Speech(voice, meter),                           # each sentence → 20 ms PCM16 at 8 kHz; tier by score
        playback,                                       # paced μ-law to Twilio, marks, clear; agent Turn rows
    ]
    return CallPipeline(stages, line, jitter, playback)
