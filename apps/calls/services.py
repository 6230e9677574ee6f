"""Call verbs: pick and claim leads (dial tick), place calls, apply provider events, sweep lost calls."""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Sum, Value, When
from django.utils import timezone

from apps.calls import live
from apps.calls.models import CALL_STATUS_RANK, FINAL_CALL_STATUSES, LIVE_CALL_STATUSES, Call, CallStatus
from apps.campaigns.models import Campaign
from apps.costs.models import CostEntry
from apps.costs.services import record_call_end
from apps.integrations.telephony import TelephonyError, telephony
from apps.integrations.webhooks import events
from apps.leads.eligibility import (
    CALLABLE_STATUSES,
    DialContext,
    open_zones,
    outside_window_reason,
    why_not_callable,
)
from apps.leads.models import DoNotCall, Lead, LeadStatus
from apps.leads.services import is_on_do_not_call

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


# --- capacity and budget ----------------------------------------------------------

def _slots():
    from media_server.slots import SlotRegistry

    return SlotRegistry()


def free_media_slots() -> int:
    """Media-worker slots free now: the live workers' registry, or the MEDIA_SLOTS_TOTAL setting."""
    if settings.MEDIA_SLOT_REGISTRY:
        return _slots().free_slots()
    live = Call.objects.filter(status__in=LIVE_CALL_STATUSES).count()
    return settings.MEDIA_SLOTS_TOTAL - live


def _give_back_slot(call_id: int) -> None:
    if settings.MEDIA_SLOT_REGISTRY:
        _slots().release(call_id)


