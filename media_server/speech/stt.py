"""Speech to text with faster-whisper: one model per process, inference off the event loop.

A short turn is encoded in a 10 s window rather than Whisper's 30 s one (window_seconds): the encoder is most of
the work on a short turn, and its cost follows the window. A reading there that looks wrong is read again in 30 s.
The model has one thread. Utterances of several calls that are waiting for it together are decoded as one batch
(one encoder pass and one generate call over CTranslate2) up to WHISPER_MAX_BATCH; a request cancelled before its
turn (a stale draft) is dropped unread. Batching pays where the model is memory-bound (a GPU); on the CPU one by
one is as fast (`make bench PYTEST_ARGS="-k batching"`), so the CPU default is 1.

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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from media_server.speech.audio import STT_RATE, resample, to_float32
from media_server.speech.model_files import check_whisper

log = logging.getLogger(__name__)
NO_SPEECH_THRESHOLD = 0.6
SKIP_LOGPROB = -1.0  # with a no-speech probability over the threshold, a segment this unsure is dropped (Whisper)
BATCH_SECONDS = 30  # Whisper's window: a longer turn is decoded alone, window by window
LOOP_COMPRESSION_RATIO = 2.4  # Whisper's own test for a decoding stuck in a loop ("the F, the F, the F, ...")
WINDOW_STEP_S = 10  # the encoder's windows: 10, 20 or 30 s
WINDOW_ROOM_S = 4  # silence an utterance keeps after it in its window: less and Whisper loops or drops words
REREAD_MARGIN = 0.1  # a short window's reading this close above the low-confidence threshold is read again
TOKENS_PER_SECOND, TOKENS_SPARE = 8, 16  # more tokens than this for the audio's length is a loop (speech is ~3/s)


def window_seconds(seconds: float) -> int:
    """The encoder window an utterance is read in: the shortest of 10, 20 and 30 s (from WHISPER_WINDOW_S up) that
    holds it with WINDOW_ROOM_S after it. On corpus sentences in shifted Piper voices through the phone line, 10 s
    windows read within about a point of word error rate of Whisper's 30 s and the agent read the same intents, in
    0.40-0.59 of the time, rereads included (`manage.py stt_windows`; figures in the README)."""
    needed = WINDOW_STEP_S * math.ceil((seconds + WINDOW_ROOM_S) / WINDOW_STEP_S)
    return min(BATCH_SECONDS, max(settings.WHISPER_WINDOW_S, needed))


def _allowed_tokens(seconds: float) -> int:
    return TOKENS_SPARE + math.ceil(seconds * TOKENS_PER_SECOND)


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


@dataclass
class _Request:
    samples: np.ndarray  # PCM16 as the call has it: resampled in the model's thread, never on the event loop
    sample_rate: int
    language: str
    low_confidence: float | None
    asked: float  # perf_counter when it was asked
    done: Future


@dataclass(frozen=True)
class _Decoded:
    """One utterance's decoding, shaped as faster-whisper's Segment for _result."""
    start: float
    end: float
    text: str
    avg_logprob: float
    no_speech_prob: float
    compression_ratio: float


@dataclass(frozen=True)
class _Known:
    language: str
    language_probability: float = 1.0


class SpeechToText:
    """faster-whisper loaded once; `transcribe` is thread-safe (calls are serialised per model)."""

    def __init__(self, model_dir=None, device: str | None = None, compute_type: str | None = None,
                 cpu_threads: int | None = None, beam_size: int | None = None, max_batch: int | None = None):
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
        self.max_batch = max(1, max_batch or settings.WHISPER_MAX_BATCH or (8 if self.device.startswith("cuda") else 1))
        self._pending: list[_Request] = []
        self._pending_lock = threading.Lock()
        self._tokenizers: dict[str, object] = {}
        self.observe_wait: Callable[[float], None] | None = None  # told each transcription's wait, in ms
        self.rereads = 0  # utterances read again in the full window (their short window's reading was in doubt)
        log.info("Whisper loaded from %s on %s in %.2f s", self.model_dir, self.device, self.load_seconds)

    def transcribe(self, samples: np.ndarray, sample_rate: int = STT_RATE, language: str | None = "en",
                   low_confidence: float | None = None) -> Transcript:
        """PCM16 speech → Transcript. A turn of a known language under 30 s is read as a call reads it
        (transcribe_batch, alone); `language=None` detects it (one extra encoder pass: do it once per call, on the
        first turn, then pass the language found), and a longer turn is read window by window, both by
        faster-whisper's own transcribe."""
        started = time.perf_counter()
        audio = to_float32(resample(samples, sample_rate, STT_RATE))
        if audio.size < STT_RATE // 10:
            return Transcript("", 0.0, language or "", 0.0, no_speech=True, seconds=0.0)
        if language is not None and audio.size <= BATCH_SECONDS * STT_RATE:
            return self.transcribe_batch([audio], language, low_confidence)[0]
        with self._lock:
            segments, info = self.model.transcribe(
                audio, language=language, beam_size=self.beam_size, vad_filter=False,
                condition_on_previous_text=False, without_timestamps=True, temperature=0.0,
            )
            segments = list(segments)  # the generator does the decoding
        return self._result(segments, info, started, low_confidence)

    def transcribe_batch(self, audios: list[np.ndarray], language: str | list[str],
                         low_confidence: float | None | list[float | None] = None) -> list[Transcript]:
        """Float32 16 kHz utterances (each under 30 s) of known languages → Transcripts: what faster-whisper's
        transcribe does for one short utterance at temperature 0 (its last feature frame dropped, a segment likely
        silent and unsure skipped), with one encoder pass and one generate call per window size.

        Each utterance is encoded in the shortest window (window_seconds) that holds it: a 2 s turn in 10 s of
        audio rather than 30, which is most of Whisper's time on a short turn. An utterance whose reading there
        looks wrong (a loop, more words than the time allows, or unsure) is read again in the full 30 s window and
        the surer reading kept (the full window's, for a loop), so a short window never makes a turn worse-flagged
        than Whisper's own."""
        started = time.perf_counter()
        languages = [language] * len(audios) if isinstance(language, str) else language
        thresholds = low_confidence if isinstance(low_confidence, list) else [low_confidence] * len(audios)
        results: list[Transcript] = [None] * len(audios)  # type: ignore[list-item]
        doubts: dict[int, str] = {}  # utterance → why its short window's reading is read again
        by_window: dict[int, list[int]] = {}
        for index, audio in enumerate(audios):
            by_window.setdefault(window_seconds(audio.size / STT_RATE), []).append(index)
        for window, indexes in sorted(by_window.items()):
            read = self._decode([audios[i] for i in indexes], [languages[i] for i in indexes],
                                [thresholds[i] for i in indexes], window, started)
            for index, (transcript, doubt) in zip(indexes, read, strict=True):
                results[index] = transcript
                if doubt and window < BATCH_SECONDS:
                    doubts[index] = doubt
        if doubts:
            self.rereads += len(doubts)
            again = sorted(doubts)
            read = self._decode([audios[i] for i in again], [languages[i] for i in again],
                                [thresholds[i] for i in again], BATCH_SECONDS, started)
            for index, (transcript, _) in zip(again, read, strict=True):
                if doubts[index] == "malformed" or transcript.confidence >= results[index].confidence:
                    results[index] = transcript
        return results

    def _decode(self, audios: list[np.ndarray], languages: list[str], thresholds: list[float | None], window: int,
                started: float) -> list[tuple[Transcript, str]]:
        """One encoder pass over `window` seconds and one generate call: each utterance's Transcript, and why its
        reading is in doubt: "malformed" (a loop, or more tokens than its length could hold), "unsure" (confidence
        within REREAD_MARGIN of the threshold, or below it), or "" (none)."""
        from faster_whisper.audio import pad_or_trim
        from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens

        tokenizers = [self._tokenizer(lang) for lang in languages]
        frames = self.model.feature_extractor.nb_max_frames * window // BATCH_SECONDS
        features = np.stack([pad_or_trim(self.model.feature_extractor(audio)[:, :-1][:, :frames], frames)
                             for audio in audios]).astype(np.float32)
        prompts = [[*t.sot_sequence, t.no_timestamps] for t in tokenizers]
        budgets = [_allowed_tokens(audio.size / STT_RATE) for audio in audios]
        allowed = max(budgets)
        with self._lock:
            encoded = self.model.encode(features)
            results = self.model.model.generate(
                encoded, prompts, beam_size=self.beam_size, return_scores=True, return_no_speech_prob=True,
                # a loop stops soon after the most tokens the utterance could hold (measured with CTranslate2 4.8:
                # Whisper's generate gives about half max_length new tokens, so the cap is doubled)
                max_length=min(self.model.max_length, 2 * (len(prompts[0]) + allowed + 1)),
                suppress_blank=True, suppress_tokens=get_suppressed_tokens(tokenizers[0], [-1]))
        read = []
        for audio, lang, tokenizer, result, threshold, budget in zip(audios, languages, tokenizers, results, thresholds,
                                                                     budgets, strict=True):
            tokens = result.sequences_ids[0]
            avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
            text = tokenizer.decode(tokens).strip()
            silent = result.no_speech_prob > NO_SPEECH_THRESHOLD and avg_logprob <= SKIP_LOGPROB
            decoded = _Decoded(0.0, audio.size / STT_RATE, text, avg_logprob, result.no_speech_prob,
                               get_compression_ratio(text) if text else 0.0)
            transcript = self._result([] if silent else [decoded], _Known(lang), started, threshold)
            malformed = len(tokens) > budget or decoded.compression_ratio > LOOP_COMPRESSION_RATIO
            unsure = not transcript.no_speech and transcript.confidence < (
                settings.STT_LOW_CONFIDENCE if threshold is None else threshold) + REREAD_MARGIN
            read.append((transcript, "malformed" if malformed else "unsure" if unsure else ""))
        return read

    def _tokenizer(self, language: str):
        if language not in self._tokenizers:
            from faster_whisper.tokenizer import Tokenizer

            self._tokenizers[language] = Tokenizer(self.model.hf_tokenizer, self.model.model.is_multilingual,
                                                   task="transcribe", language=language)
        return self._tokenizers[language]

    async def atranscribe(self, samples: np.ndarray, sample_rate: int = STT_RATE, language: str | None = "en",
                          low_confidence: float | None = None) -> Transcript:
        """The same, in the model's own thread: the event loop keeps serving audio meanwhile. Requests waiting
        together are decoded together (up to max_batch); cancelling this coroutine before its turn drops it."""
        seconds = samples.size / sample_rate
        if seconds < 0.1 or language is None or seconds > BATCH_SECONDS:
            # nothing to decode, the language to detect first, or a turn longer than one window: one at a time
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._waited, time.perf_counter(), samples,
                                              sample_rate, language, low_confidence)
        request = _Request(samples, sample_rate, language, low_confidence, time.perf_counter(), Future())
        with self._pending_lock:
            self._pending.append(request)
        self._executor.submit(self._drain)
        return await asyncio.wrap_future(request.done)

    def _waited(self, asked: float, samples, sample_rate, language, low_confidence) -> Transcript:
        self._observe(asked)
        return self.transcribe(samples, sample_rate, language, low_confidence)

    def _observe(self, asked: float) -> None:
        if self.observe_wait is not None:  # the wait for the model: the worker's load (media_server.load)
            self.observe_wait((time.perf_counter() - asked) * 1000)

    def _drain(self) -> None:
        """In the model's thread: every request still waiting, oldest first, in batches of up to max_batch."""
        while True:
            with self._pending_lock:
                taken, self._pending = self._pending[:self.max_batch], self._pending[self.max_batch:]
            if not taken:
                return
            batch = [r for r in taken if r.done.set_running_or_notify_cancel()]  # cancelled drafts are dropped
            for request in batch:
                self._observe(request.asked)
            if not batch:
                continue
            try:
                audios = [to_float32(resample(r.samples, r.sample_rate, STT_RATE)) for r in batch]
                transcripts = self.transcribe_batch(audios, [r.language for r in batch],
                                                    [r.low_confidence for r in batch])
            except Exception as exc:  # each caller hears it
                for request in batch:
                    request.done.set_exception(exc)
                continue
            for request, transcript in zip(batch, transcripts, strict=True):
                request.done.set_result(transcript)

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
