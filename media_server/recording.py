"""The call's stereo recording: the lead on the left, the agent on the right, 8 kHz, time-aligned
by the inbound frame clock (each lead frame beside the agent frame playing at that moment)."""
from __future__ import annotations

import io
import wave

import numpy as np
from django.utils import timezone


class StereoRecorder:
    def __init__(self):
        self._left: list[np.ndarray] = []
        self._right: list[np.ndarray] = []

    def add(self, lead: np.ndarray, agent: np.ndarray) -> None:
        self._left.append(lead)
        self._right.append(agent)

    @property
    def seconds(self) -> float:
        return sum(frame.size for frame in self._left) / 8000

    def channels(self) -> tuple[np.ndarray, np.ndarray]:
        """The lead's channel (cleaned) and the agent's (as played), PCM16 at 8 kHz, recorded so far."""
        left = np.concatenate(self._left) if self._left else np.zeros(0, dtype=np.int16)
        right = np.concatenate(self._right) if self._right else np.zeros(0, dtype=np.int16)
        return left, right

    def save(self, call_id: int) -> str:
        """Writes the WAV to the recordings' storage (MEDIA_ROOT, or the S3 bucket: config.settings.base); returns
        its name there (for the FileField)."""
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        name = f"recordings/{timezone.now():%Y/%m}/call-{call_id}.wav"
        left, right = self.channels()
        stereo = np.stack([left, right[: left.size]], axis=1).astype("<i2")
        wav = io.BytesIO()
        with wave.open(wav, "wb") as out:
            out.setnchannels(2)
            out.setsampwidth(2)
            out.setframerate(8000)
            out.writeframes(stereo.tobytes())
        return default_storage.save(name, ContentFile(wav.getvalue()))
