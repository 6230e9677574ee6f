"""Live transfers: a lead on the phone with the AI is put through to a human agent who can take the call now.

    the agent: "let me get Sam on the line" → request_transfer: a Transfer (the lead on hold; the media worker
    plays the hold) and the first free human rung (TransferLeg, Telephony.dial_human) → they answer and hear the
    summary (leg_answered: TwiML whisper) → they press 1 (leg_pressed): the lead's call leaves its media stream
    for a conference room the human joins (Telephony.join_conference); the AI is gone, the transcript notes the
    hand-off, `call.transferred` goes out → or they pass, or do not answer (leg_pressed, leg_status): the next
    free human is rung, up to TRANSFER_MAX_HUMANS; then the transfer is `returned` and the AI, which polls
    `transfer_status`, comes back to the lead and books a meeting. The media worker gives up holding after
    TRANSFER_HOLD_MAX_SECONDS (end_hold); a lead who hangs up on hold ends it too (lead_left).

Who can take a call now (available_humans): active, "taking live transfers", with a phone, inside their working
hours when they have any, on the campaign, and not on (or being rung for) another transfer; the one who took the
fewest transfers today first. Every state change happens under the Transfer's row lock: Twilio's webhooks for two
legs, the media worker's hold timer and the lead's hang-up may race, and the first to lock decides.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from apps.calls import live
from apps.calls.models import LIVE_CALL_STATUSES, AgentTransition, Call, HumanAgent, Transfer, TransferLeg
from apps.costs.models import CostEntry
from apps.costs.services import record_cost
from apps.integrations.telephony import TelephonyError, telephony
from apps.integrations.webhooks import events

log = logging.getLogger(__name__)

# A leg still going: its human may yet take the call.
OPEN_LEGS = (TransferLeg.Status.DIALING, TransferLeg.Status.RINGING, TransferLeg.Status.WHISPER)
# Twilio's final statuses for a leg nobody accepted → what the leg came to.
LEG_END = {"busy": TransferLeg.Status.NO_ANSWER, "no-answer": TransferLeg.Status.NO_ANSWER,
           "failed": TransferLeg.Status.FAILED, "canceled": TransferLeg.Status.CANCELED,
           "completed": TransferLeg.Status.DECLINED}  # answered and hung up without a key


@dataclass(frozen=True)
class Started:
    """A transfer under way: the lead is on hold while `human` (the first rung) is called."""

    transfer_id: int
    human: str


# --- who can take a call now -------------------------------------------------------------------------------

def available_humans(campaign_id: int, now: dt.datetime | None = None, *, exclude: frozenset[int] = frozenset()
                     ) -> list[HumanAgent]:
    now = now or timezone.now()
    engaged = TransferLeg.objects.filter(
        Q(status__in=OPEN_LEGS) | Q(status=TransferLeg.Status.ACCEPTED, transfer__call__status__in=LIVE_CALL_STATUSES)
    ).values("human_id")
    day_start = now - dt.timedelta(hours=24)
    humans = (HumanAgent.objects.filter(campaigns=campaign_id, is_active=True, takes_transfers=True)
              .exclude(phone="").exclude(pk__in=engaged).exclude(pk__in=exclude)
              .annotate(taken=Count("transfers", filter=Q(transfers__connected_at__gte=day_start)))
              .prefetch_related("working_hours").order_by("taken", "pk"))
    return [human for human in humans if _at_work(human, now)]


def _at_work(human: HumanAgent, now: dt.datetime) -> bool:
    """Inside one of the human's working hours (in their zone); one with no hours set is at work when switched on."""
    hours = list(human.working_hours.all())
    if not hours:
        return True
    try:
        local = now.astimezone(ZoneInfo(human.time_zone))
    except (ValueError, KeyError):
        return False
    return any(row.weekday == local.weekday() and row.start <= local.time() < row.end for row in hours)


