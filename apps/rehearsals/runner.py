"""Rehearse a campaign before it calls anyone: the real dialer calls persona leads on the simulated network.

A shadow campaign `<slug>-rehearsal` carries the campaign's persona, scoring, calling window and
voicemail settings, its human agents, and one lead per persona (a fictional 555-01xx number in a time
zone where it is now daytime). The rehearsal resets those leads (a rerun starts clean: their
do-not-call entries lifted, with the removal recorded, their rehearsal appointments cancelled), then
drives the real dial tick until every lead has had a finished, analysed call, and reports each call
with what the simulated network measured at the phone.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from apps.calls.dialing import dial_tick
from apps.calls.models import FINAL_CALL_STATUSES, LIVE_CALL_STATUSES, Appointment, Call, CallStatus, HumanAgent
from apps.campaigns.models import Campaign
from apps.campaigns.services import REHEARSAL_SUFFIX, set_active
from apps.core.redis import redis_client
from apps.costs.models import CostEntry
from apps.leads.do_not_call import remove_from_do_not_call
from apps.leads.eligibility import window_open_in
from apps.leads.models import DoNotCall, Lead, LeadStatus
from apps.rehearsals.network.measurements import REPORT_KEY, percentile
from apps.rehearsals.personas import Persona, personas

COPIED_FIELDS = (
    # who the lead hears
    "agent_name", "company_name", "callback_number", "voice_tier", "default_region",
    # scoring and meetings
    "score_weights", "hot_threshold", "warm_threshold", "appointment_minutes",
    # when calls may happen
    "window_start", "window_end", "weekday_windows",
    # answering machines
    "voicemail_message",
    # what a call may cost, and the premium voice's daily allowance (the campaign's totals are its own)
    "budget_per_call", "budget_premium_voice",
)
# Zones with a geographic area code (the number's zone must agree with the lead's), then toll-free
# numbers (they ring in many zones, so the lead's own zone decides) anywhere else on earth.
AREA_CODES = (("America/New_York", "202"), ("America/Chicago", "312"), ("America/Denver", "303"),
              ("America/Phoenix", "602"), ("America/Los_Angeles", "213"), ("America/Anchorage", "907"),
              ("Pacific/Honolulu", "808"))
TOLL_FREE_ZONES = ("Europe/London", "Europe/Berlin", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
                   "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland", "America/Sao_Paulo")
DAYTIME = (dt.time(9, 0), dt.time(20, 0))
NO_CONVERSATION = (CallStatus.NO_ANSWER, CallStatus.BUSY, CallStatus.FAILED, CallStatus.CANCELED)
REPORT_GRACE_SECONDS = 5.0


class RehearsalError(Exception):
    """The rehearsal cannot start; the message says what is missing and how to fix it."""


# --- the shadow campaign and its leads -------------------------------------------------------------------

@dataclass
class RehearsalLead:
    persona: Persona
    lead_id: int
    phone: str
    time_zone: str


def daytime_zone(windows, now: dt.datetime, number: int) -> tuple[str, str]:
    """A zone where it is now 09:00–20:00 and the campaign may call, and a fictional 555-01xx number for it."""
    def fits(zone: str) -> bool:
        local = now.astimezone(ZoneInfo(zone)).time()
        return DAYTIME[0] <= local < DAYTIME[1] and window_open_in(zone, windows, now)

    for zone, area in AREA_CODES:
        if fits(zone):
            return zone, f"+1{area}55501{number:02d}"
    for zone in TOLL_FREE_ZONES:
        if fits(zone):
            return zone, f"+180055501{number:02d}"
    raise RehearsalError("No time zone has calling hours now in the campaign's window (09:00–20:00 local "
                         "and its weekday windows): rehearse later, or widen the window.")


def shadow_campaign(campaign: Campaign, concurrency: int) -> Campaign:
    shadow = Campaign.objects.filter(slug=campaign.slug + REHEARSAL_SUFFIX).first() or Campaign(
        slug=campaign.slug + REHEARSAL_SUFFIX, name=f"{campaign.name} (rehearsal)", sheet_source="")
    for name in COPIED_FIELDS:
        setattr(shadow, name, getattr(campaign, name))
    shadow.telephony_provider = "simulated"
    shadow.require_consent = False
    shadow.max_concurrent_calls = concurrency
    shadow.max_attempts = 1  # one call per lead per rehearsal; the next rehearsal resets them
    shadow.budget_daily = shadow.budget_total = None
    shadow.is_active = True
    shadow.save()
    for agent in HumanAgent.objects.filter(campaigns=campaign):
        agent.campaigns.add(shadow)
    return shadow


def prepare(campaign: Campaign, chosen: list[Persona], concurrency: int,
            now: dt.datetime | None = None, copies: int = 1, state: str = "DC") -> tuple[Campaign, list[RehearsalLead]]:
    """The shadow campaign and `copies` reset leads per persona (one by default), ready to be dialled now, with
    their address in `state` (its calling and recording rules apply)."""
    now = now or timezone.now()
    with transaction.atomic():
        shadow = shadow_campaign(campaign, concurrency)
        windows = shadow.windows_by_weekday()
        leads = [_reset_lead(shadow, persona, *daytime_zone(windows, now, number), now, state)
                 for persona, number in lead_numbers(chosen, copies)]
    return shadow, leads


def lead_numbers(chosen: list[Persona], copies: int = 1) -> list[tuple[Persona, int]]:
    """Each persona's 555-01NN line number: its own (10 + its place among all personas) for the first copy,
    then numbers after all the personas' own, distinct within the rehearsal (a lead has one live call)."""
    known = sorted(personas())
    own = {name: index + 10 for index, name in enumerate(known)}
    extra = iter(range(10 + len(known), 100))
    numbers = []
    for persona in chosen:
        numbers.append((persona, own[persona.name]))
        for _ in range(copies - 1):
            number = next(extra, None)
            if number is None:
                raise RehearsalError(f"At most {100 - 10 - len(known)} extra copies fit the 555-01NN numbers.")
            numbers.append((persona, number))
    return numbers


