"""Appointments with human agents: the slots a lead is offered, booking them once only, and the invite."""
from __future__ import annotations

import datetime as dt
import io
import threading
import time
from unittest import mock
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from apps.calls import scheduling
from apps.calls.lifecycle import finish_call
from apps.calls.models import Appointment, Call, CallStatus, HumanAgent, SlotHold, WorkingHours
from apps.calls.scheduling import Slot, SlotTaken, appointment_ics, book_appointment, free_slots, hold_slots, speak_slot
from apps.campaigns.models import Campaign
from apps.leads.models import Lead, LeadStatus
from tests.conftest import make_lead

NY = ZoneInfo("America/New_York")
LA = ZoneInfo("America/Los_Angeles")
UTC = dt.UTC
WEEKDAYS = range(0, 5)
EVERYTHING = 10_000  # asks for every free slot: the spread ones first, then the rest


def make_agent(campaign, name="Jordan Lee", zone="America/New_York", days=WEEKDAYS, start=dt.time(9),
               end=dt.time(17), **fields) -> HumanAgent:
    agent = HumanAgent.objects.create(name=name, time_zone=zone, **fields)
    agent.campaigns.add(campaign)
    WorkingHours.objects.bulk_create(WorkingHours(agent=agent, weekday=day, start=start, end=end) for day in days)
    return agent


def at(zone: ZoneInfo, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)


def local(slot: Slot, zone: ZoneInfo) -> dt.datetime:
    return slot.starts_at.astimezone(zone)


def book(agent, lead, start: dt.datetime, minutes=30, status=Appointment.Status.BOOKED) -> Appointment:
    end = start + dt.timedelta(minutes=minutes)
    return Appointment.objects.create(lead=lead, agent=agent, starts_at=start, ends_at=end, status=status)


def future_monday(hour: int, minute: int = 0, zone: ZoneInfo = NY) -> dt.datetime:
    """A Monday one to two weeks ahead, at hour:minute in `zone` (booking refuses times already past)."""
    today = timezone.now().astimezone(zone).date()
    monday = today + dt.timedelta(days=14 - today.weekday())
    return dt.datetime.combine(monday, dt.time(hour, minute), tzinfo=zone)


def slot_for(agent, start: dt.datetime, minutes=30) -> Slot:
    return Slot(start.astimezone(UTC), (start + dt.timedelta(minutes=minutes)).astimezone(UTC), agent.pk, agent.name)


@pytest.fixture
def lead(campaign) -> Lead:
    return make_lead(campaign, "+12125550142", name="Dana Whitfield", email="dana@example.com",
                     address="12 Elm Street, Springfield")


# --- free slots ---------------------------------------------------------------------------------

def test_it_offers_times_inside_the_agents_working_hours_in_the_agents_zone(campaign):
    make_agent(campaign, "Sam Rivera", "America/Los_Angeles", days=range(0, 6), start=dt.time(10), end=dt.time(18))
    after = at(LA, 2026, 12, 7, 7, 0)  # Monday 07:00 in Los Angeles
    slots = free_slots(campaign, after=after, count=EVERYTHING, lead_tz=LA)
    assert local(slots[0], LA) == at(LA, 2026, 12, 7, 10, 0)
    assert slots[0].starts_at.tzinfo == UTC and slots[0].ends_at - slots[0].starts_at == dt.timedelta(minutes=30)
    assert all(dt.time(10) <= local(s, LA).time() <= dt.time(17, 30) for s in slots)
    assert all(local(s, LA).minute in (0, 30) for s in slots)
    assert {local(s, LA).weekday() for s in slots} == {0, 1, 2, 3, 4, 5}  # no Sundays
    assert len(slots) == 12 * 16  # two weeks of Mon–Sat, 16 half hours a day
    assert slots == sorted(slots, key=lambda s: s.starts_at)