def transfer_offer(call_id: int, now: dt.datetime | None = None) -> str | None:
    """The name of the person a transfer would ring first at `now`, or None when the campaign does not transfer or
    nobody is free."""
    call = Call.objects.select_related("campaign").get(pk=call_id)
    if call.campaign.transfer_policy == "never":
        return None
    humans = available_humans(call.campaign_id, now)
    return humans[0].name if humans else None


def summary_for(call: Call) -> str:
    """What the human hears before taking the call, about ten seconds: who, what they want and where, budget,
    timeline, financing, score."""
    facts = {name: (fact or {}).get("value") for name, fact in (call.facts or {}).items()}
    want = {"buy": "wants to buy a home", "sell": "wants to sell their home", "both": "wants to sell and buy",
            "rent": "is looking to rent"}.get(facts.get("intent"), "is asking about a home")
    parts = [f"Live transfer from {call.campaign.company_name}: {call.lead.name or 'a lead'} {want}"
             + (f" in {facts['location']}" if facts.get("location") else "")]
    if facts.get("budget"):
        parts.append(f"budget {_money(facts['budget'])}")
    if isinstance(facts.get("timeline"), int | float):
        months = facts["timeline"]
        parts.append("moving now" if months <= 0 else f"moving in {months:g} month{'s' if months != 1 else ''}")
    if facts.get("preapproved") in ("yes", "cash"):
        parts.append("paying cash" if facts["preapproved"] == "cash" else "pre-approved")
    if call.score is not None:
        parts.append(f"score {call.score}, {call.score_band or 'unscored'}")
    return ", ".join(parts) + "."


def _money(value) -> str:
    try:
        amount = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{amount / 1e6:g} million dollars" if amount >= 1e6 else f"{amount / 1e3:g} thousand dollars"


# --- the lead on hold --------------------------------------------------------------------------------------

def nobody_free(call_id: int, reason: str) -> None:
    """The lead asked for a person and nobody could take the call: kept (staff see who asked, and when)."""
    now = timezone.now()
    Transfer.objects.create(call_id=call_id, reason=reason, requested_at=now, ended_at=now, wait_ms=0,
                            status=Transfer.Status.UNAVAILABLE)


def request_transfer(call_id: int, reason: str) -> Started | None:
    """Put the lead on hold and ring the first free human. None when nobody can take it after all (the last one
    free was taken meanwhile): the transfer is kept as `unavailable`, and the agent carries on without a hold."""
    now = timezone.now()
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("lead", "campaign").get(pk=call_id)
        waiting = call.transfers.filter(status=Transfer.Status.WAITING).first()
        if waiting is not None:
            transfer = waiting  # asked twice: the same hold
        else:
            transfer = Transfer.objects.create(call=call, reason=reason, requested_at=now, summary=summary_for(call))
    if waiting is None:
        _ring_next(transfer.pk)
    transfer.refresh_from_db()
    if transfer.status != Transfer.Status.WAITING:
        return None
    leg = transfer.legs.filter(status__in=OPEN_LEGS).select_related("human").first()
    return Started(transfer.pk, leg.human.name if leg else "")


def transfer_status(transfer_id: int) -> str:
    """waiting, connected, returned, unavailable or lead_left: what the media worker holding the lead does next."""
    return Transfer.objects.values_list("status", flat=True).get(pk=transfer_id)


def end_hold(transfer_id: int, why: str = "nobody took the call in time") -> str:
    """The media worker held the lead for TRANSFER_HOLD_MAX_SECONDS (or the lead pressed 9): the AI comes back
    (unless someone took it in the meantime); legs still ringing are called off. Returns the transfer's status."""
    return _close(transfer_id, Transfer.Status.RETURNED, why)


def lead_left(call_id: int) -> None:
    """The lead's call ended: a transfer still holding them ends, and humans still being rung are called off."""
    for transfer_id in Transfer.objects.filter(call_id=call_id, status=Transfer.Status.WAITING).values_list(
            "pk", flat=True):
        _close(transfer_id, Transfer.Status.LEAD_LEFT, "the lead hung up on hold")


