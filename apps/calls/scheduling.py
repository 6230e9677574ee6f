"""Appointments with human agents: free slots in the lead's zone, atomic booking, iCalendar (RFC 5545) invites."""
from __future__ import annotations

import datetime as dt
import heapq
import itertools
import logging
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.calls.models import Appointment, HumanAgent, SlotHold, WorkingHours
from apps.integrations.webhooks import events
from apps.leads.models import Lead, LeadStatus, mask_phone

GRID_MINUTES = 30  # candidate starts fall on :00 and :30 of the agent's clock
ASKED_MINUTES = 15  # and a lead may name any quarter hour ("ten fifteen"), booked when the agent is free then
LEAD_DAY_START = dt.time(8, 0)  # never offer a lead a meeting before 08:00 or ending after 21:00 their time
LEAD_DAY_END = dt.time(21, 0)
SPREAD = dt.timedelta(hours=3)  # the next offered slot is this much later, or on another lead-local day
MAX_SEARCH_DAYS = 92  # a `within` period replaces the horizon, but a live call never searches further than this

log = logging.getLogger(__name__)


class SlotTaken(Exception):
    """The slot is no longer free: another call booked it (or the agent's hours changed) first."""


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime
    agent_id: int
    agent_name: str


@dataclass
class AgentCalendar:
    """One human agent's week and bookings, as the slot search reads them (loaded from the database by
    free_slots, or built in memory by the agent's evaluation)."""

    id: int
    name: str
    zone: ZoneInfo
    hours: dict[int, list[tuple[dt.time, dt.time]]]  # weekday → [(start, end)], agent-local wall time
    busy_starts: list[dt.datetime]  # booked appointments, sorted by start
    busy_max_end: list[dt.datetime]  # running maximum of their ends, for an O(log n) overlap test

    def add_booking(self, start: dt.datetime, end: dt.datetime) -> None:
        """Keep a booked appointment in start order, the running maximum of ends kept exact."""
        index = bisect_left(self.busy_starts, start)
        before = self.busy_max_end[index - 1] if index else end
        self.busy_starts.insert(index, start)
        self.busy_max_end[index:] = [max(before, end), *(max(m, end) for m in self.busy_max_end[index:])]

    def is_busy(self, start: dt.datetime, end: dt.datetime) -> bool:
        return _busy(self, start, end)


# --- free slots -----------------------------------------------------------------------

def free_slots(campaign, *, after: dt.datetime, count: int = 2, within: tuple[dt.datetime, dt.datetime] | None = None,
               day_start: dt.time | None = None, day_end: dt.time | None = None, lead_tz: ZoneInfo | None = None,
               min_notice: dt.timedelta = dt.timedelta(hours=2), horizon_days: int = 14,
               skip_days: frozenset[dt.date] = frozenset(), holder: int | None = None) -> list[Slot]:
    """Up to `count` free slots with the campaign's active human agents, spread out and ordered by time.

    `within` bounds the meeting (start to end) and, when given, replaces the horizon; `day_start`/`day_end`
    bound it each day in the lead's zone ("next week after 5" = next week's span, day_start 17:00). Without
    `lead_tz` the lead-local rules (these and 08:00–21:00) are read in each agent's own zone. `skip_days` are
    lead-local days the lead ruled out. A time another live call holds (hold_slots) is busy; the call `holder`
    sees its own holds free. Two queries: agents with their hours, then their booked appointments and other calls'
    holds in the search span.
    """
    return slots_among(lambda lower, upper: _load_agents(campaign, lower, upper, holder),
                       dt.timedelta(minutes=campaign.appointment_minutes), after=after, count=count, within=within,
                       day_start=day_start, day_end=day_end, lead_tz=lead_tz, min_notice=min_notice,
                       horizon_days=horizon_days, skip_days=skip_days)