def test_it_uses_the_campaigns_meeting_length(campaign):
    campaign.appointment_minutes = 60
    make_agent(campaign)
    after, monday = at(NY, 2026, 12, 7, 6, 0), (at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 8, 0, 0))
    slots = free_slots(campaign, after=after, count=EVERYTHING, lead_tz=NY, within=monday)
    assert slots[-1].ends_at == at(NY, 2026, 12, 7, 17, 0) and len(slots) == 15  # 09:00 … 16:00
    morning = (at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 7, 12, 0))
    slots = free_slots(campaign, after=after, count=EVERYTHING, lead_tz=NY, within=morning)
    assert slots[-1].ends_at == morning[1] and len(slots) == 5  # the meeting ends within the period too


def test_late_in_the_agents_day_is_already_tomorrow_in_utc(campaign):
    make_agent(campaign, "Sam Rivera", "America/Los_Angeles", start=dt.time(10), end=dt.time(18))
    slots = free_slots(campaign, after=at(LA, 2026, 12, 7, 14, 0), lead_tz=LA)  # notice ends 00:00 UTC
    assert local(slots[0], LA) == at(LA, 2026, 12, 7, 16, 0)


def test_it_never_offers_a_lead_a_time_before_8_or_ending_after_21_their_time(campaign):
    make_agent(campaign)  # New York, 09:00–17:00
    day = (at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 8, 0, 0))
    after = at(NY, 2026, 12, 6, 12, 0)
    west = free_slots(campaign, after=after, within=day, count=EVERYTHING, lead_tz=LA)
    assert local(west[0], LA).time() == dt.time(8, 0)  # 11:00 in New York
    london = ZoneInfo("Europe/London")
    east = free_slots(campaign, after=after, within=day, count=EVERYTHING, lead_tz=london)
    assert max(s.ends_at for s in east).astimezone(london).time() == dt.time(21, 0)  # last starts 15:30 in NY
    assert len(west) == 12 and len(east) == 14


def test_a_working_day_that_spans_two_of_the_leads_days_is_offered_on_both(campaign):
    tokyo = ZoneInfo("Asia/Tokyo")  # 14 hours ahead of New York in December
    make_agent(campaign, days=[0], start=dt.time(0), end=dt.time(23, 30))  # round the clock on Mondays
    slots = free_slots(campaign, after=at(NY, 2026, 12, 6, 12, 0), count=EVERYTHING, lead_tz=tokyo,
                       within=(at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 8, 0, 0)))
    by_day = {day: [local(s, tokyo).time() for s in slots if local(s, tokyo).day == day] for day in (7, 8)}
    assert by_day[7][0] == dt.time(14, 0) and by_day[7][-1] == dt.time(20, 30) and len(by_day[7]) == 14
    assert by_day[8][0] == dt.time(8, 0) and by_day[8][-1] == dt.time(13, 0) and len(by_day[8]) == 11


def test_it_speaks_the_lead_local_time():
    now = at(UTC, 2026, 12, 2, 15, 30)  # Wednesday morning in New York
    assert speak_slot(at(NY, 2026, 12, 2, 16, 0), NY, now=now) == "today at 4 PM"
    assert speak_slot(at(NY, 2026, 12, 3, 10, 30), "America/New_York", now=now) == "tomorrow at 10:30 AM"
    assert speak_slot(at(NY, 2026, 12, 8, 12, 0), NY, now=now) == "Tuesday, December 8th at 12 PM"
    # 03:00 UTC on the 2nd is still the 1st, 7 PM, in Los Angeles — "yesterday" there is spelled out.
    assert speak_slot(at(UTC, 2026, 12, 2, 3, 0), LA, now=now) == "Tuesday, December 1st at 7 PM"
    slot = Slot(at(UTC, 2026, 12, 22, 14, 0), at(UTC, 2026, 12, 22, 14, 30), 1, "Jordan Lee")
    assert speak_slot(slot, NY, now=now) == "Tuesday, December 22nd at 9 AM"
    assert speak_slot(at(NY, 2026, 12, 11, 9, 5), NY, now=now) == "Friday, December 11th at 9:05 AM"
    assert speak_slot(at(NY, 2026, 12, 3, 0, 30), NY, now=now) == "tomorrow at 12:30 AM"


