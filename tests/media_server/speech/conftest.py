"""Speech fixtures: the real models loaded once per session, and audio the tests make themselves.

Voices are Piper (the call's own voice) and espeak-ng (a different, robotic speaker); both are
mixed with white noise where asked and squeezed through the phone line: 8 kHz G.711 μ-law and back.
"""
from __future__ import annotations

import re
import subprocess
import tempfile
import wave
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import pytest

from media_server.speech.audio import TELEPHONE_RATE, to_telephone, ulaw_to_pcm16


@pytest.fixture(scope="session")
def stt():
    from media_server.speech.stt import SpeechToText

    return SpeechToText()


@pytest.fixture(scope="session")
def tts():
    from media_server.speech.tts import PiperTTS

    return PiperTTS()


@pytest.fixture(scope="session")
def steady_tts():
    """The call's Piper voice with its generator noise off: the same audio every run, so that what Whisper
    hears of it is the same every run. (With the noise, as calls have it, Whisper now and then hears
    "$460,000" for "$450,000" through a noisy line, or "Sir Street" for "Sutter Street".)"""
    from piper import SynthesisConfig

    from media_server.speech.tts import PiperTTS

    voice = PiperTTS()
    voice.config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    return voice


def espeak(text: str, voice: str = "en-us") -> tuple[np.ndarray, int]:
    """espeak-ng saying `text` (150 words a minute): PCM16 samples and their rate."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True,
                       capture_output=True)
        with wave.open(str(path)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
            return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16), wav.getframerate()


def with_noise(samples: np.ndarray, snr_db: float, seed: int = 7) -> np.ndarray:
    """White noise added at `snr_db` below the speech's own power (0 dB: as loud as the speech)."""
    speech = samples.astype(np.float64)
    noise_power = np.mean(speech**2) / 10 ** (snr_db / 10)
    noise = np.random.default_rng(seed).normal(0.0, np.sqrt(noise_power), speech.size)
    return np.clip(speech + noise, -32768, 32767).astype(np.int16)


def white_noise(seconds: float, rms: float = 3000, rate: int = TELEPHONE_RATE, seed: int = 11) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0.0, rms, int(seconds * rate))
    return np.clip(noise, -32768, 32767).astype(np.int16)


def telephone(samples: np.ndarray, rate: int) -> np.ndarray:
    """What the far end of a phone call hears: 8 kHz μ-law, decoded back to PCM16 at 8 kHz."""
    return ulaw_to_pcm16(to_telephone(samples, rate))


_UNITS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {word: 10 * n for n, word in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"thousand": 1_000, "million": 1_000_000}


def words(text: str) -> list[str]:
    """Lower-case words with every number as digits, however Whisper wrote it: "$450,000",
    "450 thousand" and "four hundred and fifty thousand" all become "450000"; "3-bedroom" and
    "three bedroom" both become "3", "bedroom"."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.lower())
    tokens = re.findall(r"\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)?", text.replace("-", " "))
    out: list[str] = []
    total, current = 0, None  # a number being read: thousands done, and the part below them

    def flush():
        nonlocal total, current
        if current is not None:
            out.append(str(total + current))
        total, current = 0, None

    for token in tokens:
        value = int(token) if token.isdigit() else _UNITS.get(token, _TENS.get(token))
        if value is not None:
            joins = current is not None and (
                (current == 0 and total > 0)  # "thousand | two hundred"
                or (current % 100 == 0 and current > 0 and value < 100)  # "four hundred | fifty"
                or (current % 100 >= 20 and current % 10 == 0 and value < 10))  # "twenty | five"
            if not joins:
                flush()
                current = 0
            current += value
        elif token == "hundred" and current is not None:
            current *= 100
        elif token in _SCALES and current is not None:
            total, current = total + current * _SCALES[token], 0
        elif token == "and" and current is not None and current >= 100:
            continue
        else:
            flush()
            out.append(token)
    flush()
    return out


def similarity(heard: str, said: str) -> float:
    """Word-level likeness of two texts, 0–1 (difflib's ratio on normalised words)."""
    return SequenceMatcher(None, words(heard), words(said), autojunk=False).ratio()


def contains_words(text: str, phrase: str) -> bool:
    """Whether the normalised words of `phrase` occur in `text`, next to each other and in order
    (a plural counts: "bedrooms" contains "bedroom")."""
    def singular(some: str) -> str:
        return " " + " ".join(w.removesuffix("s") for w in words(some)) + " "

    return singular(phrase) in singular(text)
