"""Packet-loss concealment for 20 ms PCM16 frames.

A lost frame repeats the last one, its level ramping down smoothly (half per frame, silence
after three); every seam — into a gap, between repeats, back to real audio — is made continuous
by bending the first few milliseconds onto the previous sample, so a loss never clicks.
"""
from __future__ import annotations

import numpy as np

SEAM_SAMPLES = 40  # 5 ms at 8 kHz
_DECAY = np.linspace(1.0, 0.0, SEAM_SAMPLES, dtype=np.float32)


class LossConcealer:
    def __init__(self, frame_size: int = 160, max_repeats: int = 3):
        self.frame_size = frame_size
        self.max_repeats = max_repeats
        self._source = np.zeros(frame_size, dtype=np.float32)  # the last good frame
        self._last_sample = 0.0
        self._gain = 1.0
        self._losses = 0
        self.concealed = 0

    def good(self, frame: np.ndarray) -> np.ndarray:
        current = frame.astype(np.float32)
        self._source = current.copy()
        if self._losses:
            current = self._join(current)
        self._losses, self._gain = 0, 1.0
        return self._emit(current)

    def lost(self) -> np.ndarray:
        self._losses += 1
        self.concealed += 1
        target = 0.5 ** self._losses if self._losses <= self.max_repeats else 0.0
        envelope = np.linspace(self._gain, target, self.frame_size, dtype=np.float32)
        self._gain = target
        return self._emit(self._join(self._source * envelope))

    def _join(self, frame: np.ndarray) -> np.ndarray:
        """Bend the frame's start onto the last sample played: no step, so no click."""
        frame = frame.copy()
        frame[:SEAM_SAMPLES] += (self._last_sample - frame[0]) * _DECAY
        return frame

    def _emit(self, frame: np.ndarray) -> np.ndarray:
        self._last_sample = float(frame[-1])
        return np.clip(np.rint(frame), -32768, 32767).astype(np.int16)
