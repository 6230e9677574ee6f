"""The audit trail of every dial: the evidence the dial tick records with each call it creates (DialEvidence, built
from what the tick already computed, in its transaction) and the compliance report that lists a campaign's calls
with that evidence and re-runs today's rules on it, flagging any call that would not pass them now."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db.models import Q

from apps.calls.models import Call
from apps.campaigns.models import LEGAL_WINDOW, WEEKDAYS, Campaign
from apps.compliance import state_rules
from apps.compliance.models import REGISTRY_MAX_AGE_DAYS, DialEvidence, RegistryArea
from apps.compliance.registry import AREA, registry_as_of, registry_number
from apps.leads.eligibility import Windows, calling_zones
from apps.leads.models import DoNotCall, Lead, mask_phone

EVIDENCE_VERSION = 1
FEDERAL_RULE = "47 CFR 64.1200(c)(1)"  # calls only 08:00–21:00 at the called party's location
DIAL_RULES = ("hours", "holidays", "attempts")  # the state rules a dial is checked against (recording is not one)
CHUNK = 2000  # calls the report reads at a time (and numbers it looks up in one query)


# --- recording the evidence (the dial tick) ---------------------------------------------------------------

def rules_version() -> str:
    """The state rules in force: a hash of every row as parsed, and the newest date a row was checked."""
    return _rules_version(state_rules.rules())


@lru_cache(maxsize=4)
def _rules_version(rules: tuple[state_rules.Rule, ...]) -> str:
    digest = hashlib.sha256(repr([(rule.state, rule.rule, sorted(rule.days), rule.value, rule.clock,
                                   rule.effective_from, rule.statute, rule.source_url, rule.checked_on, rule.line)
                                  for rule in rules]).encode()).hexdigest()
    newest = max((rule.checked_on for rule in rules), default=None)
    return f"{digest[:12]}@{newest or 'none'}"


def record_dial_evidence(calls: list[Call], campaign: Campaign, now: dt.datetime, windows: Windows, *,
                         registry_dates: dict[int, dt.date | None],
                         recent_calls: dict[str, tuple[dt.datetime, ...]]) -> None:
    """One DialEvidence row per call the tick created (two queries a tick, none per lead). `registry_dates`: lead id
    → the registry_as_of the tick's query found; `recent_calls`: phone → the earlier calls the tick counted."""
    if not calls:
        return
    copies = registry_copies(campaign, [call.lead.phone for call in calls])
    version = rules_version()
    DialEvidence.objects.bulk_create([
        DialEvidence(call=call, checked_at=now, rules_version=version, evidence=dial_evidence(
            call.lead, campaign, now, windows, attempt=call.attempt, version=version,
            listed_as_of=registry_dates.get(call.lead_id), copies=copies,
            recent_call_times=recent_calls.get(call.lead.phone, ())))
        for call in calls
    ])


