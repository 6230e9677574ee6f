"""End of the lead's turn: Smart Turn v3 (shipped in pipecat) asked at the first short pause.

Silence alone must wait long (END_OF_TURN_SILENCE_MS) not to cut people off mid-thought; the
model hears from the words and their melody whether a sentence is finished, so a finished turn
ends after a short pause and the agent answers sooner.
"""
from __future__ import annotations

import numpy as np

SHORT_PAUSE_MS = 200


class TurnDetector:
    def __init__(self, sample_rate: int = 16000):
        from pipecat.audio.turn.smart_turn.local_smart_turn_v3 import LocalSmartTurnAnalyzerV3

        self.analyzer = LocalSmartTurnAnalyzerV3(sample_rate=sample_rate)
        self.analyzer.set_sample_rate(sample_rate)

    def push(self, samples: np.ndarray, is_speech: bool) -> None:
        self.analyzer.append_audio(samples.astype(np.int16).tobytes(), is_speech)

    async def finished(self) -> bool:
        """Does the lead's speech so far sound like a finished turn?"""
        from pipecat.audio.turn.base_turn_analyzer import EndOfTurnState

        state, _ = await self.analyzer.analyze_end_of_turn()
        return state == EndOfTurnState.COMPLETE

    def reset(self) -> None:
        self.analyzer.clear()
