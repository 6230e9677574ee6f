"""Every stage handles the frames it knows and passes the rest on untouched: the same frame object,
in order, in its direction; start, end, cancel and other system frames always get through."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from pipecat.frames.frames import (
    CancelFrame,
    DataFrame,
    EndFrame,
    InterruptionFrame,
    StartFrame,
    SystemFrame,
    TextFrame,
)
from pipecat.processors.frame_processor import FrameDirection

from media_server.agent.interface import CallContext
from media_server.pipeline.agent import AgentReplies, Speech
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
from tests.media_server.pipeline.fakes import FakeTwilio, ScriptedSTT, ToneVoice
from tests.media_server.pipeline.harness import Running
from tests.media_server.scripted_agent import ScriptedAgent


@dataclass
class SomethingElse(DataFrame):
    payload: str = ""


@dataclass
class Notice(SystemFrame):
    payload: str = ""


def context() -> CallContext:
    return CallContext(1, "Maria", "Alex", "Sunrise Realty", "+12125550100")


STAGES = {
    "line input": lambda: LineInput(),
    "jitter buffer": lambda: JitterBufferStage(),
    "loss concealment": lambda: LossConcealment(),
    "echo cancellation": lambda: EchoCancellation(EchoReference()),
    "noise suppression": lambda: NoiseSuppression(),
    "recording": lambda: Recording(StereoRecorder()),
    "upsampling": lambda: Upsampling(),
    "voice activity": lambda: VoiceActivity(),
    "end of turn": lambda: EndOfTurn(lambda: 0),
    "transcription": lambda: Transcription(ScriptedSTT(), context(), CallRecords(1)),
    "agent": lambda: AgentReplies(ScriptedAgent(), context(), CallRecords(1)),
    "speech": lambda: Speech(ToneVoice()),
    "playback": lambda: Playback(FakeTwilio().send, "MZ1", EchoReference(), CallRecords(1), context()),
}


@pytest.mark.parametrize("make", STAGES.values(), ids=STAGES.keys())
def test_it_passes_frames_it_does_not_handle_and_ends(make):
    async def run():
        stage = make()
        async with Running(stage) as running:
            others = [SomethingElse("a"), Notice("b"), TextFrame("c"), InterruptionFrame()]
            await running.push(*others)
            await running.until(lambda: len(running.collector.frames) >= 1 + len(others))
            upward = Notice("up")
            await running.collector.push_frame(upward, FrameDirection.UPSTREAM)
            await running.until(lambda: upward in running.upstream)
            await running.push(EndFrame())
            await asyncio.wait_for(running.task, 5)  # the worker only finishes once EndFrame reached its end
        frames = running.collector.frames
        assert isinstance(frames[0], StartFrame) and isinstance(frames[-1], EndFrame)
        assert [frame for frame in frames if frame in others] == others  # the very objects, in order

    asyncio.run(run())


@pytest.mark.parametrize("make", STAGES.values(), ids=STAGES.keys())
def test_a_cancel_gets_through(make):
    async def run():
        async with Running(make()) as running:
            await running.worker.cancel()
            await asyncio.wait_for(running.task, 5)
        assert running.collector.of(CancelFrame)

    asyncio.run(run())


def test_the_line_input_holds_what_comes_before_the_start_and_drops_what_comes_after_the_end():
    async def run():
        line = LineInput()
        early, late = Notice("early"), Notice("late")
        await line.receive(early)  # a packet arriving while the pipeline is still starting
        async with Running(line) as running:
            await running.until(lambda: early in running.collector.frames)
            await running.push(EndFrame())
            await asyncio.wait_for(running.task, 5)
            await line.receive(late)
        return running.collector.frames

    frames = asyncio.run(run())
    assert isinstance(frames[0], StartFrame) and getattr(frames[1], "payload", "") == "early"
    assert not [frame for frame in frames if getattr(frame, "payload", "") == "late"]
