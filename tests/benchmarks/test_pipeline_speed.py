"""The inbound audio path per 20 ms frame inside a running pipecat pipeline, against the bare DSP.

Same 10 seconds of telephone audio (tests/benchmarks/test_dsp_speed.py's `line`), same process:
  bare      the same DSP blocks as plain function calls: jitter buffer, μ-law decode + loss concealment,
            Speex echo cancel + denoise, the stereo recorder, Speex resampler, Silero VAD (no end of turn);
  pipeline  the call's own pipeline from media_server.pipeline.build (LineInput → … → VoiceActivity →
            EndOfTurn, the stages after it seeing no audio), run by a PipelineWorker in direct mode, each
            packet handed to LineInput as CallSession.feed does (what calls run);
  worker    the same, each packet queued to the PipelineWorker instead (its push queue and task);
  queued    that, with the stages in pipecat's default mode: an input queue and a task per stage.
Reported: µs per frame, the ratio to bare, and the pipeline's overhead per frame (budget: 1 ms).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import numpy as np
import pytest
from pipecat.frames.frames import SystemFrame

from media_server.dsp.chain import FRAME_SAMPLES
from media_server.dsp.jitter import JitterBuffer
from media_server.dsp.plc import LossConcealer
from media_server.dsp.speex import EchoCanceller, Preprocessor, StreamResampler
from media_server.dsp.vad import VoiceActivity as SileroVoiceActivity
from media_server.pipeline.frames import PacketFrame
from media_server.recording import StereoRecorder
from media_server.speech.audio import ulaw_to_pcm16
from tests.benchmarks.test_dsp_speed import line, per_frame_work  # noqa: F401 (fixtures)
from tests.media_server.pipeline.fakes import NoWords, Silent, call_pipeline
from tests.media_server.pipeline.harness import Running
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)  # the agent stage asks the call's row who answered
BUDGET_US = 1000
SILENT_FAR_END = np.zeros(FRAME_SAMPLES, dtype=np.int16)


def run_bare(frames) -> float:
    jitter, concealer = JitterBuffer(), LossConcealer(FRAME_SAMPLES)
    echo = EchoCanceller(FRAME_SAMPLES, 8000)
    denoise, resampler = Preprocessor(FRAME_SAMPLES, 8000, echo=echo), StreamResampler(8000, 16000)
    recorder, vad = StereoRecorder(), SileroVoiceActivity()
    started = time.perf_counter()
    for index, payload in enumerate(frames):
        for ordered in jitter.push(index + 1, payload, 20 * index, 20 * index):
            pcm = concealer.lost() if ordered is None else concealer.good(ulaw_to_pcm16(ordered))
            clean = denoise.process(echo.process(pcm, SILENT_FAR_END))
            recorder.add(clean, SILENT_FAR_END)
            vad.push(resampler.process(clean))
    return time.perf_counter() - started


@dataclass
class Last(SystemFrame):
    """Sent after the last packet, in the same order: once it is through, every packet is."""


async def _run_pipeline(frames, mode: str) -> float:
    built = call_pipeline(agent=Silent(), stt=NoWords())  # nothing spoken, nothing written
    if mode == "queued":
        for stage in built.stages:
            stage._enable_direct_mode = False  # pipecat's default: a queue and a task per stage
    async with Running(*built.stages) as running:
        last = Last()
        began = time.perf_counter()
        for index, payload in enumerate(frames + [last]):
            packet = last if payload is last else PacketFrame(index + 1, payload, 20 * index, 20 * index)
            await (built.line.receive(packet) if mode == "line" else running.worker.queue_frame(packet))
            await asyncio.sleep(0)  # a call's packets arrive one by one: the loop runs between them
        await until(lambda: last in running.collector.frames, what="the last packet through the pipeline")
        return time.perf_counter() - began


def run_pipeline(frames, mode: str = "line") -> float:
    return asyncio.run(_run_pipeline(frames, mode))


def test_inbound_stages_in_a_pipeline_cost_per_frame(benchmark, line, per_frame_work):  # noqa: F811
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
    print(f"\ninbound path per 20 ms frame: bare DSP blocks + VAD {bare:.0f} µs; the call's pipeline as calls run "
          f"it {piped:.0f} µs = {piped / bare:.2f}x, +{piped - bare:.0f} µs; fed through the worker's queue "
          f"{us['worker']:.0f} µs (+{us['worker'] - bare:.0f}); stages queued as pipecat's default "
          f"{us['queued']:.0f} µs (+{us['queued'] - bare:.0f})")
    assert piped - bare < BUDGET_US
