"""May this lead be dialled now? One pure function answers, with the reason when it may not.

The rules (TCPA and common dialer practice): the campaign is active and within budget; the
lead is in a callable state, not on the do-not-call list, has consent when the campaign
requires it, has attempts left and is due; it is inside the calling window in its own time
zone (every zone it may be in, when unsure: the most restrictive reading), also by the rules of
every state that binds the call (apps.compliance.state_rules: hours, barred holidays, calls to the
number in a rolling window); and there is capacity for one more live call. `next_callable_moment`
answers, by the same window rules, when a lead due at some moment will be called (the time a
callback is promised for).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from apps.campaigns.models import LEGAL_WINDOW, WEEKDAYS, Campaign
from apps.compliance import state_rules
from apps.leads.models import Lead, LeadStatus
from apps.leads.phones import time_zones_for_phone

if TYPE_CHECKING:
    from apps.compliance.registry import RegistryHit

CALLABLE_STATUSES = (LeadStatus.NEW, LeadStatus.CALLED)


@dataclass(frozen=True)
class DialContext:
    """What eligibility needs beyond the lead and campaign rows, gathered once per tick."""

    on_do_not_call: bool = False
    on_registry: RegistryHit | None = None  # the lead's number on an applying national registry copy
    live_calls: int = 0
    free_media_slots: int = 1
    budget_exhausted: bool = False
    recent_call_times: tuple[dt.datetime, ...] = ()  # calls to the lead's number (any campaign), for state limits


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def calling_zones(lead: Lead) -> tuple[str, ...]:
    """Every zone the lead may be in: its address's, plus its number's when the number names one.

    Unknown address: all of the number's zones (a toll-free number: every zone it may ring in).
    Never the server's zone.
    """
    phone_zones = time_zones_for_phone(lead.phone) if lead.phone else ()
    if lead.time_zone:
        extra = phone_zones if len(phone_zones) == 1 else ()
        return tuple(dict.fromkeys((lead.time_zone, *extra)))
    return phone_zones


Windows = dict[str, tuple[dt.time, dt.time] | None]


def window_open_in(zone_name: str, windows: Windows, now: dt.datetime) -> bool:
    """Is it calling time in this zone? `windows` is Campaign.windows_by_weekday()."""
    zone = _zone(zone_name)
    if zone is None:
        return False
    local = now.astimezone(zone)
    window = windows[WEEKDAYS[local.weekday()]]
    if window is None:
        return False
    start, end = max(window[0], LEGAL_WINDOW[0]), min(window[1], LEGAL_WINDOW[1])
    return start <= local.time().replace(tzinfo=None) < end


def outside_window_reason(lead: Lead, windows: Windows, now: dt.datetime) -> str | None:
    zones = calling_zones(lead)
    if not zones:
        return "time zone unknown: cannot tell the lead's local time"
    for zone_name in zones:
        zone = _zone(zone_name)
        if zone is None:
            return f"time zone unknown: {zone_name!r} is not a time zone"
        if not window_open_in(zone_name, windows, now):
            return f"outside calling hours: {now.astimezone(zone):%a %H:%M} in {zone_name}"
    if refusal := state_refusal(lead, now, zones):
        return refusal.reason
    return None


def state_refusal(lead: Lead, now: dt.datetime, zones: tuple[str, ...] | None = None) -> state_rules.Refusal | None:
    """The state rule (hours, a barred holiday) that bars calling the lead at `now` in a zone it may be in: the
    structured decision (state, rule, statute, zone, local time) behind outside_window_reason's words."""
    states = state_rules.states_of(lead)
    for zone_name in calling_zones(lead) if zones is None else zones:
        if refusal := state_rules.window_refusal(states, zone_name, now):
            return refusal
    return None


def next_callable_moment(lead: Lead, windows: Windows, after: dt.datetime, *,
                         open_for: dt.timedelta = dt.timedelta(0), days: int = 8) -> dt.datetime | None:
    """The first moment from `after` (to the minute) at which the dialer may call the lead as far as the calling
    window goes (outside_window_reason: every zone it may be in), and still may `open_for` later: when a lead due
    at `after` is called. None when no window opens within `days` (or the lead's zone is unknown)."""
    after = after.replace(second=0, microsecond=0)
    for moment in sorted({after, *_window_openings(lead, windows, after, days)}):
        if moment >= after and outside_window_reason(lead, windows, moment) is None \
                and outside_window_reason(lead, windows, moment + open_for) is None:
            return moment
    return None


def _window_openings(lead: Lead, windows: Windows, after: dt.datetime, days: int) -> list[dt.datetime]:
    """When each day's window opens in each zone the lead may be in, from the day of `after` on: the campaign's
    (within the federal floor) and, later that day, any of the lead's states' windows."""
    openings = []
    states = state_rules.states_of(lead)
    for zone in filter(None, map(_zone, calling_zones(lead))):
        first = after.astimezone(zone).date()
        for day in (first + dt.timedelta(days=n) for n in range(days + 1)):
            if window := windows[WEEKDAYS[day.weekday()]]:
                opens = max(window[0], LEGAL_WINDOW[0])
                starts = {opens, *(start for start in state_rules.window_starts(states, day) if start > opens)}
                openings.extend(dt.datetime.combine(day, start, tzinfo=zone) for start in starts)
    return openings


def why_not_callable(lead: Lead, campaign: Campaign, now: dt.datetime, context: DialContext,
                     windows: Windows | None = None) -> str | None:
    """None when the lead may be dialled now, else the first rule it fails, in words for staff.

    `windows` (Campaign.windows_by_weekday()) may be passed in by callers that check many leads.
    """
    if not campaign.is_active:
        return "campaign paused"
    if context.budget_exhausted:
        return "campaign budget exhausted"
    if context.on_do_not_call or lead.status == LeadStatus.DO_NOT_CALL:
        return "on the do-not-call list"
    if context.on_registry and not (lead.consent_source and lead.consent_at):  # express consent: source and date
        return context.on_registry.reason
    if lead.status not in CALLABLE_STATUSES:
        return f"lead is {lead.get_status_display().lower()}"
    if campaign.require_consent and not lead.consent_source:
        return "no consent on file"
    if lead.attempts >= campaign.max_attempts:
        return f"all {campaign.max_attempts} attempts used"
    if lead.next_attempt_at is None:
        return "no further attempt scheduled"
    if lead.next_attempt_at and lead.next_attempt_at > now:
        return f"next attempt due {lead.next_attempt_at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"
    if reason := outside_window_reason(lead, windows or campaign.windows_by_weekday(), now):
        return reason
    if refusal := state_rules.attempt_refusal(state_rules.states_of(lead), context.recent_call_times, now):
        return refusal.reason
    if context.live_calls >= campaign.max_concurrent_calls:
        return f"campaign at its limit of {campaign.max_concurrent_calls} live calls"
    if context.free_media_slots <= 0:
        return "no free media-worker slot"
    return None


@lru_cache(maxsize=1)
def _all_zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def open_zones(windows: Windows, now: dt.datetime) -> list[str]:
    """Every IANA zone whose local time is inside the campaign's window now (for the SQL prefilter)."""
    return [zone for zone in _all_zones() if window_open_in(zone, windows, now)]
