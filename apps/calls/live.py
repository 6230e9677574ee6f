"""What staff see on the live-calls page: the calls in progress and the latest finished ones (rendered
from the database), and the events that keep the page current, sent to the "live-calls" Channels group
(channels_redis, shared by daphne and the media workers) that LiveCallsConsumer joins.

Publishing never raises and never waits long: a lost event costs a staff page one line, never a call.
No event or row carries a full phone number.
"""
from __future__ import annotations

import asyncio
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from apps.calls.models import (
    FINAL_CALL_STATUSES,
    AgentStep,
    AgentTransition,
    Call,
    CallStatus,
    HumanAgent,
    Transfer,
    TransferLeg,
    Turn,
)
from apps.leads.models import mask_phone

log = logging.getLogger(__name__)

GROUP = "live-calls"
SHOWN_LIVE = (CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS)  # queued calls have not rung yet
RECENTLY_FINISHED = 20
PUBLISH_TIMEOUT_SECONDS = 0.5  # a Redis that does not answer must not hold up a call


# --- what the page shows ------------------------------------------------------------------------------

def may_watch_calls(user) -> bool:
    """Who may watch calls live: active staff with the view-calls permission (the page shows transcripts)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm("calls.view_call"))


def _calls():
    last_handover = AgentTransition.objects.filter(call=OuterRef("pk")).order_by("-created_at", "-id")
    last_step = AgentStep.objects.filter(call=OuterRef("pk")).order_by("-number")
    last_transfer = Transfer.objects.filter(call=OuterRef("pk")).order_by("-requested_at", "-id")
    last_leg = TransferLeg.objects.filter(transfer__call=OuterRef("pk")).order_by("-placed_at", "-id")
    return Call.objects.select_related("lead", "campaign").annotate(
        last_handover=Subquery(last_handover.values("to_agent")[:1]),
        last_route=Subquery(last_step.values("route")[:1]),
        transfer_status=Subquery(last_transfer.values("status")[:1]),
        leg_human=Subquery(last_leg.values("human__name")[:1]), leg_status=Subquery(last_leg.values("status")[:1]))


def call_row(call: Call) -> dict:
    """One call as the page shows it (and as call.* events carry it); `call` comes from _calls()."""
    since = call.answered_at or call.placed_at or call.created_at
    return {
        "id": call.pk, "status": call.status, "status_label": call.get_status_display(),
        "final": call.status in FINAL_CALL_STATUSES, "lead": call.lead.name or "Unnamed lead",
        "phone": mask_phone(call.lead.phone), "campaign": call.campaign.name,
        "since": since.isoformat() if since else None, "answered": call.answered_at is not None,
        "agent": (getattr(call, "last_handover", None) or getattr(call, "last_route", None) or "").replace("_", " "),
        "score": call.score, "band": call.score_band, "outcome": call.disposition or call.outcome,
        "duration": call.duration_seconds, "ended_at": call.ended_at.isoformat() if call.ended_at else None,
        "review_url": reverse("admin:calls_call_change", args=[call.pk]),
        "transfer": transfer_text(getattr(call, "transfer_status", None), getattr(call, "leg_human", None),
                                  getattr(call, "leg_status", None)),
    }


def transfer_text(status: str | None, human: str | None, leg: str | None) -> str:
    """A live transfer as the page shows it: "on hold, ringing Riley Chen", "with Riley Chen", …"""
    if status == Transfer.Status.WAITING:
        doing = {TransferLeg.Status.WHISPER: "hearing the summary"}.get(leg, "ringing")
        return f"lead on hold: {doing} {human}" if human else "lead on hold"
    if status == Transfer.Status.CONNECTED:
        return f"talking with {human}" if human else "put through"
    if status in (Transfer.Status.RETURNED, Transfer.Status.UNAVAILABLE):
        return "nobody took the transfer: back with the agent"
    return ""


def on_call() -> list[dict]:
    """The human agents who could take live transfers (a phone, active), and whether they take them now."""
    return [{"id": human.pk, "name": human.name, "taking": human.takes_transfers}
            for human in HumanAgent.objects.filter(is_active=True).exclude(phone="").order_by("name")]


def snapshot() -> dict:
    """The page's whole state now: live calls with their transcripts so far, and the latest finished."""
    live = [call_row(call) for call in _calls().filter(status__in=SHOWN_LIVE).order_by("created_at")]
    transcripts: dict[int, list[dict]] = {row["id"]: [] for row in live}
    for turn in Turn.objects.filter(call_id__in=transcripts).order_by("call_id", "sequence").values(
            "call_id", "sequence", "speaker", "text", "interrupted"):
        transcripts[turn.pop("call_id")].append(turn)
    for row in live:
        row["turns"] = transcripts[row["id"]]
    finished = _calls().filter(status__in=FINAL_CALL_STATUSES, ended_at__isnull=False).exclude(
        outcome="not_placed").order_by("-ended_at")[:RECENTLY_FINISHED]
    return {"now": timezone.now().isoformat(), "live": live, "finished": [call_row(call) for call in finished]}


# --- telling the page ---------------------------------------------------------------------------------

async def apublish(kind: str, call_id: int, **fields) -> None:
    """Send one event to every open live-calls page; from async code (the media worker's pipeline)."""
    try:
        layer = get_channel_layer()
        if layer is not None:
            event = {"type": kind, "call_id": call_id, **fields}
            await asyncio.wait_for(layer.group_send(GROUP, {"type": "live.event", "event": event}),
                                   PUBLISH_TIMEOUT_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the page misses one line; the call goes on
        log.warning("call %s: live-calls event %s not sent: %r", call_id, kind, exc)


def publish(kind: str, call_id: int, **fields) -> None:
    """The same from sync code (views, Celery tasks, services); never from a thread running an event loop."""
    try:
        async_to_sync(apublish)(kind, call_id, **fields)
    except Exception as exc:  # noqa: BLE001 - e.g. called from async code by mistake: the call goes on
        log.warning("call %s: live-calls event %s not sent: %r", call_id, kind, exc)


def call_changed(call_id: int) -> None:
    """Once the current transaction commits: the call's new state (started, answered or ended)."""
    transaction.on_commit(lambda: _publish_call(call_id))


def _publish_call(call_id: int) -> None:
    try:
        call = _calls().filter(pk=call_id).first()
    except Exception:  # noqa: BLE001 - runs after the commit: nothing may fail the caller now
        log.warning("call %s: could not read the call for the live-calls page", call_id, exc_info=True)
        return
    if call is None:
        return
    if call.status in FINAL_CALL_STATUSES:
        kind = "call.ended"
    elif call.status == CallStatus.IN_PROGRESS:
        kind = "call.answered"
    elif call.status in SHOWN_LIVE:
        kind = "call.started"
    else:
        return
    publish(kind, call_id, call=call_row(call))
