"""Voice activity with Silero (shipped inside pipecat): speech probability per 32 ms at 16 kHz."""
from __future__ import annotations

import copy
import functools

import numpy as np


@functools.lru_cache(maxsize=2)
def _template(sample_rate: int):
    from pipecat.audio.vad.silero import SileroVADAnalyzer

    analyzer = SileroVADAnalyzer(sample_rate=sample_rate)
    analyzer.set_sample_rate(sample_rate)  # without it Silero silently scores nothing
    return analyzer


class VoiceActivity:
    """Feeds 16 kHz PCM16 frames of any size to Silero in the 512-sample windows it needs.

    Every call shares the process's ONNX session; each gets its own recurrent state (Silero is
    stateful across windows), so a call costs kilobytes, not another model.
    """

    def __init__(self, sample_rate: int = 16000):
        template = _template(sample_rate)
        self.analyzer = copy.copy(template)
        self.analyzer._model = copy.copy(template._model)  # shares .session
        self.analyzer._model.reset_states()  # its own state arrays
        self.window = self.analyzer.num_frames_required()
        self._pending = np.zeros(0, dtype=np.int16)

    def push(self, samples: np.ndarray) -> list[float]:
        """Speech probability (0–1) for every whole window now available."""
        self._pending = np.concatenate([self._pending, samples.astype(np.int16)])
        scores = []
        while self._pending.size >= self.window:
            window, self._pending = self._pending[:self.window], self._pending[self.window:]
            scores.append(float(np.asarray(self.analyzer.voice_confidence(window.tobytes())).reshape(-1)[0]))
        return scores