def _close(transfer_id: int, status: str, why: str) -> str:
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer_id)
        if transfer.status != Transfer.Status.WAITING:
            return transfer.status
        _end_hold(transfer, status)
        calling_off = list(transfer.legs.filter(status__in=OPEN_LEGS).select_related("transfer__call"))
        TransferLeg.objects.filter(pk__in=[leg.pk for leg in calling_off]).update(
            status=TransferLeg.Status.CANCELED, decided_at=timezone.now())
    log.info("call %s: transfer %s %s: %s", transfer.call_id, transfer.pk, status, why)
    for leg in calling_off:
        _hang_up_leg(leg)
    return status


def _end_hold(transfer: Transfer, status: str) -> None:
    now = timezone.now()
    transfer.status, transfer.ended_at = status, now
    transfer.wait_ms = round((now - transfer.requested_at).total_seconds() * 1000)
    if status == Transfer.Status.CONNECTED:
        transfer.connected_at = now
    transfer.save(update_fields=["status", "ended_at", "wait_ms", "connected_at", "human"])
    live.call_changed(transfer.call_id)


# --- ringing the humans --------------------------------------------------------------------------------------

def _ring_next(transfer_id: int) -> None:
    """Ring the next free human not tried yet; with none left (or TRANSFER_MAX_HUMANS tried), the AI comes back."""
    while True:
        with transaction.atomic():
            transfer = Transfer.objects.select_for_update().select_related("call").get(pk=transfer_id)
            if transfer.status != Transfer.Status.WAITING or transfer.legs.filter(status__in=OPEN_LEGS).exists():
                return
            tried = frozenset(transfer.legs.values_list("human_id", flat=True))
            humans = available_humans(transfer.call.campaign_id, exclude=tried) \
                if len(tried) < settings.TRANSFER_MAX_HUMANS else []
            if not humans:
                _end_hold(transfer, Transfer.Status.RETURNED if tried else Transfer.Status.UNAVAILABLE)
                log.info("call %s: transfer %s returned to the AI after %d human(s)", transfer.call_id,
                         transfer.pk, len(tried))
                return
            leg = TransferLeg.objects.create(transfer=transfer, human=humans[0], position=len(tried) + 1)
            live.call_changed(transfer.call_id)
        leg = TransferLeg.objects.select_related("human", "transfer__call__campaign", "transfer__call__lead").get(
            pk=leg.pk)
        try:
            sid = telephony(leg.transfer.call.provider or None).dial_human(leg)
        except TelephonyError as exc:
            log.warning("call %s: could not ring %s for a transfer: %s", leg.transfer.call_id, leg.human, exc)
            TransferLeg.objects.filter(pk=leg.pk).update(status=TransferLeg.Status.FAILED, ended_at=timezone.now())
            continue
        TransferLeg.objects.filter(pk=leg.pk, provider_call_id="").update(provider_call_id=sid)
        return


def _hang_up_leg(leg: TransferLeg) -> None:
    try:
        telephony(leg.transfer.call.provider or None).end_leg(leg)
    except TelephonyError as exc:
        log.warning("transfer leg %s: could not hang up: %s", leg.pk, exc)


def leg_answered(leg_id: int) -> str | None:
    """The human picked up: the summary they hear, or None when the lead is no longer waiting for them."""
    with transaction.atomic():
        leg = TransferLeg.objects.select_for_update().select_related("transfer").get(pk=leg_id)
        if leg.transfer.status != Transfer.Status.WAITING or leg.status not in OPEN_LEGS:
            return None
        leg.status, leg.answered_at = TransferLeg.Status.WHISPER, timezone.now()
        leg.save(update_fields=["status", "answered_at"])
        live.call_changed(leg.transfer.call_id)
        return leg.transfer.summary


