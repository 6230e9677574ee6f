"""The simulated telephone network: offline stand-in for Twilio, the embedded default.

Each lead's phone behaves the same way every time (answers, rings out, is busy, goes to
voicemail, or fails), chosen by the sheet's "Simulated outcome" column when present, else
by the number. The network remembers its calls in Redis, as a provider would, and reports
progress with the same status events Twilio sends, delivered by the `dialer` queue.
"""
from __future__ import annotations

import hashlib
import json
import logging
import uuid

import redis
from django.conf import settings

from apps.integrations.telephony.base import ProviderCall, Telephony, TelephonyError

log = logging.getLogger(__name__)

BEHAVIOURS = ("answer", "no_answer", "busy", "voicemail", "failed", "invalid")
# Default mix when the sheet does not say: most leads answer, as in a warm campaign.
_DEFAULT_MIX = ["answer"] * 6 + ["no_answer"] * 2 + ["busy", "voicemail"]
# (seconds after placing, Twilio status, extra callback fields) for each behaviour.
SCRIPTS = {
    "answer": [(1, "ringing", {}), (3, "in-progress", {"AnsweredBy": "human"}),
               (6, "completed", {"CallDuration": "3"})],
    "no_answer": [(1, "ringing", {}), (8, "no-answer", {})],
    "busy": [(1, "busy", {})],
    "voicemail": [(1, "ringing", {}), (3, "in-progress", {"AnsweredBy": "machine_end_beep"}),
                  (8, "completed", {"CallDuration": "5"})],
    "failed": [(1, "failed", {})],
}
KEY_TTL_SECONDS = 7 * 24 * 3600


def behaviour_for(lead) -> str:
    stated = str((lead.extra or {}).get("Simulated outcome", "")).strip().lower().replace(" ", "_")
    if stated in BEHAVIOURS:
        return stated
    digest = hashlib.sha256(lead.phone.encode()).digest()
    return _DEFAULT_MIX[digest[0] % len(_DEFAULT_MIX)]


class SimulatedTelephony(Telephony):
    name = "simulated"

    def __init__(self):
        self.redis = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)

    def _save(self, sid: str, call_id: int, status: str, duration: int | None = None) -> None:
        record = json.dumps({"sid": sid, "call_id": call_id, "status": status, "duration": duration})
        pipe = self.redis.pipeline()
        pipe.set(f"simtel:call:{sid}", record, ex=KEY_TTL_SECONDS)
        pipe.set(f"simtel:by-call:{call_id}", sid, ex=KEY_TTL_SECONDS)
        pipe.execute()

    def place_call(self, call) -> str:
        behaviour = behaviour_for(call.lead)
        if behaviour == "invalid":
            raise TelephonyError("Simulated network: the number is not in service", invalid_number=True)
        sid = "SIM" + uuid.uuid4().hex
        self._save(sid, call.pk, "queued")
        from workers.dialer import simulated_call_event

        speed = settings.SIMULATED_TELEPHONY_SECONDS_PER_STEP
        for after, status, fields in SCRIPTS[behaviour]:
            simulated_call_event.apply_async(args=[call.pk, sid, status, fields], countdown=after * speed)
        return sid

    def record_event(self, sid: str, call_id: int, status: str, duration: int | None) -> None:
        self._save(sid, call_id, status, duration)

    def hang_up(self, call) -> None:
        found = self.find_call(call)
        if found and found.status in ("queued", "ringing", "in-progress"):
            self._save(found.provider_call_id, call.pk, "completed", found.duration_seconds)

    def find_call(self, call) -> ProviderCall | None:
        sid = call.provider_call_id or self.redis.get(f"simtel:by-call:{call.pk}")
        raw = self.redis.get(f"simtel:call:{sid}") if sid else None
        if raw is None:
            return None
        record = json.loads(raw)
        return ProviderCall(record["sid"], record["status"], record["duration"])