def test_it_skips_booked_times_but_not_cancelled_ones_or_other_agents_bookings(campaign, lead):
    jordan = make_agent(campaign)
    other = make_agent(Campaign.objects.create(name="Other", slug="other"), "Pat Other")
    book(jordan, lead, at(NY, 2026, 12, 7, 9, 0), minutes=60)
    book(jordan, lead, at(NY, 2026, 12, 7, 11, 0), status=Appointment.Status.CANCELLED)
    book(other, lead, at(NY, 2026, 12, 7, 12, 0))
    slots = free_slots(campaign, after=at(NY, 2026, 12, 6, 12, 0), count=EVERYTHING, lead_tz=NY,
                       within=(at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 8, 0, 0)))
    starts = [local(s, NY).time() for s in slots]
    assert starts[:3] == [dt.time(10, 0), dt.time(10, 30), dt.time(11, 0)]
    assert dt.time(12, 0) in starts and len(starts) == 14


def test_an_agent_booked_on_another_campaign_is_busy_on_this_one(campaign, lead):
    jordan = make_agent(campaign)
    jordan.campaigns.add(Campaign.objects.create(name="Other", slug="other"))
    book(jordan, lead, at(NY, 2026, 12, 7, 9, 0))
    slots = free_slots(campaign, after=at(NY, 2026, 12, 7, 6, 0), count=1, lead_tz=NY)
    assert local(slots[0], NY) == at(NY, 2026, 12, 7, 9, 30)


def test_it_leaves_the_minimum_notice(campaign):
    make_agent(campaign)
    after = at(NY, 2026, 12, 7, 9, 10)
    assert local(free_slots(campaign, after=after, lead_tz=NY)[0], NY) == at(NY, 2026, 12, 7, 11, 30)
    notice = dt.timedelta(minutes=20)
    assert local(free_slots(campaign, after=after, lead_tz=NY, min_notice=notice)[0], NY) == at(NY, 2026, 12, 7, 9, 30)


def test_it_offers_next_week_after_5_in_the_leads_zone(campaign):
    make_agent(campaign, "Sam Rivera", "America/Los_Angeles", days=range(0, 6), start=dt.time(10), end=dt.time(18))
    after = at(NY, 2026, 12, 2, 10, 30)  # Wednesday
    next_week = (at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 14, 0, 0))
    slots = free_slots(campaign, after=after, within=next_week, day_start=dt.time(17), lead_tz=NY, count=EVERYTHING)
    assert local(slots[0], NY) == at(NY, 2026, 12, 7, 17, 0)  # 2 PM for Sam
    assert all(next_week[0] <= s.starts_at and s.ends_at <= next_week[1] for s in slots)
    assert all(dt.time(17) <= local(s, NY).time() <= dt.time(20, 30) for s in slots)
    assert len(slots) == 6 * 8  # Mon–Sat, 17:00 to 20:30 New York (Sam works until 18:00, 21:00 in New York)
    offered = free_slots(campaign, after=after, within=next_week, day_start=dt.time(17), lead_tz=NY)
    assert [local(s, NY) for s in offered] == [at(NY, 2026, 12, 7, 17, 0), at(NY, 2026, 12, 7, 20, 0)]


