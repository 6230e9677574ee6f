"""The sweeper: calls stuck without news are reconciled with the provider, released or failed, and the
calls of a media worker that stopped beating are hung up and failed, so no lead stays `in_call` forever."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.calls.lifecycle import PROVIDER_STATUS, finish_call, record_call_event, release_call
from apps.calls.models import FINAL_CALL_STATUSES, LIVE_CALL_STATUSES, Call, CallStatus, Transfer
from apps.calls.slots import SlotRegistry
from apps.integrations.telephony import TelephonyError, telephony

log = logging.getLogger(__name__)


def sweep_stale_calls(now: dt.datetime | None = None) -> dict[str, int]:
    """Calls stuck without news: reconcile with the provider, release or fail them, never leave a
    lead `in_call` forever. Safe to run anywhere, any time."""
    now = now or timezone.now()
    counts = {"reconciled": 0, "released": 0, "lost": 0, "hung_up": 0, "worker_lost": 0}
    counts["worker_lost"] = _fail_calls_of_dead_workers()  # whoever reserved the slot (dialer or consumer)
    place_cutoff = now - dt.timedelta(seconds=settings.CALL_PLACE_TIMEOUT_SECONDS)
    ring_cutoff = now - dt.timedelta(seconds=settings.CALL_RING_TIMEOUT_SECONDS)
    talk_cutoff = now - dt.timedelta(seconds=settings.CALL_MAX_SECONDS + settings.CALL_PLACE_TIMEOUT_SECONDS)
    # A call put through to a person is theirs to talk on (Twilio's time limit moved with it).
    human_cutoff = talk_cutoff - dt.timedelta(seconds=settings.TRANSFER_TALK_MAX_SECONDS)
    with_a_person = Exists(Transfer.objects.filter(call=OuterRef("pk"), status=Transfer.Status.CONNECTED))
    stale = Call.objects.filter(
        Q(status__in=(CallStatus.QUEUED, CallStatus.DIALING), created_at__lt=place_cutoff)
        | Q(status=CallStatus.RINGING, last_event_at__lt=ring_cutoff)
        | (Q(status=CallStatus.IN_PROGRESS, answered_at__lt=talk_cutoff) & ~with_a_person)
        | (Q(status=CallStatus.IN_PROGRESS, answered_at__lt=human_cutoff) & with_a_person)
    ).select_related("lead")
    for call in stale:
        try:
            counts[_sweep_one(call)] += 1
        except TelephonyError as exc:
            log.warning("sweeper could not ask the provider about call %s: %s", call.pk, exc)
    return counts


def _fail_calls_of_dead_workers() -> int:
    """Calls whose media worker stopped beating: hang up, fail them, reschedule their leads, one at a time.
    The registry lists each call until it has ended and the worker until it lists none, so a sweep that dies
    half-way leaves the rest to the next one."""
    slots = SlotRegistry()
    failed = 0
    for worker_id in slots.dead_workers():
        for call_id in slots.calls_of(worker_id):
            if slots.is_alive(worker_id):
                break  # only slow, not dead: it beats again and keeps the calls it still has
            try:
                failed += _fail_orphaned_call(call_id, worker_id)
            except Exception:  # noqa: BLE001 - one call must not stop the others; it stays listed for the next sweep
                log.exception("call %s: could not end it after media worker %s died", call_id, worker_id)
                continue
            slots.let_go(worker_id, call_id)
        slots.forget_if_done(worker_id)
    return failed


def _fail_orphaned_call(call_id: int, worker_id: str) -> int:
    """End one call of a dead worker: 1, or 0 when it had ended already (its slot only is left to let go)."""
    call = Call.objects.filter(pk=call_id, status__in=LIVE_CALL_STATUSES).first()
    if call is None:
        return 0
    reason = f"media worker {worker_id} died"
    _hang_up_regardless(call, reason)
    if call.provider_call_id or not release_call(call.pk, reason):
        finish_call(call.pk, CallStatus.FAILED, outcome="failed", error=reason)
    return 1


def _hang_up_regardless(call: Call, reason: str) -> None:
    """Best effort: nobody can serve the call any more, so it is ended here whatever the provider says."""
    try:
        telephony(call.provider or None).hang_up(call)
    except TelephonyError as exc:
        log.warning("call %s: could not hang up (%s): %s", call.pk, reason, exc)
    except Exception:  # noqa: BLE001 - a defect in a provider must not keep a lead "in a call" forever
        log.exception("call %s: could not hang up (%s)", call.pk, reason)


def _sweep_one(call: Call) -> str:
    provider = telephony(call.provider or None)
    found = provider.find_call(call)
    if found is None:
        if not call.provider_call_id and release_call(call.pk, "never reached the telephone network"):
            return "released"
        finish_call(call.pk, CallStatus.FAILED, outcome="lost", error="no final status from the provider")
        return "lost"
    if PROVIDER_STATUS.get(found.status) in FINAL_CALL_STATUSES:
        record_call_event(call.pk, found.provider_call_id, found.status, duration=found.duration_seconds,
                          provider=provider.name)
        return "reconciled"
    if call.status == CallStatus.IN_PROGRESS:
        provider.hang_up(call)  # over the longest allowed call: end it
        finish_call(call.pk, CallStatus.COMPLETED, outcome="completed", error="ended by the sweeper: too long")
        return "hung_up"
    record_call_event(call.pk, found.provider_call_id, found.status, provider=provider.name)
    return "reconciled"

