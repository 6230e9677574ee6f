"""Line conditions on the lead's frames: loss leaves gaps, jitter delays and reorders, noise and echo are heard."""
from __future__ import annotations

import numpy as np

from apps.rehearsals.network.line import SILENCE, Line
from apps.rehearsals.personas import Echo, LineConditions
from media_server.speech.audio import pcm16_to_ulaw, ulaw_to_pcm16


def tone_frame(level: float = 8000.0) -> bytes:
    return pcm16_to_ulaw((np.sin(np.arange(160) * 2 * np.pi * 440 / 8000) * level).astype(np.int16))


def rms(payload: bytes) -> float:
    return float(np.sqrt(np.mean(ulaw_to_pcm16(payload).astype(np.float64) ** 2)))


def test_a_clean_line_delivers_every_frame_on_time_unchanged():
    line, frame = Line(LineConditions()), tone_frame()
    sent = [line.transmit(n, frame) for n in range(50)]
    assert [out.payload for out in sent] == [frame] * 50
    assert [out.due for out in sent] == [n * 0.02 for n in range(50)]


def test_loss_drops_about_that_share_of_frames_leaving_gaps():
    line = Line(LineConditions(loss=0.1), seed=7)
    sent = [line.transmit(n, SILENCE) for n in range(5000)]
    delivered = [out.frame for out in sent if out is not None]
    assert 0.08 < line.lost / 5000 < 0.12 and line.lost == 5000 - len(delivered)
    assert any(b - a > 1 for a, b in zip(delivered, delivered[1:], strict=False))  # gaps in chunk numbers


def test_jitter_delays_each_frame_within_the_bound_and_reorders_some():
    line = Line(LineConditions(jitter_ms=60), seed=3)
    sent = [line.transmit(n, SILENCE) for n in range(500)]
    delays = [out.due - out.frame * 0.02 for out in sent]
    assert all(0 <= delay <= 0.060 for delay in delays) and max(delays) > 0.04
    arrival_order = [out.frame for out in sorted(sent, key=lambda out: out.due)]
    assert arrival_order != sorted(arrival_order)  # frames overtake each other


def test_echo_returns_the_agents_voice_delayed_and_attenuated():
    line = Line(LineConditions(echo=Echo(delay_ms=100, attenuation_db=12)))
    loud = tone_frame(16000)
    line.hear_agent(loud, frame=10)
    frames = {n: line.transmit(n, SILENCE).payload for n in range(10, 20)}
    assert rms(frames[14]) < 50 and rms(frames[16]) < 50  # nothing before 100 ms, nothing after the frame
    assert rms(frames[15]) > 0
    assert abs(20 * np.log10(rms(frames[15]) / rms(loud)) + 12) < 1.5


def test_noise_is_heard_at_its_level_even_in_silence():
    line = Line(LineConditions(noise_db=-40), seed=1)
    levels = [rms(line.transmit(n, SILENCE).payload) for n in range(100)]
    assert abs(20 * np.log10(np.mean(levels) / 32768) + 40) < 2


def test_a_silent_line_carries_nothing_the_lead_says():
    line = Line(LineConditions(silent=True))
    assert line.transmit(0, tone_frame()).payload == SILENCE