def registry_copies(campaign: Campaign, phones: Iterable[str]) -> dict[int, list[dict]]:
    """Area code → the registry copies current for it that the campaign's dials answer to (its own, the team's)."""
    codes = {number // AREA for number in map(registry_number, phones) if number is not None}
    if not codes:
        return {}
    found: dict[int, list[dict]] = {}
    rows = (RegistryArea.objects.filter(Q(campaign=campaign.pk) | Q(campaign__isnull=True), area_code__in=codes)
            .values_list("area_code", "copy_id", "copy__as_of", "campaign_id").order_by("area_code", "copy_id"))
    for code, copy_id, as_of, scope in rows:
        found.setdefault(code, []).append({"copy": copy_id, "as_of": _iso(as_of),
                                           "scope": "team" if scope is None else "campaign"})
    return found


def dial_evidence(lead: Lead, campaign: Campaign, now: dt.datetime, windows: Windows, *, attempt: int, version: str,
                  listed_as_of: dt.date | None, copies: dict[int, list[dict]],
                  recent_call_times: tuple[dt.datetime, ...]) -> dict:
    """The evidence a dial was made on, as JSON (no phone number: the call's lead has it). For example:

    {"version": 1, "checked_at": "2026-12-02T15:30:00+00:00",
     "zones": [{"zone": "America/New_York", "local_time": "2026-12-02T10:30:00-05:00", "weekday": "wed",
                "campaign_window": "09:00-20:00", "federal_window": "08:00-21:00",
                "state_windows": [{"state": "FL", "hours": "08:00-20:00", "clock": "local",
                                   "wall_clock": "08:00-20:00", "line": 10}],
                "applied": "09:00-20:00"}],                      # campaign ∩ federal ∩ every state; null: closed
     "states": ["FL"],                                           # the states binding the call
     "rules": [{"state": "FL", "rule": "attempts", "value": "3/24", "days": "", "clock": "",
                "statute": "Fla. Stat. § 501.616(6)(b)", "checked_on": "2026-12-03", "line": 11}, ...],
     "rules_version": "3fa2c1d09b7e@2026-12-03",                 # rules_version(): hash of the rows, newest check
     "do_not_call": {"checked": true, "listed": false},
     "registry": {"applies": true, "required": false, "listed": false, "listed_as_of": null,
                  "copies": [{"copy": 3, "as_of": "2026-11-20", "scope": "team"}]},   # [] : no copy for the code
     "consent": {"required": true, "source": "Website form", "at": null, "express": false},
     "attempts": {"attempt": 2, "max": 6, "window_hours": 24,  # earlier calls to the number (any campaign)
                  "earlier_calls": ["2026-12-02T13:00:00+00:00"]}}
    """
    states = state_rules.states_of(lead)
    zones = [_zone_evidence(name, states, windows, now) for name in calling_zones(lead)]
    days = {dt.date.fromisoformat(zone["local_time"][:10]) for zone in zones if "local_time" in zone}
    number = registry_number(lead.phone)
    express = bool(lead.consent_source and lead.consent_at)
    window = state_rules.longest_attempt_window()
    return {
        "version": EVIDENCE_VERSION,
        "checked_at": _iso(now.astimezone(dt.UTC)),
        "zones": zones,
        "states": list(states),
        "rules": [_rule_evidence(rule) for rule in _dial_rules(states, days)],
        "rules_version": version,
        "do_not_call": {"checked": True, "listed": False},  # the tick's query leaves out every number on the list
        "registry": {
            "applies": number is not None,
            "required": campaign.require_registry,
            "copies": copies.get(number // AREA, []) if number is not None else [],
            "listed": listed_as_of is not None,
            "listed_as_of": _iso(listed_as_of),
        },
        "consent": {"required": campaign.require_consent, "source": lead.consent_source,
                    "at": _iso(lead.consent_at), "express": express},
        "attempts": {
            "attempt": attempt, "max": campaign.max_attempts,
            "window_hours": int(window.total_seconds() // 3600),
            "earlier_calls": sorted(_iso(at) for at in recent_call_times if now - window < at <= now),
        },
    }


def _zone_evidence(name: str, states: tuple[str, ...], windows: Windows, now: dt.datetime) -> dict:
    """A zone the lead may be in: its local time, and the window applied there (campaign ∩ federal ∩ each state),
    with the state rows that narrowed it (every row checked is in the evidence's "rules")."""
    zone = _tz(name)
    if zone is None:
        return {"zone": name, "error": "not a time zone"}
    local = now.astimezone(zone)
    day = local.date()
    campaign_window = windows[WEEKDAYS[local.weekday()]]
    floor = (max(LEGAL_WINDOW[0], campaign_window[0]), min(LEGAL_WINDOW[1], campaign_window[1])) \
        if campaign_window else None
    outer = floor or LEGAL_WINDOW
    start, end = outer
    narrowing = []
    for state in states:
        for rule in state_rules.hours_rules(state, day):
            if rule.hours is None:
                narrowing.append(({"state": state, "hours": "closed", "line": rule.line}, None))
                continue
            shift = (local.dst() or dt.timedelta(0)) if rule.clock == "standard" else dt.timedelta(0)
            wall = tuple((dt.datetime.combine(day, at) + shift).time() for at in rule.hours)
            start, end = max(start, wall[0]), min(end, wall[1])
            narrowing.append(({"state": state, "hours": _span(rule.hours), "clock": rule.clock or "local",
                               "wall_clock": _span(wall), "line": rule.line}, wall))
    closed = floor is None or start >= end or any(wall is None for _, wall in narrowing)
    return {
        "zone": name,
        "local_time": local.isoformat(timespec="seconds"),
        "weekday": WEEKDAYS[local.weekday()],
        "campaign_window": _span(campaign_window) if campaign_window else None,
        "federal_window": _span(LEGAL_WINDOW),
        "state_windows": [row for row, wall in narrowing if wall is None or (wall[0] == start and start > outer[0])
                          or (wall[1] == end and end < outer[1])],
        "applied": None if closed else _span((start, end)),
    }


def _dial_rules(states: tuple[str, ...], days: set[dt.date]) -> list[state_rules.Rule]:
    """The state rows a dial on these local days was checked against: each day's hours, holidays, call limits."""
    chosen: dict[int, state_rules.Rule] = {}
    for state in states:
        for day in days:
            for rule in state_rules.hours_rules(state, day):
                chosen[rule.line] = rule
        for kind in ("holidays", "attempts"):
            for rule in state_rules.state_rules(state, kind):
                if any(rule.in_force(day) for day in days) or not days:
                    chosen[rule.line] = rule
    return [chosen[line] for line in sorted(chosen)]


def _rule_evidence(rule: state_rules.Rule) -> dict:
    days = sorted(rule.days)
    return {"state": rule.state, "rule": rule.rule, "value": rule.value,
            "days": "all" if len(days) == 7 else ",".join(state_rules.DAYS[day] for day in days),
            "clock": rule.clock, "statute": rule.statute, "checked_on": _iso(rule.checked_on), "line": rule.line}


# --- the report ---------------------------------------------------------------------------------------------

COLUMNS = ("call", "status", "placed (UTC)", "placed (lead-local)", "phone", "states", "state rules",
           "zones checked", "do-not-call", "registry", "consent", "attempt", "rules file", "passes today")


@dataclass
class ReportRow:
    call_id: int
    status: str
    placed_utc: str
    placed_local: str
    phone: str  # masked: never a full number
    states: str
    rules: str
    zones: str
    do_not_call: str
    registry: str
    consent: str
    attempt: str
    rules_file: str
    passes_today: str
    flags: list[str] = field(default_factory=list)
    has_evidence: bool = True

    def cells(self) -> list[str]:
        return [str(self.call_id), self.status, self.placed_utc, self.placed_local, self.phone, self.states,
                self.rules, self.zones, self.do_not_call, self.registry, self.consent, self.attempt,
                self.rules_file, self.passes_today]


def campaign_calls(campaign: Campaign, start: dt.date | None = None, end: dt.date | None = None):
    """The campaign's calls created on UTC dates start..end (inclusive), oldest first."""
    calls = Call.objects.filter(campaign=campaign)
    if start:
        calls = calls.filter(created_at__gte=dt.datetime.combine(start, dt.time(0), tzinfo=dt.UTC))
    if end:
        calls = calls.filter(created_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=dt.UTC))
    return calls.order_by("created_at", "id")


def report_rows(campaign: Campaign, start: dt.date | None = None, end: dt.date | None = None) -> Iterator[ReportRow]:
    """Every call of the campaign in the period with its evidence, re-checked against today's rules: a few queries
    per CHUNK calls."""
    ids = list(campaign_calls(campaign, start, end).values_list("id", flat=True))
    for at in range(0, len(ids), CHUNK):
        calls = list(Call.objects.filter(pk__in=ids[at:at + CHUNK]).select_related("lead", "evidence")
                     .order_by("created_at", "id"))
        today = TodaysFacts.gather(campaign, [call.lead for call in calls])
        for call in calls:
            yield report_row(call, today)


@dataclass
class TodaysFacts:
    """What today's rules need beyond the evidence, looked up once for a chunk of calls: the do-not-call list and the
    registry copies now applying to the numbers."""

    do_not_call_since: dict[str, dt.datetime]
    registry_as_of: dict[int, dt.date]

    @classmethod
    def gather(cls, campaign: Campaign, leads: list[Lead]) -> TodaysFacts:
        phones = {lead.phone for lead in leads}
        listed: dict[str, dt.datetime] = {}
        for phone, since in DoNotCall.objects.active().filter(phone__in=phones).values_list("phone", "created_at"):
            listed[phone] = min(since, listed.get(phone, since))
        registry = dict(Lead.objects.filter(pk__in={lead.pk for lead in leads})
                        .annotate(as_of=registry_as_of(campaign.pk)).filter(as_of__isnull=False)
                        .values_list("pk", "as_of"))
        return cls(do_not_call_since=listed, registry_as_of=registry)


def report_row(call: Call, today: TodaysFacts) -> ReportRow:
    evidence = getattr(call, "evidence", None)
    lead = call.lead
    zones = [zone["zone"] for zone in evidence.evidence["zones"]] if evidence else list(calling_zones(lead))
    base = {"call_id": call.pk, "status": _status(call), "placed_utc": _utc(call.placed_at),
            "placed_local": _local(call.placed_at, zones), "phone": mask_phone(lead.phone)}
    if evidence is None and call.direction == Call.Direction.INBOUND:
        # The lead called us: no dial, so no calling rule to have checked (a do-not-call request made on it counts).
        return ReportRow(**base, states="—", rules="—", zones="inbound: the lead called us", do_not_call="—",
                         registry="—", consent="—", attempt="—", rules_file="—",
                         passes_today="not a dial (the lead called us)", flags=[], has_evidence=True)
    if evidence is None:
        flags = _flags_without_evidence(call, today)
        missing = "no evidence recorded"
        return ReportRow(**base, states="—", rules="—", zones=missing, do_not_call="—", registry="—",
                         consent="—", attempt=str(call.attempt), rules_file="—",
                         passes_today="unknown: no evidence recorded" + "".join(f"; {flag}" for flag in flags),
                         flags=flags, has_evidence=False)
    data = evidence.evidence
    flags = todays_flags(data, lead, today)
    return ReportRow(
        **base,
        states=", ".join(data["states"]) or "none (number abroad)",
        rules=_rules_text(data["rules"]),
        zones="; ".join(_zone_text(zone) for zone in data["zones"]) or "no zone",
        do_not_call="checked, not listed" if not data["do_not_call"]["listed"] else "LISTED",
        registry=_registry_text(data["registry"]),
        consent=_consent_text(data["consent"]),
        attempt=f"{data['attempts']['attempt']} of {data['attempts']['max']}; "
                f"{len(data['attempts']['earlier_calls'])} earlier in {data['attempts']['window_hours']} h",
        rules_file=data["rules_version"],
        passes_today="yes" if not flags else "NO: " + "; ".join(flags),
        flags=flags,
    )


def todays_flags(data: dict, lead: Lead, today: TodaysFacts) -> list[str]:
    """Today's rules re-run on the recorded evidence: why the dial would not pass them now (empty: it would)."""
    checked_at = dt.datetime.fromisoformat(data["checked_at"])
    states = tuple(data["states"])
    flags = []
    if since := today.do_not_call_since.get(lead.phone):
        when = "after" if since > checked_at else "before"
        flags.append(f"on the do-not-call list since {since:%Y-%m-%d} ({when} the call)")
    elif data["do_not_call"]["listed"]:
        flags.append("was on the do-not-call list when dialled")
    for zone in data["zones"]:
        if "error" in zone:
            flags.append(f"time zone {zone['zone']!r} unknown")
            continue
        local = dt.datetime.fromisoformat(zone["local_time"])
        if not LEGAL_WINDOW[0] <= local.time().replace(tzinfo=None) < LEGAL_WINDOW[1]:
            flags.append(f"outside federal hours 08:00–21:00: {local:%a %H:%M} in {zone['zone']} ({FEDERAL_RULE})")
        if refusal := state_rules.window_refusal(states, zone["zone"], checked_at):
            flags.append(f"{refusal.reason} ({refusal.statute})")
    earlier = [dt.datetime.fromisoformat(at) for at in data["attempts"]["earlier_calls"]]
    if refusal := state_rules.attempt_refusal(states, earlier, checked_at):
        flags.append(f"{refusal.reason} ({refusal.statute})")
    if data["attempts"]["attempt"] > data["attempts"]["max"]:
        flags.append(f"attempt {data['attempts']['attempt']} past the campaign's {data['attempts']['max']}")
    consent = data["consent"]
    if consent["required"] and not consent["source"]:
        flags.append("no consent on file")
    flags.extend(_registry_flags(data["registry"], consent, today.registry_as_of.get(lead.pk), checked_at))
    return list(dict.fromkeys(flags))


def _registry_flags(registry: dict, consent: dict, listed_now: dt.date | None, checked_at: dt.datetime) -> list[str]:
    flags = []
    if not consent["express"]:
        if listed_now:
            flags.append(f"on the national Do Not Call registry (copy of {listed_now}) without express consent")
        elif registry["listed"]:
            flags.append(f"was on the national Do Not Call registry (copy of {registry['listed_as_of']}) "
                         "without express consent")
    if registry["required"] and registry["applies"]:
        dates = [dt.date.fromisoformat(copy["as_of"]) for copy in registry["copies"] if copy["as_of"]]
        if not dates:
            flags.append("no national Do Not Call registry copy for its area code")
        elif (checked_at.date() - max(dates)).days > REGISTRY_MAX_AGE_DAYS:
            flags.append(f"relied on a registry copy {(checked_at.date() - max(dates)).days} days old "
                         f"(at most {REGISTRY_MAX_AGE_DAYS})")
    return flags


def _flags_without_evidence(call: Call, today: TodaysFacts) -> list[str]:
    """What can still be told of a call made before evidence was recorded: a number on the list before it."""
    since = today.do_not_call_since.get(call.lead.phone)
    if since and since <= call.created_at:
        return [f"on the do-not-call list since {since:%Y-%m-%d} (before the call)"]
    return []


# --- words ------------------------------------------------------------------------------------------------

def _status(call: Call) -> str:
    return f"{call.status}/{call.outcome}" if call.outcome else call.status


def _utc(moment: dt.datetime | None) -> str:
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}" if moment else "not placed"


def _local(moment: dt.datetime | None, zones: list[str]) -> str:
    if moment is None:
        return "—"
    shown = [f"{moment.astimezone(zone):%Y-%m-%d %H:%M %Z}" for zone in filter(None, map(_tz, zones))]
    return ", ".join(dict.fromkeys(shown)) or "zone unknown"


def _zone_text(zone: dict) -> str:
    if "error" in zone:
        return f"{zone['zone']}: {zone['error']}"
    local = dt.datetime.fromisoformat(zone["local_time"])
    return f"{zone['zone']} {local:%a %H:%M} (window {zone['applied'] or 'closed'})"


def _rules_text(rules: list[dict], shown: int = 3) -> str:
    if not rules:
        return f"federal only ({FEDERAL_RULE})"
    words = [f"{rule['state']} {rule['rule']} {rule['value'] if rule['rule'] != 'holidays' else ''}".strip()
             + f" [{rule['statute']}]" for rule in rules[:shown]]
    return "; ".join(words) + (f"; +{len(rules) - shown} more" if len(rules) > shown else "")


def _registry_text(registry: dict) -> str:
    if not registry["applies"]:
        return "not applicable (not a +1 number)"
    copies = ", ".join(f"#{copy['copy']} of {copy['as_of'] or '?'} ({copy['scope']})" for copy in registry["copies"])
    found = (f"LISTED on copy of {registry['listed_as_of']}" if registry["listed"] else "not listed")
    if not copies:
        return "no copy; " + ("required" if registry["required"] else "not required")
    return f"{found}; checked {copies}"


def _consent_text(consent: dict) -> str:
    if not consent["source"]:
        return "none" + (" (required)" if consent["required"] else " (not required)")
    return f"{consent['source']}, {consent['at'][:10] if consent['at'] else 'no date'}"


def _span(span: tuple[dt.time, dt.time]) -> str:
    return f"{span[0]:%H:%M}-{span[1]:%H:%M}"


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


@lru_cache(maxsize=256)
def _tz(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
