"""The lead's voice: espeak-ng (never the agent's Piper voice) → 8 kHz μ-law, cached per (voice, text).

Synthesis runs in a subprocess; its CPU time is measured per child (os.wait4) so a call can count it.
"""
from __future__ import annotations

import io
import os
import subprocess
import threading
import wave

import numpy as np

from apps.rehearsals.personas import Voice
from media_server.speech.audio import TELEPHONE_RATE, pcm16_to_ulaw, resample

_cache: dict[tuple[Voice, str], bytes] = {}
SILENCE_LEVEL = 64  # PCM16 amplitude (−54 dBFS): below it, a trailing sample is silence
_lock = threading.Lock()


class VoiceError(RuntimeError):
    """espeak-ng is missing or refused the voice."""


def speak(voice: Voice, text: str) -> tuple[bytes, float]:
    """The text in the voice as 8 kHz μ-law, and the CPU seconds it cost (0 when cached)."""
    key = (voice, text)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached, 0.0
    wav, cpu = _espeak(voice, text)
    with wave.open(io.BytesIO(wav)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        rate = reader.getframerate()
    audio = pcm16_to_ulaw(_without_trailing_silence(resample(samples, rate, TELEPHONE_RATE)))
    with _lock:
        _cache[key] = audio
    return audio, cpu


def _without_trailing_silence(samples: np.ndarray) -> np.ndarray:
    """espeak-ng ends every utterance with ~0.44 s of silence: cut it, so the clip ends where the words do and
    the phone's voice-to-voice is timed from the end of the lead's speech (the line sends silence after it)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_LEVEL)
    return samples[:loud[-1] + 1] if loud.size else samples


def _espeak(voice: Voice, text: str) -> tuple[bytes, float]:
    command = ["espeak-ng", "-v", voice.espeak_voice, "-s", str(voice.rate), "-p", str(voice.pitch), "--stdout",
               text]
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603 - a list
    except FileNotFoundError:
        raise VoiceError("espeak-ng is not installed (make setup installs it)") from None
    wav, errors = process.stdout.read(), process.stderr.read()
    process.stdout.close()
    process.stderr.close()
    _, status, usage = os.wait4(process.pid, 0)  # this child's own CPU time, whatever else runs
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 or not wav:
        raise VoiceError(f"espeak-ng failed for voice {voice.espeak_voice!r}: {errors.decode(errors='replace')}")
    return wav, usage.ru_utime + usage.ru_stime


def tone(hz: int, ms: int, level_db: float = -10.0) -> bytes:
    """A pure tone (an answering machine's beep) as 8 kHz μ-law."""
    t = np.arange(int(TELEPHONE_RATE * ms / 1000)) / TELEPHONE_RATE
    samples = np.sin(2 * np.pi * hz * t) * 32767 * 10 ** (level_db / 20)
    return pcm16_to_ulaw(samples.astype(np.int16))
