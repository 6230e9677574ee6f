"""Resampling never clicks at frame edges; the agent's voice goes out in whole 20 ms frames.

Echo cancelling, loss and reordering are tested on the call's running stages: tests/media_server/pipeline/
test_echo_cancelling.py and test_loss_and_reordering.py.
"""
from __future__ import annotations

import numpy as np
from scipy.signal import resample

from media_server.dsp.chain import FRAME_SAMPLES, telephone_frames
from media_server.dsp.speex import StreamResampler
from media_server.speech.audio import to_telephone


def boundary_clicks(output: np.ndarray, step: int) -> float:
    """How much larger the second difference is at frame edges than elsewhere (1 = no clicks)."""
    second = np.abs(np.diff(output.astype(np.float64), n=2))
    edges = np.arange(step, second.size - 2, step)
    at_edges = np.concatenate([second[e - 2:e + 2] for e in edges])
    return float(at_edges.max() / np.percentile(second, 99))


def test_the_streaming_resampler_has_no_energy_spikes_at_frame_edges():
    tone = (np.sin(2 * np.pi * 440 * np.arange(8000 * 2) / 8000) * 12000).astype(np.int16)
    streaming = StreamResampler(8000, 16000)
    ours = np.concatenate([streaming.process(tone[i:i + FRAME_SAMPLES]) for i in range(0, tone.size, FRAME_SAMPLES)])
    per_chunk = np.concatenate([resample(tone[i:i + FRAME_SAMPLES], 2 * FRAME_SAMPLES)
                                for i in range(0, tone.size, FRAME_SAMPLES)])
    assert ours.size >= tone.size * 2 - 2 * streaming.delay_samples
    assert boundary_clicks(ours[400:], 2 * FRAME_SAMPLES) < 1.3
    assert boundary_clicks(per_chunk, 2 * FRAME_SAMPLES) > 3  # what the per-chunk FFT approach did


def test_the_agents_audio_goes_out_in_whole_20_ms_frames_with_their_echo_reference():
    reply = (np.sin(2 * np.pi * 300 * np.arange(22050) / 22050) * 9000).astype(np.int16)  # 1 s at Piper's rate
    frames = telephone_frames(to_telephone(reply, 22050))
    assert all(len(payload) == FRAME_SAMPLES for payload, _ in frames)
    assert len(frames) in (50, 51)
    assert all(pcm.size == FRAME_SAMPLES for _, pcm in frames)
