"""State calling rules above the federal floor, read once from data/state_rules.csv: calling hours by weekday,
holidays on which calls are barred, limits on calls to one number in a rolling window, and all-party consent to
record. Each row cites its statute, a source and the date it was checked; the dialer asks, this module answers.

Which states bind a call: the lead's address state and every state its number's area code is in (Connecticut and
Oklahoma presume a call to their area codes reaches a resident), or every state when neither tells (a toll-free
number and no address). Where several states bind, each one's rules apply: the strictest reading.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apps.compliance.area_codes import ANY_STATE, states_for_phone
from apps.compliance.holidays import HOLIDAYS, holiday_dates
from apps.leads.timezones import STATE_NAMES, STATE_TIME_ZONES

RULES_FILE = Path(__file__).resolve().parent / "data" / "state_rules.csv"
COLUMNS = ("state", "rule", "days", "value", "clock", "effective_from", "statute", "source_url", "checked_on", "note")
RULE_KINDS = ("hours", "holidays", "attempts", "recording")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ALL_STATES = tuple(sorted(STATE_TIME_ZONES))
STATE_TITLES = {code: string.capwords(name).replace(" Of ", " of ") for name, code in STATE_NAMES.items()}
_HOURS = re.compile(r"^(\d\d):(\d\d)-(\d\d):(\d\d)$")
_LIMIT = re.compile(r"^(\d+)/(\d+)$")


class StateRulesError(ValueError):
    """The rules file is malformed; the message names the line."""


@dataclass(frozen=True)
class Rule:
    """One row of the rules file, parsed."""

    state: str
    rule: str
    days: frozenset[int]
    value: str
    clock: str
    effective_from: dt.date | None
    statute: str
    source_url: str
    checked_on: dt.date
    note: str
    line: int

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from is None or day >= self.effective_from

    @property
    def hours(self) -> tuple[dt.time, dt.time] | None:
        """(start, end) of an hours row; None when the day is closed."""
        match = _HOURS.match(self.value)
        if not match:
            return None
        h1, m1, h2, m2 = map(int, match.groups())
        return dt.time(h1, m1), dt.time(h2, m2)

    @property
    def limit(self) -> tuple[int, int]:
        """(calls, hours) of an attempts row."""
        calls, hours = _LIMIT.match(self.value).groups()
        return int(calls), int(hours)

    @property
    def holiday_keys(self) -> tuple[str, ...]:
        return tuple(self.value.split())


@dataclass(frozen=True)
class Refusal:
    """A state rule refusing a dial: the evidence an audit trail keeps and, in `reason`, the words staff see."""

    state: str
    rule: str
    statute: str
    source_url: str
    detail: str
    zone: str = ""
    local_time: dt.datetime | None = None

    @property
    def reason(self) -> str:
        return f"{state_title(self.state)}: {self.detail}"


def state_title(code: str) -> str:
    return STATE_TITLES.get(code, code)


# --- the rules file ---------------------------------------------------------------------------------------

def _days(text: str, line: int) -> frozenset[int]:
    if text == "all":
        return frozenset(range(7))
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise StateRulesError(f"line {line}: days {text!r} are not like 'mon-fri', 'sat,sun' or 'all'")
        start, end = DAYS.index(first), DAYS.index(last or first)
        days.update(range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)])
    return frozenset(days)


def _date(text: str, column: str, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise StateRulesError(f"line {line}: {column} {text!r} is not a YYYY-MM-DD date") from None


def _check_value(rule: Rule) -> None:
    line, value = rule.line, rule.value
    if rule.rule == "hours":
        if value != "closed" and (rule.hours is None or not rule.hours[0] < rule.hours[1]):
            raise StateRulesError(f"line {line}: hours {value!r} are not 'closed' or like '08:00-20:00'")
        if rule.clock not in ("", "standard"):
            raise StateRulesError(f"line {line}: clock {rule.clock!r} is not blank or 'standard'")
        if not rule.days:
            raise StateRulesError(f"line {line}: an hours row needs its days")
    elif rule.rule == "holidays":
        unknown = [key for key in rule.holiday_keys if key not in HOLIDAYS]
        if unknown or not rule.holiday_keys:
            raise StateRulesError(f"line {line}: unknown holidays {unknown} (known: {', '.join(HOLIDAYS)})")
    elif rule.rule == "attempts":
        if not _LIMIT.match(value) or 0 in rule.limit:
            raise StateRulesError(f"line {line}: attempts {value!r} are not like '3/24' (calls/hours)")
    elif value != "all_party":
        raise StateRulesError(f"line {line}: recording {value!r} is not 'all_party'")


def load_rules(path: Path = RULES_FILE) -> tuple[Rule, ...]:
    """Every row of the rules file, checked: a bad row stops the dialer rather than dial by a misread rule."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise StateRulesError(f"{path.name}: the columns must be {', '.join(COLUMNS)}")
        parsed = []
        for line, row in enumerate(reader, start=2):
            if row["state"] not in STATE_TIME_ZONES:
                raise StateRulesError(f"line {line}: {row['state']!r} is not a state code")
            if row["rule"] not in RULE_KINDS:
                raise StateRulesError(f"line {line}: rule {row['rule']!r} is not one of {', '.join(RULE_KINDS)}")
            if not row["statute"].strip():
                raise StateRulesError(f"line {line}: no statute")
            if not row["source_url"].startswith("https://"):
                raise StateRulesError(f"line {line}: the source is not an https URL")
            rule = Rule(
                state=row["state"], rule=row["rule"],
                days=_days(row["days"], line) if row["days"] else frozenset(),
                value=row["value"].strip(), clock=row["clock"].strip(),
                effective_from=_date(row["effective_from"], "effective_from", line) if row["effective_from"] else None,
                statute=row["statute"].strip(), source_url=row["source_url"].strip(),
                checked_on=_date(row["checked_on"], "checked_on", line), note=row["note"].strip(), line=line,
            )
            _check_value(rule)
            parsed.append(rule)
    return tuple(parsed)


@lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    return load_rules()


@lru_cache(maxsize=1)
def _by_state() -> dict[tuple[str, str], tuple[Rule, ...]]:
    grouped: dict[tuple[str, str], list[Rule]] = {}
    for rule in rules():
        grouped.setdefault((rule.state, rule.rule), []).append(rule)
    return {key: tuple(found) for key, found in grouped.items()}


def state_rules(state: str, kind: str) -> tuple[Rule, ...]:
    return _by_state().get((state, kind), ())


@lru_cache(maxsize=1)
def states_with_calling_rules() -> tuple[str, ...]:
    """States with hours or holiday rules: those whose leads the dial tick can leave out in SQL."""
    return tuple(sorted({rule.state for rule in rules() if rule.rule in ("hours", "holidays")}))


@lru_cache(maxsize=1)
def longest_attempt_window() -> dt.timedelta:
    return dt.timedelta(hours=max((rule.limit[1] for rule in rules() if rule.rule == "attempts"), default=0))


# --- which states bind a call -----------------------------------------------------------------------------

def lead_states(state: str, phone: str) -> tuple[str, ...]:
    """The states whose rules bind a call to this lead (see the module's docstring); () for a number abroad and
    no address: no state's law reaches it."""
    found = {state.strip().upper()} & set(STATE_TIME_ZONES)
    by_number = states_for_phone(phone) if phone else ()
    if by_number is ANY_STATE:
        return tuple(sorted(found)) if found else ALL_STATES
    return tuple(sorted(found | set(by_number)))


def states_of(lead) -> tuple[str, ...]:
    return lead_states(lead.state or "", lead.phone or "")


# --- what the rules say -----------------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@lru_cache(maxsize=4096)
def _holiday_calendar(state: str, year: int) -> dict[dt.date, tuple[Rule, str]]:
    calendar: dict[dt.date, tuple[Rule, str]] = {}
    for rule in state_rules(state, "holidays"):
        for key in rule.holiday_keys:
            for day, name in holiday_dates(key, year).items():
                if rule.in_force(day):
                    calendar.setdefault(day, (rule, name))
    return calendar


def barred_holiday(state: str, day: dt.date) -> tuple[Rule, str] | None:
    """(rule, holiday name) when `state` bars calls on local date `day`."""
    return _holiday_calendar(state, day.year).get(day)


