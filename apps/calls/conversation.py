"""The call domain the agent is handed on a live call and in `manage.py chat`: its actions, done in the database.

media_server.agent.domain.CallDomain, implemented with the ORM: the call's opening facts, the
do-not-call list, callbacks (promised when the dialer will call), free slots and bookings, each
decision stored as an AgentStep with the call's running facts and score, the cost-cap check.
Runs on the media server's database thread; `show_score` alone runs on the event loop.
"""
from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from apps.calls import live, transfers
from apps.calls.models import AgentStep, Appointment, Call, HumanAgent
from apps.calls.scheduling import (
    Slot,
    SlotTaken,
    book_appointment,
    cancel_appointment,
    free_slots,
    hold_slots,
    speak_slot,
)
from apps.campaigns.models import Campaign
from apps.compliance.holidays import holiday_dates
from apps.compliance.recording import recording_decision
from apps.core.dbthread import run_db
from apps.costs.models import CostEntry
from apps.costs.services import projected_call_cost, record_cost
from apps.leads import services as leads
from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.eligibility import Windows, next_callable_moment
from apps.leads.models import DoNotCall, Lead

log = logging.getLogger(__name__)

# A callback is promised at least this far ahead, and not in the last minutes of a calling window.
CALLBACK_NOTICE = dt.timedelta(minutes=15)
VAGUE_CALLBACK_FROM = "10:00"  # a call back promised for a vague period ("next month") is rung from this hour on
# Federal holidays most people keep at home: a call back whose time is ours to choose never lands on one.
NO_CALLBACK_HOLIDAYS = ("new_year", "memorial", "independence", "labor", "thanksgiving", "christmas")


def _zone(state: dict) -> ZoneInfo:
    return ZoneInfo(state["lead_tz"])


def _slot(slot: dict) -> Slot:
    """A slot as the graph keeps it (ISO UTC times) as the calendar books it."""
    return Slot(starts_at=dt.datetime.fromisoformat(slot["starts_at"]),
                ends_at=dt.datetime.fromisoformat(slot["ends_at"]), agent_id=slot["agent_id"],
                agent_name=slot["agent_name"])