def _reset_lead(shadow: Campaign, persona: Persona, zone: str, phone: str, now: dt.datetime,
                state: str = "DC") -> RehearsalLead:
    suffix = phone[-7:]  # 55501NN: the persona's number, whatever area code today's zone needs
    lead = Lead.objects.filter(campaign=shadow, phone__endswith=suffix).first() or Lead(campaign=shadow)
    Call.objects.filter(lead_id=lead.pk, status__in=LIVE_CALL_STATUSES).update(
        status=CallStatus.CANCELED, outcome="abandoned", ended_at=now)  # an earlier rehearsal that crashed
    Appointment.objects.filter(lead_id=lead.pk, status=Appointment.Status.BOOKED).update(
        status=Appointment.Status.CANCELLED)  # rehearsal bookings hold no real agent's time
    for entry in DoNotCall.objects.active().filter(phone__in={phone, lead.phone} - {""}):
        remove_from_do_not_call(entry, None)  # recorded (removed_at), never deleted
    lead.phone, lead.raw_phone, lead.name = phone, phone, persona.lead_name or persona.name.replace("_", " ").title()
    # By default Washington, D.C., which sets no calling rule above the federal floor; without a state the lead's
    # toll-free number (no state of its own) would take every state's strictest rule (apps.compliance.state_rules).
    lead.time_zone, lead.address, lead.state, lead.postal_code = zone, "", state, ""
    lead.consent_source, lead.consent_at = "rehearsal (fictional 555-01xx number)", now
    lead.status, lead.attempts, lead.next_attempt_at, lead.claim_token = LeadStatus.NEW, 0, now, None
    lead.last_called_at, lead.last_outcome, lead.callback_at = None, "", None
    lead.facts, lead.score, lead.score_band = {}, None, ""
    lead.extra = {"Simulated outcome": persona.name, "Rehearsal": "yes"}
    lead.save()
    return RehearsalLead(persona, lead.pk, phone, zone)


# --- running it ---------------------------------------------------------------------------------------------

@dataclass
class CallResult:
    persona: str
    expected: str
    call_id: int | None = None
    status: str = "not called"
    disposition: str = ""
    score: int | None = None
    band: str = ""
    appointment_at: str = ""
    callback_at: str = ""
    objections: dict = field(default_factory=dict)
    turns: int = 0
    duration_s: float = 0
    cost: str = "0"
    v2v_p50_ms: float | None = None
    v2v_p95_ms: float | None = None
    v2v_ms: list[int] = field(default_factory=list)
    barge_in_ms: int | None = None
    simulator_cpu_s: float | None = None
    summary: str = ""
    heard: list[dict] = field(default_factory=list)
    transfer: dict = field(default_factory=dict)  # a live transfer: outcome, human, hold, yes → human's first word
    met: bool = False

    @property
    def outcome(self) -> str:
        return self.disposition or self.status


