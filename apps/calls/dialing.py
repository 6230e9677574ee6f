"""Dialing: the capacity the dialer may use (media slots, concurrency, budgets), the dial tick that picks
and claims a campaign's callable leads, placing one call with the provider, and the day's dialing figures."""
from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from apps.calls.lifecycle import finish_call, release_call
from apps.calls.models import FINAL_CALL_STATUSES, LIVE_CALL_STATUSES, Call, CallStatus
from apps.calls.slots import SlotRegistry
from apps.campaigns.models import Campaign
from apps.compliance import state_rules
from apps.compliance.abandonment import campaign_hold
from apps.compliance.audit import record_dial_evidence
from apps.compliance.registry import EXPRESS_CONSENT, hit_from_as_of, registry_as_of
from apps.core.tasks import enqueue
from apps.costs.budgets import announce_budget_exhausted, budget_exhausted, budget_room
from apps.integrations.telephony import TelephonyError, telephony
from apps.leads.do_not_call import is_on_do_not_call
from apps.leads.eligibility import (
    CALLABLE_STATUSES,
    DialContext,
    open_zones,
    outside_window_reason,
    why_not_callable,
)
from apps.leads.models import DoNotCall, Lead, LeadStatus

log = logging.getLogger(__name__)


# --- capacity -----------------------------------------------------------------------

def free_media_slots() -> int:
    """Media-worker slots free now: the live workers' registry, or the MEDIA_SLOTS_TOTAL setting."""
    if settings.MEDIA_SLOT_REGISTRY:
        return SlotRegistry().free_slots()
    live = Call.objects.filter(status__in=LIVE_CALL_STATUSES).count()
    return settings.MEDIA_SLOTS_TOTAL - live


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
    zones = open_zones(windows, now)
    queryset = (
        Lead.objects.filter(campaign=campaign, status__in=CALLABLE_STATUSES, attempts__lt=campaign.max_attempts)
        .filter(next_attempt_at__lte=now)
        .filter(Q(time_zone__in=zones) | Q(time_zone=""))
        .exclude(Exists(on_dnc))
        # The national registry, gathered in the same query: each lead's freshest applying copy (why_not_callable
        # rules on it); a lead on one without express consent is left out here, so such leads never fill the batch.
        .annotate(_registry_as_of=registry_as_of(campaign.pk))
        .filter(Q(_registry_as_of__isnull=True) | EXPRESS_CONSENT)
    )
    if campaign.require_consent:
        queryset = queryset.exclude(consent_source="")
    if closed := closed_by_state(zones, now):
        queryset = queryset.exclude(closed)
    return list(queryset.order_by("next_attempt_at", "id")[:limit])


def closed_by_state(zones: list[str], now: dt.datetime) -> Q | None:
    """Leads whose address state's own rules bar a call now in their zone (a closed Sunday, a barred holiday, past
    the state's hours): left out in SQL so they never fill the batch. The per-lead check stays the authority."""
    us_zones = [zone for zone in zones if zone.startswith(("America/", "Pacific/"))]
    closed = state_rules.closed_state_zones(us_zones, now)
    query = None
    for state, shut in closed.items():
        clause = Q(state=state, time_zone__in=shut)
        query = clause if query is None else query | clause
    return query


def recent_call_times(phones: list[str], now: dt.datetime) -> dict[str, tuple[dt.datetime, ...]]:
    """When each number was called (any campaign) within the longest state limit's window: one query a tick."""
    window = state_rules.longest_attempt_window()
    if not phones or not window:
        return {}
    found: dict[str, list[dt.datetime]] = {}
    rows = (Call.objects.filter(lead__phone__in=set(phones), created_at__gt=now - window,
                                direction=Call.Direction.OUTBOUND)
            .exclude(outcome="not_placed").values_list("lead__phone", "created_at"))
    for phone, created_at in rows:
        found.setdefault(phone, []).append(created_at)
    return {phone: tuple(times) for phone, times in found.items()}


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
    now = now or timezone.now()
    with transaction.atomic():
        # One tick per campaign at a time (PostgreSQL row lock; SQLite serialises writers):
        # the capacity count below cannot be raced by a second tick.
        campaign = Campaign.objects.select_for_update().filter(pk=campaign_id).first()
        if campaign is None or not campaign.is_active:
            return TickResult(reason="campaign paused or gone")
        context = dial_context(campaign, now)
        if context.budget_exhausted:
            announce_budget_exhausted(campaign, now)
            return TickResult(reason="campaign budget exhausted")
        if reason := campaign_hold(campaign, now):
            return TickResult(reason=reason)
        affordable = budget_room(campaign, now, context.live_calls)
        room = min(campaign.max_concurrent_calls - context.live_calls, context.free_media_slots,
                   settings.DIAL_BATCH_MAX, settings.DIAL_BATCH_MAX if affordable is None else affordable)
        if room <= 0:
            return TickResult(reason="no capacity: concurrency limit or media slots all taken")
        windows = campaign.windows_by_weekday()
        picked: list[Lead] = []
        candidates = candidate_leads(campaign, now, windows, room * 3)
        called = recent_call_times([lead.phone for lead in candidates], now)
        for lead in candidates:
            busy = DialContext(live_calls=context.live_calls + len(picked),
                               free_media_slots=context.free_media_slots - len(picked),
                               on_registry=hit_from_as_of(lead._registry_as_of),
                               recent_call_times=called.get(lead.phone, ()))
            if why_not_callable(lead, campaign, now, busy, windows) is None:
                picked.append(lead)
                if len(picked) == room:
                    break
        claimed = claim_leads(picked, now, campaign.max_attempts)
        calls = Call.objects.bulk_create(
            [Call(lead=lead, campaign=campaign, attempt=lead.attempts) for lead in claimed]
        )
        # The audit trail: what each dial was made on, from what this tick computed (apps.compliance.audit).
        record_dial_evidence(calls, campaign, now, windows, recent_calls=called,
                             registry_dates={lead.pk: lead._registry_as_of for lead in picked})
        call_ids = [call.pk for call in calls]
        transaction.on_commit(lambda: [enqueue("workers.dialer.place_call", args=[call_id]) for call_id in call_ids])
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
    if settings.MEDIA_SLOT_REGISTRY and SlotRegistry().reserve(call_id) is None:
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
