"""The lead's line, 20 ms at a time: Twilio packets in → ordered → PCM16 → echo cancelled → denoised →
recorded → 16 kHz. Each stage wraps one DSP block of media_server.dsp.

Like every stage they run in pipecat's direct mode (media_server.pipeline.stage): each costs
microseconds and never waits, so a queue and a task switch per stage would cost more than the work.
"""
from __future__ import annotations

from collections import deque

import numpy as np
from pipecat.frames.frames import CancelFrame, EndFrame, Frame, StartFrame
from pipecat.processors.frame_processor import FrameDirection

from media_server.dsp.chain import FRAME_SAMPLES, SILENCE
from media_server.dsp.jitter import JitterBuffer
from media_server.dsp.plc import LossConcealer
from media_server.dsp.speex import EchoCanceller, Preprocessor, StreamResampler
from media_server.pipeline.frames import LeadAudioFrame, OrderedPacketFrame, PacketFrame
from media_server.pipeline.stage import DirectStage
from media_server.recording import StereoRecorder
from media_server.speech.audio import TELEPHONE_RATE, ulaw_to_pcm16


class EchoReference:
    """What the agent's voice put on the line, 20 ms PCM16 frames at 8 kHz in the order played: the
    playback stage adds each frame as it sends it, echo cancelling takes one per inbound frame."""

    def __init__(self, seconds: int = 1):
        self._frames: deque[np.ndarray] = deque(maxlen=50 * seconds)

    def played(self, frame_8k: np.ndarray) -> None:
        self._frames.append(frame_8k)

    def next(self) -> np.ndarray:
        return self._frames.popleft() if self._frames else SILENCE


class LineInput(DirectStage):
    """The pipeline's entrance for what the lead's line sends (Twilio packets, marks, keypresses).

    Like pipecat's input transports it pushes each frame on from the task that received it, with
    no queue between: a packet crosses the inbound stages without a task switch. Frames that come
    before the pipeline has started wait for it; after it ends or is cancelled they are dropped.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._waiting: list[Frame] | None = []  # None once the pipeline has started
        self._closed = False

    async def receive(self, frame: Frame) -> None:
        if self._closed:
            return
        if self._waiting is None:
            await self.push_frame(frame)
        else:
            self._waiting.append(frame)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, (EndFrame, CancelFrame)):
            self._closed = True  # what the line sends from now on is dropped
        await self.push_frame(frame, direction)
        if isinstance(frame, StartFrame) and self._waiting is not None:
            while self._waiting:  # in order, with whatever arrives meanwhile
                await self.push_frame(self._waiting.pop(0))
            self._waiting = None


class JitterBufferStage(DirectStage):
    """Twilio packets back in order; a packet waited for past the jitter target comes out as lost."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.buffer = JitterBuffer()

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, PacketFrame):
            for payload in self.buffer.push(frame.chunk, frame.payload, frame.stream_ms, frame.arrival_ms):
                await self.push_frame(OrderedPacketFrame(payload))
        else:
            await self.push_frame(frame, direction)


class LossConcealment(DirectStage):
    """μ-law → PCM16 at 8 kHz (the last place μ-law is seen inbound); a lost packet is concealed."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.concealer = LossConcealer(FRAME_SAMPLES)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, OrderedPacketFrame):
            pcm = self.concealer.lost() if frame.payload is None else self.concealer.good(ulaw_to_pcm16(frame.payload))
            await self.push_frame(LeadAudioFrame(pcm.tobytes(), TELEPHONE_RATE, 1))
        else:
            await self.push_frame(frame, direction)


class EchoCancellation(DirectStage):
    """Removes the agent's own voice from the line (Speex AEC), the far end being what was played."""

    def __init__(self, reference: EchoReference, **kwargs):
        super().__init__(**kwargs)
        self.reference = reference
        self.canceller = EchoCanceller(FRAME_SAMPLES, TELEPHONE_RATE)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadAudioFrame) and frame.sample_rate == TELEPHONE_RATE:
            far = self.reference.next()
            near = self.canceller.process(frame.samples, far)
            await self.push_frame(LeadAudioFrame(near.tobytes(), TELEPHONE_RATE, 1, far_end=far))
        else:
            await self.push_frame(frame, direction)


class NoiseSuppression(DirectStage):
    """Speex preprocess: spectral noise suppression, plus the echo canceller's residual echo."""

    def __init__(self, echo: EchoCancellation | None = None, **kwargs):
        super().__init__(**kwargs)
        self.preprocessor = Preprocessor(FRAME_SAMPLES, TELEPHONE_RATE, echo=echo.canceller if echo else None)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadAudioFrame) and frame.sample_rate == TELEPHONE_RATE:
            clean = self.preprocessor.process(frame.samples)
            await self.push_frame(LeadAudioFrame(clean.tobytes(), TELEPHONE_RATE, 1, far_end=frame.far_end))
        else:
            await self.push_frame(frame, direction)


class Recording(DirectStage):
    """The call's stereo recording: each cleaned lead frame beside the agent frame played with it."""

    def __init__(self, recorder: StereoRecorder, **kwargs):
        super().__init__(**kwargs)
        self.recorder = recorder

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadAudioFrame) and frame.sample_rate == TELEPHONE_RATE:
            self.recorder.add(frame.samples, SILENCE if frame.far_end is None else frame.far_end)
        await self.push_frame(frame, direction)


class Upsampling(DirectStage):
    """8 → 16 kHz for VAD and STT, streaming (Speex resampler: no clicks at frame edges, steady output)."""

    def __init__(self, in_rate: int = TELEPHONE_RATE, out_rate: int = 16000, **kwargs):
        super().__init__(**kwargs)
        self.in_rate, self.out_rate = in_rate, out_rate
        self.resampler = StreamResampler(in_rate, out_rate)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if isinstance(frame, LeadAudioFrame) and frame.sample_rate == self.in_rate:
            await self.push_frame(LeadAudioFrame(self.resampler.process(frame.samples).tobytes(), self.out_rate, 1))
        else:
            await self.push_frame(frame, direction)