def slots_among(calendars: Callable[[dt.datetime, dt.datetime], list[AgentCalendar]], minutes: dt.timedelta, *,
                after: dt.datetime, count: int = 2, within: tuple[dt.datetime, dt.datetime] | None = None,
                day_start: dt.time | None = None, day_end: dt.time | None = None, lead_tz: ZoneInfo | None = None,
                min_notice: dt.timedelta = dt.timedelta(hours=2), horizon_days: int = 14,
                skip_days: frozenset[dt.date] = frozenset()) -> list[Slot]:
    """free_slots' search over the calendars `calendars(lower, upper)` gives for the span searched."""
    lower = after + min_notice
    upper = after + dt.timedelta(days=horizon_days)  # starts before this
    end_by = None  # and, with `within`, ends by this
    if within is not None:
        lower = max(lower, within[0])
        upper = min(within[1], after + dt.timedelta(days=MAX_SEARCH_DAYS))
        end_by = within[1]
    window = (max(LEAD_DAY_START, day_start or LEAD_DAY_START), min(LEAD_DAY_END, day_end or LEAD_DAY_END))
    if count <= 0 or lower >= upper or window[0] >= window[1]:
        return []
    agents = calendars(lower, upper + minutes)
    # a quarter hour the lead asked for ("monday at quarter past ten") is a start of its own, off the grid
    asked = lower if within is not None and lower == within[0] and lower.minute % ASKED_MINUTES == 0 \
        and lower.second == 0 else None
    streams = [_agent_candidates(agent, (lower, upper, end_by), minutes, lead_tz, window, asked) for agent in agents]
    merged = heapq.merge(*streams, key=lambda slot: slot.starts_at)  # ties: the least-booked agent first
    if skip_days:
        merged = (slot for slot in merged if slot.starts_at.astimezone(lead_tz or dt.UTC).date() not in skip_days)
    return _spread(merged, count, lead_tz)


def _load_agents(campaign, lower: dt.datetime, upper: dt.datetime, holder: int | None = None) -> list[AgentCalendar]:
    agents: dict[int, AgentCalendar] = {}
    rows = (WorkingHours.objects.filter(agent__campaigns=campaign, agent__is_active=True)
            .values_list("agent_id", "agent__name", "agent__time_zone", "weekday", "start", "end"))
    for agent_id, name, zone, weekday, start, end in rows:
        if agent_id not in agents:
            try:
                agents[agent_id] = AgentCalendar(agent_id, name, ZoneInfo(zone), defaultdict(list), [], [])
            except (ZoneInfoNotFoundError, ValueError):
                log.warning("human agent %s has an unknown time zone %r: not offered", agent_id, zone)
                continue
        agents[agent_id].hours[weekday].append((start, end))
    if not agents:
        return []
    fields = ("agent_id", "starts_at", "ends_at")
    booked = Appointment.objects.filter(agent_id__in=list(agents), status=Appointment.Status.BOOKED,
                                        starts_at__lt=upper, ends_at__gt=lower).order_by().values_list(*fields)
    # a time another live call put to its lead is busy too
    held = _live_holds(list(agents), lower, upper, holder).order_by().values_list(*fields)
    for agent_id, starts_at, ends_at in booked.union(held, all=True).order_by("starts_at"):
        agents[agent_id].add_booking(starts_at, ends_at)
    # When several agents are free at the same time the one with fewer bookings gets the lead.
    return sorted(agents.values(), key=lambda agent: (len(agent.busy_starts), agent.name, agent.id))


def _agent_candidates(agent: AgentCalendar, span: tuple[dt.datetime, dt.datetime, dt.datetime | None],
                      minutes: dt.timedelta, lead_tz: ZoneInfo | None,
                      window: tuple[dt.time, dt.time], asked: dt.datetime | None = None) -> Iterator[Slot]:
    """The agent's free grid slots starting in [lower, upper) (and ending by end_by), in time order; `asked`, a
    start the lead named, is a candidate too when it falls in the agent's hours."""
    lower, upper, end_by = span
    lead_zone = lead_tz or agent.zone
    day = lower.astimezone(agent.zone).date()
    while True:
        starts = {start for hours in agent.hours.get(day.weekday(), ())
                  for start in _grid_starts(day, hours, agent.zone, minutes)}
        if asked is not None and asked.astimezone(agent.zone).date() == day and _inside_hours(agent, asked, minutes):
            starts.add(asked.astimezone(dt.UTC))
        starts = sorted(starts)
        lead_hours = _lead_hours(starts[0], starts[-1] + minutes, lead_zone, window) if starts else []
        for start in starts:
            if start >= upper:
                return
            end = start + minutes
            if start < lower or (end_by and end > end_by):
                continue
            if any(opens <= start and end <= closes for opens, closes in lead_hours) and not _busy(agent, start, end):
                yield Slot(start, end, agent.id, agent.name)
        if dt.datetime.combine(day, dt.time(0), tzinfo=agent.zone) >= upper:
            return
        day += dt.timedelta(days=1)


