"""The telephone line between the lead and the network: what happens to the lead's 20 ms frames on the way.

Jitter delays each frame by up to `jitter_ms` (frames overtake each other when delays differ by more
than a frame), loss drops frames (gaps in chunk and sequence numbers), noise adds a steady hiss, and
echo sends the agent's own voice back, delayed and attenuated, as a poor handset or speakerphone does.
A silent line carries nothing the lead says. Frame indices are the lead's clock: frame n is spoken at
n × 20 ms after the stream started.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from apps.rehearsals.personas import LineConditions
from media_server.speech.audio import pcm16_to_ulaw, ulaw_to_pcm16

FRAME_SAMPLES = 160
FRAME_SECONDS = 0.02
SILENCE = b"\xff" * FRAME_SAMPLES


@dataclass(frozen=True)
class Outgoing:
    frame: int  # the lead's frame index (Twilio's chunk is frame + 1)
    due: float  # seconds after the stream started when it reaches the network
    payload: bytes


class Line:
    def __init__(self, conditions: LineConditions, seed: int = 0):
        self.conditions = conditions
        self._random = random.Random(seed)
        self._noise = np.random.default_rng(seed)
        self._echoes: list[tuple[int, np.ndarray]] = []  # (first sample, audio) still to come back
        self.frames = self.lost = 0

    def hear_agent(self, payload: bytes, frame: int) -> None:
        """Agent audio that reached the phone during `frame`: with echo, it comes back later on the line."""
        echo = self.conditions.echo
        if echo is None or not payload:
            return
        start = frame * FRAME_SAMPLES + round(echo.delay_ms * 8)
        gain = 10 ** (-echo.attenuation_db / 20)
        self._echoes.append((start, ulaw_to_pcm16(payload).astype(np.float32) * gain))

    def transmit(self, frame: int, payload: bytes) -> Outgoing | None:
        """The lead's frame as the network receives it, or None when the line lost it."""
        self.frames += 1
        if self.conditions.silent:
            payload = SILENCE
        payload = self._mix(frame, payload)
        if self.conditions.loss and self._random.random() < self.conditions.loss:
            self.lost += 1
            return None
        delay = self._random.uniform(0, self.conditions.jitter_ms) / 1000 if self.conditions.jitter_ms else 0.0
        return Outgoing(frame, frame * FRAME_SECONDS + delay, payload)

    def _mix(self, frame: int, payload: bytes) -> bytes:
        noise_db = self.conditions.noise_db
        if noise_db is None and not self._echoes:
            return payload
        audio = ulaw_to_pcm16(payload.ljust(FRAME_SAMPLES, b"\xff")).astype(np.float32)
        if noise_db is not None:
            audio += self._noise.normal(0.0, 32768 * 10 ** (noise_db / 20), FRAME_SAMPLES).astype(np.float32)
        audio += self._echo_for(frame)
        return pcm16_to_ulaw(np.clip(audio, -32768, 32767).astype(np.int16))

    def _echo_for(self, frame: int) -> np.ndarray:
        first, mixed = frame * FRAME_SAMPLES, np.zeros(FRAME_SAMPLES, dtype=np.float32)
        keep = []
        for start, audio in self._echoes:
            lo, hi = max(first, start), min(first + FRAME_SAMPLES, start + len(audio))
            if lo < hi:
                mixed[lo - first:hi - first] += audio[lo - start:hi - start]
            if start + len(audio) > first + FRAME_SAMPLES:
                keep.append((start, audio))
        self._echoes = keep
        return mixed