def leg_pressed(leg_id: int, digits: str) -> str:
    """The human's key after the summary (or none). Returns what happened: "accepted" (the lead is being joined to
    the room), "passed", or "gone" (the lead is no longer waiting)."""
    accepted = digits[:1] == "1"
    with transaction.atomic():
        leg = TransferLeg.objects.select_for_update().get(pk=leg_id)
        transfer = Transfer.objects.select_for_update().select_related("call__lead", "call__campaign").get(
            pk=leg.transfer_id)
        if leg.status != TransferLeg.Status.WHISPER or transfer.status != Transfer.Status.WAITING:
            return "gone"
        leg.decided_at = timezone.now()
        leg.status = TransferLeg.Status.ACCEPTED if accepted else TransferLeg.Status.DECLINED
        leg.save(update_fields=["status", "decided_at"])
        if accepted:
            transfer.human_id = leg.human_id
            _end_hold(transfer, Transfer.Status.CONNECTED)
    if not accepted:
        log.info("call %s: %s passed on the transfer", transfer.call_id, leg.human_id)
        _ring_next(transfer.pk)
        return "passed"
    return _join(transfer, leg)


def _join(transfer: Transfer, leg: TransferLeg) -> str:
    """Move the lead's call into the room; the AI leaves (its stream stops), the hand-off is on record."""
    call = transfer.call
    try:
        telephony(call.provider or None).join_conference(call, transfer.conference)
    except TelephonyError as exc:
        log.warning("call %s: the lead could not be joined to the transfer: %s", call.pk, exc)
        Transfer.objects.filter(pk=transfer.pk).update(status=Transfer.Status.LEAD_LEFT)
        return "gone"
    human = HumanAgent.objects.get(pk=leg.human_id)
    AgentTransition.objects.create(call=call, from_agent="scheduling", to_agent=f"human: {human.name}"[:40],
                                   reason=f"live transfer ({transfer.get_reason_display().lower()}), lead held "
                                          f"{transfer.wait_ms / 1000:.1f} s",
                                   at_ms=_call_ms(call, transfer.connected_at))
    transfer.human = human
    transaction.on_commit(lambda: events.call_transferred(transfer))
    log.info("call %s: put through to %s after %.1f s on hold", call.pk, human.name, transfer.wait_ms / 1000)
    return "accepted"


def _call_ms(call: Call, moment: dt.datetime | None) -> int:
    if not call.answered_at or not moment:
        return 0
    return max(0, round((moment - call.answered_at).total_seconds() * 1000))


def leg_status(leg_id: int, provider_status: str, *, duration: int | None = None) -> None:
    """A status callback for a human's leg: ringing, or its end. An end before the human took the call frees the
    lead for the next human (or the AI); any end with talk time goes to the ledger."""
    ring_next = False
    with transaction.atomic():
        leg = TransferLeg.objects.select_for_update().select_related("transfer__call").get(pk=leg_id)
        if provider_status == "ringing" and leg.status == TransferLeg.Status.DIALING:
            leg.status = TransferLeg.Status.RINGING
            leg.save(update_fields=["status"])
            return
        if provider_status not in LEG_END or leg.ended_at is not None:
            return
        leg.ended_at, leg.duration_seconds = timezone.now(), duration
        fields = ["ended_at", "duration_seconds"]
        if leg.status in OPEN_LEGS:
            leg.status, leg.decided_at = LEG_END[provider_status], leg.ended_at
            fields += ["status", "decided_at"]
            ring_next = True
        leg.save(update_fields=fields)
        if duration:
            record_cost(leg.transfer.call_id, CostEntry.Kind.TRANSFER, max(1, math.ceil(duration / 60)),
                        campaign_id=leg.transfer.call.campaign_id)
        live.call_changed(leg.transfer.call_id)
    if ring_next:
        _ring_next(leg.transfer_id)
