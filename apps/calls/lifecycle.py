"""A placed call's life after the dial: the provider's status events (and machine detection's verdict),
closing the call once, giving back a call that was never placed, and what follows the end: the lead's
next attempt by the campaign's retry policy, the slot given back, the post-call work queued by name."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from apps.calls import call_events, live, transfers
from apps.calls.models import CALL_STATUS_RANK, FINAL_CALL_STATUSES, Call, CallStatus, Transfer
from apps.calls.scheduling import release_holds
from apps.calls.slots import SlotRegistry
from apps.core.tasks import enqueue
from apps.costs.services import record_call_end
from apps.integrations.webhooks import events
from apps.leads.models import Lead, LeadStatus

log = logging.getLogger(__name__)

# Twilio's call statuses (also the simulated network's) → ours.
PROVIDER_STATUS = {
    "queued": CallStatus.DIALING,
    "initiated": CallStatus.DIALING,
    "ringing": CallStatus.RINGING,
    "in-progress": CallStatus.IN_PROGRESS,
    "answered": CallStatus.IN_PROGRESS,
    "completed": CallStatus.COMPLETED,
    "busy": CallStatus.BUSY,
    "no-answer": CallStatus.NO_ANSWER,
    "failed": CallStatus.FAILED,
    "canceled": CallStatus.CANCELED,
}
# Calls a machine-detection verdict may still label: placed and not yet ended.
ON_THE_LINE = (CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS)
# Outcomes after which the lead is tried again (spacing from the campaign's retry_minutes).
RETRY_KEY = {
    CallStatus.NO_ANSWER: "no_answer",
    CallStatus.BUSY: "busy",
    CallStatus.VOICEMAIL: "voicemail",
    CallStatus.FAILED: "failed",
    CallStatus.CANCELED: "failed",
}


class UnknownCall(Exception):
    """A provider event for a call we did not place (or for another call's id)."""



def _give_back_slot(call_id: int) -> None:
    if settings.MEDIA_SLOT_REGISTRY:
        SlotRegistry().release(call_id)


def record_call_event(call_id: int, provider_call_id: str, provider_status: str, *, duration: int | None = None,
                      answered_by: str = "", provider: str = "") -> bool:
    """Apply one status event from the provider. Idempotent; an event older than what we know is
    ignored. Returns whether the call changed."""
    status = PROVIDER_STATUS.get(provider_status)
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None or (call.provider_call_id and provider_call_id and call.provider_call_id != provider_call_id):
            raise UnknownCall(f"no call {call_id} with provider id {provider_call_id}")
        updates = {}
        if provider_call_id and not call.provider_call_id:
            updates.update(provider_call_id=provider_call_id, provider=provider or call.provider)
        labelled = bool(answered_by) and _label_answered_by(call, answered_by)
        advances = status is not None and CALL_STATUS_RANK[status] > CALL_STATUS_RANK[call.status]
        if advances and status not in FINAL_CALL_STATUSES:
            updates.update(status=status, provider_status=provider_status, last_event_at=now)
            if status == CallStatus.IN_PROGRESS:
                updates["answered_at"] = now
            live.call_changed(call.pk)  # to the live-calls page, once committed
        if updates:
            Call.objects.filter(pk=call.pk).update(**updates)
        if advances and status == CallStatus.IN_PROGRESS:
            Lead.objects.filter(pk=call.lead_id, status=LeadStatus.QUEUED).update(status=LeadStatus.IN_CALL)
            events.call_started(Call.objects.select_related("lead", "campaign").get(pk=call.pk))
    if advances and status in FINAL_CALL_STATUSES:
        finish_call(call_id, status, duration=duration, provider_status=provider_status)
    return bool(updates) or advances or labelled


def _label_answered_by(call: Call, answered_by: str) -> bool:
    """Machine detection's verdict, once, and only while the call is on the line (a conditional update): a
    replayed or late verdict (Twilio's AMD callback carries no Timestamp to refuse it by) must not relabel a
    call, nor make a finished conversation a voicemail."""
    if Call.objects.filter(pk=call.pk, answered_by="", status__in=ON_THE_LINE).update(answered_by=answered_by):
        call_events.announce_answered_by(call.pk, answered_by)  # to the call's media worker, once committed
        return True
    if answered_by != call.answered_by:  # not Twilio's retry of the verdict we kept
        log.warning("call %s: machine detection's %r ignored: the call is %s, its answered_by %r", call.pk,
                    answered_by, call.status, call.answered_by)
    return False


def finish_call(call_id: int, status: str, *, outcome: str = "", duration: int | None = None, error: str = "",
                provider_status: str = "") -> bool:
    """Close a live call once and schedule its lead's next attempt by the campaign's retry policy."""
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("campaign").filter(pk=call_id).first()
        if call is None or call.status in FINAL_CALL_STATUSES:
            return False
        if status == CallStatus.COMPLETED and call.answered_by.startswith("machine"):
            status = CallStatus.VOICEMAIL
        call.status, call.outcome = status, outcome or status
        call.ended_at, call.last_event_at = now, now
        call.provider_status = provider_status or call.provider_status
        call.error = error or call.error
        if duration is not None:
            call.duration_seconds = duration
        call.save(update_fields=["status", "outcome", "ended_at", "last_event_at", "provider_status", "error",
                                 "duration_seconds"])
        _schedule_next_attempt(call, now)
        live.call_changed(call_id)
        if call.transfers.filter(status=Transfer.Status.WAITING).exists():
            transaction.on_commit(lambda: transfers.lead_left(call_id))  # humans still rung are called off
        if call.answered_at is not None:
            record_call_end(call)
            transaction.on_commit(lambda: _after_the_call(call_id, call.provider))
        else:
            events.call_completed(call)  # answered calls are announced after their analysis
            transaction.on_commit(lambda: _write_back(call_id))  # to the sheet (answered calls: after analysis)
    _give_back_slot(call_id)
    release_holds(call_id)  # the times it offered and did not book are free for the next call
    log.info("call %s ended: %s", call_id, call.outcome)
    return True


def _after_the_call(call_id: int, provider: str) -> None:
    """The postcall queue's work: the conversation's analysis, and Twilio's billed price for the minutes."""
    try:
        enqueue("workers.postcall.analyse_call", args=[call_id])
        if provider == "twilio":
            enqueue("workers.postcall.reconcile_call_price", args=[call_id],
                    countdown=settings.TWILIO_PRICE_DELAY_SECONDS)
    except Exception:  # noqa: BLE001 - the call is closed either way; the work can be rerun
        log.exception("call %s: could not queue its post-call work", call_id)


def _write_back(call_id: int) -> None:
    """An unanswered call has nothing to analyse: its outcome goes to the sheet as it is."""
    try:
        enqueue("workers.postcall.record_sheet_writeback", args=[call_id])
    except Exception:  # noqa: BLE001 - the call is closed either way; beat cannot find it, so say so
        log.exception("call %s: could not queue its sheet write-back", call_id)


def _schedule_next_attempt(call: Call, now: dt.datetime) -> None:
    campaign = call.campaign
    lead = Lead.objects.select_for_update().get(pk=call.lead_id)
    lead.last_outcome, lead.last_called_at = call.outcome, call.ended_at
    if call.outcome == "invalid_number":
        lead.status, lead.next_attempt_at = LeadStatus.INVALID, None
    elif call.direction == Call.Direction.INBOUND:
        if lead.status == LeadStatus.IN_CALL:  # the lead called us: their own schedule goes on as it was
            lead.status = LeadStatus.CALLED if lead.attempts else LeadStatus.NEW
    elif lead.status in (LeadStatus.QUEUED, LeadStatus.IN_CALL):
        # The conversation may have moved the lead on (qualified, opted out); only a lead still
        # "on the phone" is put back in line.
        lead.status = LeadStatus.CALLED
        retry = RETRY_KEY.get(call.status)
        if retry and lead.attempts < campaign.max_attempts:
            minutes = (campaign.retry_minutes or {}).get(retry, 60)
            lead.next_attempt_at = now + dt.timedelta(minutes=minutes)
        else:
            lead.next_attempt_at = None
    lead.save(update_fields=["status", "next_attempt_at", "last_outcome", "last_called_at", "updated_at"])


def release_call(call_id: int, reason: str) -> bool:
    """A call that was never placed: cancel it and give the lead its attempt back, due now."""
    now = timezone.now()
    with transaction.atomic():
        if Call.objects.filter(pk=call_id, status__in=(CallStatus.QUEUED, CallStatus.DIALING),
                               provider_call_id="").update(
                status=CallStatus.CANCELED, outcome="not_placed", error=reason, ended_at=now) != 1:
            return False
        lead_id = Call.objects.values_list("lead_id", flat=True).get(pk=call_id)
        Lead.objects.filter(pk=lead_id, status__in=(LeadStatus.QUEUED, LeadStatus.IN_CALL)).update(
            status=Case(When(attempts__lte=1, then=Value(LeadStatus.NEW)), default=Value(LeadStatus.CALLED)),
            attempts=F("attempts") - 1, next_attempt_at=now, updated_at=now,
        )
        live.call_changed(call_id)
    _give_back_slot(call_id)
    log.warning("call %s released, never placed: %s", call_id, reason)
    return True