def _inside_hours(agent: AgentCalendar, start: dt.datetime, minutes: dt.timedelta) -> bool:
    """Does a meeting from `start` fit in one of the agent's working-hours rows that day (wall time)?"""
    wall = start.astimezone(agent.zone)
    end = (start + minutes).astimezone(agent.zone)
    return end.date() == wall.date() and any(opens <= wall.time() and end.time() <= closes
                                             for opens, closes in agent.hours.get(wall.weekday(), ()))


def _grid_starts(day: dt.date, hours: tuple[dt.time, dt.time], zone: ZoneInfo,
                 minutes: dt.timedelta) -> Iterator[dt.datetime]:
    """Starts (UTC) on the agent's :00/:30 grid whose meeting fits in one working-hours row on `day`.

    Wall times are made aware in the agent's zone and converted, so a DST change moves the UTC times and
    not the agent's working day; a wall time skipped by spring-forward does not exist and is left out,
    and one repeated by fall-back is taken once (its first occurrence, fold=0).
    """
    start, end = hours
    first = -(-(start.hour * 60 + start.minute) // GRID_MINUTES) * GRID_MINUTES
    if first >= end.hour * 60 + end.minute:
        return
    first_wall = dt.datetime(day.year, day.month, day.day, first // 60, first % 60, tzinfo=zone)
    end_wall = dt.datetime.combine(day, end, tzinfo=zone)
    window_end = end_wall.astimezone(dt.UTC)
    step = dt.timedelta(minutes=GRID_MINUTES)
    if first_wall.utcoffset() == end_wall.utcoffset():  # no clock change inside: plain arithmetic (fast path)
        utc = first_wall.astimezone(dt.UTC)
        while utc + minutes <= window_end:
            yield utc
            utc += step
        return
    for minute in range(first, end.hour * 60 + end.minute, GRID_MINUTES):
        wall = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60)
        utc = wall.replace(tzinfo=zone).astimezone(dt.UTC)
        if utc.astimezone(zone).replace(tzinfo=None) != wall:
            continue  # inside the spring-forward gap
        if utc + minutes > window_end:
            return
        yield utc


def _lead_hours(first: dt.datetime, last: dt.datetime, zone: ZoneInfo,
                window: tuple[dt.time, dt.time]) -> list[tuple[dt.datetime, dt.datetime]]:
    """The lead's daily window, in UTC, on each lead-local day that [first, last] touches."""
    days = {first.astimezone(zone).date(), last.astimezone(zone).date()}
    return [(dt.datetime.combine(day, window[0], tzinfo=zone).astimezone(dt.UTC),
             dt.datetime.combine(day, window[1], tzinfo=zone).astimezone(dt.UTC)) for day in sorted(days)]


def _busy(agent: AgentCalendar, start: dt.datetime, end: dt.datetime) -> bool:
    """True when a booked appointment of the agent overlaps [start, end)."""
    before = bisect_left(agent.busy_starts, end)  # appointments starting before this one ends
    return before > 0 and agent.busy_max_end[before - 1] > start


def _spread(candidates: Iterator[Slot], count: int, lead_tz: ZoneInfo | None) -> list[Slot]:
    """The earliest slot, then each next the earliest at least SPREAD later or on another lead-local day.

    Falls back to the nearest remaining times when the span holds too few spread-out ones.
    """
    picked: list[Slot] = []
    seen: list[Slot] = []
    times: set[dt.datetime] = set()
    for slot in candidates:
        if slot.starts_at in times:
            continue  # the same time with another agent is the same offer
        times.add(slot.starts_at)
        seen.append(slot)
        if not picked or _apart(picked[-1], slot, lead_tz):
            picked.append(slot)
            if len(picked) == count:
                return picked
    rest = (slot for slot in seen if slot not in picked)
    return sorted(itertools.chain(picked, itertools.islice(rest, count - len(picked))), key=lambda s: s.starts_at)


def _apart(previous: Slot, slot: Slot, lead_tz: ZoneInfo | None) -> bool:
    if slot.starts_at - previous.starts_at >= SPREAD:
        return True
    zone = lead_tz or dt.UTC
    return slot.starts_at.astimezone(zone).date() != previous.starts_at.astimezone(zone).date()


# --- holding what was offered -----------------------------------------------------------------

def hold_slots(call_id: int, slots: list[Slot]) -> list[Slot]:
    """Hold `slots` for the live call `call_id` in place of what it held before (the times it puts to its lead
    now), for SLOT_HOLD_SECONDS; the ones it now holds. A time another call booked or holds meanwhile is not held
    (the search that found it raced that call): booking it then says it was taken."""
    expires_at = timezone.now() + dt.timedelta(seconds=settings.SLOT_HOLD_SECONDS)
    held = []
    with transaction.atomic():
        SlotHold.objects.filter(call_id=call_id).delete()
        for slot in slots:
            # the agent row lock makes holds and bookings of one agent take turns (as book_appointment's)
            agent = HumanAgent.objects.select_for_update().filter(pk=slot.agent_id).first()
            if agent is None or _overlapping_booking(agent, slot) or _held_by_another(agent, slot, call_id):
                continue
            SlotHold.objects.create(call_id=call_id, agent=agent, starts_at=slot.starts_at, ends_at=slot.ends_at,
                                    expires_at=expires_at)
            held.append(slot)
    return held


def release_holds(call_id: int) -> None:
    """The call has nothing on the table any more (it booked, or it ended): its times are free for others."""
    SlotHold.objects.filter(call_id=call_id).delete()


def _live_holds(agent_ids: list[int], lower: dt.datetime, upper: dt.datetime, holder: int | None):
    """Holds of other calls on these agents overlapping [lower, upper) that have not lapsed."""
    holds = SlotHold.objects.filter(agent_id__in=agent_ids, starts_at__lt=upper, ends_at__gt=lower,
                                    expires_at__gt=timezone.now())
    return holds.exclude(call_id=holder) if holder is not None else holds


def _held_by_another(agent: HumanAgent, slot: Slot, call_id: int | None) -> bool:
    return _live_holds([agent.pk], slot.starts_at, slot.ends_at, call_id).exists()


# --- booking --------------------------------------------------------------------------

def book_appointment(*, lead: Lead, call=None, slot: Slot, lead_tz: str = "", notes: str = "",
                     now: dt.datetime | None = None) -> Appointment:
    """Book `slot` for `lead` and mark the lead APPOINTMENT; raises SlotTaken when it is no longer free.
    `now` is the caller's clock (the agent's, which offered the slot); the real time by default."""
    if slot.starts_at <= (now or timezone.now()):
        raise SlotTaken("that time has already passed")
    try:
        # PostgreSQL: the agent row lock makes concurrent bookings of one agent take turns, so the
        # overlap check below sees the other call's committed appointment (READ COMMITTED reads afresh per
        # statement). SQLite has no row locks (select_for_update is a no-op), but our settings open every
        # transaction with BEGIN IMMEDIATE, which takes the database's write lock at once: bookings take
        # turns there too. On any backend the partial unique constraint (agent, starts_at, booked) still
        # refuses an identical start: its IntegrityError becomes SlotTaken.
        with transaction.atomic():
            agent = HumanAgent.objects.select_for_update().filter(pk=slot.agent_id, is_active=True).first()
            if agent is None:
                raise SlotTaken("the agent is no longer available")
            if not _inside_working_hours(agent, slot):
                raise SlotTaken(f"{agent.name} no longer works at that time")
            if _overlapping_booking(agent, slot):
                raise SlotTaken(f"{agent.name} is already booked at that time")
            if _held_by_another(agent, slot, call.pk if call is not None else None):
                raise SlotTaken(f"another call is offering {agent.name}'s time to its lead")
            if call is not None and Appointment.objects.filter(call=call, status=Appointment.Status.BOOKED).exists():
                raise SlotTaken("this call has already booked its lead a meeting")  # one per call, whatever asks
            appointment = Appointment.objects.create(
                lead=lead, call=call, agent=agent, starts_at=slot.starts_at, ends_at=slot.ends_at,
                lead_time_zone=lead_tz or lead.time_zone, notes=notes,
            )
            Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.APPOINTMENT, updated_at=timezone.now())
            if call is not None:
                release_holds(call.pk)
            events.appointment_booked(appointment)
    except IntegrityError as exc:
        raise SlotTaken("another call booked that time first") from exc
    lead.status = LeadStatus.APPOINTMENT
    return appointment