def test_a_quarter_hour_the_lead_asks_for_is_offered_when_the_agent_is_free_then(campaign, lead):
    agent = make_agent(campaign)
    after = at(NY, 2026, 12, 2, 10, 30)
    asked = (at(NY, 2026, 12, 7, 10, 15), at(NY, 2026, 12, 7, 10, 45))  # "monday at quarter past ten"
    assert [local(s, NY) for s in free_slots(campaign, after=after, within=asked, lead_tz=NY)] == [asked[0]]
    book(agent, lead, at(NY, 2026, 12, 7, 10, 30))  # busy from 10:30: no 10:15 meeting of 30 minutes
    assert free_slots(campaign, after=after, within=asked, lead_tz=NY) == []
    late = (at(NY, 2026, 12, 7, 16, 45), at(NY, 2026, 12, 7, 17, 15))  # would end after the agent's 17:00
    assert free_slots(campaign, after=after, within=late, lead_tz=NY) == []
    # a period asked for keeps the grid: "after ten" is offered at 10:30, not at odd minutes
    period = (at(NY, 2026, 12, 8, 10, 0), at(NY, 2026, 12, 8, 17, 0))
    assert all(local(s, NY).minute in (0, 30) for s in free_slots(campaign, after=after, within=period, lead_tz=NY,
                                                                    count=EVERYTHING))


def test_day_end_bounds_the_end_of_the_meeting(campaign):
    make_agent(campaign)
    slots = free_slots(campaign, after=at(NY, 2026, 12, 6, 12, 0), day_end=dt.time(12), lead_tz=NY,
                       within=(at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 8, 0, 0)), count=EVERYTHING)
    assert [local(s, NY).time() for s in slots][-1] == dt.time(11, 30) and len(slots) == 6


def test_working_hours_stay_local_across_the_fall_back_change(campaign):
    make_agent(campaign)  # 09:00–17:00 New York, Mon–Fri; clocks go back on Sunday 2026-11-01
    slots = free_slots(campaign, after=at(NY, 2026, 10, 29, 18, 0), count=EVERYTHING, lead_tz=NY, horizon_days=5)
    friday = [s.starts_at for s in slots if local(s, NY).date() == dt.date(2026, 10, 30)]
    monday = [s.starts_at for s in slots if local(s, NY).date() == dt.date(2026, 11, 2)]
    assert friday[0] == at(UTC, 2026, 10, 30, 13, 0) and friday[-1] == at(UTC, 2026, 10, 30, 20, 30)  # EDT, -4
    assert monday[0] == at(UTC, 2026, 11, 2, 14, 0) and monday[-1] == at(UTC, 2026, 11, 2, 21, 30)  # EST, -5


def test_wall_times_that_do_not_exist_or_repeat_are_offered_once(campaign):
    tokyo = ZoneInfo("Asia/Tokyo")  # a lead for whom the small hours of New York are afternoon
    make_agent(campaign, days=[6], start=dt.time(0), end=dt.time(4))  # Sundays 00:00–04:00 New York
    spring = free_slots(campaign, after=at(NY, 2026, 3, 7, 12, 0), count=EVERYTHING, lead_tz=tokyo,
                        within=(at(NY, 2026, 3, 8, 0, 0), at(NY, 2026, 3, 9, 0, 0)))
    # 02:00 and 02:30 do not exist on 2026-03-08; 01:30 EST to 03:00 EDT is thirty real minutes.
    assert [s.starts_at.astimezone(UTC).strftime("%H:%M") for s in spring] == [
        "05:00", "05:30", "06:00", "06:30", "07:00", "07:30"]
    autumn = free_slots(campaign, after=at(NY, 2026, 10, 31, 12, 0), count=EVERYTHING, lead_tz=tokyo,
                        within=(at(NY, 2026, 11, 1, 0, 0), at(NY, 2026, 11, 2, 0, 0)))
    # 01:00–01:59 happens twice on 2026-11-01: offered once (EDT); the day ends at 04:00 EST.
    assert [s.starts_at.astimezone(UTC).strftime("%H:%M") for s in autumn] == [
        "04:00", "04:30", "05:00", "05:30", "07:00", "07:30", "08:00", "08:30"]