def hours_rules(state: str, day: dt.date) -> list[Rule]:
    """The state's hours rows in force on local date `day` for its weekday (all apply: the stricter reading)."""
    return [rule for rule in state_rules(state, "hours") if day.weekday() in rule.days and rule.in_force(day)]


def _clock(local: dt.datetime, clock: str) -> dt.time:
    """The local wall time, or the zone's standard time for rules written in it ('Central Standard Time')."""
    if clock == "standard":
        local = local - (local.dst() or dt.timedelta(0))
    return local.time().replace(tzinfo=None)


def window_refusal(states: tuple[str, ...], zone_name: str, now: dt.datetime) -> Refusal | None:
    """The first state rule that bars a call at `now` to someone in `zone_name`: a barred holiday, a closed
    weekday, or a time outside the state's hours. None when every state's rules allow it."""
    zone = _zone(zone_name)
    if zone is None:
        return None  # an unknown zone is refused by the federal check before this one
    local = now.astimezone(zone)
    day = local.date()
    for state in states:
        if hit := barred_holiday(state, day):
            rule, name = hit
            return Refusal(state, "holidays", rule.statute, rule.source_url,
                           f"no calls on {name} ({local:%a %d %b} in {zone_name})", zone_name, local)
        for rule in hours_rules(state, day):
            hours = rule.hours
            if hours is None:
                return Refusal(state, "hours", rule.statute, rule.source_url,
                               f"no calls on {DAY_NAMES[day.weekday()]}s ({local:%a %H:%M} in {zone_name})",
                               zone_name, local)
            if not hours[0] <= _clock(local, rule.clock) < hours[1]:
                clock = " standard time" if rule.clock == "standard" else ""
                return Refusal(state, "hours", rule.statute, rule.source_url,
                               f"calls only {hours[0]:%H:%M}–{hours[1]:%H:%M}{clock} "
                               f"({local:%a %H:%M} in {zone_name})", zone_name, local)
    return None


def window_starts(states: tuple[str, ...], day: dt.date) -> set[dt.time]:
    """Local times at which a state window may open on `day` (candidates for the next callable moment). A window
    kept in standard time opens an hour later on the wall clock while daylight saving time is on: both offered."""
    starts: set[dt.time] = set()
    for state in states:
        for rule in hours_rules(state, day):
            if hours := rule.hours:
                starts.add(hours[0])
                if rule.clock == "standard":
                    starts.add((dt.datetime.combine(day, hours[0]) + dt.timedelta(hours=1)).time())
    return starts


def attempt_refusal(states: tuple[str, ...], call_times: tuple[dt.datetime, ...] | list[dt.datetime],
                    now: dt.datetime) -> Refusal | None:
    """The first state limit that the calls already made to the number (any campaign) have reached."""
    for state in states:
        for rule in state_rules(state, "attempts"):
            if not rule.in_force(now.date()):
                continue
            calls, hours = rule.limit
            since = now - dt.timedelta(hours=hours)
            if sum(1 for at in call_times if since < at <= now) >= calls:
                plural = "s" if calls != 1 else ""
                return Refusal(state, "attempts", rule.statute, rule.source_url,
                               f"{calls} attempt{plural} in {hours} hours")
    return None


def closed_state_zones(zones: list[str], now: dt.datetime) -> dict[str, list[str]]:
    """For each state with calling rules, the zones among `zones` where its own rules bar calls at `now` (the
    dial tick leaves those leads out in SQL; the per-lead check stays the authority)."""
    closed: dict[str, list[str]] = {}
    for state in states_with_calling_rules():
        shut = [zone for zone in zones if window_refusal((state,), zone, now)]
        if shut:
            closed[state] = shut
    return closed


def applicable_rules(states: tuple[str, ...]) -> list[Rule]:
    """Every row that binds a call to a lead in these states: the evidence a dial was made on."""
    return [rule for rule in rules() if rule.state in states]


def all_party_consent_states(states: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(state for state in states if state_rules(state, "recording"))


def records_in_all_party_consent_state(lead) -> bool:
    """Must the greeting say the call is recorded? Yes when any state binding the call requires every party's
    consent, and when no state can be told (the strictest reading)."""
    states = states_of(lead)
    return not states or bool(all_party_consent_states(states))
