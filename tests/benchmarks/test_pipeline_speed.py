"""The inbound audio path per 20 ms frame inside a running pipecat pipeline, against the bare DSP.

Same 10 seconds of telephone audio (tests/benchmarks/test_dsp_speed.py's `line`), same process:
  bare      InboundChain.push + Silero VAD, plain function calls (what CallSession did before);
  pipeline  the call's stages LineInput → JitterBuffer → LossConcealment → EchoCancellation →
            NoiseSuppression → Upsampling → VoiceActivity in a pipecat Pipeline run by a
            PipelineWorker, in direct mode, each packet handed to LineInput as CallSession.feed
            does (what calls run);
  worker    the same, each packet queued to the PipelineWorker instead (its push queue and task);
  queued    that, with the stages in pipecat's default mode: an input queue and a task per stage.
Reported: µs per frame, the ratio to bare, and the pipeline's overhead per frame (budget: 1 ms).
"""
from __future__ import annotations

import asyncio
import time

import numpy as np
from pipecat.frames.frames import Frame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineWorker
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor
from pipecat.workers.runner import WorkerRunner

from media_server.dsp.chain import FRAME_SAMPLES, InboundChain
from media_server.dsp.vad import VoiceActivity as SileroVoiceActivity
from media_server.pipeline.frames import LeadAudioFrame, PacketFrame
from media_server.pipeline.inbound import (
    EchoCancellation,
    EchoReference,
    JitterBufferStage,
    LineInput,
    LossConcealment,
    NoiseSuppression,
    Upsampling,
)
from media_server.pipeline.turns import VoiceActivity
from tests.benchmarks.test_dsp_speed import line  # noqa: F401 (fixture)

BUDGET_US = 1000
SILENT_FAR_END = np.zeros(FRAME_SAMPLES, dtype=np.int16)


def run_bare(frames) -> float:
    chain, vad = InboundChain(), SileroVoiceActivity()
    started = time.perf_counter()
    for index, payload in enumerate(frames):
        chain.played(SILENT_FAR_END)
        for frame in chain.push(index + 1, payload, 20 * index, 20 * index):
            vad.push(frame.audio_16k)
    return time.perf_counter() - started


class Counter(FrameProcessor):
    def __init__(self, expected: int):
        super().__init__(enable_direct_mode=True)
        self.expected, self.count = expected, 0
        self.done = asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadAudioFrame) and frame.sample_rate == 16000:
            self.count += 1
            if self.count == self.expected:
                self.done.set()
        await self.push_frame(frame, direction)


async def _run_pipeline(frames, mode: str) -> float:
    reference = EchoReference()
    echo = EchoCancellation(reference)
    line_input = LineInput()
    stages = [line_input, JitterBufferStage(), LossConcealment(), echo, NoiseSuppression(echo), Upsampling(),
              VoiceActivity()]
    if mode == "queued":
        for stage in stages:
            stage._enable_direct_mode = False  # pipecat's default: a queue and a task per stage
    counter = Counter(len(frames))
    worker = PipelineWorker(Pipeline([*stages, counter]), enable_rtvi=False, enable_turn_tracking=False,
                            idle_timeout_secs=None)
    started = asyncio.Event()
    worker.add_event_handler("on_pipeline_started", lambda *_: started.set())
    runner = WorkerRunner(handle_sigint=False)
    await runner.add_workers(worker)
    running = asyncio.create_task(runner.run())
    await started.wait()
    await asyncio.sleep(0.05)
    began = time.perf_counter()
    for index, payload in enumerate(frames):
        reference.played(SILENT_FAR_END)
        packet = PacketFrame(index + 1, payload, 20 * index, 20 * index)
        await (line_input.receive(packet) if mode == "line" else worker.queue_frame(packet))
        await asyncio.sleep(0)  # a call's packets arrive one by one: the loop runs between them
    await counter.done.wait()
    elapsed = time.perf_counter() - began
    await worker.cancel()
    await running
    return elapsed


def run_pipeline(frames, mode: str = "line") -> float:
    return asyncio.run(_run_pipeline(frames, mode))


def test_inbound_stages_in_a_pipeline_cost_per_frame(benchmark, line):  # noqa: F811
    run_bare(line[:50]), run_pipeline(line[:50]), run_pipeline(line[:50], "queued")  # warm up
    runs: dict[str, list[float]] = {"bare": [], "line": [], "worker": [], "queued": []}
    for _ in range(3):  # interleaved, so that a busy moment of the machine hits every way alike
        runs["bare"].append(run_bare(line))
        for mode in ("line", "worker", "queued"):
            runs[mode].append(run_pipeline(line, mode))
    us = {way: min(seconds) / len(line) * 1e6 for way, seconds in runs.items()}
    bare, piped = us["bare"], us["line"]
    benchmark.pedantic(run_pipeline, args=(line,), rounds=3, iterations=1)
    benchmark.extra_info.update({f"{way}_us": round(value) for way, value in us.items()},
                                overhead_us=round(piped - bare), ratio=round(piped / bare, 2))
    print(f"\ninbound path per 20 ms frame: bare InboundChain + VAD {bare:.0f} µs; pipecat pipeline as calls run "
          f"it {piped:.0f} µs = {piped / bare:.2f}x, +{piped - bare:.0f} µs; fed through the worker's queue "
          f"{us['worker']:.0f} µs (+{us['worker'] - bare:.0f}); stages queued as pipecat's default "
          f"{us['queued']:.0f} µs (+{us['queued'] - bare:.0f})")
    assert piped - bare < BUDGET_US