def test_the_two_offers_are_spread_out(campaign, lead):
    jordan = make_agent(campaign)
    after = at(NY, 2026, 12, 7, 6, 0)  # Monday
    assert [local(s, NY) for s in free_slots(campaign, after=after, lead_tz=NY)] == [
        at(NY, 2026, 12, 7, 9, 0), at(NY, 2026, 12, 7, 12, 0)]
    for hour in range(12, 17):
        book(jordan, lead, at(NY, 2026, 12, 7, hour, 0), minutes=60)
    assert [local(s, NY) for s in free_slots(campaign, after=after, lead_tz=NY)] == [
        at(NY, 2026, 12, 7, 9, 0), at(NY, 2026, 12, 8, 9, 0)]  # the afternoon is full: another day


def test_when_the_lead_allows_little_time_it_still_offers_two(campaign):
    make_agent(campaign)
    hour = (at(NY, 2026, 12, 7, 9, 0), at(NY, 2026, 12, 7, 10, 0))
    slots = free_slots(campaign, after=at(NY, 2026, 12, 6, 6, 0), within=hour, lead_tz=NY)
    assert [local(s, NY).time() for s in slots] == [dt.time(9, 0), dt.time(9, 30)]


def test_a_time_free_with_several_agents_is_offered_once_with_the_least_booked_agent(campaign, lead):
    alex = make_agent(campaign, "Alex Kim")
    make_agent(campaign, "Jordan Lee")
    make_agent(campaign, "Inactive Ivy", is_active=False)
    book(alex, lead, at(NY, 2026, 12, 7, 16, 30))
    slots = free_slots(campaign, after=at(NY, 2026, 12, 7, 6, 0), count=EVERYTHING, lead_tz=NY,
                       within=(at(NY, 2026, 12, 7, 0, 0), at(NY, 2026, 12, 8, 0, 0)))
    assert len(slots) == 16 and len({s.starts_at for s in slots}) == 16  # 09:00 … 16:30, each once
    assert {s.agent_name for s in slots} == {"Jordan Lee"}


