"""Inbound calls: a lead (or anyone) calls the campaign's number, and the same media pipeline answers.

    Twilio voice webhook (the number's "A call comes in", signed) → answer_inbound: the caller matched by caller
    ID to a lead in any campaign of the team (the most recently called first), else made a new lead of the campaign
    that answers inbound → an inbound Call, in progress at once → TwiML <Connect><Stream> with the call's stream
    token, as for our own calls → the agent greets them as a returning lead (apps.calls.conversation) and carries on.

Inbound calls are not bound by outbound calling hours or attempt limits (the caller chose the time), and a caller on
the do-not-call list is still answered (their request stands: nobody calls them). What they ask on the call counts
as on any call: an opt-out lists the number. While the call lasts the lead is "in a call", so the dialer does not
ring them; afterwards their own campaign's schedule goes on as it was.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.calls import live
from apps.calls.models import LIVE_CALL_STATUSES, Call, CallStatus
from apps.campaigns.models import Campaign
from apps.leads.eligibility import CALLABLE_STATUSES
from apps.leads.models import Lead, LeadStatus, mask_phone
from apps.leads.phones import normalize_or_none, time_zones_for_phone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answered:
    call: Call | None
    why_not: str = ""  # what the caller hears when nobody can answer (no campaign takes new callers, already on)


def answer_inbound(caller: str, called: str, provider_call_id: str, provider: str) -> Answered:
    """The inbound call for this caller, or why it cannot be taken. A repeated webhook for the same call sid
    answers with the same call."""
    if existing := Call.objects.filter(provider_call_id=provider_call_id, direction=Call.Direction.INBOUND).first():
        return Answered(existing)
    number = normalize_or_none(caller or "")
    if number is None:
        return Answered(None, "We can't take calls from a withheld number. Please call again from your phone.")
    now = timezone.now()
    try:
        with transaction.atomic():
            lead = _caller_lead(number, called)
            if lead is None:
                return Answered(None, "Sorry, nobody can take your call right now. Goodbye.")
            call = Call.objects.create(
                lead=lead, campaign=lead.campaign, direction=Call.Direction.INBOUND, status=CallStatus.IN_PROGRESS,
                provider=provider, provider_call_id=provider_call_id, provider_status="in-progress",
                answered_by="human", attempt=0, placed_at=now, answered_at=now, last_event_at=now)
            # A lead the dialer might ring is "in a call" while this lasts; one already booked or done stays so.
            Lead.objects.filter(pk=lead.pk, status__in=CALLABLE_STATUSES).update(status=LeadStatus.IN_CALL,
                                                                                   updated_at=now)
            live.call_changed(call.pk)
    except IntegrityError:  # the lead is on a call with us already (we are ringing them as they ring us)
        log.info("inbound call from %s: the lead is already on a call", mask_phone(number))
        return Answered(None, "It looks like we're already calling you. Please pick up, or call again shortly.")
    log.info("inbound call %s from %s: lead %s of %s", call.pk, mask_phone(number), lead.pk, lead.campaign.slug)
    return Answered(call)


def _caller_lead(number: str, called: str) -> Lead | None:
    """The lead who calls: a known one (any campaign; the one we called last), else a new lead of the campaign
    that takes new callers (or of the campaign whose own number was called)."""
    known = (Lead.objects.select_for_update().filter(phone=number).exclude(status=LeadStatus.IN_CALL)
             .order_by("-last_called_at", "-updated_at").first())
    if known is None and Lead.objects.filter(phone=number, status=LeadStatus.IN_CALL).exists():
        raise IntegrityError("the caller is on a call already")
    if known is not None:
        if Call.objects.filter(lead=known, status__in=LIVE_CALL_STATUSES).exists():
            raise IntegrityError("the caller is on a call already")
        return known
    campaign = Campaign.objects.filter(answers_inbound=True).first() or (
        Campaign.objects.filter(callback_number=normalize_or_none(called or "") or "-").first())
    if campaign is None:
        return None
    # Calling us is not consent to be dialled: the lead has none until staff record it.
    zones = time_zones_for_phone(number)
    return Lead.objects.create(campaign=campaign, phone=number, raw_phone=number, status=LeadStatus.NEW,
                               time_zone=zones[0] if len(zones) == 1 else "", next_attempt_at=None,
                               extra={"Source": "called us"})