def budget_room(campaign: Campaign, now: dt.datetime, live_calls: int) -> int | None:
    """How many more calls the budgets allow now (None: no budget set).

    Every live call is counted at the per-call cap, which the call itself enforces, and so is every
    new one: however many calls run at once, spending cannot pass a budget by more than one call's cap.
    """
    if campaign.budget_total is None and campaign.budget_daily is None:
        return None
    cap = campaign.budget_per_call or Decimal("0.10")
    entries = CostEntry.objects.filter(campaign=campaign)
    rooms = []
    if campaign.budget_total is not None:
        spent = entries.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        rooms.append(campaign.budget_total - spent)
    if campaign.budget_daily is not None:
        day_start = now.astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        spent = entries.filter(created_at__gte=day_start).aggregate(total=Sum("amount"))["total"] or Decimal(0)
        rooms.append(campaign.budget_daily - spent)
    return max(0, int((min(rooms) - live_calls * cap) // cap))


def budget_exhausted(campaign: Campaign, now: dt.datetime, live_calls: int = 0) -> bool:
    """True when not one more call (at the per-call cap) fits in the budgets beside the live ones."""
    return budget_room(campaign, now, live_calls) == 0


def dial_context(campaign: Campaign, now: dt.datetime) -> DialContext:
    live = Call.objects.filter(campaign=campaign, status__in=LIVE_CALL_STATUSES).count()
    return DialContext(live_calls=live, free_media_slots=free_media_slots(),
                       budget_exhausted=budget_exhausted(campaign, now, live))


def campaign_day_stats(campaign: Campaign, now: dt.datetime | None = None) -> dict[str, int]:
    """Calls started today (UTC), how many have ended, and how many of those a person answered."""
    day_start = (now or timezone.now()).astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    today = Call.objects.filter(campaign=campaign, created_at__gte=day_start)
    ended = today.filter(status__in=FINAL_CALL_STATUSES).exclude(outcome="not_placed")
    return {
        "calls": today.exclude(outcome="not_placed").count(),
        "ended": ended.count(),
        "answered": ended.filter(answered_at__isnull=False).exclude(status=CallStatus.VOICEMAIL).count(),
    }


# --- the dial tick ------------------------------------------------------------------

@dataclass
class TickResult:
    calls: list[int] = field(default_factory=list)
    reason: str = ""  # why nothing (more) was dialled, for the command and the logs


def candidate_leads(campaign: Campaign, now: dt.datetime, windows, limit: int):
    """Leads the database can already tell are callable now, due first; Python checks the rest."""
    on_dnc = DoNotCall.objects.active().filter(phone=OuterRef("phone"))
    queryset = (
        Lead.objects.filter(campaign=campaign, status__in=CALLABLE_STATUSES, attempts__lt=campaign.max_attempts)
        .filter(next_attempt_at__lte=now)
        .filter(Q(time_zone__in=open_zones(windows, now)) | Q(time_zone=""))
        .exclude(Exists(on_dnc))
    )
    if campaign.require_consent:
        queryset = queryset.exclude(consent_source="")
    return list(queryset.order_by("next_attempt_at", "id")[:limit])


def claim_leads(leads: list[Lead], now: dt.datetime, max_attempts: int) -> list[Lead]:
    """Claim in one conditional UPDATE: a lead another tick took first is simply not ours."""
    token = uuid.uuid4()
    ids = [lead.pk for lead in leads]
    Lead.objects.filter(pk__in=ids, status__in=CALLABLE_STATUSES, attempts__lt=max_attempts).update(
        status=LeadStatus.QUEUED, attempts=F("attempts") + 1, last_called_at=now, claim_token=token, updated_at=now
    )
    return list(Lead.objects.filter(pk__in=ids, claim_token=token).order_by("id"))


def dial_tick(campaign_id: int, now: dt.datetime | None = None) -> TickResult:
    """Pick the campaign's callable leads, claim them, create their calls; place_call follows on commit."""
    from workers.dialer import place_call as place_call_task

    now = now or timezone.now()
    with transaction.atomic():
        # One tick per campaign at a time (PostgreSQL row lock; SQLite serialises writers):
        # the capacity count below cannot be raced by a second tick.
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or not campaign.is_active:
            return TickResult(reason="campaign paused or gone")
        context = dial_context(campaign, now)
        if context.budget_exhausted:
            _announce_budget_exhausted(campaign, now)
            return TickResult(reason="campaign budget exhausted")
        affordable = budget_room(campaign, now, context.live_calls)
        room = min(campaign.max_concurrent_calls - context.live_calls, context.free_media_slots,
                   settings.DIAL_BATCH_MAX, settings.DIAL_BATCH_MAX if affordable is None else affordable)
        if room <= 0:
            return TickResult(reason="no capacity: concurrency limit or media slots all taken")
        windows = campaign.windows_by_weekday()
        picked: list[Lead] = []
        for lead in candidate_leads(campaign, now, windows, room * 3):
            busy = DialContext(live_calls=context.live_calls + len(picked),
                               free_media_slots=context.free_media_slots - len(picked))
            if why_not_callable(lead, campaign, now, busy, windows) is None:
                picked.append(lead)
                if len(picked) == room:
                    break
        claimed = claim_leads(picked, now, campaign.max_attempts)
        calls = Call.objects.bulk_create(
            [Call(lead=lead, campaign=campaign, attempt=lead.attempts) for lead in claimed]
        )
        call_ids = [call.pk for call in calls]
        transaction.on_commit(lambda: [place_call_task.delay(call_id) for call_id in call_ids])
    log.info("dial tick for campaign %s: %d call(s) queued", campaign_id, len(call_ids))
    return TickResult(calls=call_ids, reason="" if call_ids else "no lead is callable now")


# --- placing a call ------------------------------------------------------------------

def place_call(call_id: int, now: dt.datetime | None = None) -> str:
    """Dial one queued call (at `now`, the wall clock by default). Returns what happened; raises
    TelephonyError for a retryable failure."""
    now = now or timezone.now()
    if Call.objects.filter(pk=call_id, status=CallStatus.QUEUED).update(
            status=CallStatus.DIALING, placed_at=now, last_event_at=now) != 1:
        return "skipped: not queued (placed already, or released)"
    if settings.MEDIA_SLOT_REGISTRY and _slots().reserve(call_id) is None:
        # Nobody could serve the call if the lead answered: do not ring them.
        release_call(call_id, "no free media-worker slot")
        return "released: no free media-worker slot"
    call = Call.objects.select_related("lead", "campaign").get(pk=call_id)
    if reason := _last_look(call, now):
        release_call(call_id, f"not dialled: {reason}")
        return f"released: {reason}"
    provider = telephony(call.campaign.telephony_provider or None)
    # Known before the phone rings: the provider's first callback is checked against its own signature.
    Call.objects.filter(pk=call.pk).update(provider=provider.name)
    try:
        provider_call_id = provider.place_call(call)
    except TelephonyError as exc:
        found = _find_quietly(provider, call) if exc.maybe_placed else None
        if found is None:
            return _placing_failed(call, exc)
        provider_call_id = found.provider_call_id
        log.info("call %s: the provider had placed it after all (%s)", call.pk, provider_call_id)
    Call.objects.filter(pk=call.pk).update(provider=provider.name, provider_call_id=provider_call_id)
    Lead.objects.filter(pk=call.lead_id, status=LeadStatus.QUEUED).update(status=LeadStatus.IN_CALL)
    return "placed"


def _last_look(call: Call, now: dt.datetime) -> str | None:
    """The rules that can change between the tick's claim and the dial: the campaign paused, the
    number put on the do-not-call list, and — for a call retried minutes after its claim — the
    calling window closed."""
    if not call.campaign.is_active:
        return "campaign paused"
    if is_on_do_not_call(call.lead.phone):
        return "on the do-not-call list"
    if (now - call.created_at).total_seconds() > settings.CALL_LAST_LOOK_WINDOW_SECONDS:
        return outside_window_reason(call.lead, call.campaign.windows_by_weekday(), now)
    return None


def _find_quietly(provider, call):
    try:
        return provider.find_call(call)
    except TelephonyError:
        return None


def _placing_failed(call: Call, exc: TelephonyError) -> str:
    if exc.permanent:
        outcome = "invalid_number" if exc.invalid_number else "failed"
        finish_call(call.pk, CallStatus.FAILED, outcome=outcome, error=str(exc))
        return f"failed: {exc}"
    # Transient: put the call back so the retry (or the sweeper) can place it.
    Call.objects.filter(pk=call.pk, status=CallStatus.DIALING).update(status=CallStatus.QUEUED, error=str(exc))
    raise exc


# --- provider events and outcomes ------------------------------------------------------

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
        if call.answered_at is not None:
            record_call_end(call)
            transaction.on_commit(lambda: _after_the_call(call_id, call.provider))
        else:
            events.call_completed(call)  # answered calls are announced after their analysis
            transaction.on_commit(lambda: _write_back(call_id))  # to the sheet (answered calls: after analysis)
    _give_back_slot(call_id)
    log.info("call %s ended: %s", call_id, call.outcome)
    return True


def _announce_budget_exhausted(campaign: Campaign, now: dt.datetime) -> None:
    """budget.exhausted once a day per campaign, not on every tick."""
    import redis

    key = f"webhooks:budget-exhausted:{campaign.pk}:{now:%Y-%m-%d}"
    if redis.Redis.from_url(settings.REDIS_URL).set(key, 1, nx=True, ex=2 * 24 * 3600):
        log.warning("campaign %s stopped dialling: budget exhausted", campaign.slug)
        events.budget_exhausted(campaign)


def _after_the_call(call_id: int, provider: str) -> None:
    """The postcall queue's work: the conversation's analysis, and Twilio's billed price for the minutes."""
    from workers.postcall import analyse_call, reconcile_call_price

    try:
        analyse_call.delay(call_id)
        if provider == "twilio":
            reconcile_call_price.apply_async(args=[call_id], countdown=settings.TWILIO_PRICE_DELAY_SECONDS)
    except Exception:  # noqa: BLE001 - the call is closed either way; the work can be rerun
        log.exception("call %s: could not queue its post-call work", call_id)


def _write_back(call_id: int) -> None:
    """An unanswered call has nothing to analyse: its outcome goes to the sheet as it is."""
    from workers.postcall import record_sheet_writeback

    try:
        record_sheet_writeback.delay(call_id)
    except Exception:  # noqa: BLE001 - the call is closed either way; beat cannot find it, so say so
        log.exception("call %s: could not queue its sheet write-back", call_id)


def _schedule_next_attempt(call: Call, now: dt.datetime) -> None:
    campaign = call.campaign
    lead = Lead.objects.select_for_update().get(pk=call.lead_id)
    lead.last_outcome, lead.last_called_at = call.outcome, call.ended_at
    if call.outcome == "invalid_number":
        lead.status, lead.next_attempt_at = LeadStatus.INVALID, None
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


# --- the sweeper ----------------------------------------------------------------------

def sweep_stale_calls(now: dt.datetime | None = None) -> dict[str, int]:
    """Calls stuck without news: reconcile with the provider, release or fail them, never leave a
    lead `in_call` forever. Safe to run anywhere, any time."""
    now = now or timezone.now()
    counts = {"reconciled": 0, "released": 0, "lost": 0, "hung_up": 0, "worker_lost": 0}
    counts["worker_lost"] = _fail_calls_of_dead_workers()  # whoever reserved the slot (dialer or consumer)
    place_cutoff = now - dt.timedelta(seconds=settings.CALL_PLACE_TIMEOUT_SECONDS)
    ring_cutoff = now - dt.timedelta(seconds=settings.CALL_RING_TIMEOUT_SECONDS)
    talk_cutoff = now - dt.timedelta(seconds=settings.CALL_MAX_SECONDS + settings.CALL_PLACE_TIMEOUT_SECONDS)
    stale = Call.objects.filter(
        Q(status__in=(CallStatus.QUEUED, CallStatus.DIALING), created_at__lt=place_cutoff)
        | Q(status=CallStatus.RINGING, last_event_at__lt=ring_cutoff)
        | Q(status=CallStatus.IN_PROGRESS, answered_at__lt=talk_cutoff)
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
    slots = _slots()
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

