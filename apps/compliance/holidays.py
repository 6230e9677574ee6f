"""The holidays a state rule may bar calls on, by key (`christmas`, `mardi_gras`, …), as dates of a year.

A state's row in data/state_rules.csv names the keys of the holidays its statute covers. A holiday fixed to a date
is barred on that date and on the weekday it is observed on when it falls on a weekend (Saturday → the Friday before,
Sunday → the Monday after): states differ on which of the two counts, so the stricter reading bars both.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

MON, TUE, THU = 0, 1, 3


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th (1-based; -1 = last) given weekday of a month."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> dt.date:
    """Western Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _utah_juneteenth(year: int) -> dt.date:
    """Utah Code § 63G-1-301 (2022 H.B. 238): 19 June on a Monday is itself; on Tuesday to Friday, the Monday before;
    on a weekend, the Monday after."""
    day = dt.date(year, 6, 19)
    if day.weekday() <= 4:
        return day - dt.timedelta(days=day.weekday())
    return day + dt.timedelta(days=7 - day.weekday())


# key → (name, the date in a year, fixed to a calendar date?)
HOLIDAYS = {
    "new_year": ("New Year's Day", lambda y: dt.date(y, 1, 1), True),
    "battle_of_new_orleans": ("Battle of New Orleans", lambda y: dt.date(y, 1, 8), True),
    "mlk": ("Martin Luther King Jr. Day", lambda y: _nth_weekday(y, 1, MON, 3), False),
    "presidents": ("Washington's Birthday", lambda y: _nth_weekday(y, 2, MON, 3), False),
    "mardi_gras": ("Mardi Gras", lambda y: easter(y) - dt.timedelta(days=47), False),
    "good_friday": ("Good Friday", lambda y: easter(y) - dt.timedelta(days=2), False),
    "confederate_memorial": ("Confederate Memorial Day", lambda y: _nth_weekday(y, 4, MON, 4), False),
    "ri_independence": ("Rhode Island Independence Day", lambda y: dt.date(y, 5, 4), True),
    "memorial": ("Memorial Day", lambda y: _nth_weekday(y, 5, MON, -1), False),
    "jefferson_davis": ("Jefferson Davis' Birthday", lambda y: _nth_weekday(y, 6, MON, 1), False),
    "flag_day": ("Flag Day", lambda y: dt.date(y, 6, 14), True),
    "juneteenth": ("Juneteenth", lambda y: dt.date(y, 6, 19), True),
    # Utah keeps Juneteenth on a Monday: the one before a Tuesday-to-Friday 19 June, the one after a weekend one.
    "juneteenth_monday": ("Juneteenth (Utah's Monday)", lambda y: _utah_juneteenth(y), False),
    "independence": ("Independence Day", lambda y: dt.date(y, 7, 4), True),
    "pioneer_day": ("Pioneer Day", lambda y: dt.date(y, 7, 24), True),
    "victory_day": ("Victory Day", lambda y: _nth_weekday(y, 8, MON, 2), False),
    "huey_long_day": ("Huey P. Long Day", lambda y: dt.date(y, 8, 30), True),
    "labor": ("Labor Day", lambda y: _nth_weekday(y, 9, MON, 1), False),
    "columbus": ("Columbus Day", lambda y: _nth_weekday(y, 10, MON, 2), False),
    "all_saints": ("All Saints' Day", lambda y: dt.date(y, 11, 1), True),
    "election_day": ("Election Day", lambda y: _nth_weekday(y, 11, MON, 1) + dt.timedelta(days=1), False),
    "veterans": ("Veterans Day", lambda y: dt.date(y, 11, 11), True),
    "thanksgiving": ("Thanksgiving Day", lambda y: _nth_weekday(y, 11, THU, 4), False),
    "day_after_thanksgiving": ("Day after Thanksgiving", lambda y: _nth_weekday(y, 11, THU, 4) + dt.timedelta(days=1),
                               False),
    "christmas": ("Christmas Day", lambda y: dt.date(y, 12, 25), True),
}


def _observed(day: dt.date) -> dt.date | None:
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return None


@lru_cache(maxsize=4096)
def holiday_dates(key: str, year: int) -> dict[dt.date, str]:
    """The dates in `year` on which holiday `key` bars calls, with the name to give staff."""
    name, date_in, fixed = HOLIDAYS[key]
    dates: dict[dt.date, str] = {}
    # Next year's 1 January, on a Saturday, is observed on this year's 31 December.
    for when in (date_in(year - 1), date_in(year), date_in(year + 1)):
        if when.year == year:
            dates[when] = name
        observed = _observed(when) if fixed else None
        if observed and observed.year == year:
            dates.setdefault(observed, f"{name} (observed)")
    return dates
