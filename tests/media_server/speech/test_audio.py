"""The phone line's audio format: G.711 μ-law by lookup table, and resampling between 8 and 16 kHz.

Twilio sends and plays 8 kHz μ-law; every byte the lead hears or says passes through these tables,
so they must be the standard ones (bit-exact with the retired `audioop`) and lose only G.711's
own quantisation.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

from media_server.speech.audio import STT_RATE, TELEPHONE_RATE, pcm16_to_ulaw, resample, ulaw_to_pcm16

ALL_CODES = bytes(range(256))
ALL_SAMPLES = np.arange(-32768, 32768, dtype=np.int32).astype(np.int16)


@pytest.mark.parametrize(("code", "sample"), [(0xFF, 0), (0x7F, 0), (0x00, -32124), (0x80, 32124),
                                              (0xFE, 8), (0x7E, -8), (0xEF, 132), (0x6F, -132)])
def test_known_codes_decode_to_their_g711_values(code, sample):
    assert ulaw_to_pcm16(bytes([code]))[0] == sample


def test_silence_and_full_scale_encode_to_their_g711_codes():
    encoded = pcm16_to_ulaw(np.array([0, 32767, -32768, 32124, -32124], dtype=np.int16))

    assert encoded == bytes([0xFF, 0x80, 0x00, 0x80, 0x00])


def test_every_code_survives_decode_and_encode():
    again = pcm16_to_ulaw(ulaw_to_pcm16(ALL_CODES))

    # 0x7F is μ-law's "negative zero": it decodes to 0, which is encoded as 0xFF (as G.711 does).
    assert again == ALL_CODES.replace(b"\x7f", b"\xff")


def test_round_trip_error_is_only_g711_quantisation():
    heard = ulaw_to_pcm16(pcm16_to_ulaw(ALL_SAMPLES)).astype(np.int32)
    said = ALL_SAMPLES.astype(np.int32)
    error = np.abs(heard - said)

    audible = np.abs(said) >= 512  # above about -36 dBFS: 4 bits of mantissa give ~3 % steps
    assert np.max(error[audible] / np.abs(said[audible])) < 0.04
    assert np.max(error[np.abs(said) < 512]) <= 20  # near silence the steps are tiny
    assert np.max(error) <= 644  # the loudest step (full scale clips at ±32124)


def test_decoding_is_monotonic_so_louder_stays_louder():
    heard = ulaw_to_pcm16(pcm16_to_ulaw(ALL_SAMPLES)).astype(np.int32)

    assert np.all(np.diff(heard) >= 0)


def test_tables_are_bit_exact_with_audioop():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        audioop = pytest.importorskip("audioop")  # gone from Python 3.13

    assert ulaw_to_pcm16(ALL_CODES).astype("<i2").tobytes() == audioop.ulaw2lin(ALL_CODES, 2)
    assert pcm16_to_ulaw(ALL_SAMPLES) == audioop.lin2ulaw(ALL_SAMPLES.astype("<i2").tobytes(), 2)


def tone(frequency: float, seconds: float, rate: int, amplitude: float = 10000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.int16)


def peak_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples.astype(np.float64) * np.hanning(samples.size)))
    return float(np.fft.rfftfreq(samples.size, 1 / rate)[np.argmax(spectrum)])


def test_upsampling_for_whisper_doubles_the_samples_and_keeps_the_pitch():
    line = tone(1000, 1.0, TELEPHONE_RATE)

    upsampled = resample(line, TELEPHONE_RATE, STT_RATE)

    assert upsampled.dtype == np.int16
    assert upsampled.size == 2 * line.size
    assert peak_frequency(upsampled, STT_RATE) == pytest.approx(1000, abs=2)
    middle = upsampled[STT_RATE // 4: -STT_RATE // 4]  # away from the filter's edges
    assert np.sqrt(np.mean(middle.astype(np.float64) ** 2)) == pytest.approx(10000 / np.sqrt(2), rel=0.02)


def test_downsampling_the_voice_to_the_line_keeps_the_pitch_and_drops_what_the_line_cannot_carry():
    voice = tone(1000, 1.0, 22050) // 2 + tone(6000, 1.0, 22050) // 2  # 6 kHz is above the line's 4 kHz

    line = resample(voice, 22050, TELEPHONE_RATE)

    assert abs(line.size - TELEPHONE_RATE) <= 1
    assert peak_frequency(line, TELEPHONE_RATE) == pytest.approx(1000, abs=2)
    spectrum = np.abs(np.fft.rfft(line.astype(np.float64) * np.hanning(line.size)))
    frequencies = np.fft.rfftfreq(line.size, 1 / TELEPHONE_RATE)
    alias = spectrum[np.abs(frequencies - 2000) < 20].max()  # 6 kHz would fold back to 2 kHz
    assert alias < spectrum.max() / 100  # at least 40 dB down


def test_resampling_nothing_or_to_the_same_rate_changes_nothing():
    line = tone(440, 0.1, TELEPHONE_RATE)

    assert np.array_equal(resample(line, TELEPHONE_RATE, TELEPHONE_RATE), line)
    assert resample(np.zeros(0, dtype=np.int16), TELEPHONE_RATE, STT_RATE).size == 0
