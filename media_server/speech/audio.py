"""Telephone audio conversions: G.711 μ-law ↔ PCM16 by lookup table, and resampling with soxr.

Inside the pipeline audio is PCM16 numpy arrays with an explicit rate; μ-law exists only at the
Twilio edge. The tables are bit-exact with the retired `audioop` module.
"""
from __future__ import annotations

import numpy as np
import soxr

TELEPHONE_RATE = 8000
STT_RATE = 16000
_BIAS = 0x84


def _build_decode_table() -> np.ndarray:
    codes = ~np.arange(256, dtype=np.int32) & 0xFF
    sign, exponent, mantissa = codes & 0x80, (codes >> 4) & 0x07, codes & 0x0F
    magnitude = (((mantissa << 3) + _BIAS) << exponent) - _BIAS
    return np.where(sign != 0, -magnitude, magnitude).astype(np.int16)


def _build_encode_table() -> np.ndarray:
    """μ-law byte for every 16-bit sample (indexed by sample + 32768), as G.711 / audioop do it:
    on the 14-bit value, magnitude clipped to 8159, biased by 33, segment = its bit length."""
    value = np.arange(-32768, 32768, dtype=np.int32) >> 2
    mask = np.where(value < 0, 0x7F, 0xFF)
    magnitude = np.minimum(np.abs(value), 8159) + 33
    segment = np.searchsorted(np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF]), magnitude)
    code = np.where(segment >= 8, 0x7F, (segment << 4) | ((magnitude >> (segment + 1)) & 0x0F))
    return ((code ^ mask) & 0xFF).astype(np.uint8)


ULAW_TO_PCM = _build_decode_table()
PCM_TO_ULAW = _build_encode_table()


def ulaw_to_pcm16(payload: bytes) -> np.ndarray:
    return ULAW_TO_PCM[np.frombuffer(payload, dtype=np.uint8)]


def pcm16_to_ulaw(samples: np.ndarray) -> bytes:
    return PCM_TO_ULAW[samples.astype(np.int32) + 32768].tobytes()


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample a whole utterance (not a stream of chunks: that needs soxr.ResampleStream)."""
    if from_rate == to_rate or samples.size == 0:
        return samples.astype(np.int16, copy=False)
    return soxr.resample(samples.astype(np.int16, copy=False), from_rate, to_rate, quality="HQ")


def to_float32(samples: np.ndarray) -> np.ndarray:
    return samples.astype(np.float32) / 32768.0


def to_telephone(samples: np.ndarray, rate: int) -> bytes:
    """PCM16 at any rate → 8 kHz μ-law bytes, as Twilio plays them."""
    return pcm16_to_ulaw(resample(samples, rate, TELEPHONE_RATE))
