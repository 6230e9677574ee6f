"""End of the lead's turn: Smart Turn v3 (shipped in pipecat) asked at the first short pause.

Silence alone must wait long (END_OF_TURN_SILENCE_MS) not to cut people off mid-thought; the
model hears from the words and their melody whether a sentence is finished, so a finished turn
ends after a short pause and the agent answers sooner. One model per process serves every call:
it is asked about a whole utterance and keeps no state between questions.
"""
from __future__ import annotations

import asyncio
import functools

import numpy as np

SHORT_PAUSE_MS = 200


@functools.lru_cache(maxsize=1)
def _model():
    from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

    analyzer = LocalSmartTurnAnalyzerV3(sample_rate=16000)
    analyzer.set_sample_rate(16000)
    return analyzer


def load() -> None:
    """Load the model now (the media worker does at start, not on its first call)."""
    _model()


def finished_probability(utterance_16k: np.ndarray) -> float:
    """How sure the model is that this utterance (16 kHz PCM16, up to the pause) is a finished turn, 0-1."""
    audio = utterance_16k.astype(np.float32) / 32768.0
    # pipecat's analyzer keeps per-stream buffers we do not need; its prediction is stateless.
    return float(_model()._predict_endpoint(audio)["probability"])


async def sounds_finished(utterance_16k: np.ndarray) -> bool:
    """Does this utterance sound like a finished turn (the model's own threshold, 0.5)?"""
    return await asyncio.to_thread(finished_probability, utterance_16k) > 0.5
