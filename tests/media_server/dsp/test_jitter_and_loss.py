"""The jitter buffer and the loss concealer on their own: packets arriving shuffled, twice, or never come out
in order, once each, and gaps are filled without clicks (through the call's stages: tests/media_server/pipeline/
test_loss_and_reordering.py)."""
from __future__ import annotations

import random

import numpy as np

from media_server.dsp.chain import FRAME_SAMPLES
from media_server.dsp.jitter import JitterBuffer
from media_server.dsp.plc import LossConcealer
from media_server.speech.audio import pcm16_to_ulaw

TONE = (np.sin(2 * np.pi * 300 * np.arange(8000 * 4) / 8000) * 8000).astype(np.int16)  # 4 s, 300 Hz


def frames_of(signal: np.ndarray) -> list[bytes]:
    return [pcm16_to_ulaw(signal[i:i + FRAME_SAMPLES]) for i in range(0, signal.size, FRAME_SAMPLES)]


def deliver(buffer: JitterBuffer, order: list[int], frames: list[bytes], jitter_ms=0.0, seed=1):
    """Send frames (by index) in `order`; Twilio numbers them from chunk 1, frame i is sent at
    20·i ms and arrives with random network delay."""
    rng = random.Random(seed)
    out = []
    for position, index in enumerate(order):
        arrival = 20 * position + rng.uniform(0, jitter_ms)
        out += buffer.push(index + 1, frames[index], 20 * index, arrival)
    return out + buffer.flush()


def test_it_puts_shuffled_frames_back_in_order():
    frames = frames_of(TONE)
    order = list(range(len(frames)))
    for i in range(0, len(order) - 1, 7):  # swap neighbours now and then, as a network does
        order[i], order[i + 1] = order[i + 1], order[i]
    buffer = JitterBuffer()
    out = deliver(buffer, order, frames)
    assert out == frames
    assert buffer.stats.reordered > 0 and buffer.stats.lost == 0


def test_it_drops_duplicates_and_counts_them():
    frames = frames_of(TONE)
    order = [i for i in range(len(frames)) for _ in range(2 if i % 10 == 0 else 1)]
    buffer = JitterBuffer()
    assert deliver(buffer, order, frames) == frames
    assert buffer.stats.duplicates == len(range(0, len(frames), 10))


def test_it_declares_missing_frames_lost_once_the_target_has_passed():
    frames = frames_of(TONE)
    dropped = {25, 26, 90, 140}
    buffer = JitterBuffer()
    out = deliver(buffer, [i for i in range(len(frames)) if i not in dropped], frames)
    assert len(out) == len(frames)  # one output per 20 ms: no gap, no stretch
    assert [i for i, frame in enumerate(out) if frame is None] == sorted(dropped)
    assert buffer.stats.lost == len(dropped)


def test_the_target_grows_with_measured_jitter_and_stays_in_bounds():
    frames = frames_of(TONE)
    steady, shaky = JitterBuffer(), JitterBuffer()
    deliver(steady, list(range(len(frames))), frames, jitter_ms=2)
    deliver(shaky, list(range(len(frames))), frames, jitter_ms=120)
    assert steady.stats.target_ms == 40
    assert 80 <= shaky.stats.target_ms <= 200


def max_step(signal: np.ndarray) -> float:
    return float(np.max(np.abs(np.diff(signal.astype(np.float64)))))


def test_concealed_gaps_do_not_click():
    concealer = LossConcealer()
    clean_step = max_step(TONE)
    out = []
    for index in range(0, TONE.size, FRAME_SAMPLES):
        frame = TONE[index:index + FRAME_SAMPLES]
        lost = (index // FRAME_SAMPLES) % 13 in (5, 6)  # two frames in every thirteen go missing
        out.append(concealer.lost() if lost else concealer.good(frame))
    audio = np.concatenate(out)
    assert audio.size == TONE.size
    assert max_step(audio) <= clean_step * 1.5  # no sample-to-sample jump beyond the tone's own slope
    assert concealer.concealed == sum(1 for i in range(TONE.size // FRAME_SAMPLES) if i % 13 in (5, 6))


def test_a_long_gap_fades_to_silence_instead_of_buzzing():
    concealer = LossConcealer(max_repeats=3)
    concealer.good(TONE[:FRAME_SAMPLES])
    gap = [concealer.lost() for _ in range(6)]
    levels = [np.abs(frame.astype(float)).mean() for frame in gap]
    assert levels[0] > levels[1] > levels[2] and max(levels[4:]) < 1
