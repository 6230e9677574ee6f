"""What each event tells a receiver (the team's own CRM): the call, the lead, the appointment, the campaign."""
from __future__ import annotations

from apps.integrations.webhooks.services import emit


def _lead(lead) -> dict:
    return {"id": lead.pk, "name": lead.name, "phone": lead.phone, "email": lead.email, "status": lead.status,
            "score": lead.score, "sheet_row": lead.sheet_row}


def _call(call) -> dict:
    return {"id": call.pk, "status": call.status, "outcome": call.outcome, "disposition": call.disposition,
            "answered_by": call.answered_by, "answered_at": call.answered_at, "ended_at": call.ended_at,
            "duration_seconds": call.duration_seconds, "score": call.score, "band": call.score_band,
            "summary": call.summary, "campaign": call.campaign.slug}


def call_started(call) -> None:
    emit("call.started", {"call": _call(call), "lead": _lead(call.lead)})


def call_completed(call) -> None:
    emit("call.completed", {"call": _call(call), "lead": _lead(call.lead)})


def call_transferred(transfer) -> None:
    call = transfer.call
    emit("call.transferred", {"call": _call(call), "lead": _lead(call.lead), "transfer": {
        "id": transfer.pk, "human": transfer.human.name if transfer.human else "", "reason": transfer.reason,
        "requested_at": transfer.requested_at, "connected_at": transfer.connected_at, "wait_ms": transfer.wait_ms,
        "humans_tried": transfer.legs.count()}})


def lead_qualified(call) -> None:
    emit("lead.qualified", {"call": _call(call), "lead": _lead(call.lead), "facts": call.facts})


def appointment_booked(appointment) -> None:
    emit("appointment.booked", {
        "appointment": {"id": appointment.pk, "uid": str(appointment.uid), "starts_at": appointment.starts_at,
                        "ends_at": appointment.ends_at, "agent": appointment.agent.name if appointment.agent else "",
                        "lead_time_zone": appointment.lead_time_zone},
        "lead": _lead(appointment.lead), "call_id": appointment.call_id})


def lead_opted_out(phone: str, reason: str) -> None:
    emit("lead.opted_out", {"phone": phone, "reason": reason})


def budget_exhausted(campaign) -> None:
    emit("budget.exhausted", {"campaign": campaign.slug, "budget_daily": campaign.budget_daily,
                              "budget_total": campaign.budget_total})
