"""After a call: its summary, disposition and final score, written to the Call and carried to the Lead."""
from __future__ import annotations

import logging

from django.db import transaction

from apps.calls.models import Appointment, Call
from apps.calls.scheduling import staff_time
from apps.campaigns.scoring import score_lead
from apps.integrations.webhooks import events
from apps.leads.models import Lead, LeadStatus

log = logging.getLogger(__name__)

FACT_WORDS = {
    "intent": lambda v: {"buy": "Buyer", "sell": "Seller", "both": "Buying and selling", "rent": "Renter"}.get(v, v),
    "location": lambda v: f"in {v}",
    "budget": lambda v: f"budget ${v:,}",
    "timeline": lambda v: "moving now" if v == 0 else f"moving in {v} month{'s' if v != 1 else ''}",
    "preapproved": lambda v: {"yes": "pre-approved", "no": "not pre-approved", "in_progress": "getting pre-approved",
                              "cash": "paying cash"}.get(v, v),
    "motivation": lambda v: f"motivation: {v}",
    "has_agent": lambda v: "has an agent" if v else "no agent yet",
    "bedrooms": lambda v: f"{v} bedrooms",
}
# Calls that never became a conversation keep their telephone outcome as disposition.
NO_CONVERSATION = ("no_answer", "busy", "voicemail", "failed", "canceled", "not_placed", "invalid_number")


def summarise(call: Call, appointment: Appointment | None) -> str:
    facts = call.facts or {}
    parts = [FACT_WORDS[name](fact["value"]) for name, fact in facts.items()
             if name in FACT_WORDS and fact.get("value") not in (None, "")]
    sentences = [", ".join(parts) + "." if parts else "No qualification facts given."]
    if call.objections:
        sentences.append("Objections: " + ", ".join(f"{name.replace('_', ' ')}" + (f" ×{n}" if n > 1 else "")
                                                    for name, n in call.objections.items()) + ".")
    if appointment is not None:
        with_whom = f" with {appointment.agent.name}" if appointment.agent else ""
        when = staff_time(appointment.starts_at, appointment.lead_time_zone or call.lead.time_zone)
        sentences.append(f"Appointment booked{with_whom} for {when}.")
    if call.callback_at:
        sentences.append(f"Asked to be called back at {staff_time(call.callback_at, call.lead.time_zone)}.")
    return " ".join(sentences)


def analyse_call(call_id: int) -> dict:
    """Idempotent: safe to run again (a redelivered task gives the same result)."""
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("campaign").get(pk=call_id)
        campaign = call.campaign
        appointment = call.appointments.filter(status=Appointment.Status.BOOKED).select_related("agent").first()
        score = score_lead(call.facts or {}, campaign.score_weights, hot=campaign.hot_threshold,
                           warm=campaign.warm_threshold)
        talked = bool(call.facts) or call.turns.exists()
        if appointment is not None:
            disposition = "appointment"
        elif call.disposition:
            disposition = call.disposition
        elif not talked or call.outcome in NO_CONVERSATION:
            disposition = call.outcome or call.status
        else:
            disposition = "qualified" if score.band in ("hot", "warm") else "ended"
        call.disposition = disposition
        call.summary = summarise(call, appointment) if talked else ""
        if talked:
            call.score, call.score_band, call.score_breakdown = score.total, score.band, score.breakdown
        call.save(update_fields=["disposition", "summary", "score", "score_band", "score_breakdown"])
        if talked:
            _carry_to_lead(call, score, disposition, appointment)
        call = Call.objects.select_related("lead", "campaign").get(pk=call_id)
        if disposition in ("qualified", "appointment") or call.score_band in ("hot", "warm"):
            events.lead_qualified(call)
        events.call_completed(call)
    log.info("call %s analysed: %s, score %s", call_id, disposition, call.score)
    return {"disposition": disposition, "score": call.score, "band": call.score_band}


def _carry_to_lead(call: Call, score, disposition: str, appointment: Appointment | None) -> None:
    lead = Lead.objects.select_for_update().get(pk=call.lead_id)
    lead.facts = {**(lead.facts or {}), **(call.facts or {})}
    lead.score, lead.score_band = score.total, score.band
    fields = ["facts", "score", "score_band", "updated_at"]
    if call.callback_at:
        lead.callback_at = call.callback_at
        fields.append("callback_at")
    if disposition == "qualified" and lead.status == LeadStatus.CALLED and not call.callback_at:
        # Hot and warm leads who did not book go to the team for a personal follow-up, not another robot call.
        lead.status, lead.next_attempt_at = LeadStatus.QUALIFIED, None
        fields += ["status", "next_attempt_at"]
    lead.save(update_fields=fields)
