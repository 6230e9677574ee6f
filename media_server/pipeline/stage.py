"""The base of our pipeline stages: pipecat processors in direct mode that own their tasks.

Direct mode: a frame pushed to a stage is processed at once in the pusher's task instead of waiting
in the stage's queue for a task of its own, so a frame crosses the whole pipeline without a task
switch (tests/benchmarks/test_pipeline_speed.py measures the difference). A stage therefore never
waits inside `process_frame` for anything slow: STT, the agent, TTS and pacing run in tasks the
stage owns, started with `spawn` and stopped when the pipeline ends, is cancelled or is cleaned up.
"""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine

from pipecat.frames.frames import CancelFrame, EndFrame, Frame
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor


class DirectStage(FrameProcessor):
    def __init__(self, **kwargs):
        super().__init__(enable_direct_mode=True, **kwargs)
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, coroutine: Coroutine, name: str) -> asyncio.Task:
        task = self.create_task(coroutine, name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def stop_tasks(self) -> None:
        """Stop this stage's work now (never the task asking, which may be one of them)."""
        for task in list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, (EndFrame, CancelFrame)):
            self.stop_tasks()

    async def cleanup(self):
        self.stop_tasks()
        await super().cleanup()