@dataclass
class Rehearsal:
    campaign: str
    shadow: str
    started_at: str
    seconds: float
    results: list[CallResult]
    timed_out: bool = False

    @property
    def all_met(self) -> bool:
        return all(result.met for result in self.results)

    def totals(self) -> dict:
        v2v = [ms for result in self.results for ms in result.v2v_ms]
        barge = [r.barge_in_ms for r in self.results if r.barge_in_ms is not None]
        cpu = [r.simulator_cpu_s for r in self.results if r.simulator_cpu_s is not None]
        cost = sum((Decimal(r.cost) for r in self.results), Decimal(0))
        transfers = [r.transfer for r in self.results if r.transfer]
        connect = [t["connect_ms"] for t in transfers if t["outcome"] == "connected" and t.get("connect_ms")]
        returned = [t["hold_ms"] for t in transfers if t["outcome"] == "returned" and t.get("hold_ms") is not None]
        transfer = {"connected": len(connect), "connect_p50_ms": _round(percentile(connect, 0.5)),
                    "connect_p95_ms": _round(percentile(connect, 0.95)), "returned": len(returned),
                    "returned_hold_p50_ms": _round(percentile(returned, 0.5)),
                    "returned_hold_p95_ms": _round(percentile(returned, 0.95))} if transfers else None
        return {"calls": len(self.results), "met": sum(r.met for r in self.results), "cost": str(cost),
                "transfer": transfer,
                "cost_per_call": str((cost / len(self.results)).quantize(Decimal("0.0001"))) if self.results else None,
                "v2v_p50_ms": _round(percentile(v2v, 0.5)), "v2v_p95_ms": _round(percentile(v2v, 0.95)),
                "barge_in_ms": barge, "simulator_cpu_s_per_call": round(sum(cpu) / len(cpu), 2) if cpu else None,
                "seconds": round(self.seconds, 1)}

    def as_dict(self) -> dict:
        return {"campaign": self.campaign, "shadow": self.shadow, "started_at": self.started_at,
                "timed_out": self.timed_out, "all_met": self.all_met, "totals": self.totals(),
                "calls": [asdict(result) | {"outcome": result.outcome} for result in self.results]}


def rehearse(campaign: Campaign, chosen: list[Persona], *, concurrency: int = 2, timeout: float = 600,
             tick_seconds: float = 1.0, progress: Callable[[str], None] = lambda line: None,
             copies: int = 1, state: str = "DC") -> Rehearsal:
    """`copies` > 1 dials each persona that many times (distinct leads), e.g. N at once for a load benchmark;
    `state` is where the leads live (e.g. "CA": a state where every party must consent to a recording)."""
    started = timezone.now()
    clock = time.monotonic()
    shadow, leads = prepare(campaign, chosen, concurrency, started, copies=copies, state=state)
    progress(f"Rehearsing {campaign.slug!r} as {shadow.slug!r}: {len(leads)} persona lead(s), "
             f"{concurrency} at a time.")
    done: dict[int, CallResult] = {}
    finished_at: dict[int, float] = {}
    client = redis_client(decode=True)
    nobody_free = _NobodyFree(shadow, [lead for lead in leads if not lead.persona.transfer.available], leads)
    try:
        while len(done) < len(leads) and time.monotonic() - clock < timeout:
            nobody_free.start_when_others_done(done)
            dial_tick(shadow.pk)
            for lead in leads:
                if lead.lead_id in done:
                    continue
                result = _result_if_done(lead, started, client, finished_at)
                if result is not None:
                    done[lead.lead_id] = result
                    progress(f"  {result.persona}: {result.outcome} "
                             f"{'(as expected)' if result.met else '(expected ' + result.expected + ')'}")
            time.sleep(tick_seconds)
    finally:
        nobody_free.end()
        set_active(Campaign.objects.get(pk=shadow.pk), False)  # nothing dials it between rehearsals
    results = [done.get(lead.lead_id) or _unfinished(lead, started, client) for lead in leads]
    return Rehearsal(campaign=campaign.slug, shadow=shadow.slug, started_at=started.isoformat(),
                     seconds=time.monotonic() - clock, results=results, timed_out=len(done) < len(leads))