def _now(state: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(state["now"]).astimezone(_zone(state))


KEPT_VERDICTS = 1024  # calls whose machine-detection verdict a worker keeps (far more than it holds at once)


class DjangoCallDomain:
    """media_server.agent.domain.CallDomain backed by the database."""

    def __init__(self) -> None:
        # call → (answered_by, cost cap, answered at), once machine detection has a verdict
        self._verdicts: dict[int, tuple[str, Decimal | None, dt.datetime | None]] = {}

    async def run(self, work, *args, **kwargs):
        return await run_db(work, *args, **kwargs)  # the process's database thread: one connection, kept open

    # --- before and between turns -------------------------------------------------------

    def opening_state(self, call_id: int) -> dict:
        call = Call.objects.select_related("lead", "campaign").get(pk=call_id)
        lead, campaign = call.lead, call.campaign
        zone = lead.time_zone or HumanAgent.objects.filter(campaigns=campaign, is_active=True).values_list(
            "time_zone", flat=True).first() or ""
        return {
            "call_id": call.pk, "lead_id": lead.pk, "campaign_id": campaign.pk, "phone": lead.phone, "lead_tz": zone,
            "persona": {"agent_name": campaign.agent_name, "company_name": campaign.company_name,
                        "callback_number": campaign.callback_number or settings.TWILIO_FROM_NUMBER,
                        "lead_name": lead.name,
                        "recorded_line": recording_decision(lead, campaign).notice},
            "consent": {"source": lead.consent_source, "at": lead.consent_at.isoformat() if lead.consent_at else ""},
            "lead_email": lead.email,
            "scoring": {"weights": campaign.score_weights, "hot": campaign.hot_threshold,
                        "warm": campaign.warm_threshold},
            "answered_by": call.answered_by, "voicemail_message": campaign.voicemail_message,
            "facts": dict(lead.facts or {}), "transfer_policy": campaign.transfer_policy,
            "direction": call.direction,
            "booked_before": _open_appointment(lead, call) if call.direction == Call.Direction.INBOUND else None,
            "callback_before": _open_callback(lead, call) if call.direction == Call.Direction.INBOUND else None,
        }

    def answered_by(self, call_id: int) -> str:
        return Call.objects.filter(pk=call_id).values_list("answered_by", flat=True).first() or ""

    def call_now(self, call_id: int, now: dt.datetime) -> tuple[str, bool]:
        """Who answered, and whether the call's cost cap is reached a turn from now (the ledger, read each turn).
        Machine detection's verdict is read each turn until there is one (a lost announcement leaves it only in the
        database), then kept with the campaign's cap and the answer time: written once, they never change."""
        answered_by, cap, answered_at = self._verdicts.get(call_id) or self._read_verdict(call_id)
        call = Call(pk=call_id, answered_at=answered_at)  # all the projection reads of it
        return answered_by, bool(cap) and projected_call_cost(call, now) >= cap

    def _read_verdict(self, call_id: int) -> tuple[str, Decimal | None, dt.datetime | None]:
        verdict = Call.objects.filter(pk=call_id).values_list("answered_by", "campaign__budget_per_call",
                                                              "answered_at").get()
        if verdict[0]:
            self._verdicts[call_id] = verdict
            while len(self._verdicts) > KEPT_VERDICTS:  # the oldest calls' first: long over
                self._verdicts.pop(next(iter(self._verdicts)))
        return verdict

    # --- what the conversation does -----------------------------------------------------

    def opt_out(self, state: dict) -> None:
        add_to_do_not_call(state["phone"], reason=f"Asked on call #{state['call_id']}",
                           source=DoNotCall.Source.OPT_OUT)

    def stop_calling(self, state: dict, invalid: bool = False) -> None:
        leads.stop_calling(state["lead_id"], invalid=invalid)

    def callback_time(self, state: dict, when: dict) -> dt.datetime:
        """The time named, or the first of the range named, moved on to when the dialer will call the lead: inside
        its campaign's window for that weekday in every zone it may be in, the window still open CALLBACK_NOTICE
        later, and not before the lead's own daily limit ("after 5") when a day allows it. In a vague period ("next
        month"), where the time is ours to choose, it is rung from VAGUE_CALLBACK_FROM and never on a
        NO_CALLBACK_HOLIDAYS day; a day the lead named is kept, holiday or not. A day the lead ruled out ("next
        week, not monday") is never the day."""
        now = _now(state)
        ruled_out = set(state.get("ruled_out") or ())
        start = dt.datetime.fromisoformat(when["start"]).astimezone(now.tzinfo)
        earliest = max(start, now + CALLBACK_NOTICE)
        lead = self._lead(state)
        windows = lead.campaign.windows_by_weekday()
        day_start = when.get("day_start")
        vague = dt.datetime.fromisoformat(when["end"]) - dt.datetime.fromisoformat(when["start"]) > dt.timedelta(days=1)
        if vague and not day_start:
            day_start = VAGUE_CALLBACK_FROM  # "next month": not at the window's first minute
        for _ in range(7):
            at = next((at for allowed in (_not_before(windows, day_start), windows)
                       if (at := next_callable_moment(lead, allowed, earliest, open_for=CALLBACK_NOTICE))), None)
            if at is None:
                return start  # no window opens within a week (or the lead's zone is unknown): as asked
            local = at.astimezone(now.tzinfo)
            if not (vague and _public_holiday(local.date())) and local.date().isoformat() not in ruled_out:
                return local  # (a day they named is theirs, holiday or not)
            earliest = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=now.tzinfo)
        return local

    def schedule_callback(self, state: dict, at: dt.datetime) -> None:
        leads.schedule_callback(state["lead_id"], at)

    def transfer_offer(self, state: dict) -> str | None:
        return transfers.transfer_offer(state["call_id"], _now(state))

    def cancel_appointment(self, state: dict, appointment_id: int) -> bool:
        return cancel_appointment(appointment_id, lead_id=state["lead_id"])

    def nobody_free(self, state: dict, reason: str) -> None:
        transfers.nobody_free(state["call_id"], reason)

    def speak_time(self, state: dict, at: dt.datetime) -> str:
        return speak_slot(at, _zone(state), now=_now(state))

    def free_slots(self, state: dict, when: dict | None) -> list[dict]:
        campaign = self._campaign(state)
        kwargs = {}
        if when:
            start = dt.datetime.fromisoformat(when["start"])
            end = dt.datetime.fromisoformat(when["end"])
            if when.get("exact"):
                end = start + dt.timedelta(minutes=campaign.appointment_minutes)
            kwargs["within"] = (start, end)
            kwargs["day_start"] = dt.time.fromisoformat(when["day_start"]) if when.get("day_start") else None
            kwargs["day_end"] = dt.time.fromisoformat(when["day_end"]) if when.get("day_end") else None
            if kwargs["day_start"] and kwargs["day_start"] == kwargs["day_end"]:
                # one clock time over several days ("monday or tuesday, like at 11"): a meeting starting then
                opens = dt.datetime.combine(dt.date.min, kwargs["day_start"])
                kwargs["day_end"] = min(opens + dt.timedelta(minutes=campaign.appointment_minutes),
                                        dt.datetime.combine(dt.date.min, dt.time.max)).time()
        skip = frozenset(dt.date.fromisoformat(day) for day in state.get("ruled_out") or ())
        slots = self._find_slots(campaign, holder=state["call_id"], after=_now(state), count=2, lead_tz=_zone(state),
                                 skip_days=skip, **kwargs)
        return [{"starts_at": s.starts_at.astimezone(dt.UTC).isoformat(),
                 "ends_at": s.ends_at.astimezone(dt.UTC).isoformat(),
                 "agent_id": s.agent_id, "agent_name": s.agent_name} for s in slots]

    def hold_slots(self, state: dict, slots: list[dict]) -> None:
        hold_slots(state["call_id"], [_slot(slot) for slot in slots])

    def book(self, state: dict, slot: dict) -> dict | None:
        call = Call.objects.select_related("lead").get(pk=state["call_id"])
        try:
            appointment = book_appointment(lead=call.lead, call=call, slot=_slot(slot),
                                           lead_tz=state.get("lead_tz", ""),
                                           notes=_notes(state.get("facts") or {}),
                                           now=dt.datetime.fromisoformat(state["now"]))  # the clock that offered it
        except SlotTaken:
            log.info("call %s: slot %s was taken meanwhile", state["call_id"], slot["starts_at"])
            return None
        return {"id": appointment.pk, "starts_at": slot["starts_at"], "agent_name": slot["agent_name"]}

    # --- where the calendar and the lead come from (an evaluation overrides these) ------------

    def _lead(self, state: dict) -> Lead:
        return Lead.objects.select_related("campaign").get(pk=state["lead_id"])

    def _campaign(self, state: dict) -> Campaign:
        return Campaign.objects.get(pk=state["campaign_id"])

    def _find_slots(self, campaign: Campaign, holder: int | None = None, **search) -> list[Slot]:
        return free_slots(campaign, holder=holder, **search)

    # --- after each turn ----------------------------------------------------------------

    def record_step(self, result: dict, *, lead_text: str, dtmf: str, reply: str, mode: str,
                    llm_tokens: int) -> None:
        understanding = result.get("understanding") or {}
        score = result.get("score") or {}
        number = result.get("turn_number", 0)
        if llm_tokens:
            record_cost(result["call_id"], CostEntry.Kind.LLM, llm_tokens, campaign_id=result.get("campaign_id"))
        with transaction.atomic():
            # Steps are written from background tasks, and a cut reply's can land after the next turn's: the
            # call's running state (facts, score, disposition, call back) is the latest decision's, never older.
            Call.objects.select_for_update().filter(pk=result["call_id"]).first()
            AgentStep.objects.update_or_create(call_id=result["call_id"], number=number, defaults={
                "lead_text": lead_text, "dtmf": dtmf, "intent": understanding.get("intent", ""),
                "objection": understanding.get("objection", ""), "route": result.get("agent", ""),
                "new_facts": result.get("new_facts") or {}, "score": score.get("total"), "reply": reply,
                "mode": mode, "decide_ms": round(result.get("decide_ms", 0)),
            })
            if AgentStep.objects.filter(call_id=result["call_id"], number__gt=number).exists():
                return
            Call.objects.filter(pk=result["call_id"]).update(
                facts=result.get("facts") or {}, score=score.get("total"), score_band=score.get("band", ""),
                score_breakdown=score.get("breakdown") or {}, objections=result.get("objections") or {},
                disposition=result.get("disposition") or "",
                callback_at=dt.datetime.fromisoformat(result["callback_at"]) if result.get("callback_at") else None,
            )

    async def show_score(self, call_id: int, score: int | None, band: str, agent: str) -> None:
        await live.apublish("score", call_id, score=score, band=band, agent=agent)


