"""The telephone frame both audio chains are cut into: 20 ms of 8 kHz audio, 160 μ-law bytes or PCM16 samples.

The chains themselves are the call's pipeline stages (media_server.pipeline, built by its `build`): the lead's
frames go jitter buffer → loss concealment → echo cancel → noise suppression → 8 → 16 kHz; the agent's voice is
cut here into whole frames for Twilio, each decoded once as the echo canceller's far-end reference.
"""
from __future__ import annotations

import numpy as np

from media_server.speech.audio import ulaw_to_pcm16

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
SILENCE = np.zeros(FRAME_SAMPLES, dtype=np.int16)
ULAW_SILENCE = b"\xff"  # μ-law code for 0


def telephone_frames(ulaw: bytes) -> list[tuple[bytes, np.ndarray]]:
    """8 kHz μ-law audio → whole 20 ms frames to send (the last padded with silence), each with
    its PCM16 decoding for the echo canceller's far-end reference."""
    if len(ulaw) % FRAME_SAMPLES:
        ulaw += ULAW_SILENCE * (FRAME_SAMPLES - len(ulaw) % FRAME_SAMPLES)
    return [(ulaw[i:i + FRAME_SAMPLES], ulaw_to_pcm16(ulaw[i:i + FRAME_SAMPLES]))
            for i in range(0, len(ulaw), FRAME_SAMPLES)]
