"""Times a lead names, resolved in their own zone against a fixed now (Wednesday 25 November 2026, 10:30)."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from media_server.agent.when import parse_when, ruled_out_days, without_ruled_out

ZONE = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=ZONE)  # a Wednesday


def at(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ZONE)


def eod(month: int, day: int, year: int = 2026) -> dt.datetime:
    return at(month, day, 23, 59, year)


@pytest.mark.parametrize(("text", "moment"), [
    ("tomorrow at 3", at(11, 26, 15)),
    ("tomorrow at 3:30 pm", at(11, 26, 15, 30)),
    ("Tomorrow at 3:30 P.M.", at(11, 26, 15, 30)),
    ("tomorrow at three thirty", at(11, 26, 15, 30)),
    ("tomorrow at 8", at(11, 26, 8)),  # 8–11 without am/pm are morning
    ("in an hour", at(11, 25, 11, 30)),
    ("in two hours", at(11, 25, 12, 30)),
    ("in 30 minutes", at(11, 25, 11, 0)),
    ("in half an hour", at(11, 25, 11, 0)),
    ("two weeks from today around 11", at(12, 9, 11)),  # that day, at the time said with it
    ("in an hour and a half", at(11, 25, 12, 0)),
    ("give me two hours", at(11, 25, 12, 30)),
    ("at noon", at(11, 25, 12)),
    ("5 pm", at(11, 25, 17)),
    ("at 10", at(11, 26, 10)),  # 10 am today has passed: tomorrow
    ("the 15th at 10am", at(12, 15, 10)),
    ("monday at 10", at(11, 30, 10)),
    ("tues at 2", at(12, 1, 14)),
    ("half past four on thursday", at(11, 26, 16, 30)),
    # "to" however said: til, until, before
    ("how bout a quarter til five monday", at(11, 30, 16, 45)),
    ("friday quarter until three", at(11, 27, 14, 45)),
    ("a quarter before ten thursday", at(11, 26, 9, 45)),
    ("call me at 8 in the evening", at(11, 25, 20)),
    ("eight tonight", at(11, 25, 20)),
    # a holiday named with a time of it is that day
    ("my husband works nights so st patricks day at eleven when hes up", at(3, 17, 11, year=2027)),
])
def test_it_resolves_exact_moments(text, moment):
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, when.exact) == (moment, moment, True)
    assert when.start.tzinfo is ZONE


@pytest.mark.parametrize(("text", "start", "end"), [
    ("Tuesday afternoon", at(12, 1, 12), at(12, 1, 17)),
    ("Thursday morning", at(11, 26, 9), at(11, 26, 12)),
    ("Friday evening", at(11, 27, 17), at(11, 27, 21)),
    ("uh maybe like saturday morning", at(11, 28, 9), at(11, 28, 12)),
    ("wednesday", at(12, 2), eod(12, 2)),  # today is Wednesday: next week's
    ("next friday", at(12, 4), eod(12, 4)),  # Friday of next calendar week
    ("friday", at(11, 27), eod(11, 27)),
    ("Tuesday next week", at(12, 1), eod(12, 1)),
    ("this weekend", at(11, 28), eod(11, 29)),
    ("next weekend", at(12, 5), eod(12, 6)),
    ("tonight", at(11, 25, 17), at(11, 25, 21)),
    ("this afternoon", at(11, 25, 12), at(11, 25, 17)),
    ("in the morning", at(11, 26, 9), at(11, 26, 12)),  # this morning has begun: tomorrow's
    ("around lunch", at(11, 25, 12), at(11, 25, 13)),
    ("today", at(11, 25, 10, 30), eod(11, 25)),  # clamped to now
    ("day after tomorrow", at(11, 27), eod(11, 27)),
    ("next month", at(12, 1), eod(12, 31)),
    ("sometime in december", at(12, 1), eod(12, 31)),
    ("in two weeks", at(12, 7), eod(12, 13)),  # the calendar week holding Dec 9
    ("in 5 days", at(11, 30), eod(11, 30)),
    ("sometime next week", at(11, 30), eod(12, 6)),
    ("December 3rd", at(12, 3), eod(12, 3)),
    ("december the third", at(12, 3), eod(12, 3)),
    ("3rd of december", at(12, 3), eod(12, 3)),
    ("12/3", at(12, 3), eod(12, 3)),
    ("the twenty first", at(12, 21), eod(12, 21)),
    ("november 2nd", at(11, 2, year=2027), eod(11, 2, year=2027)),  # passed this year
    ("a week from today", at(12, 2), eod(12, 2)),
    # a day put forward after another said as the reason: the one put forward
    ("i work nights monday and tuesday so later in the week like thursday", at(11, 26), eod(11, 26)),
    ("we land on the 3rd so the 4th would be best", at(12, 4), eod(12, 4)),
    ("we're away till the 10th so maybe two weeks from today", at(12, 9), eod(12, 9)),
    ("i'm back the 3rd so the monday after that", at(12, 7), eod(12, 7)),  # pointing back: after the day said
])
def test_it_resolves_ranges(text, start, end):
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, when.exact) == (start, end, False)
    assert when.day_start is None and when.day_end is None


@pytest.mark.parametrize(("text", "start", "end", "day_start", "day_end"), [
    ("next week after 5", at(11, 30), eod(12, 6), dt.time(17), None),
    ("after 6 tomorrow", at(11, 26, 18), eod(11, 26), dt.time(18), None),
    ("between 2 and 4 on friday", at(11, 27, 14), at(11, 27, 16), dt.time(14), dt.time(16)),
    ("please don't call me before noon", at(11, 25, 12), eod(11, 25), dt.time(12), None),
    ("I'm at work until 5", at(11, 25, 17), eod(11, 25), dt.time(17), None),
    ("don't call me after 8", at(11, 25, 10, 30), at(11, 25, 20), None, dt.time(20)),
    ("after lunch tomorrow", at(11, 26, 13), eod(11, 26), dt.time(13), None),
    ("next week in the mornings", at(11, 30), eod(12, 6), dt.time(9), dt.time(12)),
    # a part of the day said of any day, or ruled out, reaches over the next two weeks
    ("mornings are better for me", at(11, 25, 10, 30), eod(12, 8), dt.time(9), dt.time(12)),
    ("any afternoon works", at(11, 25, 10, 30), eod(12, 8), dt.time(12), dt.time(17)),
    ("not mornings", at(11, 25, 10, 30), eod(12, 8), dt.time(12), None),
    ("evenings don't work for us", at(11, 25, 10, 30), eod(12, 8), None, dt.time(17)),
    ("afternoons are pretty hectic", at(11, 25, 10, 30), eod(12, 8), None, dt.time(12)),
    # the part of another day, said as why, does not replace the hours proposed
    ("saturday between 10 and 12 i get back friday night", at(11, 28, 10), at(11, 28, 12), dt.time(10), dt.time(12)),
])
def test_it_keeps_daily_limits(text, start, end, day_start, day_end):
    when = parse_when(text, NOW)
    assert when is not None
    assert (when.start, when.end, when.exact) == (start, end, False)
    assert (when.day_start, when.day_end) == (day_start, day_end)


@pytest.mark.parametrize("text", [
    "call me back later",
    "later",
    "in a bit",
    "no",
    "my number is 512 555 1234",
    "we have 3 kids",
    "in 2025",
    "around 400",
    "the first one",
    "i'd have to check with my husband first",  # an adverb, not the 1st of the month
    "first we need to sell ours",
    "good morning",
    "we need three bedrooms",
    # their free time ending is no time to call ("lunch is over in like two minutes")
    "sorry my break's over in five minutes",
    "lunch is almost over",
    "",
])
def test_it_finds_no_time_where_none_was_named(text):
    assert parse_when(text, NOW) is None


def test_it_keeps_the_words_the_time_came_from():
    assert parse_when("uh yeah can you call me tomorrow at three thirty please", NOW).words == \
        "tomorrow at three thirty"


def test_it_falls_back_to_dateparser_for_what_the_rules_do_not_cover():
    when = parse_when("2026-12-03", NOW)
    assert when is not None
    assert (when.start, when.end, when.exact) == (at(12, 3), eod(12, 3), False)


def test_it_resolves_in_the_leads_zone_not_the_servers():
    tokyo = ZoneInfo("Asia/Tokyo")
    when = parse_when("tomorrow at 9", dt.datetime(2026, 11, 25, 23, 0, tzinfo=tokyo))
    assert when.start == dt.datetime(2026, 11, 26, 9, 0, tzinfo=tokyo)


def test_it_does_not_ask_dateparser_about_ordinary_times(monkeypatch):
    import dateparser

    def slow_path(*args, **kwargs):
        raise AssertionError("dateparser was asked")

    monkeypatch.setattr(dateparser, "parse", slow_path)
    for text in ("tomorrow at 3", "next week after 5", "in two hours", "later", "we have 3 kids", "December 3rd"):
        parse_when(text, NOW)
    with pytest.raises(AssertionError):
        parse_when("2026-12-03", NOW)  # the patch is live: the rules above really skipped it


def test_it_can_load_dateparser_before_a_call_needs_it():
    import sys

    from media_server.agent.when import warm_up

    warm_up()
    assert "dateparser" in sys.modules


@pytest.mark.parametrize(("text", "start", "end"), [
    ("late afternoon on friday", at(11, 27, 15), at(11, 27, 18)),
    ("friday early afternoon", at(11, 27, 12), at(11, 27, 14)),
    ("monday mid morning", at(11, 30, 9), at(11, 30, 11)),
    ("late morning monday", at(11, 30, 10), at(11, 30, 12)),
])
def test_early_mid_and_late_narrow_a_part_of_the_day(text, start, end):
    when = parse_when(text, NOW)
    assert (when.start, when.end, when.exact) == (start, end, False)


@pytest.mark.parametrize(("text", "days"), [
    ("any day next week but wednesday", [dt.date(2026, 12, 2)]),
    ("anytime except friday", [dt.date(2026, 11, 27)]),
    ("monday thats my dialysis appointment", [dt.date(2026, 11, 30)]),
    ("thursday is when i have class", [dt.date(2026, 11, 26)]),
    ("i can't do today or friday, those are my sleep days", [dt.date(2026, 11, 25), dt.date(2026, 11, 27)]),
])
def test_days_ruled_out_in_passing(text, days):
    assert ruled_out_days(text, NOW) == days
    assert "next week" in without_ruled_out(text) or "next week" not in text  # the week they named stays


def test_the_week_after_next_is_two_weeks_on():
    now = dt.datetime(2026, 3, 31, 10, 0, tzinfo=ZoneInfo("America/Chicago"))  # a Tuesday
    when = parse_when("the week after next, wednesday at ten", now)
    assert when.exact and when.start == dt.datetime(2026, 4, 15, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    assert parse_when("week after next", now).start.date() == dt.date(2026, 4, 13)


def test_a_time_they_are_taken_is_not_the_time_they_offer_and_a_part_they_rule_out_is_not_theirs():
    now = dt.datetime(2026, 3, 31, 10, 0, tzinfo=ZoneInfo("America/Chicago"))
    when = parse_when("friday, not the morning though, we drop the car off at nine", now)
    assert not when.exact and when.start.weekday() == 4 and when.day_start == dt.time(12, 0)


@pytest.mark.parametrize(("text", "said", "first", "last"), [
    ("after christmas", dt.date(2026, 12, 30), dt.date(2026, 12, 30), dt.date(2027, 1, 12)),  # the day just past
    ("after the holidays", dt.date(2026, 3, 10), dt.date(2027, 1, 2), dt.date(2027, 1, 15)),
    ("once the holidays are over", dt.date(2027, 1, 4), dt.date(2027, 1, 4), dt.date(2027, 1, 17)),
    ("after easter", dt.date(2027, 3, 1), dt.date(2027, 3, 29), dt.date(2027, 4, 11)),  # Easter 2027: 28 March
    ("after labor day", dt.date(2026, 8, 1), dt.date(2026, 9, 8), dt.date(2026, 9, 21)),
    ("when school's out", dt.date(2026, 3, 10), dt.date(2026, 6, 1), dt.date(2026, 6, 30)),
    ("in the fall", dt.date(2026, 3, 10), dt.date(2026, 9, 22), dt.date(2026, 12, 22)),
    ("next spring", dt.date(2026, 3, 10), dt.date(2027, 3, 20), dt.date(2027, 6, 19)),
])
def test_a_period_named_by_what_happens_in_it(text, said, first, last):
    when = parse_when(text, dt.datetime.combine(said, dt.time(10), tzinfo=ZONE))
    assert when is not None and (when.start.date(), when.end.date()) == (first, last)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("try me towards the end of the month", dt.date(2026, 3, 21), dt.date(2026, 3, 31)),
    ("the beginning of next month is better", dt.date(2026, 4, 1), dt.date(2026, 4, 10)),
    ("sometime mid next month", dt.date(2026, 4, 11), dt.date(2026, 4, 20)),
    ("late april", dt.date(2026, 4, 21), dt.date(2026, 4, 30)),
    ("next month", dt.date(2026, 4, 1), dt.date(2026, 4, 30)),  # no part named: the whole month
])
def test_a_part_of_a_month_is_its_first_middle_or_last_ten_days(text, first, last):
    when = parse_when(text, dt.datetime(2026, 3, 10, 10, tzinfo=ZONE))
    assert when is not None and (when.start.date(), when.end.date()) == (first, last)


@pytest.mark.parametrize(("text", "day"), [
    ("we fly home on the 14th so maybe the tuesday after that", dt.date(2026, 3, 17)),
    ("i get back the 20th, friday after that works", dt.date(2026, 3, 27)),  # the 20th is a Friday: a week on
])
def test_a_weekday_after_a_date_said_is_the_first_one_after_it(text, day):
    when = parse_when(text, dt.datetime(2026, 3, 10, 10, tzinfo=ZONE))
    assert when is not None and when.start.date() == when.end.date() == day


@pytest.mark.parametrize(("text", "first", "last"), [
    ("once tax season is over", dt.date(2026, 4, 16), dt.date(2026, 4, 29)),
    ("is saturday possible like ten thirty", dt.date(2026, 3, 14), dt.date(2026, 3, 14)),
])
def test_tax_season_and_a_time_said_after_a_day(text, first, last):
    when = parse_when(text, dt.datetime(2026, 3, 10, 10, tzinfo=ZONE))
    assert when is not None and (when.start.date(), when.end.date()) == (first, last)
    if "ten thirty" in text:
        assert when.exact and when.start.time() == dt.time(10, 30)
    assert parse_when("we have like 2 showings saturday", dt.datetime(2026, 3, 10, 10, tzinfo=ZONE)).exact is False


@pytest.mark.parametrize(("text", "day"), [
    ("i'm driving up thursday so how about friday", dt.date(2026, 3, 13)),
    ("the kids have a game on monday, what about tuesday", dt.date(2026, 3, 17)),
    ("not wednesday but maybe thursday", dt.date(2026, 3, 12)),
])
def test_of_two_days_named_the_one_they_put_forward_wins(text, day):
    # (said on Tuesday 10 March 2026)
    when = parse_when(text, dt.datetime(2026, 3, 10, 10, tzinfo=ZONE))
    assert when is not None and when.start.date() == day


def test_first_thing_is_that_days_morning():
    when = parse_when("could we do monday first thing", dt.datetime(2026, 3, 10, 10, tzinfo=ZONE))
    assert when.start == dt.datetime(2026, 3, 16, 9, tzinfo=ZONE) and when.end.hour == 12


@pytest.mark.parametrize("text", [
    "we're away until the 12th, any day after that is fine",
    "i'm traveling through the 12th",
    "the 12th and anytime after that",
])
def test_a_date_they_are_away_until_opens_the_days_after_it(text):
    when = parse_when(text, dt.datetime(2026, 3, 10, 10, tzinfo=ZONE))
    assert when is not None and when.start.date() == dt.date(2026, 3, 13) and when.end.date() > when.start.date()


def test_a_part_of_the_day_said_with_a_day_ruled_out_stays():
    kept = without_ruled_out("any afternoon except monday")
    when = parse_when(kept, dt.datetime(2026, 3, 10, 10, tzinfo=ZONE))
    assert when is not None and when.day_start == dt.time(12) and when.day_end == dt.time(17)
    assert ruled_out_days("any afternoon except monday", dt.datetime(2026, 3, 10, 10, tzinfo=ZONE)) == [
        dt.date(2026, 3, 16)]


@pytest.mark.parametrize(("text", "first", "last"), [
    ("the 15th of next month", dt.date(2026, 12, 15), dt.date(2026, 12, 15)),  # not this month's 15th
    ("first of the month", dt.date(2026, 12, 1), dt.date(2026, 12, 1)),
    ("the first monday in january", dt.date(2027, 1, 4), dt.date(2027, 1, 4)),
    ("the last friday of next month", dt.date(2026, 12, 25), dt.date(2026, 12, 25)),
    ("the second week of december", dt.date(2026, 12, 8), dt.date(2026, 12, 14)),
    ("first week of next month", dt.date(2026, 12, 1), dt.date(2026, 12, 7)),
])
def test_a_day_or_week_counted_within_a_month_is_that_one(text, first, last):
    when = parse_when(text, NOW)
    assert when is not None and (when.start.date(), when.end.date()) == (first, last)


def test_a_part_of_the_day_said_to_suit_wins_over_one_they_are_busy_in():
    text = "im haulin cattle all week in the afternoons any morning but monday mondays i got the co op board"
    when = parse_when(without_ruled_out(text), NOW)
    assert when is not None and (when.day_start, when.day_end) == (dt.time(9), dt.time(12))
    assert ruled_out_days(text, NOW) == [dt.date(2026, 11, 30)]  # "mondays i got the co op board": taken


def test_the_school_day_ending_is_a_time_of_day_not_the_summer():
    when = parse_when("thursday after school lets out like three thirty", NOW)
    assert when is not None and when.start == at(11, 26, 15, 30)


@pytest.mark.parametrize(("text", "day"), [
    ("monday the 4th", dt.date(2027, 1, 4)),  # December 4th is a Friday: the next 4th that is a Monday
    ("call me back after new years like monday the 4th", dt.date(2027, 1, 4)),
    ("thursday the 26th", dt.date(2026, 11, 26)),
])
def test_a_weekday_with_a_day_of_the_month_is_the_next_date_that_is_both(text, day):
    when = parse_when(text, NOW)
    assert when is not None and when.start.date() == when.end.date() == day


@pytest.mark.parametrize(("text", "day"), [
    ("not this friday but the friday after that", dt.date(2026, 12, 4)),
    ("school lets out december 9th so that friday", dt.date(2026, 12, 11)),  # the friday of that week
    ("a tuesday or thursday evening, thursdays better", dt.date(2026, 11, 26)),  # the one said to suit best
    ("after new years like the fifth", dt.date(2027, 1, 5)),  # the fifth within the period named
    # the coming one of the days they like ruled out, however much is said between
    ("mondays are good for us but not this one, the next monday at 10", dt.date(2026, 12, 7)),
    ("saturdays suit us best but not this one we got a wedding, next saturday the 5th", dt.date(2026, 12, 5)),
    # a holiday said as the answer, however it is called
    ("st paddy's day im off that day call anytime", dt.date(2027, 3, 17)),
    ("valentine's day works, im off", dt.date(2027, 2, 14)),
    # the date said after "the saturday after that" names that saturday, not a day to count on from
    ("not tomorrow, the saturday after that, the 5th at 10", dt.date(2026, 12, 5)),
])
def test_a_day_said_against_another_is_the_one_meant(text, day):
    when = parse_when(without_ruled_out(text), NOW)
    assert when is not None and when.start.date() == day


def test_a_weekday_ruled_out_on_that_weekday_is_today_too():
    assert set(ruled_out_days("any day but wednesday", NOW)) == {dt.date(2026, 12, 2), dt.date(2026, 11, 25)}
    when = parse_when(without_ruled_out("any day but wednesday after eleven"), NOW)
    assert when is not None and when.start.date() > NOW.date() and when.day_start == dt.time(11)


def test_not_too_early_is_no_limit_against_the_time_after_it():
    when = parse_when("monday the 30th not too early after ten", NOW)
    assert when is not None and when.start == at(11, 30, 10) and when.day_end is None


@pytest.mark.parametrize(("text", "day"), [
    ("in two weeks", dt.date(2026, 12, 9)),
    ("in a couple of weeks", dt.date(2026, 12, 9)),
    ("give me like three weeks", dt.date(2026, 12, 16)),
    ("try me again in a month", dt.date(2026, 12, 25)),
    ("in a couple months", dt.date(2027, 1, 25)),
])
def test_a_distance_names_the_day_it_lands_on_inside_its_range(text, day):
    when = parse_when(text, NOW)
    assert when.start.date() <= day <= when.end.date() and when.around == day


@pytest.mark.parametrize("text", ["next week", "sometime in december", "in 5 days", "the week after next"])
def test_a_named_period_has_no_day_of_its_own(text):
    assert parse_when(text, NOW).around is None
