"""The lead's voice → 8 kHz μ-law, cached per (voice, text): Piper, moved off the agent's voice in pitch and pace,
or espeak-ng (apps.rehearsals.personas.Voice says which and why).

Piper is shifted by resampling: synthesised slower by the pitch factor, then played faster by it, so the pitch
moves and the pace is the persona's. Its CPU time is the process's during the (serialised) synthesis; espeak-ng
runs in a subprocess whose own CPU time is measured (os.wait4). Either way a call can count it.
"""
from __future__ import annotations

import io
import os
import subprocess
import threading
import wave

import numpy as np

from apps.rehearsals.personas import Voice
from media_server.load import process_cpu
from media_server.speech.audio import TELEPHONE_RATE, pcm16_to_ulaw, resample

_cache: dict[tuple[Voice, str], bytes] = {}
PIPER_NATURAL_RATE = 160  # words per minute at Piper's length_scale 1
SILENCE_LEVEL = 64  # PCM16 amplitude (−54 dBFS): below it, a trailing sample is silence
_lock = threading.Lock()
_piper_lock = threading.Lock()  # one synthesis at a time: its CPU time is then its own


class VoiceError(RuntimeError):
    """espeak-ng is missing or refused the voice (Piper's model missing raises ModelMissing)."""


def speak(voice: Voice, text: str) -> tuple[bytes, float]:
    """The text in the voice as 8 kHz μ-law, and the CPU seconds it cost (0 when cached)."""
    key = (voice, text)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached, 0.0
    samples, cpu = _piper(voice, text) if voice.engine == "piper" else _espeak(voice, text)
    audio = pcm16_to_ulaw(_without_trailing_silence(samples))
    with _lock:
        _cache[key] = audio
    return audio, cpu


def _without_trailing_silence(samples: np.ndarray) -> np.ndarray:
    """A synthesiser ends every utterance with silence (espeak-ng ~0.44 s): cut it, so the clip ends where the words
    do and the phone's voice-to-voice is timed from the end of the lead's speech (the line sends silence after it)."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > SILENCE_LEVEL)
    return samples[:loud[-1] + 1] if loud.size else samples


def _piper(voice: Voice, text: str) -> tuple[np.ndarray, float]:
    """The text in Piper's voice at the persona's pace and pitch, as 8 kHz PCM16, and the CPU it took."""
    from piper import SynthesisConfig

    from media_server.speech.tts import piper_tts

    tts = piper_tts()  # the process's Piper voice (the agent's), loaded once
    shift = 2 ** ((voice.pitch - 50) / 8 / 12)  # each 8 of `pitch` a semitone
    config = SynthesisConfig(length_scale=PIPER_NATURAL_RATE / voice.rate * shift, noise_scale=0.75,
                             noise_w_scale=0.9)
    with _piper_lock:
        started = process_cpu()
        pcm = np.concatenate([chunk.audio_int16_array for chunk in tts.voice.synthesize(text, config)] or
                             [np.zeros(0, dtype=np.int16)])
        cpu = process_cpu() - started
    # Read at `shift` times its rate, then resampled to the line's: `shift` times higher, and as much faster.
    return resample(pcm, round(tts.sample_rate * shift), TELEPHONE_RATE), cpu


def _espeak(voice: Voice, text: str) -> tuple[np.ndarray, float]:
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
    with wave.open(io.BytesIO(wav)) as reader:
        samples = np.frombuffer(reader.readframes(reader.getnframes()), dtype=np.int16)
        rate = reader.getframerate()
    return resample(samples, rate, TELEPHONE_RATE), usage.ru_utime + usage.ru_stime


def tone(hz: int, ms: int, level_db: float = -10.0) -> bytes:
    """A pure tone (an answering machine's beep) as 8 kHz μ-law."""
    t = np.arange(int(TELEPHONE_RATE * ms / 1000)) / TELEPHONE_RATE
    samples = np.sin(2 * np.pi * hz * t) * 32767 * 10 ** (level_db / 20)
    return pcm16_to_ulaw(samples.astype(np.int16))
