"""What one call leaves behind as it goes: Turn and AgentTransition rows numbered in order, and the
per-turn metrics (endpoint_ms, stt_ms, agent_ms, tts_ms, voice_to_voice_ms). Shared by the stages that
produce them; the rows are written by the calls domain (apps.calls.media) on the database thread
(apps.core.dbthread), in the order they happened. Each row, once written, is also sent to the live-calls
page (apps.calls.live)."""
from __future__ import annotations

import time

from apps.core.dbthread import run_db
from media_server.agent.interface import Handover


class CallRecords:
    def __init__(self, call_id: int):
        self.call_id = call_id
        self.started = time.monotonic()
        self.metrics: dict = {"turns": []}
        self._sequence = 0

    def now_ms(self) -> int:
        """Milliseconds since the call's media session began."""
        return int((time.monotonic() - self.started) * 1000)

    async def turn(self, speaker: str, text: str, start_ms: int, end_ms: int, confidence: float | None,
                   language: str | None, interrupted: bool) -> None:
        from apps.calls import live
        from apps.calls.media import record_turn

        self._sequence += 1
        sequence = self._sequence  # another turn may be numbered while this one is written
        await run_db(record_turn, self.call_id, sequence, speaker, text, start_ms, end_ms, confidence, language,
                     interrupted)
        await live.apublish("turn", self.call_id, sequence=sequence, speaker=speaker, text=text,
                            interrupted=interrupted)  # never raises; bounded by PUBLISH_TIMEOUT_SECONDS

    async def transition(self, handover: Handover) -> None:
        from apps.calls import live
        from apps.calls.media import record_transition

        await run_db(record_transition, self.call_id, handover.from_agent, handover.to_agent, handover.reason,
                     self.now_ms())
        await live.apublish("agent", self.call_id, agent=handover.to_agent, from_agent=handover.from_agent,
                            reason=handover.reason[:200])

    async def abandoned(self, greeting_ms: int) -> None:
        """The greeting reached the lead more than 2 s after their hello: the call counts as abandoned
        (apps.compliance.abandonment), whatever follows."""
        from apps.calls.media import mark_abandoned

        await run_db(mark_abandoned, self.call_id, f"the greeting came {greeting_ms} ms after the lead's hello")
