"""Text to speech with Piper: one voice per process, streamed sentence by sentence.

The first sentence's audio is ready (~0.15 s) long before the whole reply is synthesised.
Output is PCM16 at the voice's rate; `telephone_chunks` turns it into 8 kHz μ-law for Twilio.
"""
from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from django.conf import settings

from media_server.speech.audio import to_telephone
from media_server.speech.model_files import check_piper
from media_server.speech.text import speakable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpokenChunk:
    """One sentence of synthesised speech."""

    text: str
    samples: np.ndarray  # PCM16
    sample_rate: int

    @property
    def seconds(self) -> float:
        return self.samples.size / self.sample_rate


class PiperTTS:
    def __init__(self, voice_path=None, use_cuda: bool = False, length_scale: float | None = None):
        from piper import PiperVoice, SynthesisConfig

        started = time.perf_counter()
        path = check_piper(voice_path)
        self.voice = PiperVoice.load(str(path), config_path=f"{path}.json", use_cuda=use_cuda)
        self.sample_rate = self.voice.config.sample_rate
        self.config = SynthesisConfig(length_scale=length_scale)
        self.load_seconds = time.perf_counter() - started
        self._lock = threading.Lock()
        log.info("Piper voice %s loaded in %.2f s", path.name, self.load_seconds)

    def stream(self, text: str, *, already_speakable: bool = False) -> Iterator[SpokenChunk]:
        """Speakable sentences of `text`, one chunk each, as soon as each is synthesised."""
        spoken = text if already_speakable else speakable(text, settings.TTS_MAX_SPOKEN_CHARS)
        if not spoken:
            return
        chunks = iter(self.voice.synthesize(spoken, self.config))
        while True:
            # The lock covers one sentence's synthesis, never a pause between yields: a reply cut
            # by barge-in (its generator abandoned) must not block the next one.
            with self._lock:
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield SpokenChunk(" ".join(chunk.phonemes), chunk.audio_int16_array, chunk.sample_rate)

    def synthesize(self, text: str, **kwargs) -> tuple[np.ndarray, int]:
        chunks = list(self.stream(text, **kwargs))
        if not chunks:
            return np.zeros(0, dtype=np.int16), self.sample_rate
        return np.concatenate([c.samples for c in chunks]), self.sample_rate

    def telephone_chunks(self, text: str, **kwargs) -> Iterator[bytes]:
        """8 kHz μ-law audio, one piece per sentence, for the Twilio edge."""
        for chunk in self.stream(text, **kwargs):
            yield to_telephone(chunk.samples, chunk.sample_rate)


@functools.lru_cache(maxsize=1)
def piper_tts() -> PiperTTS:
    """The process's model, loaded on first use (the media worker loads it at start)."""
    return PiperTTS()