def cancel_appointment(appointment_id: int, *, lead_id: int | None = None) -> bool:
    """Cancel a booked appointment (the lead's own, when `lead_id` is given); whether it was cancelled now. The
    calendar invite then says CANCEL."""
    booked = Appointment.objects.filter(pk=appointment_id, status=Appointment.Status.BOOKED)
    if lead_id is not None:
        booked = booked.filter(lead_id=lead_id)
    return booked.update(status=Appointment.Status.CANCELLED) == 1


def _inside_working_hours(agent: HumanAgent, slot: Slot) -> bool:
    zone = ZoneInfo(agent.time_zone)
    start = slot.starts_at.astimezone(zone)
    rows = agent.working_hours.filter(weekday=start.weekday(), start__lte=start.time())
    return any(
        slot.ends_at <= dt.datetime.combine(start.date(), row.end, tzinfo=zone).astimezone(dt.UTC) for row in rows
    )


def _overlapping_booking(agent: HumanAgent, slot: Slot) -> bool:
    return Appointment.objects.filter(agent=agent, status=Appointment.Status.BOOKED, starts_at__lt=slot.ends_at,
                                      ends_at__gt=slot.starts_at).exists()


# --- what the lead hears, and the invite they get -----------------------------------------

def speak_slot(slot_or_datetime: Slot | dt.datetime, lead_tz: ZoneInfo | str, *, now: dt.datetime | None = None) -> str:
    """The time as the agent says it on the phone, in the lead's zone: "tomorrow at 10:30 AM",
    "today at 4 PM", "Tuesday, December 1st at 3 PM"."""
    zone = ZoneInfo(lead_tz) if isinstance(lead_tz, str) else lead_tz
    when = slot_or_datetime.starts_at if isinstance(slot_or_datetime, Slot) else slot_or_datetime
    local = when.astimezone(zone)
    today = (now or timezone.now()).astimezone(zone).date()
    if local.date() == today:
        return f"today at {_clock(local)}"
    if local.date() == today + dt.timedelta(days=1):
        return f"tomorrow at {_clock(local)}"
    return _full_date(local)


