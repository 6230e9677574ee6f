"""The agent's own voice coming back down the line is cancelled; resampling never clicks at frame edges."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample

from media_server.dsp.chain import FRAME_SAMPLES, InboundChain, telephone_frames
from media_server.dsp.speex import StreamResampler
from media_server.speech.audio import pcm16_to_ulaw, to_telephone
from media_server.speech.audio import resample as oneshot_resample


@pytest.fixture(scope="module")
def agent_voice():
    """Ten seconds of the agent speaking, as sent to the phone (8 kHz)."""
    from media_server.speech.tts import PiperTTS

    tts = PiperTTS()
    text = ("Hi, this is Alex from Sunrise Realty, an automated assistant. Are you still looking for a home "
            "with three bedrooms? We have two open houses this weekend, on Saturday and Sunday afternoon. "
            "Would either of those work for you, or should I suggest another time next week?")
    samples, rate = tts.synthesize(text)
    return oneshot_resample(samples, rate, 8000)[: 8000 * 10]


def power(signal: np.ndarray) -> float:
    return float(np.mean(signal.astype(np.float64) ** 2)) + 1e-9


def run_call(chain: InboundChain, far: np.ndarray, near: np.ndarray) -> np.ndarray:
    """Play `far` to the lead frame by frame while the line returns `near`; returns the cleaned line."""
    out = []
    frames = min(far.size, near.size) // FRAME_SAMPLES
    for index in range(frames):
        span = slice(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES)
        chain.played(far[span])
        for frame in chain.push(index + 1, pcm16_to_ulaw(near[span]), 20 * index, 20 * index):
            out.append(frame.audio_8k)
    return np.concatenate(out)


def echo_of(voice: np.ndarray, delay_ms: int, attenuation_db: float) -> np.ndarray:
    delay = delay_ms * 8
    echo = np.zeros_like(voice, dtype=np.float64)
    echo[delay:] = voice[:-delay] * 10 ** (-attenuation_db / 20)
    return echo.astype(np.int16)


@pytest.mark.parametrize("delay_ms, attenuation_db", [(60, 6), (150, 10), (240, 3)])
def test_the_agents_echo_is_reduced_by_at_least_15_db_after_convergence(agent_voice, delay_ms, attenuation_db):
    echo = echo_of(agent_voice, delay_ms, attenuation_db)
    cleaned = run_call(InboundChain(echo_cancel=True, denoise=True), agent_voice, echo)
    settled = slice(8000 * 4, cleaned.size)  # after four seconds of adaptation
    erle = 10 * np.log10(power(echo[settled]) / power(cleaned[settled]))
    assert erle >= 15, f"ERLE {erle:.1f} dB"


def test_the_lead_talking_over_the_agent_is_still_heard(agent_voice):
    """Double talk: cancelling the echo must not cancel the lead."""
    rng = np.random.default_rng(5)
    lead = np.zeros_like(agent_voice)
    words = (np.sin(2 * np.pi * 220 * np.arange(8000) / 8000) * 6000 * (1 + 0.3 * rng.standard_normal(8000)))
    lead[8000 * 6: 8000 * 7] = np.clip(words, -32768, 32767).astype(np.int16)  # one second of the lead at 6 s
    line = np.clip(echo_of(agent_voice, 120, 6).astype(np.int32) + lead, -32768, 32767).astype(np.int16)
    cleaned = run_call(InboundChain(echo_cancel=True, denoise=False), agent_voice, line)
    during = slice(8000 * 6 + 800, 8000 * 7 - 800)
    kept = power(cleaned[during]) / power(lead[during])
    assert kept > 0.25  # the lead loses at most 6 dB while the agent talks


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