def test_no_agents_no_slots_and_two_queries_at_most(campaign, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert free_slots(campaign, after=at(NY, 2026, 12, 7, 6, 0)) == []
    for name in ("A", "B", "C"):
        make_agent(campaign, name)
    with django_assert_num_queries(2):
        assert len(free_slots(campaign, after=at(NY, 2026, 12, 7, 6, 0), count=3)) == 3


# --- booking -----------------------------------------------------------------------------------

def test_booking_creates_the_appointment_and_marks_the_lead(campaign, lead):
    jordan = make_agent(campaign)
    slot = slot_for(jordan, future_monday(10))
    appointment = book_appointment(lead=lead, slot=slot, lead_tz="America/Chicago", notes="Wants a 3-bed")
    stored = Appointment.objects.get()
    assert stored == appointment and stored.agent == jordan and stored.status == Appointment.Status.BOOKED
    assert (stored.starts_at, stored.ends_at) == (slot.starts_at, slot.ends_at)
    assert stored.lead_time_zone == "America/Chicago" and stored.notes == "Wants a 3-bed"
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.APPOINTMENT
    assert book_appointment(lead=lead, slot=slot_for(jordan, future_monday(14))).lead_time_zone == "America/New_York"


@pytest.mark.parametrize("start_minute, minutes", [(0, 30), (15, 30), (-30, 60)])
def test_a_taken_or_overlapping_slot_is_refused(campaign, lead, start_minute, minutes):
    jordan = make_agent(campaign)
    book_appointment(lead=lead, slot=slot_for(jordan, future_monday(10)))
    other = make_lead(campaign, "+12125550143")
    with pytest.raises(SlotTaken):
        book_appointment(lead=other, slot=slot_for(jordan, future_monday(10) + dt.timedelta(minutes=start_minute),
                                                   minutes))
    assert Appointment.objects.count() == 1 and Lead.objects.get(pk=other.pk).status != LeadStatus.APPOINTMENT


def test_a_slot_the_agent_no_longer_works_or_already_past_is_refused(campaign, lead):
    jordan = make_agent(campaign)
    with pytest.raises(SlotTaken):
        book_appointment(lead=lead, slot=slot_for(jordan, future_monday(16, 45)))  # ends after 17:00
    with pytest.raises(SlotTaken):
        book_appointment(lead=lead, slot=slot_for(jordan, future_monday(10) + dt.timedelta(days=5)))  # Saturday
    with pytest.raises(SlotTaken):
        book_appointment(lead=lead, slot=slot_for(jordan, future_monday(10) - dt.timedelta(days=28)))  # past
    HumanAgent.objects.filter(pk=jordan.pk).update(is_active=False)
    with pytest.raises(SlotTaken):
        book_appointment(lead=lead, slot=slot_for(jordan, future_monday(10)))
    assert not Appointment.objects.exists() and Lead.objects.get(pk=lead.pk).status != LeadStatus.APPOINTMENT


def test_the_databases_unique_booking_is_the_last_guard_and_leaves_the_callers_transaction_usable(campaign, lead):
    jordan = make_agent(campaign)
    book_appointment(lead=lead, slot=slot_for(jordan, future_monday(10)))
    other = make_lead(campaign, "+12125550143")
    with mock.patch.object(scheduling, "_overlapping_booking", autospec=True, return_value=False):
        with transaction.atomic():
            with pytest.raises(SlotTaken):
                book_appointment(lead=other, slot=slot_for(jordan, future_monday(10)))
            assert Appointment.objects.count() == 1  # still usable after the IntegrityError
    assert Lead.objects.get(pk=other.pk).status != LeadStatus.APPOINTMENT


def race(slots: list[Slot], leads: list[Lead]) -> list[object]:
    """Books each slot for its lead in its own thread and database connection, all at once; the overlap check
    lingers so that, without a lock, every thread would pass it before any inserts."""
    check = scheduling._overlapping_booking
    barrier = threading.Barrier(len(slots))
    results: list[object] = [None] * len(slots)

    def slow_check(agent, slot):
        found = check(agent, slot)
        time.sleep(0.3)
        return found

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = book_appointment(lead=leads[index], slot=slots[index])
        except Exception as exc:  # noqa: BLE001 - the outcome is the result
            results[index] = exc
        finally:
            connection.close()

    with mock.patch.object(scheduling, "_overlapping_booking", side_effect=slow_check, autospec=True):
        threads = [threading.Thread(target=run, args=(i,)) for i in range(len(slots))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    return results


@pytest.mark.parametrize("second_start", [dt.timedelta(0), dt.timedelta(minutes=15)], ids=["same", "overlapping"])
def test_two_calls_booking_at_once_get_one_appointment(transactional_db, campaign, second_start):
    jordan = make_agent(campaign)
    leads = [make_lead(campaign, "+12125550151"), make_lead(campaign, "+12125550152")]
    start = future_monday(10)
    results = race([slot_for(jordan, start), slot_for(jordan, start + second_start)], leads)
    assert sorted(type(result).__name__ for result in results) == ["Appointment", "SlotTaken"], results
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 1
    assert Lead.objects.filter(status=LeadStatus.APPOINTMENT).count() == 1


def test_calls_booking_different_agents_at_once_both_succeed(transactional_db, campaign):
    jordan, alex = make_agent(campaign, "Jordan Lee"), make_agent(campaign, "Alex Kim")
    leads = [make_lead(campaign, "+12125550151"), make_lead(campaign, "+12125550152")]
    results = race([slot_for(jordan, future_monday(10)), slot_for(alex, future_monday(10))], leads)
    assert all(isinstance(result, Appointment) for result in results), results
    assert Appointment.objects.filter(status=Appointment.Status.BOOKED).count() == 2


# --- holding the times a call put to its lead ---------------------------------------------------

def live_call(lead) -> Call:
    return Call.objects.create(lead=lead, campaign=lead.campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", answered_at=timezone.now())


def test_a_call_books_its_lead_one_meeting_at_most(campaign, lead):
    jordan = make_agent(campaign)
    call = live_call(lead)
    book_appointment(lead=lead, call=call, slot=slot_for(jordan, future_monday(10)))
    with pytest.raises(SlotTaken):
        book_appointment(lead=lead, call=call, slot=slot_for(jordan, future_monday(14)))
    assert Appointment.objects.count() == 1


def test_times_a_call_offered_are_neither_offered_to_nor_booked_by_another_call(campaign, lead):
    make_agent(campaign)
    other = make_lead(campaign, "+12125550143")
    first, second = live_call(lead), live_call(other)
    after = future_monday(7)
    offered = free_slots(campaign, after=after, lead_tz=NY, holder=first.pk)
    assert hold_slots(first.pk, offered) == offered

    others = free_slots(campaign, after=after, lead_tz=NY, holder=second.pk)
    assert not {slot.starts_at for slot in others} & {slot.starts_at for slot in offered}
    assert free_slots(campaign, after=after, lead_tz=NY, holder=first.pk) == offered  # its own stay free to it
    assert hold_slots(second.pk, offered) == []  # a search that raced the first call holds nothing
    with pytest.raises(SlotTaken):
        book_appointment(lead=other, call=second, slot=offered[0])

    book_appointment(lead=lead, call=first, slot=offered[0])
    assert not SlotHold.objects.filter(call=first).exists()  # booked: the other time it offered is free again
    assert offered[1] in free_slots(campaign, after=after, lead_tz=NY, count=EVERYTHING, holder=second.pk)


def test_a_call_that_ends_or_a_hold_that_lapses_frees_the_times(campaign, lead, settings):
    jordan = make_agent(campaign)
    other = make_lead(campaign, "+12125550143")
    first, second = live_call(lead), live_call(other)
    start = future_monday(10)
    hold_slots(first.pk, [slot_for(jordan, start)])
    assert finish_call(first.pk, CallStatus.COMPLETED)
    assert book_appointment(lead=other, call=second, slot=slot_for(jordan, start))  # the ended call let it go

    settings.SLOT_HOLD_SECONDS = 0  # a process that died holding a time, its hold then past its end
    hold_slots(second.pk, [slot_for(jordan, start + dt.timedelta(hours=1))])
    assert slot_for(jordan, start + dt.timedelta(hours=1)) in free_slots(campaign, after=future_monday(7), lead_tz=NY,
                                                                         count=EVERYTHING, holder=first.pk)


# --- the invite ----------------------------------------------------------------------------------

@pytest.fixture
def appointment(campaign, lead) -> Appointment:
    campaign.company_name, campaign.callback_number = "Sunrise Realty", "+12125550100"
    campaign.save()
    jordan = make_agent(campaign, email="jordan.lee@example.com")
    return Appointment.objects.create(lead=lead, agent=jordan, starts_at=at(UTC, 2026, 12, 8, 20, 0),
                                      ends_at=at(UTC, 2026, 12, 8, 20, 30), lead_time_zone="America/Chicago")


def parse(text: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_invite_is_a_calendar_request_for_the_booked_time(appointment):
    text = appointment_ics(appointment)
    calendar, event = parse(text)
    assert str(calendar["METHOD"]) == "REQUEST" and str(calendar["VERSION"]) == "2.0"
    assert str(event["UID"]) == f"{appointment.uid}@reautomation"
    assert event.decoded("DTSTART") == appointment.starts_at and event.decoded("DTEND") == appointment.ends_at
    assert "DTSTART:20261208T200000Z" in text and "DTSTAMP:" in text
    assert str(event["SUMMARY"]) == "Meeting with Jordan Lee — Sunrise Realty"
    assert str(event["ORGANIZER"]) == "mailto:jordan.lee@example.com"
    assert str(event["ATTENDEE"]) == "mailto:dana@example.com"
    assert str(event["LOCATION"]) == "12 Elm Street, Springfield"
    assert int(event["SEQUENCE"]) == 0 and str(event["STATUS"]) == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "Dana Whitfield" in description and "5550142"[-4:] in description
    assert "Tuesday, December 8th at 2 PM (America/Chicago)" in description
    unfolded = text.replace("\r\n ", "")
    assert "2125550142" not in unfolded and "2125550142" not in description


def test_a_cancelled_appointments_invite_cancels_it(appointment):
    appointment.status = Appointment.Status.CANCELLED
    calendar, event = parse(appointment_ics(appointment))
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == f"{appointment.uid}@reautomation" and int(event["SEQUENCE"]) > 0


def test_without_emails_or_address_the_invite_has_no_organizer_attendee_or_location(appointment):
    appointment.agent.email = ""
    appointment.lead.email = appointment.lead.address = ""
    _, event = parse(appointment_ics(appointment))
    assert "ORGANIZER" not in event and "ATTENDEE" not in event and "LOCATION" not in event


def test_staff_who_may_see_appointments_download_the_invite(client, manager, appointment):
    url = reverse("appointment-ics", args=[appointment.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(User.objects.create_user("clerk", password="pw-clerk-1", is_staff=True))
    assert client.get(url).status_code == 403
    client.force_login(manager)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="appointment-{appointment.pk}.ics"'
    assert str(parse(response.content.decode())[1]["UID"]) == f"{appointment.uid}@reautomation"


# --- admin ---------------------------------------------------------------------------------------

def test_the_admin_shows_agents_with_their_hours_and_appointments_with_their_invite(client, superuser, appointment):
    client.force_login(superuser)
    agent = appointment.agent
    assert client.get(reverse("admin:calls_humanagent_changelist")).status_code == 200
    page = client.get(reverse("admin:calls_humanagent_change", args=[agent.pk]))
    assert page.status_code == 200 and "working_hours-TOTAL_FORMS" in page.content.decode()
    assert client.get(reverse("admin:calls_humanagent_add")).status_code == 200
    assert client.get(reverse("admin:calls_appointment_changelist")).status_code == 200
    page = client.get(reverse("admin:calls_appointment_change", args=[appointment.pk]))
    assert page.status_code == 200
    assert f'href="{reverse("appointment-ics", args=[appointment.pk])}"' in page.content.decode()


def test_staff_cancel_appointments_from_the_list(client, manager, appointment):
    client.force_login(manager)
    response = client.post(reverse("admin:calls_appointment_changelist"),
                           {"action": "cancel_appointments", "_selected_action": [appointment.pk]})
    assert response.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).status == Appointment.Status.CANCELLED


# --- the demo ------------------------------------------------------------------------------------

def test_the_demo_campaign_has_two_agents_to_book_and_two_on_call_for_transfers(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # idempotent
    demo = Campaign.objects.get(slug="demo")
    assert sorted(demo.human_agents.filter(working_hours__isnull=False).distinct().values_list(
        "name", "time_zone")) == [("Jordan Lee", "America/New_York"), ("Sam Rivera", "America/Los_Angeles")]
    on_call = demo.human_agents.filter(takes_transfers=True).exclude(phone="")
    assert sorted(on_call.values_list("name", flat=True)) == ["Casey Brooks", "Riley Chen"]
    assert WorkingHours.objects.count() == 5 + 6
    slots = free_slots(demo, after=at(NY, 2026, 12, 5, 8, 0), lead_tz=NY)  # a Saturday: only Sam works
    assert [(local(s, NY), s.agent_name) for s in slots][0] == (at(NY, 2026, 12, 5, 13, 0), "Sam Rivera")
