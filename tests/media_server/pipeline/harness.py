"""Running pipeline stages the way a call runs them: a pipecat PipelineWorker on its own runner."""
from __future__ import annotations

import asyncio

from pipecat.frames.frames import Frame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineWorker
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.workers.runner import WorkerRunner


class Collector(FrameProcessor):
    """The end of a test pipeline: keeps every frame that reaches it, in order."""

    def __init__(self):
        super().__init__(enable_direct_mode=True)
        self.frames: list[Frame] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if direction == FrameDirection.DOWNSTREAM:
            self.frames.append(frame)
        await self.push_frame(frame, direction)

    def of(self, kind: type) -> list[Frame]:
        return [frame for frame in self.frames if isinstance(frame, kind)]


class Running:
    """A pipeline of `stages` (then a Collector) running until `stop()`."""

    def __init__(self, *stages: FrameProcessor):
        self.collector = Collector()
        self.pipeline = Pipeline([*stages, self.collector])
        self.worker = PipelineWorker(self.pipeline, enable_rtvi=False, enable_turn_tracking=False,
                                     idle_timeout_secs=None)
        self.upstream: list[Frame] = []
        self.worker.set_reached_upstream_filter((Frame,))
        self.worker.add_event_handler("on_frame_reached_upstream", self._reached_upstream)
        self.started = asyncio.Event()
        self.worker.add_event_handler("on_pipeline_started", lambda worker, frame: self.started.set())
        self.task: asyncio.Task | None = None

    async def _reached_upstream(self, worker, frame):
        self.upstream.append(frame)

    async def __aenter__(self) -> Running:
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(self.worker)
        self.task = asyncio.create_task(runner.run())
        await asyncio.wait_for(self.started.wait(), 5)
        # The worker's start task notices a moment later, and a cancel before it does skips the pipeline:
        # a flush goes through only once it has.
        await self.worker.flush_pipeline()
        return self

    async def __aexit__(self, *exc):
        if not self.task.done():
            await self.worker.cancel()
        await asyncio.wait_for(self.task, 5)

    async def push(self, *frames: Frame) -> None:
        for frame in frames:
            await self.worker.queue_frame(frame)
