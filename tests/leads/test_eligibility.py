"""May this lead be dialled now? Every rule's refusal, and the 08:00–21:00 lead-local window across zones and DST."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from apps.campaigns.models import Campaign
from apps.leads.eligibility import DialContext, calling_zones, open_zones, why_not_callable
from apps.leads.models import Lead, LeadStatus

UTC = dt.UTC
# Wednesday 14 January 2026, 19:00 UTC: 14:00 in New York, 11:00 in Los Angeles, 09:00 in Honolulu.
WEEKDAY_AFTERNOON = dt.datetime(2026, 1, 14, 19, 0, tzinfo=UTC)
LONG_AGO = dt.datetime(2026, 1, 1, tzinfo=UTC)

NEW_YORK = "+12125550134"
CHICAGO = "+13125550134"
DENVER = "+13035550134"
LOS_ANGELES = "+13105550134"
PHOENIX = "+16025550134"
HONOLULU = "+18085550134"
ALASKA = "+19075550134"       # the number may be in America/Anchorage or America/Adak
GUAM = "+16715550134"
TOLL_FREE = "+18003569377"    # rings anywhere from Guam (UTC+10) to Newfoundland (UTC-3:30)
AUSTRALIAN_MOBILE = "+61491570156"
INTERNATIONAL_FREEPHONE = "+80012345678"  # valid, but in no time zone at all


def make_campaign(**fields) -> Campaign:
    defaults = {"name": "Spring buyers", "slug": "spring", "is_active": True}
    return Campaign(**{**defaults, **fields})


def make_lead(campaign: Campaign | None = None, **fields) -> Lead:
    """A lead that passes every rule at WEEKDAY_AFTERNOON unless a test says otherwise."""
    defaults = {
        "phone": NEW_YORK,
        "time_zone": "America/New_York",
        "consent_source": "Website form",
        "consent_at": LONG_AGO,
        "status": LeadStatus.NEW,
        "attempts": 0,
        "next_attempt_at": LONG_AGO,
    }
    return Lead(campaign=campaign or make_campaign(), **{**defaults, **fields})


def verdict(lead: Lead, now: dt.datetime, campaign: Campaign | None = None,
            context: DialContext | None = None) -> str | None:
    campaign = campaign or lead.campaign
    return why_not_callable(lead, campaign, now, context or DialContext())


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def quarter_hours(day: dt.date) -> list[dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=UTC)
    return [start + dt.timedelta(minutes=15 * step) for step in range(96)]


# --- Every rule, with the reason staff see -------------------------------------------------


def test_it_lets_a_lead_that_passes_every_rule_be_called():
    assert verdict(make_lead(), WEEKDAY_AFTERNOON) is None


def test_it_never_calls_for_a_paused_campaign():
    lead = make_lead(make_campaign(is_active=False))

    assert verdict(lead, WEEKDAY_AFTERNOON) == "campaign paused"


def test_it_stops_calling_when_the_budget_is_exhausted():
    assert verdict(make_lead(), WEEKDAY_AFTERNOON, context=DialContext(budget_exhausted=True)) == (
        "campaign budget exhausted"
    )


def test_it_never_calls_a_number_on_the_do_not_call_list():
    assert verdict(make_lead(), WEEKDAY_AFTERNOON, context=DialContext(on_do_not_call=True)) == (
        "on the do-not-call list"
    )


def test_it_never_calls_a_lead_marked_do_not_call():
    assert verdict(make_lead(status=LeadStatus.DO_NOT_CALL), WEEKDAY_AFTERNOON) == "on the do-not-call list"


def test_it_names_the_do_not_call_list_even_when_other_rules_also_fail():
    lead = make_lead(status=LeadStatus.DO_NOT_CALL, consent_source="", attempts=99)
    night = utc("2026-01-15T07:00")  # 02:00 in New York

    assert verdict(lead, night, context=DialContext(on_do_not_call=True)) == "on the do-not-call list"


@pytest.mark.parametrize("status, reason", [
    (LeadStatus.QUEUED, "lead is queued"),
    (LeadStatus.IN_CALL, "lead is in call"),
    (LeadStatus.QUALIFIED, "lead is qualified"),
    (LeadStatus.APPOINTMENT, "lead is appointment booked"),
    (LeadStatus.INVALID, "lead is invalid"),
])
def test_it_does_not_call_a_lead_that_is_busy_or_finished(status, reason):
    assert verdict(make_lead(status=status), WEEKDAY_AFTERNOON) == reason


@pytest.mark.parametrize("status", [LeadStatus.NEW, LeadStatus.CALLED])
def test_it_calls_new_leads_and_leads_due_a_retry(status):
    assert verdict(make_lead(status=status), WEEKDAY_AFTERNOON) is None


def test_it_refuses_a_lead_without_consent_when_the_campaign_requires_it():
    lead = make_lead(make_campaign(require_consent=True), consent_source="", consent_at=None)

    assert verdict(lead, WEEKDAY_AFTERNOON) == "no consent on file"


def test_it_calls_a_lead_with_consent_when_the_campaign_requires_it():
    lead = make_lead(make_campaign(require_consent=True), consent_source="Open house sign-in sheet")

    assert verdict(lead, WEEKDAY_AFTERNOON) is None


def test_it_calls_a_lead_without_consent_when_the_campaign_does_not_require_it():
    lead = make_lead(make_campaign(require_consent=False), consent_source="", consent_at=None)

    assert verdict(lead, WEEKDAY_AFTERNOON) is None


def test_it_stops_after_the_last_allowed_attempt():
    campaign = make_campaign(max_attempts=3)

    assert verdict(make_lead(campaign, status=LeadStatus.CALLED, attempts=3), WEEKDAY_AFTERNOON) == (
        "all 3 attempts used"
    )
    assert verdict(make_lead(campaign, status=LeadStatus.CALLED, attempts=2), WEEKDAY_AFTERNOON) is None


def test_it_does_not_call_a_lead_with_no_further_attempt_scheduled():
    lead = make_lead(status=LeadStatus.CALLED, attempts=1, next_attempt_at=None)

    assert verdict(lead, WEEKDAY_AFTERNOON) == "no further attempt scheduled"


def test_it_waits_until_the_next_attempt_is_due():
    lead = make_lead(status=LeadStatus.CALLED, attempts=1,
                     next_attempt_at=WEEKDAY_AFTERNOON + dt.timedelta(minutes=1))

    assert verdict(lead, WEEKDAY_AFTERNOON) == "next attempt due 2026-01-14 19:01 UTC"


def test_it_calls_once_the_next_attempt_is_due():
    lead = make_lead(status=LeadStatus.CALLED, attempts=1, next_attempt_at=WEEKDAY_AFTERNOON)

    assert verdict(lead, WEEKDAY_AFTERNOON) is None


def test_it_holds_back_when_the_campaign_has_its_maximum_of_live_calls():
    campaign = make_campaign(max_concurrent_calls=2)
    lead = make_lead(campaign)

    assert verdict(lead, WEEKDAY_AFTERNOON, context=DialContext(live_calls=2)) == (
        "campaign at its limit of 2 live calls"
    )
    assert verdict(lead, WEEKDAY_AFTERNOON, context=DialContext(live_calls=1)) is None


def test_it_holds_back_when_no_media_worker_has_a_free_slot():
    assert verdict(make_lead(), WEEKDAY_AFTERNOON, context=DialContext(free_media_slots=0)) == (
        "no free media-worker slot"
    )


# --- The calling window in the lead's own zone ---------------------------------------------


@pytest.mark.parametrize("phone, zone, reason", [
    (NEW_YORK, "America/New_York", None),  # 08:30
    (CHICAGO, "America/Chicago", "outside calling hours: Wed 07:30 in America/Chicago"),
    (DENVER, "America/Denver", "outside calling hours: Wed 06:30 in America/Denver"),
    (PHOENIX, "America/Phoenix", "outside calling hours: Wed 06:30 in America/Phoenix"),
    (LOS_ANGELES, "America/Los_Angeles", "outside calling hours: Wed 05:30 in America/Los_Angeles"),
    (ALASKA, "America/Anchorage", "outside calling hours: Wed 04:30 in America/Anchorage"),
    (HONOLULU, "Pacific/Honolulu", "outside calling hours: Wed 03:30 in Pacific/Honolulu"),
])
def test_the_same_winter_morning_instant_is_calling_time_only_in_new_york(phone, zone, reason):
    assert verdict(make_lead(phone=phone, time_zone=zone), utc("2026-01-14T13:30")) == reason


@pytest.mark.parametrize("phone, zone, callable_now", [
    (NEW_YORK, "America/New_York", False),     # 21:30
    (CHICAGO, "America/Chicago", True),        # 20:30
    (PHOENIX, "America/Phoenix", True),        # 19:30
    (LOS_ANGELES, "America/Los_Angeles", True),  # 18:30
    (ALASKA, "America/Anchorage", True),       # 17:30
    (HONOLULU, "Pacific/Honolulu", True),      # 16:30
])
def test_in_the_evening_new_york_closes_first(phone, zone, callable_now):
    evening = utc("2026-01-15T02:30")

    assert (verdict(make_lead(phone=phone, time_zone=zone), evening) is None) is callable_now


@pytest.mark.parametrize("local_time, callable_now", [
    ("07:59", False),
    ("08:00", True),
    ("12:00", True),
    ("20:59", True),
    ("21:00", False),
    ("23:30", False),
    ("03:00", False),
])
def test_the_window_opens_at_eight_and_closes_at_nine_local(local_time, callable_now):
    eastern = ZoneInfo("America/New_York")
    now = dt.datetime.combine(dt.date(2026, 1, 14), dt.time.fromisoformat(local_time), tzinfo=eastern)

    assert (verdict(make_lead(), now) is None) is callable_now


def test_the_window_ends_at_nine_sharp_and_says_so():
    nine_pm_eastern = utc("2026-01-15T02:00")

    assert verdict(make_lead(), nine_pm_eastern) == "outside calling hours: Wed 21:00 in America/New_York"


@pytest.mark.parametrize("local_time, callable_now", [
    ("08:59", False), ("09:00", True), ("16:59", True), ("17:00", False),
])
def test_it_keeps_to_a_campaign_window_narrower_than_the_law(local_time, callable_now):
    campaign = make_campaign(window_start=dt.time(9, 0), window_end=dt.time(17, 0))
    now = dt.datetime.combine(dt.date(2026, 1, 14), dt.time.fromisoformat(local_time),
                              tzinfo=ZoneInfo("America/Chicago"))

    assert (verdict(make_lead(campaign, phone=CHICAGO, time_zone="America/Chicago"), now) is None) is callable_now


@pytest.mark.parametrize("local_time", ["07:00", "07:59", "21:00", "21:59"])
def test_a_campaign_window_wider_than_the_law_still_cannot_call_outside_eight_to_nine(local_time):
    # Campaign.clean() refuses such a window; a row written around it must still not call illegally.
    campaign = make_campaign(window_start=dt.time(6, 0), window_end=dt.time(23, 0))
    now = dt.datetime.combine(dt.date(2026, 1, 14), dt.time.fromisoformat(local_time),
                              tzinfo=ZoneInfo("America/New_York"))

    assert verdict(make_lead(campaign), now).startswith("outside calling hours")


# --- Daylight saving time -----------------------------------------------------------------


@pytest.mark.parametrize("now, zone, phone, callable_now", [
    # Spring forward, Sunday 8 March 2026. 12:30 UTC is 07:30 EST the day before, 08:30 EDT on the day.
    (utc("2026-03-07T12:30"), "America/New_York", NEW_YORK, False),
    (utc("2026-03-08T12:30"), "America/New_York", NEW_YORK, True),
    # 13:30 UTC: 07:30 CST before, 08:30 CDT after.
    (utc("2026-03-07T13:30"), "America/Chicago", CHICAGO, False),
    (utc("2026-03-08T13:30"), "America/Chicago", CHICAGO, True),
    # Evening: 01:30 UTC is 20:30 EST on Saturday, but 21:30 EDT on Sunday.
    (utc("2026-03-08T01:30"), "America/New_York", NEW_YORK, True),
    (utc("2026-03-09T01:30"), "America/New_York", NEW_YORK, False),
    # Fall back, Sunday 1 November 2026. 12:30 UTC is 08:30 EDT the day before, 07:30 EST on the day.
    (utc("2026-10-31T12:30"), "America/New_York", NEW_YORK, True),
    (utc("2026-11-01T12:30"), "America/New_York", NEW_YORK, False),
    # Evening: 01:30 UTC is 21:30 EDT on Saturday, but 20:30 EST on Sunday.
    (utc("2026-11-01T01:30"), "America/New_York", NEW_YORK, False),
    (utc("2026-11-02T01:30"), "America/New_York", NEW_YORK, True),
    (utc("2026-10-31T15:30"), "America/Los_Angeles", LOS_ANGELES, True),   # 08:30 PDT
    (utc("2026-11-01T15:30"), "America/Los_Angeles", LOS_ANGELES, False),  # 07:30 PST
])
def test_it_follows_daylight_saving_changes(now, zone, phone, callable_now):
    assert (verdict(make_lead(phone=phone, time_zone=zone), now) is None) is callable_now


@pytest.mark.parametrize("day", ["2026-03-07", "2026-03-08", "2026-10-31", "2026-11-01", "2026-07-15"])
def test_arizona_does_not_observe_daylight_saving(day):
    lead = make_lead(phone=PHOENIX, time_zone="America/Phoenix")

    assert verdict(lead, utc(f"{day}T14:59")).startswith("outside calling hours: ")  # 07:59 MST
    assert verdict(lead, utc(f"{day}T15:00")) is None                                 # 08:00 MST
    assert verdict(lead, utc(f"{day}T03:59")) is None                                 # 20:59 MST
    assert verdict(lead, utc(f"{day}T04:00")).startswith("outside calling hours: ")  # 21:00 MST


def test_denver_shifts_on_the_day_phoenix_does_not():
    denver = make_lead(phone=DENVER, time_zone="America/Denver")
    phoenix = make_lead(phone=PHOENIX, time_zone="America/Phoenix")

    # 14:30 UTC: 07:30 in both on Saturday; on Sunday Denver is 08:30 MDT, Phoenix still 07:30 MST.
    assert verdict(denver, utc("2026-03-07T14:30")) == "outside calling hours: Sat 07:30 in America/Denver"
    assert verdict(denver, utc("2026-03-08T14:30")) is None
    assert verdict(phoenix, utc("2026-03-08T14:30")) == "outside calling hours: Sun 07:30 in America/Phoenix"


# --- Weekday windows, by the lead's local weekday ------------------------------------------


def weekend_campaign() -> Campaign:
    return make_campaign(weekday_windows={"sat": ["10:00", "17:00"], "sun": None})


@pytest.mark.parametrize("local, callable_now", [
    ("2026-01-17T09:30", False),  # Saturday, before the Saturday window
    ("2026-01-17T10:00", True),
    ("2026-01-17T16:59", True),
    ("2026-01-17T17:00", False),
    ("2026-01-18T08:00", False),  # Sunday: never
    ("2026-01-18T12:00", False),
    ("2026-01-18T20:59", False),
    ("2026-01-16T08:00", True),   # Friday keeps the full window
    ("2026-01-16T20:59", True),
    ("2026-01-19T08:00", True),   # Monday again
])
def test_it_keeps_to_weekend_windows(local, callable_now):
    now = dt.datetime.fromisoformat(local).replace(tzinfo=ZoneInfo("America/New_York"))

    assert (verdict(make_lead(weekend_campaign()), now) is None) is callable_now


def test_it_says_which_local_day_and_time_refused_a_weekend_call():
    saturday_0930_eastern = utc("2026-01-17T14:30")

    assert verdict(make_lead(weekend_campaign()), saturday_0930_eastern) == (
        "outside calling hours: Sat 09:30 in America/New_York"
    )


def test_it_uses_the_leads_weekday_not_utcs():
    campaign = weekend_campaign()
    los_angeles = make_lead(campaign, phone=LOS_ANGELES, time_zone="America/Los_Angeles")
    guam = make_lead(campaign, phone=GUAM, time_zone="Pacific/Guam")

    # Friday 22:00 in Los Angeles is Saturday 06:00 UTC: too late on Friday, whatever UTC says.
    assert verdict(los_angeles, utc("2026-01-17T06:00")) == "outside calling hours: Fri 22:00 in America/Los_Angeles"
    # Friday 18:00 in Los Angeles is Saturday 02:00 UTC: Friday's full window applies.
    assert verdict(los_angeles, utc("2026-01-17T02:00")) is None
    # Saturday 18:00 in Los Angeles is Sunday 02:00 UTC: past Saturday's 17:00 close.
    assert verdict(los_angeles, utc("2026-01-18T02:00")) == "outside calling hours: Sat 18:00 in America/Los_Angeles"
    # Sunday 16:00 in Los Angeles is already Monday 00:00 UTC: still Sunday for the lead.
    assert verdict(los_angeles, utc("2026-01-19T00:00")) == "outside calling hours: Sun 16:00 in America/Los_Angeles"
    # Monday 09:00 in Guam is Sunday 23:00 UTC: a working day for the lead.
    assert verdict(guam, utc("2026-01-18T23:00")) is None
    # Sunday 02:00 UTC is already Sunday noon in Guam: no calls there, though Saturday in Los Angeles.
    assert verdict(guam, utc("2026-01-18T02:00")) == "outside calling hours: Sun 12:00 in Pacific/Guam"


# --- Unknown, several, or disagreeing zones: the most restrictive reading -------------------


def test_a_lead_with_no_address_zone_takes_its_numbers_zone():
    lead = make_lead(phone=CHICAGO, time_zone="")

    assert calling_zones(lead) == ("America/Chicago",)
    # 13:30 UTC is 08:30 in New York, where the server might be, but 07:30 in Chicago.
    assert verdict(lead, utc("2026-01-14T13:30")) == "outside calling hours: Wed 07:30 in America/Chicago"
    assert verdict(lead, utc("2026-01-14T14:00")) is None


@pytest.mark.parametrize("now", [
    utc("2026-01-14T03:00"),   # 22:00 in New York
    utc("2026-01-14T08:00"),   # 03:00 in New York
    utc("2026-01-14T13:30"),   # 08:30 New York, 03:30 Honolulu
    utc("2026-01-14T16:00"),   # 11:00 New York, 06:00 Honolulu, 02:00 (Thu) Guam
    utc("2026-01-14T19:00"),   # 14:00 New York, 09:00 Honolulu, 05:00 (Thu) Guam
    utc("2026-01-14T21:00"),   # 07:00 (Thu) Guam
    utc("2026-07-15T13:00"),   # 09:00 EDT, 23:00 Guam
    utc("2026-07-15T20:00"),   # 16:00 EDT, 06:00 (Thu) Guam
    utc("2026-07-15T23:30"),   # 21:00 in St. John's (NDT)
])
def test_a_toll_free_number_without_an_address_is_not_called_at_us_business_hours(now):
    lead = make_lead(phone=TOLL_FREE, time_zone="")

    assert len(calling_zones(lead)) > 30
    assert verdict(lead, now).startswith("outside calling hours: ")


@pytest.mark.parametrize("day, callable_times", [
    # Winter: Guam opens at 22:00 UTC (08:00 ChST); St. John's closes at 00:30 UTC (21:00 NST).
    ("2026-01-14", ["00:00", "00:15", "22:00", "22:15", "22:30", "22:45", "23:00", "23:15", "23:30", "23:45"]),
    # Summer: St. John's, on NDT, closes at 23:30 UTC.
    ("2026-07-15", ["22:00", "22:15", "22:30", "22:45", "23:00", "23:15"]),
])
def test_a_toll_free_number_is_called_only_while_every_zone_it_may_ring_in_is_inside_hours(day, callable_times):
    # A New York address: New York sets no rule above the federal floor, so only the zones decide.
    lead = make_lead(phone=TOLL_FREE, time_zone="", state="NY")
    callable_slots = [now for now in quarter_hours(dt.date.fromisoformat(day)) if verdict(lead, now) is None]

    assert [f"{now:%H:%M}" for now in callable_slots] == callable_times
    for now in callable_slots:
        for zone in calling_zones(lead):
            assert dt.time(8, 0) <= now.astimezone(ZoneInfo(zone)).time() < dt.time(21, 0), (now, zone)


def test_an_address_zone_that_differs_from_the_numbers_zone_needs_both_inside_hours():
    # Lives in Los Angeles, keeps a Manhattan number: 11:00–21:00 Eastern = 08:00–18:00 Pacific.
    lead = make_lead(phone=NEW_YORK, time_zone="America/Los_Angeles")
    callable_slots = [now for now in quarter_hours(dt.date(2026, 1, 14)) if verdict(lead, now) is None]

    assert calling_zones(lead) == ("America/Los_Angeles", "America/New_York")
    assert [f"{now:%H:%M}" for now in callable_slots] == (
        [f"{h:02d}:{m:02d}" for h in (0, 1) for m in (0, 15, 30, 45)]
        + [f"{h:02d}:{m:02d}" for h in range(16, 24) for m in (0, 15, 30, 45)]
    )
    assert verdict(lead, utc("2026-01-14T15:59")) == "outside calling hours: Wed 07:59 in America/Los_Angeles"
    assert verdict(lead, utc("2026-01-14T16:00")) is None
    assert verdict(lead, utc("2026-01-15T01:59")) is None
    assert verdict(lead, utc("2026-01-15T02:00")) == "outside calling hours: Wed 21:00 in America/New_York"


def test_an_address_zone_wins_over_a_number_that_spans_several_zones():
    # An Anchorage address with a 907 number (Anchorage or Adak): the address settles it.
    lead = make_lead(phone=ALASKA, time_zone="America/Anchorage")

    assert calling_zones(lead) == ("America/Anchorage",)
    assert verdict(lead, utc("2026-01-14T17:00")) is None  # 08:00 in Anchorage, 07:00 in Adak


def test_a_number_spanning_two_zones_without_an_address_waits_for_the_later_one():
    lead = make_lead(phone=ALASKA, time_zone="")

    assert verdict(lead, utc("2026-01-14T17:00")) == "outside calling hours: Wed 07:00 in America/Adak"
    assert verdict(lead, utc("2026-01-14T18:00")) is None


@pytest.mark.parametrize("now, callable_now", [
    (utc("2026-01-14T01:00"), False),  # 07:30 on the Cocos Islands
    (utc("2026-01-14T01:30"), True),   # 08:00 Cocos, 12:30 Sydney (AEDT)
    (utc("2026-01-14T09:59"), True),   # 20:59 on Lord Howe Island
    (utc("2026-01-14T10:00"), False),  # 21:00 on Lord Howe Island
    (utc("2026-01-14T12:00"), False),  # 20:00 in Perth, but 23:00 in Sydney
    (utc("2026-01-13T23:00"), False),  # 10:00 in Sydney, but 06:00 in Perth
])
def test_an_australian_mobile_without_an_address_is_called_only_when_every_zone_is_inside_hours(now, callable_now):
    lead = make_lead(phone=AUSTRALIAN_MOBILE, time_zone="")

    assert set(calling_zones(lead)) >= {"Australia/Sydney", "Australia/Perth", "Australia/Lord_Howe"}
    assert (verdict(lead, now) is None) is callable_now


def test_a_lead_with_no_determinable_zone_is_refused():
    lead = make_lead(phone=INTERNATIONAL_FREEPHONE, time_zone="")

    assert calling_zones(lead) == ()
    assert verdict(lead, WEEKDAY_AFTERNOON).startswith("time zone unknown")


def test_a_lead_whose_zone_name_is_not_a_real_zone_is_refused():
    lead = make_lead(phone=INTERNATIONAL_FREEPHONE, time_zone="Mars/Olympus_Mons")

    assert verdict(lead, WEEKDAY_AFTERNOON) == "time zone unknown: 'Mars/Olympus_Mons' is not a time zone"


# --- open_zones: the zones the dial tick may prefilter on ----------------------------------


def test_open_zones_at_half_past_eight_in_new_york_leave_out_the_west():
    zones = open_zones(make_campaign().windows_by_weekday(), utc("2026-01-14T13:30"))

    assert "America/New_York" in zones
    assert "America/Toronto" in zones
    assert "America/Chicago" not in zones
    assert "America/Los_Angeles" not in zones
    assert "Pacific/Honolulu" not in zones


@pytest.mark.parametrize("now", [
    utc("2026-01-14T13:30"),
    utc("2026-01-15T02:00"),
    utc("2026-03-08T12:30"),
    utc("2026-11-01T12:30"),
    utc("2026-07-15T22:45"),
])
def test_open_zones_contain_only_zones_inside_eight_to_nine_local(now):
    zones = open_zones(make_campaign().windows_by_weekday(), now)

    assert zones
    for zone in zones:
        local = now.astimezone(ZoneInfo(zone)).time()
        assert dt.time(8, 0) <= local < dt.time(21, 0), (zone, local)


def test_open_zones_follow_weekday_windows_by_local_day():
    windows = weekend_campaign().windows_by_weekday()
    # Sunday 23:00 UTC: Monday 09:00 in Guam and Sydney (AEDT 10:00), still Sunday in the Americas.
    zones = open_zones(windows, utc("2026-01-18T23:00"))

    assert "Pacific/Guam" in zones
    assert "Australia/Sydney" in zones
    assert not [zone for zone in zones if zone.startswith("America/")]
    for zone in zones:
        assert utc("2026-01-18T23:00").astimezone(ZoneInfo(zone)).strftime("%a") != "Sun", zone


# --- A lead read back from the database ----------------------------------------------------


def test_it_judges_a_stored_lead_like_an_unsaved_one(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(is_active=True, require_consent=True, max_attempts=3)
    Lead.objects.create(campaign=campaign, phone=LOS_ANGELES, time_zone="America/Los_Angeles",
                        consent_source="Website form", status=LeadStatus.CALLED, attempts=2,
                        next_attempt_at=utc("2026-01-14T15:45"))
    stored = Lead.objects.select_related("campaign").get(campaign=campaign)

    assert verdict(stored, utc("2026-01-14T15:59")) == "outside calling hours: Wed 07:59 in America/Los_Angeles"
    assert verdict(stored, utc("2026-01-14T16:00")) is None
    assert verdict(stored, utc("2026-01-14T15:30")) == "next attempt due 2026-01-14 15:45 UTC"
