"""What the media server asks of the calls domain: whether a stream may serve a call, the call's opening facts,
its records as it goes (Turn and AgentTransition rows; the recording and metrics at the end), machine
detection's verdict so far, hanging up, and failing (or, when nobody can speak to the person who answered,
abandoning) a call the media server cannot go on with.

Every function that touches the database is synchronous and runs on the media server's database thread
(apps.core.dbthread.run_db); `hang_up` alone talks to the telephony provider and no database, so that a
slow provider never holds up the other calls' database work.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils import timezone

from apps.calls import transfers
from apps.calls.lifecycle import finish_call
from apps.calls.models import LIVE_CALL_STATUSES, AgentTransition, Call, CallStatus, TransferLeg, Turn
from apps.compliance.recording import recording_decision
from apps.integrations.telephony import TelephonyError, telephony
from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.models import DoNotCall

log = logging.getLogger(__name__)

# The calls a media stream may serve: placed, and not yet ended.
STREAMABLE = (CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS)


@dataclass(frozen=True)
class CallOpening:
    """Who is calling whom: what the agent needs before the first word."""

    call_id: int
    lead_name: str
    agent_name: str
    company_name: str
    callback_number: str
    record: bool = True  # keep the call's audio (apps.compliance.recording)
    inbound: bool = False  # the lead called us: the agent speaks first
    lead_state: str = ""  # the lead's two-letter state, from the sheet's address: where a misheard town likely is


# --- before the stream ---------------------------------------------------------------

def is_simulated_call(call_id: int) -> bool:
    """The call exists and is on the simulated network."""
    return Call.objects.filter(pk=call_id, provider="simulated").exists()


def stream_target(call_id: int) -> tuple[bool, str]:
    """(the call may be served by a media stream now, the provider's sid for it)."""
    found = Call.objects.filter(pk=call_id, status__in=STREAMABLE).values_list("provider_call_id", flat=True).first()
    return found is not None, found or ""


def call_opening(call_id: int) -> CallOpening | None:
    """The call's opening facts, or None when the call is not live (it may not be served)."""
    call = Call.objects.select_related("lead", "campaign").filter(pk=call_id, status__in=LIVE_CALL_STATUSES).first()
    if call is None:
        return None
    campaign = call.campaign
    return CallOpening(call_id=call.pk, lead_name=call.lead.name, agent_name=campaign.agent_name,
                       company_name=campaign.company_name, callback_number=campaign.callback_number,
                       record=recording_decision(call.lead, campaign).record,
                       inbound=call.direction == Call.Direction.INBOUND, lead_state=call.lead.state or "")


def answered_by_so_far(call_id: int) -> str:
    """Machine detection's verdict as recorded: "" (none yet), human, machine_start, machine_end_beep, ...
    Later verdicts reach a live call as they come (apps.calls.call_events)."""
    return Call.objects.filter(pk=call_id).values_list("answered_by", flat=True).first() or ""


# --- as the call goes ----------------------------------------------------------------

def record_turn(call_id: int, sequence: int, speaker: str, text: str, start_ms: int, end_ms: int,
                confidence: float | None, language: str | None, interrupted: bool) -> None:
    Turn.objects.create(call_id=call_id, sequence=sequence, speaker=speaker, text=text, start_ms=max(start_ms, 0),
                        end_ms=max(end_ms, 0), stt_confidence=confidence, language=language or "",
                        interrupted=interrupted)


def record_transition(call_id: int, from_agent: str, to_agent: str, reason: str, at_ms: int) -> None:
    AgentTransition.objects.create(call_id=call_id, from_agent=from_agent, to_agent=to_agent, reason=reason[:200],
                                   at_ms=at_ms)


def keep_recording(call_id: int, recording: str, metrics: dict) -> None:
    """The call's media session is over: its stereo recording (a path under MEDIA_ROOT) and its metrics."""
    Call.objects.filter(pk=call_id).update(recording=recording, metrics=metrics)


# --- ending it -------------------------------------------------------------------------

def call_to_hang_up(call_id: int) -> Call | None:
    """The call as its telephony provider needs it to hang up (None: no such call)."""
    return Call.objects.filter(pk=call_id).first()


def hang_up(call: Call) -> None:
    """Ask the call's provider to end it. Network, no database: run it on a thread of its own. A provider
    that fails is logged; the call's record is the caller's to settle."""
    try:
        telephony(call.provider or None).hang_up(call)
    except TelephonyError as exc:
        log.warning("call %s: hang-up failed: %s", call.pk, exc)


def abandon_call(call_id: int, reason: str) -> CallOpening | None:
    """A person answered and no agent can speak to them (no worker, overload): the call counts as abandoned
    (apps.compliance.abandonment), ends failed, and its lead is rescheduled. Returns what the identification
    message says (who calls, the number to call back); None when the call is no longer live."""
    opening = call_opening(call_id)
    if opening is None:
        return None
    now = timezone.now()
    Call.objects.filter(pk=call_id, abandoned_at__isnull=True).update(abandoned_at=now)
    Call.objects.filter(pk=call_id, answered_at__isnull=True).update(answered_at=now)
    finish_call(call_id, CallStatus.FAILED, outcome="abandoned", error=reason)
    return opening


def mark_abandoned(call_id: int, reason: str) -> None:
    """The agent spoke too late after the lead's hello (overload): the call goes on but counts as abandoned."""
    if Call.objects.filter(pk=call_id, abandoned_at__isnull=True).update(abandoned_at=timezone.now()):
        log.warning("call %s abandoned: %s", call_id, reason)


def opt_out_by_keypad(call_id: int, when: str = "during the identification message") -> None:
    """The lead pressed 9 (during the identification message, on hold): the number goes on the do-not-call list."""
    phone = Call.objects.filter(pk=call_id).values_list("lead__phone", flat=True).first()
    if phone:
        add_to_do_not_call(phone, f"pressed 9 {when}", DoNotCall.Source.OPT_OUT)


def fail_call(call_id: int, reason: str) -> None:
    """The media server cannot go on with the call: it ends failed and its lead is rescheduled (the campaign's
    retry policy)."""
    finish_call(call_id, CallStatus.FAILED, outcome="failed", error=reason)


# --- a live transfer: the lead on hold -----------------------------------------------------------

def start_transfer(call_id: int, reason: str) -> transfers.Started | None:
    """Put the lead on hold and ring the first free human (apps.calls.transfers); None: nobody can take it."""
    return transfers.request_transfer(call_id, reason)


def hold_state(transfer_id: int) -> tuple[str, str]:
    """(the transfer's status: waiting, connected, returned, lead_left; the name of the human being rung now)."""
    status = transfers.transfer_status(transfer_id)
    ringing = TransferLeg.objects.filter(transfer_id=transfer_id, status__in=transfers.OPEN_LEGS).values_list(
        "human__name", flat=True).first()
    return status, ringing or ""


def end_hold(transfer_id: int, why: str = "nobody took the call in time") -> str:
    """The lead has held long enough (or pressed 9): the AI comes back unless someone took the call meanwhile."""
    return transfers.end_hold(transfer_id, why)
