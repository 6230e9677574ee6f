"""The simulated telephone network: offline stand-in for Twilio, the embedded default.

Each lead's phone behaves the same way every time, chosen by the sheet's "Simulated outcome"
column (a persona's name, or a behaviour: answer, no_answer, busy, voicemail, failed, invalid),
else by the number. When the simulated network process runs (`manage.py simulated_network`, its
heartbeat `simtel:network:alive` in Redis), a call is a dial request on the Redis stream
`simtel:dial`: the network plays Twilio and the lead, with signed callbacks and real audio over the
media stream. Without it, answered calls have no audio: the call's status events are scripted and
delivered by the `dialer` queue. Either way the network remembers its calls in Redis, as a provider would.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis
from django.conf import settings
from django.urls import reverse

from apps.calls.streams import stream_parameters
from apps.core.redis import redis_client
from apps.core.tasks import enqueue
from apps.integrations.telephony.base import ProviderCall, Telephony, TelephonyError
from apps.leads.phones import normalize_or_none

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
NETWORK_ALIVE_KEY = "simtel:network:alive"
DIAL_STREAM = "simtel:dial"
DIAL_STREAM_MAXLEN = 10_000
HANGUP_KEY = "simtel:hangup:{sid}"
JOIN_KEY = "simtel:join:{sid}"  # the lead's call moved into a transfer's conference room (its value)
# The persona that plays each old behaviour on the live network.
PERSONA_FOR_BEHAVIOUR = {"answer": "hot_buyer", "no_answer": "ring_out", "busy": "line_busy",
                         "voicemail": "voicemail", "failed": "out_of_order"}
_PERSONA_NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # a persona file's name, as the network's reader requires


def call_record_key(sid: str) -> str:
    return f"simtel:call:{sid}"


def call_record_value(sid: str, call_id: int, status: str, duration: int | None = None) -> str:
    return json.dumps({"sid": sid, "call_id": call_id, "status": status, "duration": duration})


def _stated(lead) -> str:
    return str((lead.extra or {}).get("Simulated outcome", "")).strip().lower().replace(" ", "_")


def behaviour_for(lead) -> str:
    stated = _stated(lead)
    if stated in BEHAVIOURS:
        return stated
    digest = hashlib.sha256(lead.phone.encode()).digest()
    return _DEFAULT_MIX[digest[0] % len(_DEFAULT_MIX)]


def persona_for(lead) -> str:
    """The persona that answers this lead's phone on the live network: the sheet's, else its behaviour's.

    A sheet names a persona when SIMULATED_PERSONAS_DIR has a file of that name; the network reads and checks
    the file (it refuses to start with a bad one), so the adapter needs nothing of the rehearsals app."""
    stated = _stated(lead)
    if _PERSONA_NAME.match(stated) and (Path(settings.SIMULATED_PERSONAS_DIR) / f"{stated}.yaml").is_file():
        return stated
    return PERSONA_FOR_BEHAVIOUR[behaviour_for(lead)]


@contextmanager
def _network_errors(*, maybe_placed: bool = False) -> Iterator[None]:
    """The one place where the simulated network's transport failing (its Redis refused, reset, timed out: every
    redis.RedisError) becomes a TelephonyError, as a network failure on the way to Twilio does.
    `maybe_placed`: the request may have reached the network before the failure."""
    try:
        yield
    except redis.RedisError as exc:
        raise TelephonyError(f"Simulated network unreachable: {exc.__class__.__name__}: {exc}",
                             maybe_placed=maybe_placed) from exc


class SimulatedTelephony(Telephony):
    name = "simulated"

    def __init__(self):
        self.redis = redis_client(decode=True)

    def _save(self, sid: str, call_id: int, status: str, duration: int | None = None) -> None:
        pipe = self.redis.pipeline()
        pipe.set(call_record_key(sid), call_record_value(sid, call_id, status, duration), ex=KEY_TTL_SECONDS)
        pipe.set(f"simtel:by-call:{call_id}", sid, ex=KEY_TTL_SECONDS)
        pipe.execute()

    def network_alive(self) -> bool:
        return bool(self.redis.exists(NETWORK_ALIVE_KEY))

    def place_call(self, call) -> str:
        behaviour = behaviour_for(call.lead)
        if behaviour == "invalid":
            raise TelephonyError("Simulated network: the number is not in service", invalid_number=True)
        sid = "SIM" + uuid.uuid4().hex
        with _network_errors(maybe_placed=True):
            live = self.network_alive()
            self._save(sid, call.pk, "queued")
            if live:
                self._request_dial(call, sid)
                return sid
        speed = settings.SIMULATED_TELEPHONY_SECONDS_PER_STEP
        for after, status, fields in SCRIPTS[behaviour]:
            enqueue("workers.dialer.simulated_call_event", args=[call.pk, sid, status, fields], countdown=after * speed)
        return sid

    def _request_dial(self, call, sid: str) -> None:
        """A dial request for the running network process (it answers with callbacks and a media stream)."""
        # The stream's parameters travel with the request, as Twilio's TwiML <Parameter>s would (apps.calls.streams).
        request = {"call_id": str(call.pk), "sid": sid, "persona": persona_for(call.lead),
                   "lead_name": call.lead.name, "to": call.lead.phone, "requested_at": f"{time.time():.3f}",
                   # the number our voicemail names: a persona that calls back rings it
                   "callback_to": normalize_or_none(call.campaign.callback_number or "") or settings.TWILIO_FROM_NUMBER,
                   "stream_parameters": json.dumps(stream_parameters(call))}
        self.redis.xadd(DIAL_STREAM, request, maxlen=DIAL_STREAM_MAXLEN, approximate=True)
        log.info("call %s: dial request for the simulated network (persona %s)", call.pk, request["persona"])

    def dial_human(self, leg) -> str:
        """Ring a human agent on the live network: it plays them as the lead's persona says (answers and takes
        the call, passes, or lets it ring), over the same webhooks as Twilio."""
        call = leg.transfer.call
        sid = "SIM" + uuid.uuid4().hex
        with _network_errors():
            if not self.network_alive():
                raise TelephonyError("Simulated network: not running, so no human agent's phone can ring")
            request = {"kind": "human", "call_id": str(call.pk), "leg_id": str(leg.pk), "sid": sid,
                       "lead_sid": call.provider_call_id, "to": leg.human.phone, "lead_name": leg.human.name,
                       "position": str(leg.position), "persona": persona_for(call.lead),
                       "whisper_path": reverse("twilio-transfer-whisper", args=[leg.pk]),
                       "status_path": reverse("twilio-transfer-status", args=[leg.pk]),
                       "ring_timeout": str(settings.TRANSFER_RING_SECONDS), "requested_at": f"{time.time():.3f}"}
            self.redis.xadd(DIAL_STREAM, request, maxlen=DIAL_STREAM_MAXLEN, approximate=True)
        log.info("call %s: ringing human agent %s on the simulated network", call.pk, leg.human_id)
        return sid

    def join_conference(self, call, room: str) -> None:
        with _network_errors():
            self.redis.set(JOIN_KEY.format(sid=call.provider_call_id), room, ex=KEY_TTL_SECONDS)

    def end_leg(self, leg) -> None:
        if leg.provider_call_id:
            with _network_errors():
                self.redis.set(HANGUP_KEY.format(sid=leg.provider_call_id), "1", ex=KEY_TTL_SECONDS)

    def record_event(self, sid: str, call_id: int, status: str, duration: int | None) -> None:
        with _network_errors():
            self._save(sid, call_id, status, duration)

    def hang_up(self, call) -> None:
        found = self.find_call(call)
        if found and found.status in ("queued", "ringing", "in-progress"):
            # A call on the live network ends there (the network sends its own final callback).
            with _network_errors():
                self.redis.set(HANGUP_KEY.format(sid=found.provider_call_id), "1", ex=KEY_TTL_SECONDS)
                self._save(found.provider_call_id, call.pk, "completed", found.duration_seconds)

    def find_call(self, call) -> ProviderCall | None:
        with _network_errors():
            sid = call.provider_call_id or self.redis.get(f"simtel:by-call:{call.pk}")
            raw = self.redis.get(f"simtel:call:{sid}") if sid else None
        if raw is None:
            return None
        record = json.loads(raw)
        return ProviderCall(record["sid"], record["status"], record["duration"])
