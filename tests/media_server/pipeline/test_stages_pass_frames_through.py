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

from media_server.pipeline.inbound import LineInput
from tests.media_server.pipeline.fakes import call_pipeline
from tests.media_server.pipeline.harness import Running
from tests.waiting import until


@dataclass
class SomethingElse(DataFrame):
    payload: str = ""


@dataclass
class Notice(SystemFrame):
    payload: str = ""


# A call's stages in order, as media_server.pipeline.build makes them.
STAGES = ["LineInput", "JitterBufferStage", "LossConcealment", "EchoCancellation", "NoiseSuppression", "Recording",
          "Upsampling", "VoiceActivity", "EndOfTurn", "Transcription", "AgentReplies", "Speech", "Playback"]


def stage_of_a_call(name: str):
    """A fresh stage as a call has it: out of the call's own pipeline, built with doubles at its wires."""
    [stage] = [stage for stage in call_pipeline().stages if type(stage).__name__ == name]
    return stage


def test_every_stage_a_call_runs_is_checked_here():
    assert [type(stage).__name__ for stage in call_pipeline().stages] == STAGES


@pytest.mark.parametrize("name", STAGES)
def test_it_passes_frames_it_does_not_handle_and_ends(name):
    async def run():
        stage = stage_of_a_call(name)
        async with Running(stage) as running:
            others = [SomethingElse("a"), Notice("b"), TextFrame("c"), InterruptionFrame()]
            await running.push(*others)
            await until(lambda: len(running.collector.frames) >= 1 + len(others))
            upward = Notice("up")
            await running.collector.push_frame(upward, FrameDirection.UPSTREAM)
            await until(lambda: upward in running.upstream)
            await running.push(EndFrame())
            await asyncio.wait_for(running.task, 5)  # the worker only finishes once EndFrame reached its end
        frames = running.collector.frames
        assert isinstance(frames[0], StartFrame) and isinstance(frames[-1], EndFrame)
        assert [frame for frame in frames if frame in others] == others  # the very objects, in order

    asyncio.run(run())


@pytest.mark.parametrize("name", STAGES)
def test_a_cancel_gets_through(name):
    async def run():
        async with Running(stage_of_a_call(name)) as running:
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
            await until(lambda: early in running.collector.frames)
            await running.push(EndFrame())
            await asyncio.wait_for(running.task, 5)
            await line.receive(late)
        return running.collector.frames

    frames = asyncio.run(run())
    assert isinstance(frames[0], StartFrame) and getattr(frames[1], "payload", "") == "early"
    assert not [frame for frame in frames if getattr(frame, "payload", "") == "late"]