def _open_appointment(lead: Lead, call: Call) -> dict | None:
    """The lead's next booked meeting (a lead who calls back may want to move or cancel it)."""
    appointment = (Appointment.objects.filter(lead=lead, status=Appointment.Status.BOOKED,
                                              starts_at__gt=call.created_at).select_related("agent")
                   .order_by("starts_at").first())
    if appointment is None:
        return None
    return {"id": appointment.pk, "starts_at": appointment.starts_at.astimezone(dt.UTC).isoformat(),
            "agent_name": appointment.agent.name if appointment.agent else "our agent"}


def _open_callback(lead: Lead, call: Call) -> str | None:
    """When we promised to call the lead back, if that is still ahead (ISO, UTC)."""
    if lead.callback_at and lead.callback_at > call.created_at:
        return lead.callback_at.astimezone(dt.UTC).isoformat()
    return None


def _notes(facts: dict) -> str:
    return "; ".join(f"{name}: {fact['value']}" + (f" (\"{fact['words']}\")" if fact.get("words") else "")
                     for name, fact in facts.items())


def _public_holiday(day: dt.date) -> bool:
    """The days a promised call back never falls on, whatever the state allows: people are with their families."""
    return any(day in holiday_dates(key, day.year) for key in NO_CALLBACK_HOLIDAYS)


def _not_before(windows: Windows, day_start: str | None) -> Windows:
    """The campaign's windows narrowed by the lead's own daily limit ("after 5"); a day it leaves no time is closed."""
    if not day_start:
        return windows
    floor = dt.time.fromisoformat(day_start)
    return {day: None if window is None or floor >= window[1] else (max(window[0], floor), window[1])
            for day, window in windows.items()}
