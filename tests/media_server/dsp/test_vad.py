"""Voice activity: speech scores high, silence low, and calls sharing the model never mix states."""
from __future__ import annotations

import numpy as np
import pytest

from media_server.dsp.vad import VoiceActivity
from media_server.speech.audio import resample


@pytest.fixture(scope="module")
def speech():
    from media_server.speech.tts import PiperTTS

    samples, rate = PiperTTS().synthesize("Yes, I am still looking for a house with three bedrooms.")
    return resample(samples, rate, 16000)


def scores(vad: VoiceActivity, audio: np.ndarray) -> list[float]:
    out = []
    for start in range(0, audio.size, 320):  # 20 ms frames, as the pipeline feeds it
        out += vad.push(audio[start:start + 320])
    return out


def test_speech_scores_high_and_silence_low(speech):
    vad = VoiceActivity()
    assert max(scores(vad, np.zeros(16000, dtype=np.int16))) < 0.2
    assert np.mean(np.array(scores(vad, speech)) > 0.5) > 0.5


def test_calls_sharing_the_model_keep_their_own_state(speech):
    alone = scores(VoiceActivity(), speech)
    first, second = VoiceActivity(), VoiceActivity()
    together_first, together_second = [], []
    for start in range(0, speech.size, 320):  # two calls interleaved frame by frame
        together_first += first.push(speech[start:start + 320])
        together_second += second.push(np.zeros(320, dtype=np.int16))
    assert np.allclose(together_first, alone, atol=1e-4)
    assert max(together_second) < 0.2
