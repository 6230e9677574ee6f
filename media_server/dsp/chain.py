"""One call's audio chains, frame by frame.

Inbound (the lead): Twilio μ-law frames → jitter buffer → decode → loss concealment → echo
cancel (against what we played) → noise suppression → 8 → 16 kHz, ready for VAD and STT.
Outbound (the agent): 8 kHz μ-law from the voice → 20 ms frames for Twilio, each decoded once as
the echo canceller's far-end reference for the inbound frame heard at the same time.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from media_server.dsp.jitter import JitterBuffer
from media_server.dsp.plc import LossConcealer
from media_server.dsp.speex import EchoCanceller, Preprocessor, StreamResampler
from media_server.speech.audio import ulaw_to_pcm16

FRAME_SAMPLES = 160  # 20 ms at 8 kHz
SILENCE = np.zeros(FRAME_SAMPLES, dtype=np.int16)
ULAW_SILENCE = b"\xff"  # μ-law code for 0


@dataclass
class InboundFrame:
    audio_16k: np.ndarray  # cleaned, for VAD/STT
    audio_8k: np.ndarray  # cleaned, for the recording
    concealed: bool
    far_8k: np.ndarray  # what the agent was playing meanwhile (the recording's other channel)


class InboundChain:
    def __init__(self, echo_cancel: bool = True, denoise: bool = True, output_rate: int = 16000):
        self.jitter = JitterBuffer()
        self.plc = LossConcealer(FRAME_SAMPLES)
        self.echo = EchoCanceller(FRAME_SAMPLES, 8000) if echo_cancel else None
        self.denoise = Preprocessor(FRAME_SAMPLES, 8000, echo=self.echo) if denoise else None
        self.resampler = StreamResampler(8000, output_rate)
        self.far_end: deque[np.ndarray] = deque(maxlen=50)  # 1 s of what we played, oldest first
        self.malformed = 0

    def push(self, chunk: int, payload: bytes, stream_ms: float, arrival_ms: float) -> list[InboundFrame]:
        if len(payload) != FRAME_SAMPLES:
            self.malformed += 1  # Twilio sends 160-byte frames; anything else is skipped, not fatal
            return []
        return [self._clean(frame) for frame in self.jitter.push(chunk, payload, stream_ms, arrival_ms)]

    def flush(self) -> list[InboundFrame]:
        return [self._clean(frame) for frame in self.jitter.flush()]

    def played(self, frame_8k: np.ndarray) -> None:
        """A frame we sent to the lead: the echo reference for the inbound frame at the same time."""
        self.far_end.append(frame_8k)

    def _clean(self, payload: bytes | None) -> InboundFrame:
        pcm = self.plc.lost() if payload is None else self.plc.good(ulaw_to_pcm16(payload))
        far = self.far_end.popleft() if self.far_end else SILENCE
        if self.echo is not None:
            pcm = self.echo.process(pcm, far)
        if self.denoise is not None:
            pcm = self.denoise.process(pcm)
        return InboundFrame(self.resampler.process(pcm), pcm, payload is None, far)


def telephone_frames(ulaw: bytes) -> list[tuple[bytes, np.ndarray]]:
    """8 kHz μ-law audio → whole 20 ms frames to send (the last padded with silence), each with
    its PCM16 decoding for the echo canceller's far-end reference."""
    if len(ulaw) % FRAME_SAMPLES:
        ulaw += ULAW_SILENCE * (FRAME_SAMPLES - len(ulaw) % FRAME_SAMPLES)
    return [(ulaw[i:i + FRAME_SAMPLES], ulaw_to_pcm16(ulaw[i:i + FRAME_SAMPLES]))
            for i in range(0, len(ulaw), FRAME_SAMPLES)]
