"""Voice activity with Silero (shipped inside pipecat): speech probability per 32 ms at 16 kHz."""
from __future__ import annotations

import numpy as np


class VoiceActivity:
    """Feeds 16 kHz PCM16 frames of any size to Silero in the 512-sample windows it needs."""

    def __init__(self, sample_rate: int = 16000):
        from pipecat.audio.vad.silero import SileroVADAnalyzer

        self.analyzer = SileroVADAnalyzer(sample_rate=sample_rate)
        self.analyzer.set_sample_rate(sample_rate)  # without it Silero silently scores nothing
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
