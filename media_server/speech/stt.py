"""Speech to text with faster-whisper: one model per process, inference off the event loop.

A result carries the text, per-segment timing, a confidence in 0–1 from Whisper's own
`avg_logprob` and `no_speech_prob`, and the language with its probability. Results the agent
should not trust are flagged (`no_speech`, `low_confidence`) so it asks the lead to repeat.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from media_server.speech.audio import STT_RATE, resample, to_float32
from media_server.speech.model_files import check_whisper

log = logging.getLogger(__name__)
NO_SPEECH_THRESHOLD = 0.6
LOOP_COMPRESSION_RATIO = 2.4  # Whisper's own test for a decoding stuck in a loop ("the F, the F, the F, ...")


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str
    confidence: float


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float
    language: str
    language_probability: float
    segments: list[Segment] = field(default_factory=list)
    no_speech: bool = False
    low_confidence: bool = False
    seconds: float = 0.0  # inference time

    @property
    def usable(self) -> bool:
        """Worth acting on; otherwise the agent asks the lead to say it again."""
        return not (self.no_speech or self.low_confidence)


def segment_confidence(avg_logprob: float, no_speech_prob: float) -> float:
    """Token probability (geometric mean, exp of the average log-probability) times the chance
    the segment is speech at all."""
    return max(0.0, min(1.0, math.exp(avg_logprob) * (1.0 - no_speech_prob)))


class SpeechToText:
    """faster-whisper loaded once; `transcribe` is thread-safe (calls are serialised per model)."""

    def __init__(self, model_dir=None, device: str | None = None, compute_type: str | None = None,
                 cpu_threads: int | None = None, beam_size: int | None = None):
        from faster_whisper import WhisperModel

        started = time.perf_counter()
        self.model_dir = check_whisper(model_dir)
        self.device = device or settings.WHISPER_DEVICE
        self.beam_size = beam_size or settings.WHISPER_BEAM_SIZE
        self.model = WhisperModel(str(self.model_dir), device=self.device,
                                  compute_type=compute_type or settings.WHISPER_COMPUTE_TYPE,
                                  cpu_threads=cpu_threads or settings.WHISPER_CPU_THREADS)
        self.load_seconds = time.perf_counter() - started
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stt")
        self.observe_wait: Callable[[float], None] | None = None  # told each transcription's wait, in ms
        log.info("Whisper loaded from %s on %s in %.2f s", self.model_dir, self.device, self.load_seconds)

    def transcribe(self, samples: np.ndarray, sample_rate: int = STT_RATE, language: str | None = "en",
                   low_confidence: float | None = None) -> Transcript:
        """PCM16 speech → Transcript. `language=None` detects it (one extra encoder pass: do it once
        per call, on the first turn, then pass the language found)."""
        started = time.perf_counter()
        audio = to_float32(resample(samples, sample_rate, STT_RATE))
        if audio.size < STT_RATE // 10:
            return Transcript("", 0.0, language or "", 0.0, no_speech=True, seconds=0.0)
        with self._lock:
            segments, info = self.model.transcribe(
                audio, language=language, beam_size=self.beam_size, vad_filter=False,
                condition_on_previous_text=False, without_timestamps=True, temperature=0.0,
            )
            segments = list(segments)  # the generator does the decoding
        return self._result(segments, info, started, low_confidence)

    async def atranscribe(self, samples: np.ndarray, sample_rate: int = STT_RATE, language: str | None = "en",
                          low_confidence: float | None = None) -> Transcript:
        """The same, in the model's own thread: the event loop keeps serving audio meanwhile."""
        loop = asyncio.get_running_loop()
        asked = time.perf_counter()

        def when_its_turn() -> Transcript:
            if self.observe_wait is not None:  # the wait for the model: the worker's load (media_server.load)
                self.observe_wait((time.perf_counter() - asked) * 1000)
            return self.transcribe(samples, sample_rate, language, low_confidence)

        return await loop.run_in_executor(self._executor, when_its_turn)

    def _result(self, segments, info, started: float, low_confidence: float | None) -> Transcript:
        threshold = settings.STT_LOW_CONFIDENCE if low_confidence is None else low_confidence
        parts = [Segment(s.start, s.end, s.text.strip(), segment_confidence(s.avg_logprob, s.no_speech_prob))
                 for s in segments if s.text.strip()]
        text = " ".join(p.text for p in parts).strip()
        weights = [max(p.end - p.start, 0.1) * max(len(p.text), 1) for p in parts]
        confidence = sum(p.confidence * w for p, w in zip(parts, weights, strict=True)) / sum(weights) if parts else 0.0
        no_speech = not text or all(s.no_speech_prob > NO_SPEECH_THRESHOLD for s in segments)
        looping = any(s.compression_ratio > LOOP_COMPRESSION_RATIO for s in segments if s.text.strip())
        return Transcript(
            text=text, confidence=round(confidence, 3), language=info.language,
            language_probability=round(info.language_probability, 3), segments=parts, no_speech=no_speech,
            low_confidence=not no_speech and (confidence < threshold or looping),
            seconds=time.perf_counter() - started,
        )


@functools.lru_cache(maxsize=1)
def speech_to_text() -> SpeechToText:
    """The process's model, loaded on first use (the media worker loads it at start)."""
    return SpeechToText()