def staff_time(moment: dt.datetime, zone_name: str) -> str:
    """The time as staff read it in a call's notes, on the lead's clock with its zone: "Thu 12 Mar 2:30 PM PDT"
    (UTC when the lead's zone is blank or unknown)."""
    try:
        zone = ZoneInfo(zone_name) if zone_name else dt.UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b} {_clock(local)} {local.tzname()}"


def _full_date(local: dt.datetime) -> str:
    return f"{local:%A, %B} {_ordinal(local.day)} at {_clock(local)}"


def _ordinal(number: int) -> str:
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _clock(local: dt.datetime) -> str:
    hour = local.hour % 12 or 12
    half = "AM" if local.hour < 12 else "PM"
    return f"{hour} {half}" if local.minute == 0 else f"{hour}:{local.minute:02d} {half}"


def appointment_ics(appointment: Appointment) -> str:
    """The appointment as an iCalendar invite (METHOD:REQUEST; METHOD:CANCEL once cancelled)."""
    lead, agent = appointment.lead, appointment.agent
    campaign = lead.campaign
    cancelled = appointment.status == Appointment.Status.CANCELLED
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//REAutomation//Appointments//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = icalendar.Event()
    event.add("uid", f"{appointment.uid}@reautomation")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("summary", f"Meeting with {agent.name if agent else 'an agent'} — {campaign.company_name}")
    event.add("description", _description(appointment))
    # RFC 5546: a CANCEL carries a higher SEQUENCE than the request it withdraws, or calendars ignore it.
    event.add("sequence", 1 if cancelled else 0)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if lead.address:
        event.add("location", lead.address)
    if agent and agent.email:
        organizer = icalendar.vCalAddress(f"mailto:{agent.email}")
        organizer.params["cn"] = icalendar.vText(agent.name)
        event.add("organizer", organizer)
    if lead.email:
        attendee = icalendar.vCalAddress(f"mailto:{lead.email}")
        attendee.params.update({"cn": icalendar.vText(lead.name or lead.email), "role": "REQ-PARTICIPANT",
                                "partstat": "NEEDS-ACTION", "rsvp": "TRUE"})
        event.add("attendee", attendee)
    calendar.add_component(event)
    return calendar.to_ical().decode()


def _description(appointment: Appointment) -> str:
    lead = appointment.lead
    lines = [f"Lead: {lead.name or 'unnamed'}", f"Phone: {mask_phone(lead.phone)}"]
    if appointment.lead_time_zone:
        local = appointment.starts_at.astimezone(ZoneInfo(appointment.lead_time_zone))
        lines.append(f"Lead's time: {_full_date(local)} ({appointment.lead_time_zone})")
    if lead.campaign.callback_number:
        lines.append(f"Questions: call {lead.campaign.callback_number}")
    return "\n".join(lines)
