"""State calling rules above the federal floor: hours, closed days and barred holidays, limits on calls to one
number, all-party consent to record; every rule cites its source; the dialer never dials against one."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apps.calls.dialing import dial_tick
from apps.calls.models import Call, CallStatus
from apps.campaigns.models import Campaign
from apps.compliance import state_rules
from apps.compliance.area_codes import area_code_states, build_table
from apps.compliance.state_rules import (
    StateRulesError,
    lead_states,
    load_rules,
    records_in_all_party_consent_state,
    rules,
)
from apps.leads.eligibility import DialContext, calling_zones, next_callable_moment, state_refusal, window_open_in
from apps.leads.models import Lead
from apps.leads.timezones import STATE_NAMES
from tests.conftest import WEEKDAY_MORNING_ET
from tests.conftest import make_lead as stored_lead
from tests.leads.test_eligibility import make_campaign, utc, verdict
from tests.leads.test_eligibility import make_lead as unsaved_lead

EASTERN, CENTRAL = "America/New_York", "America/Chicago"
MIAMI, HOUSTON, OKLAHOMA_CITY, BIRMINGHAM, JACKSON = "+13055550134", "+17135550134", "+14055550134", \
    "+12055550134", "+16015550134"
HACKENSACK, LOS_ANGELES, MANHATTAN, TOLL_FREE = "+12015550134", "+13105550134", "+12125550134", "+18003569377"
US_STATES = sorted(set(STATE_NAMES.values()) - {"PR"})  # the 50 states and DC


def lead_in(state: str, phone: str, zone: str, **fields) -> Lead:
    return unsaved_lead(state=state, phone=phone, time_zone=zone, **fields)


def local(zone: str, text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


# --- the rules file ------------------------------------------------------------------------------------------


def test_every_rule_records_its_statute_an_https_source_and_the_day_it_was_checked():
    for rule in rules():
        assert rule.statute and rule.source_url.startswith("https://"), rule
        assert rule.checked_on == dt.date(2026, 12, 3), rule
    encoded = {(rule.state, rule.rule) for rule in rules()}
    assert {("FL", "hours"), ("FL", "attempts"), ("OK", "attempts"), ("MD", "attempts"), ("TX", "hours"),
            ("AL", "holidays"), ("LA", "holidays"), ("RI", "holidays"), ("UT", "holidays"), ("PA", "holidays"),
            ("CA", "recording"), ("WA", "recording")} <= encoded


def test_a_rule_without_an_https_source_stops_the_dialer(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(",".join(state_rules.COLUMNS) + "\n"
                    "FL,hours,all,08:00-20:00,,,Fla. Stat. § 501.616,http://example.org,2026-12-03,\n")

    with pytest.raises(StateRulesError, match="line 2: the source is not an https URL"):
        load_rules(path)


def test_a_misspelt_holiday_stops_the_dialer(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text(",".join(state_rules.COLUMNS) + "\n"
                    "RI,holidays,,christmass,,,R.I. Gen. Laws § 5-61-2,https://example.org,2026-12-03,\n")

    with pytest.raises(StateRulesError, match="unknown holidays"):
        load_rules(path)


def test_the_area_code_table_matches_the_pinned_phone_number_data():
    assert area_code_states() == build_table()


# --- hours and closed days -----------------------------------------------------------------------------------


def test_a_florida_lead_at_half_past_eight_in_the_evening_is_refused_with_the_florida_reason():
    lead = lead_in("FL", MIAMI, EASTERN)

    assert verdict(lead, local(EASTERN, "2026-01-14T20:30")) == (
        "Florida: calls only 08:00–20:00 (Wed 20:30 in America/New_York)")
    assert verdict(lead, local(EASTERN, "2026-01-14T19:59")) is None


def test_the_refusal_records_the_state_rule_statute_zone_and_local_time():
    lead = lead_in("FL", MIAMI, EASTERN)
    refusal = state_refusal(lead, local(EASTERN, "2026-01-14T20:30"))

    assert (refusal.state, refusal.rule, refusal.statute, refusal.zone) == (
        "FL", "hours", "Fla. Stat. § 501.616(6)(a)", EASTERN)
    assert refusal.local_time == local(EASTERN, "2026-01-14T20:30")


@pytest.mark.parametrize("when, reason", [
    ("2026-01-18T10:00", "Texas: calls only 12:00–21:00 (Sun 10:00 in America/Chicago)"),
    ("2026-01-18T12:30", None),
    ("2026-01-19T08:30", "Texas: calls only 09:00–21:00 (Mon 08:30 in America/Chicago)"),
    ("2026-01-19T09:00", None),
])
def test_texas_opens_at_nine_and_at_noon_on_sundays(when, reason):
    assert verdict(lead_in("TX", HOUSTON, CENTRAL), local(CENTRAL, when)) == reason


def test_alabama_takes_no_calls_on_sundays():
    lead = lead_in("AL", BIRMINGHAM, CENTRAL)

    assert verdict(lead, local(CENTRAL, "2026-01-18T14:00")) == (
        "Alabama: no calls on Sundays (Sun 14:00 in America/Chicago)")
    assert verdict(lead, local(CENTRAL, "2026-01-17T14:00")) is None


@pytest.mark.parametrize("when, reason", [
    # Mississippi writes 'Central Standard Time': in summer that is 09:00-21:00 on the wall clock.
    ("2026-07-15T08:30", "Mississippi: calls only 08:00–20:00 standard time (Wed 08:30 in America/Chicago)"),
    ("2026-07-15T09:00", None),
    ("2026-01-14T08:00", None),
    ("2026-01-14T20:00", "Mississippi: calls only 08:00–20:00 standard time (Wed 20:00 in America/Chicago)"),
])
def test_mississippi_hours_are_kept_in_central_standard_time(when, reason):
    assert verdict(lead_in("MS", JACKSON, CENTRAL), local(CENTRAL, when)) == reason


def test_a_rule_applies_from_its_effective_date():
    lead = lead_in("PA", "+12155550134", EASTERN)

    assert verdict(lead, local(EASTERN, "2026-10-11T14:00")) is None
    assert verdict(lead, local(EASTERN, "2026-10-18T14:00")) == (
        "Pennsylvania: no calls on Sundays (Sun 14:00 in America/New_York)")


# --- barred holidays -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("state, phone, zone, when, reason", [
    ("AL", BIRMINGHAM, CENTRAL, "2026-04-27T10:00",
     "Alabama: no calls on Confederate Memorial Day (Mon 27 Apr in America/Chicago)"),
    ("RI", "+14015550134", EASTERN, "2026-08-10T10:00",
     "Rhode Island: no calls on Victory Day (Mon 10 Aug in America/New_York)"),
    ("UT", "+18015550134", "America/Denver", "2026-07-03T10:00",
     "Utah: no calls on Independence Day (observed) (Fri 03 Jul in America/Denver)"),
    ("LA", "+15045550134", CENTRAL, "2026-02-17T10:00",
     "Louisiana: no calls on Mardi Gras (Tue 17 Feb in America/Chicago)"),
    ("PA", "+12155550134", EASTERN, "2026-04-03T10:00",
     "Pennsylvania: no calls on Good Friday (Fri 03 Apr in America/New_York)"),
    ("LA", "+15045550134", CENTRAL, "2026-01-08T10:00",
     "Louisiana: no calls on Battle of New Orleans (Thu 08 Jan in America/Chicago)"),
    ("UT", "+18015550134", "America/Denver", "2026-06-15T10:00",  # 19 June 2026 is a Friday: Utah keeps the Monday
     "Utah: no calls on Juneteenth (Utah's Monday) (Mon 15 Jun in America/Denver)"),
])
def test_a_holiday_the_state_bars_closes_the_day(state, phone, zone, when, reason):
    lead = lead_in(state, phone, zone)
    barred = local(zone, when)

    assert verdict(lead, barred) == reason
    assert verdict(lead, barred + dt.timedelta(days=1 if barred.weekday() < 4 else 3)) is None


def test_a_callback_is_promised_after_a_barred_holiday_and_a_closed_sunday():
    lead = lead_in("AL", BIRMINGHAM, CENTRAL)
    windows = make_campaign().windows_by_weekday()

    # Saturday evening: Sunday is closed and Monday is Confederate Memorial Day.
    assert next_callable_moment(lead, windows, local(CENTRAL, "2026-04-25T20:30")) == \
        local(CENTRAL, "2026-04-28T08:00")


def test_a_callback_asked_for_on_a_texas_sunday_morning_is_promised_for_noon():
    lead = lead_in("TX", HOUSTON, CENTRAL)
    windows = make_campaign().windows_by_weekday()

    assert next_callable_moment(lead, windows, local(CENTRAL, "2026-01-18T09:00")) == \
        local(CENTRAL, "2026-01-18T12:00")


# --- attempts to one number ----------------------------------------------------------------------------------


def test_a_fourth_florida_call_in_twenty_four_hours_is_refused():
    lead = lead_in("FL", MIAMI, EASTERN)
    now = local(EASTERN, "2026-01-14T15:00")
    three = tuple(now - dt.timedelta(hours=hours) for hours in (1, 5, 23))

    assert verdict(lead, now, context=DialContext(recent_call_times=three)) == "Florida: 3 attempts in 24 hours"
    assert verdict(lead, now, context=DialContext(recent_call_times=three[:2])) is None
    # The rolling day: the first of the three falls out of it after 24 hours.
    assert verdict(lead, now + dt.timedelta(hours=1, minutes=1),
                   context=DialContext(recent_call_times=three)) is None


def test_a_number_already_called_three_times_today_by_another_campaign_is_not_dialled(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    lead = stored_lead(active_campaign, MIAMI, state="FL")
    other = Campaign.objects.create(name="Sellers", slug="sellers")
    earlier = stored_lead(other, MIAMI, state="FL")
    for hours in (2, 6, 20):
        call = Call.objects.create(lead=earlier, campaign=other, attempt=1, status=CallStatus.NO_ANSWER)
        Call.objects.filter(pk=call.pk).update(created_at=WEEKDAY_MORNING_ET - dt.timedelta(hours=hours))

    assert dial_tick(active_campaign.pk, now=WEEKDAY_MORNING_ET).calls == []
    # Four hours on, the oldest has left the rolling day.
    later = WEEKDAY_MORNING_ET + dt.timedelta(hours=4, minutes=1)
    assert [Call.objects.get(pk=pk).lead_id for pk in dial_tick(active_campaign.pk, now=later).calls] == [lead.pk]


def test_leads_closed_by_their_state_do_not_crowd_out_leads_that_may_be_called(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    active_campaign.max_concurrent_calls = 1
    active_campaign.save()
    sunday_morning = local(CENTRAL, "2026-12-06T10:00")  # Texas opens at noon on Sundays
    for n in range(5):
        stored_lead(active_campaign, f"+1713555010{n}", time_zone=CENTRAL, state="TX",
                    due=sunday_morning - dt.timedelta(days=1, minutes=n))
    chicago = stored_lead(active_campaign, "+13125550109", time_zone=CENTRAL, state="IL", due=sunday_morning)

    assert [Call.objects.get(pk=pk).lead_id for pk in dial_tick(active_campaign.pk, now=sunday_morning).calls] == [
        chicago.pk]


# --- which states bind the call ------------------------------------------------------------------------------


def test_the_states_come_from_the_address_and_the_numbers_area_code():
    assert lead_states("FL", MIAMI) == ("FL",)
    assert lead_states("TX", OKLAHOMA_CITY) == ("OK", "TX")   # Oklahoma presumes its area codes are in Oklahoma
    assert lead_states("", HACKENSACK) == ("NJ", "NY")          # an area code that spans two states
    assert lead_states("NY", TOLL_FREE) == ("NY",)
    assert len(lead_states("", TOLL_FREE)) >= 51                # no address, toll-free: any state
    assert lead_states("", "+61491570156") == ()                # abroad: no state's law reaches it


def test_a_texas_address_with_an_oklahoma_number_gets_the_stricter_of_both():
    lead = lead_in("TX", OKLAHOMA_CITY, CENTRAL)

    assert verdict(lead, local(CENTRAL, "2026-01-18T12:30")) is None
    assert verdict(lead, local(CENTRAL, "2026-01-18T20:30")) == (
        "Oklahoma: calls only 09:00–20:00 (Sun 20:30 in America/Chicago)")


def test_a_number_that_may_be_in_any_state_gets_the_strictest_rule_of_them_all():
    anywhere = lead_in("", TOLL_FREE, EASTERN)      # the address gave a zone but no state
    new_york = lead_in("NY", TOLL_FREE, EASTERN)
    evening = local(EASTERN, "2026-01-14T17:30")    # Maine stops automated calls at 5 p.m.

    assert verdict(new_york, evening) is None
    assert verdict(anywhere, evening) == "Maine: calls only 09:00–17:00 (Wed 17:30 in America/New_York)"


@pytest.mark.parametrize("state, phone, records", [
    ("CA", LOS_ANGELES, True),
    ("NY", MANHATTAN, False),
    ("NY", LOS_ANGELES, True),     # a California number: California may bind the call
    ("", TOLL_FREE, True),         # any state
    ("", "+61491570156", True),    # no state can be told: say it
])
def test_the_greeting_must_say_the_call_is_recorded_where_any_state_requires_every_partys_consent(
        state, phone, records):
    assert records_in_all_party_consent_state(lead_in(state, phone, EASTERN)) is records


# --- properties: every state, zone and instant of a year, both DST changes --------------------------------------

# Independent of apps.compliance.holidays: the 2026 dates each holiday key bars (observed days included).
HOLIDAYS_2026 = {
    "new_year": {"01-01"}, "mlk": {"01-19"}, "presidents": {"02-16"}, "mardi_gras": {"02-17"},
    "good_friday": {"04-03"}, "confederate_memorial": {"04-27"}, "ri_independence": {"05-04"},
    "memorial": {"05-25"}, "jefferson_davis": {"06-01"}, "flag_day": {"06-14", "06-15"}, "juneteenth": {"06-19"},
    "independence": {"07-03", "07-04"}, "pioneer_day": {"07-24"}, "victory_day": {"08-10"}, "labor": {"09-07"},
    "columbus": {"10-12"}, "election_day": {"11-03"}, "veterans": {"11-11"}, "thanksgiving": {"11-26"},
    "day_after_thanksgiving": {"11-27"}, "christmas": {"12-25"}, "battle_of_new_orleans": {"01-08"},
    "juneteenth_monday": {"06-15"}, "huey_long_day": {"08-30", "08-31"}, "all_saints": {"11-01", "11-02"},
}
US_ZONES = ["America/New_York", "America/Detroit", "America/Indiana/Indianapolis", "America/Kentucky/Louisville",
            "America/Chicago", "America/Denver", "America/Boise", "America/Phoenix", "America/Los_Angeles",
            "America/Anchorage", "America/Adak", "Pacific/Honolulu"]
AREA_CODE = {state: code for code, states in sorted(area_code_states().items(), reverse=True) for state in states}


def state_allows(states: tuple[str, ...], zone: str, instant: dt.datetime) -> bool:
    """The rules file read plainly: no row of any binding state bars this local moment."""
    moment = instant.astimezone(ZoneInfo(zone))
    day = moment.date()
    for row in rules():
        if row.state not in states or (row.effective_from and day < row.effective_from):
            continue
        if row.rule == "holidays" and day.year == 2026 and any(
                f"{day:%m-%d}" in HOLIDAYS_2026[key] for key in row.value.split()):
            return False
        if row.rule == "hours" and day.weekday() in row.days:
            if row.value == "closed":
                return False
            wall = moment - (moment.dst() if row.clock == "standard" else dt.timedelta(0))
            start, end = (dt.time.fromisoformat(part) for part in row.value.split("-"))
            if not start <= wall.time().replace(tzinfo=None) < end:
                return False
    return True


def around(day: str) -> st.SearchStrategy[dt.datetime]:
    centre = dt.datetime.fromisoformat(day)
    return st.datetimes(min_value=centre - dt.timedelta(days=2), max_value=centre + dt.timedelta(days=2),
                        timezones=st.just(dt.UTC))


INSTANTS = st.one_of(
    st.datetimes(min_value=dt.datetime(2026, 1, 1, 6), max_value=dt.datetime(2027, 1, 1, 4), timezones=st.just(dt.UTC)),
    around("2026-03-08T08:00"),   # clocks go forward
    around("2026-11-01T07:00"),   # clocks go back
)
PROPERTY = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(state=st.sampled_from(US_STATES), zone=st.sampled_from(US_ZONES), now=INSTANTS)
@example(state="TX", zone=CENTRAL, now=utc("2026-03-08T17:59"))   # Sunday 11:59 CDT, the day clocks go forward
@example(state="MS", zone=CENTRAL, now=utc("2026-11-01T13:30"))   # 08:30 CST, the day clocks go back
@example(state="UT", zone="America/Denver", now=utc("2026-07-03T17:00"))  # Independence Day, observed
def test_no_call_is_allowed_outside_a_states_hours_or_on_its_barred_days(state, zone, now):
    lead = lead_in(state, f"+1{AREA_CODE[state]}5550134", zone)
    states = lead_states(state, lead.phone)
    windows = make_campaign().windows_by_weekday()
    allowed = verdict(lead, now) is None

    federal = all(window_open_in(name, windows, now) for name in calling_zones(lead))
    assert allowed == (federal and all(state_allows(states, name, now) for name in calling_zones(lead)))


@PROPERTY
@given(state=st.sampled_from(US_STATES), zone=st.sampled_from(US_ZONES), after=INSTANTS)
def test_a_promised_callback_never_falls_in_a_barred_moment(state, zone, after):
    lead = lead_in(state, f"+1{AREA_CODE[state]}5550134", zone)
    states = lead_states(state, lead.phone)
    windows = make_campaign().windows_by_weekday()
    promised = next_callable_moment(lead, windows, after, open_for=dt.timedelta(minutes=15))

    assert promised is not None and promised >= after.replace(second=0, microsecond=0)
    for moment in (promised, promised + dt.timedelta(minutes=15)):
        assert verdict(lead, moment) is None
        assert all(state_allows(states, name, moment) for name in calling_zones(lead))


@PROPERTY
@given(state=st.sampled_from(["FL", "OK", "MD", "ME"]),
       ago=st.lists(st.integers(min_value=0, max_value=30 * 60), max_size=6), now=INSTANTS)
def test_no_call_is_allowed_over_a_states_limit_on_calls_to_one_number(state, ago, now):
    lead = lead_in(state, f"+1{AREA_CODE[state]}5550134", "America/New_York")
    calls = tuple(now - dt.timedelta(minutes=minutes) for minutes in ago)
    allowed = verdict(lead, now, context=DialContext(recent_call_times=calls)) is None

    for rule in state_rules.state_rules(state, "attempts"):
        limit, hours = rule.limit
        if allowed:
            assert sum(1 for at in calls if now - dt.timedelta(hours=hours) < at <= now) < limit
