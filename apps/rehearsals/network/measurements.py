"""The measurement side of a simulated call, taken at the phone, and the call's report.

Per turn: voice-to-voice (end of the lead's speech → first agent audio) and barge-in stop time (the lead starts
talking over the agent → `clear` received, or the agent's audio stops); per call: the simulator's own CPU
(its frame loop, the lead's voice, its Whisper). The report goes to Redis `simtel:report:<call id>`.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from apps.rehearsals.network.call import SimulatedCall

REPORT_KEY = "simtel:report:{call_id}"
REPORT_TTL_SECONDS = 7 * 24 * 3600


class Measurements:
    def __init__(self):
        self.cpu = {"loop": 0.0, "stt": 0.0, "tts": 0.0}
        self.v2v_ms: list[int] = []
        self.clears: list[float] = []  # monotonic arrivals of the platform's `clear` messages
        self.barge_ins: list[dict] = []
        self._v2v_since: float | None = None
        self._barge_started: float | None = None

    def spent(self, kind: str, seconds: float) -> None:
        """CPU seconds the simulator spent on `kind` (loop, stt, tts)."""
        self.cpu[kind] += seconds

    def lead_stopped_speaking(self, at: float) -> None:
        """The lead's last frame left the phone at `at`: the agent's next audio closes a voice-to-voice."""
        self._v2v_since = at

    def agent_audio(self, now: float) -> None:
        if self._v2v_since is not None:
            self.v2v_ms.append(round((now - self._v2v_since) * 1000))
            self._v2v_since = None

    def cleared(self, now: float) -> None:
        self.clears.append(now)

    def barge_in_started(self, at: float) -> None:
        self._barge_started = at

    def measure_barge_in(self, agent_frames: list[tuple[float, bytes, int]], interrupted_reply: int | None) -> None:
        """Lead started talking over the agent → `clear` received, else the agent's audio stopped."""
        started = self._barge_started
        if started is None:
            return
        clear = next((at for at in self.clears if at >= started), None)
        arrivals = [at for at, _, reply in agent_frames if reply == interrupted_reply and at >= started]
        stopped = arrivals[-1] if arrivals else started
        entry = {"clear": clear is not None, "stop_ms": round(((clear or stopped) - started) * 1000)}
        if clear is not None:
            entry["audio_stopped_ms"] = round((stopped - started) * 1000)
        self.barge_ins.append(entry)

    def report(self, call: SimulatedCall, started: float) -> dict:
        lead, request = call.lead, call.request
        self.measure_barge_in(lead.agent_frames, lead.interrupted_reply)
        return {
            "call_id": request.call_id, "sid": request.sid, "persona": call.persona.name,
            "answer": call.persona.answer, "started_at": started,
            "duration_s": round(time.monotonic() - call.answered_at, 1) if call.answered_at else 0,
            "end_reason": call.end_reason, "hung_up_by": call.hung_up_by, "turns": lead.turns,
            "v2v_ms": self.v2v_ms, "barge_in": self.barge_ins, "transfer": call.transfer,
            "frames": {"spoken": call.line.frames, "lost": call.line.lost, "sent": call.twilio.sent_media,
                       "agent": len(lead.agent_frames)},
            "cpu_s": {key: round(value, 3) for key, value in self.cpu.items()} | {
                "total": round(sum(self.cpu.values()), 3)},
        }


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    return float(np.percentile(np.asarray(values, dtype=float), share * 100))