class _NobodyFree:
    """Personas that ask for a person when nobody is taking live transfers (`transfer.available: false`) are called
    last, once the others are done, with the shadow campaign's transfer takers taken off it until the end."""

    def __init__(self, shadow: Campaign, later: list[RehearsalLead], leads: list[RehearsalLead]):
        self.shadow, self.later, self.detached = shadow, later, []
        self.others = {lead.lead_id for lead in leads} - {lead.lead_id for lead in later}
        self.started = not later
        if later and self.others:
            Lead.objects.filter(pk__in=[lead.lead_id for lead in later]).update(next_attempt_at=None)
        elif later:
            self.start_when_others_done({})

    def start_when_others_done(self, done: dict) -> None:
        if self.started or not self.others <= set(done):
            return
        self.started = True
        self.detached = list(HumanAgent.objects.filter(campaigns=self.shadow, takes_transfers=True))
        self.shadow.human_agents.remove(*self.detached)
        Lead.objects.filter(pk__in=[lead.lead_id for lead in self.later]).update(next_attempt_at=timezone.now())

    def end(self) -> None:
        if self.detached:
            self.shadow.human_agents.add(*self.detached)


def _latest_call(lead: RehearsalLead, since: dt.datetime) -> Call | None:
    return Call.objects.filter(lead_id=lead.lead_id, created_at__gte=since).exclude(
        outcome="not_placed").order_by("-created_at").first()


def _result_if_done(lead: RehearsalLead, since: dt.datetime, client, finished_at: dict) -> CallResult | None:
    call = _latest_call(lead, since)
    if call is None or call.status not in FINAL_CALL_STATUSES:
        return None
    if lead.persona.calls_back and call.direction != Call.Direction.INBOUND:
        return None  # the lead is yet to call back: its outcome is the persona's
    analysed = call.answered_at is None or call.status in NO_CONVERSATION or bool(call.disposition)
    if not analysed:
        return None
    report = _simulator_report(client, call.pk)
    first_seen = finished_at.setdefault(call.pk, time.monotonic())
    if report is None and time.monotonic() - first_seen < REPORT_GRACE_SECONDS:
        return None  # the network writes its report right after its last callback
    return _result(lead, call, report)


def _unfinished(lead: RehearsalLead, since: dt.datetime, client) -> CallResult:
    call = _latest_call(lead, since)
    if call is None:
        return CallResult(persona=lead.persona.name, expected=lead.persona.expected_text(), status="not called")
    result = _result(lead, call, _simulator_report(client, call.pk))
    result.status = f"{call.status} (timed out)"
    result.met = False
    return result


def _simulator_report(client, call_id: int) -> dict | None:
    raw = client.get(REPORT_KEY.format(call_id=call_id))
    return json.loads(raw) if raw else None


def _result(lead: RehearsalLead, call: Call, report: dict | None) -> CallResult:
    persona = lead.persona
    appointment = call.appointments.filter(status=Appointment.Status.BOOKED).first()
    zone = ZoneInfo(lead.time_zone)
    cost = CostEntry.objects.filter(call=call).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    result = CallResult(
        persona=persona.name, expected=persona.expected_text(), call_id=call.pk, status=call.status,
        disposition=call.disposition, score=call.score, band=call.score_band,
        appointment_at=f"{appointment.starts_at.astimezone(zone):%a %d %b %H:%M} {lead.time_zone}"
        if appointment else "",
        callback_at=f"{call.callback_at.astimezone(zone):%a %d %b %H:%M} {lead.time_zone}" if call.callback_at else "",
        objections=call.objections or {}, turns=call.turns.count(), duration_s=call.duration_seconds or 0,
        cost=str(cost.quantize(Decimal("0.0001"))), summary=call.summary,
        met=persona.expectation_met(call.disposition, call.status),
    )
    if report:
        result.v2v_ms = report.get("v2v_ms") or []
        result.v2v_p50_ms = _round(percentile(result.v2v_ms, 0.5))
        result.v2v_p95_ms = _round(percentile(result.v2v_ms, 0.95))
        barge = report.get("barge_in") or []
        result.barge_in_ms = barge[0]["stop_ms"] if barge else None
        result.simulator_cpu_s = (report.get("cpu_s") or {}).get("total")
        result.heard = report.get("turns") or []
    if transfer := call.transfers.select_related("human").order_by("-requested_at").first():
        result.transfer = {"outcome": transfer.status, "human": transfer.human.name if transfer.human else "",
                           "humans_rung": transfer.legs.count(), "hold_ms": transfer.wait_ms,
                           "connect_ms": ((report or {}).get("transfer") or {}).get("connect_ms")}
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value)


def choose_personas(names: str | None) -> list[Persona]:
    known = personas()
    if not names:
        return [persona for persona in known.values() if not persona.callback_only]
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in known]
    if unknown:
        raise RehearsalError(f"Unknown persona(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
    return [known[name] for name in chosen]
