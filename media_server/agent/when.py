"""Times a lead names on a call ("tomorrow at 3", "Tuesday afternoon", "next week after 5") as a When in their zone.

`parse_when(text, now)` reads a Whisper transcript with compiled rules first and asks `dateparser` only
when the text has a date-like cue (a month abbreviation, an ISO date, "3pm" ...) that no rule resolved.
`now` is aware, in the lead's zone; every datetime returned is aware in that same zone.

Conventions:
- A clock hour without am/pm: 1–7 mean pm, 8–11 mean am, 12 is noon; "in the evening", "tonight",
  "afternoon" make it pm, "morning" keeps it am. "noon" is 12:00.
- Parts of the day: morning 9:00–12:00, lunch 12:00–13:00, afternoon 12:00–17:00, evening / night /
  tonight 17:00–21:00; "early", "mid" and "late" narrow them (`_PART_SHADES`: "late afternoon" 15:00–18:00).
  A part said of any day ("mornings are better", "any afternoon") or ruled out with no day named ("not
  mornings", "evenings don't work") reaches over the next `EVERY_DAY_SPAN` days with day_start/day_end.
- Weekdays: "Tuesday" (or "this/on Tuesday") is the coming Tuesday, a week ahead when today is Tuesday.
  "next Tuesday" / "Tuesday next week" is the Tuesday of next calendar week (weeks start on Monday).
- A day with no time is the whole day 00:00–23:59. "next week" is Monday 00:00 to Sunday 23:59 of next
  week, "this weekend" Saturday–Sunday of this week, "next weekend" that of next week, "next month" its
  first to last day, "December" / "in December" the whole month ("early next month" / "early December" the
  1st–10th, "mid" the 11th–20th, "late" / "end of the month" the 21st to the end), "the 15th" the next 15th
  still to come, "December 3rd" the next December 3rd still to come. Days counted in a month: "the 15th of next
  month", "the first monday in april", "the last friday of next month", "the second week of may" (its 8th–14th);
  "monday the 4th" is the next 4th that is a Monday.
- "in N minutes/hours" is an exact moment (seconds dropped). "in N days" is that day; "in N weeks" the
  calendar week (Mon–Sun) holding today + N weeks; "in N months" the calendar month N months on: the
  range is the unit the lead named, and `around` the day the distance lands on (a call back "in a couple weeks"
  is booked then, not asked about).
- A time with no day is today if still to come, else tomorrow. A part of the day with no day is today if
  it has not begun yet, else tomorrow ("in the morning" said at 10:30 is tomorrow morning).
- Daily limits: "after 5" / "not before noon" / "busy until 5" set day_start, "before 5" / "not after 8"
  set day_end ("don't call me after 8": 8–11 mean pm there, nobody asks not to be called after 8 am),
  "between 2 and 4" both. On a single day start/end are narrowed to the limit too; over
  several days start/end stay whole days and day_start/day_end carry the limit (also for a part of the
  day over several days: "next week in the mornings" → day_start 9:00, day_end 12:00).
- A range that has begun is clamped to start at `now` (to the minute), so "today" / "this week" never
  start in the past.
- No time named ("later", "call me back later", "in a bit") → None.
- Said other ways: military hours ("oh nine hundred", "1100" after a day, "after 1700"), "half two" (2:30), "end of
  day" (after 16:00), "after work" (17:00), "after supper" (19:00); "a week from thursday", "monday after next"
  (the one after the next monday to come),
  "saturday, not this one, the next one", "the last day of the month", a day beside a holiday ("the day after st
  patrick's day") and a holiday's week ("the week after easter"), a weekday beside a holiday or a date ("the
  friday before memorial day", "the monday after the 4th"; the 4th itself when it is a monday: "the monday after,
  the 4th", its comma unheard), either of two days ("the 14th or 15th", "thursday or
  friday": from the one to the other, a week at most), "not this saturday, the next one", "the day after the 15th"
  (that one day; "after the 15th" is the week from it), "5 or after" and "after my 4 o'clock" (limits; of two
  "after"s the later). Spanish days and hours in an English line are read in English (`spanish_times`).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from .facts import When
from .words import DigitText, tokenize

_WEEKDAYS = {"monday": 0, "tuesday": 1, "tues": 1, "wednesday": 2, "weds": 2, "thursday": 3, "thurs": 3,
             "friday": 4, "saturday": 5, "sunday": 6}
_MONTHS = {"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "april": 4, "apr": 4, "may": 5, "june": 6,
           "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
           "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12}
_PARTS = {"morning": (9, 12), "afternoon": (12, 17), "evening": (17, 21), "night": (17, 21), "tonight": (17, 21),
          "lunch": (12, 13), "lunchtime": (12, 13)}
_WD = r"(monday|tuesday|tues|wednesday|weds|thursday|thurs|friday|saturday|sunday)s?"
_MON = r"(january|february|march|april|may|june|july|august|september|sept|october|november|december|jan|feb" \
       r"|apr|jun|jul|aug|sep|oct|nov|dec)"
_FULL_MON = r"(january|february|march|april|june|july|august|september|october|november|december)"  # not "may"
# a month named ("the thirteenth of april", "in may"): the date is the one said
MONTH_NAMED = re.compile(rf"\b{_FULL_MON}\b|\b(?:of|in) may\b")
_NOT_A_TIME = r"(?!\s?(?:st|nd|rd|th|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|k|percent|bed\w*|bath\w*" \
              r"|kids|people|children|times|of)\b)"
# a clock time: "3", "3:30", "3 30", "330pm" (3–4 digits only with am/pm), "noon"
_TIME = r"(\d{1,2}:\d{2}|\d{1,2} [0-5]\d(?![\d:.])|\d{1,2}(?![\d:.])|\d{3,4}(?=\s?[ap]m)|noon|midnight|lunch)" \
        r"(?:\s?(am|pm|oclock))?" + _NOT_A_TIME
_AMOUNT = r"(an?|\d+(?:\.\d+)?|half an?|a couple(?: of)?|couple(?: of)?|a few|few)"
_UNIT = r"(minute|min|hour|hr|day|week|month)s?"

_RELATIVE = re.compile(rf"\b(?:in|give me|give us|within)\s+(?:about |like |maybe |another |around |just )?"
                       rf"{_AMOUNT}\s+{_UNIT}\b(?:\s+(and a half))?|\b{_AMOUNT}\s+{_UNIT}\s+from (?:now|today)\b")
# a part of a month: its first ten days, its middle ten, or the rest ("early next month", "end of the month")
_MONTH_PART = r"(early|earlier in|beginning of|the beginning of|start of|the start of|first part of|mid|middle of|" \
              r"the middle of|late|later in|end of|the end of|last part of)"
# a part of a week: "early next week" Monday to Wednesday, "the middle of next week" Tuesday to Thursday, "the back
# half of next week" Thursday to Sunday
_WEEK_PART = r"((?:the )?(?:beginning|start|first half|front half|front end|early part) of|early|mid|" \
             r"(?:the )?middle of|(?:the )?(?:end|back half|second half|back end|latter part|tail end|last part) of|" \
             r"late|later)"
_WEEK_PART_DAYS = {"early": (0, 2), "mid": (1, 3), "late": (3, 6)}
# "next week" said beside a weekday, with nothing against it between ("thursday or friday next week", "the back half
# of next week, like thursday"), makes it next week's
_NEXT_WEEK_BEFORE = re.compile(r"((?:\b[\w']+ ){0,3})next week(?:end)?\b((?: [\w']+){0,7}) $")
_NEXT_WEEK_AFTER = re.compile(r"((?: [\w']+){0,3}) next week(?:end)?\b((?: [\w']+){0,3})")
_AGAINST = re.compile(r"\b(?:bad|busy|out|away|gone|booked|full|no|not|can't|cannot|won't|doesn't|don't|except|but|"
                      r"other than|instead|this)\b")
# "out till the 20th, so the monday after, like 5": after the day just said
_AFTER_BARE = re.compile(r"\s+after(?: (?:like|at|around|about|maybe|say|in the|sometime)\b|$)")
# "so can we do the monday after": counted from a day said before it
THE_WEEKDAY_AFTER = re.compile(rf"\bthe {_WD}{_AFTER_BARE.pattern}")
_AFTER_THAT = re.compile(r"\s+(?:right )?after (?:that|it|then|i'm back|we're back|i get back|we get back)\b")
_DAY_RULES = [  # (kind, pattern), tried in order; the first that matches names the day(s)
    ("day_after", re.compile(r"\bday after tomorrow\b")),
    ("tomorrow", re.compile(r"\btomorrow\b")),
    ("tonight", re.compile(r"\btonight\b")),
    ("today", re.compile(r"\b(?:(?<!from )today|this (morning|afternoon|evening))\b")),  # not "a week from today"
    # "the first monday in april", "the last friday of next month"
    ("nth_weekday", re.compile(rf"\b(\d)(?:st|nd|rd|th)\s+{_WD}\s+(?:in|of)\s+(?:{_MON}|(next|this|the) month)\b"
                               r"|\blast\s+" + _WD + rf"\s+(?:in|of)\s+(?:{_MON}|(next|this|the) month)\b")),
    # "the first week of april", "the second week of next month": those seven days
    ("nth_week", re.compile(rf"\b(\d)(?:st|nd|rd|th)\s+week\s+(?:in|of)\s+(?:{_MON}|(next|this|the) month)\b")),
    # "the 1st of next month", "the 15th of the month" (the next one to come)
    ("of_month", re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+of\s+(next|this|the)\s+month\b")),
    ("weekday", re.compile(rf"\b(?:(this coming|this|next|coming|on)\s+)?{_WD}\b(?:\s+(next week|after next))?")),
    ("month_day", re.compile(rf"\b{_MON}\s+(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s?(?:am|pm|oclock))")),
    ("day_month", re.compile(rf"\b(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}\b")),
    ("slash", re.compile(r"\b(\d{1,2})/(\d{1,2})\b")),
    # a bare ordinal is a day of the month only as "the 15th" / "on 15th": "talk to my wife first" names no day
    ("nth", re.compile(r"\b(?:the|on)\s+(\d{1,2})(?:st|nd|rd|th)\b"
                       r"(?!\s(?:1|one|ones|option|slot|choice|time|thing)\b)")),
    ("week", re.compile(rf"\b(?:{_WEEK_PART}\s+)?(next|this|the following|following|the)\s+(week(?:end)?)s?\b"
                        r"|\b(weekend)s?\b")),
    ("any_day", re.compile(r"\b(?:any|whatever|whichever) (?:week ?)?day\b(?! (?:is|works) (?:bad|hard))")),
    ("month", re.compile(rf"\b(?:{_MONTH_PART}\s+)?(next|this)\s+month\b|\b{_MONTH_PART}\s+(the)\s+month\b")),
    ("in_month", re.compile(rf"\b(?:{_MONTH_PART}|in|during|sometime in|this|next|come|around|till|until|til|after|"
                            rf"from)\s+{_FULL_MON}\b"
                            rf"|^{_FULL_MON}$")),
]
# ("i'm on my lunch", "im at lunch": where they are now, not a time they offer)
_PART = re.compile(r"(?<!good )(?<!im on my )(?<!i'm on my )(?<!i am on my )(?<!im on )(?<!i'm on )(?<!im at )"
                   r"(?<!i'm at )(?<!im )(?<!i'm )\b(?:in the |this |tomorrow |at )?"
                   r"(?:(?P<mod>early|late|mid) ?(?:in the )?)?"
                   r"(?P<part>mornings?|afternoons?|evenings?|nights?|tonight|lunch ?time|lunch)\b"
                   # a shift, a class or a job named by its hours is not a time offered ("off a night shift")
                   r"(?! (?:shifts?|shifters?|classes|class|school|job|jobs|owl|person|people|crew|nurse|duty)\b)"
                   # ("lunch is over in two minutes": their free time ending, not a time offered)
                   r"(?!(?:'s| is) (?:over|up|done|almost over)\b| ends?\b)")
# the hours a part of the day narrowed by "early", "late" or "mid" spans ("late afternoon" 15:00–18:00)
_PART_SHADES = {("early", "morning"): (7, 9), ("mid", "morning"): (9, 11), ("late", "morning"): (10, 12),
                ("early", "afternoon"): (12, 14), ("mid", "afternoon"): (13, 16), ("late", "afternoon"): (15, 18),
                ("early", "evening"): (17, 19), ("late", "evening"): (19, 21)}
# a part of the day ruled out after it is named ("mornings are bad", "afternoons don't work")
_PART_BAD = re.compile(r"^s?(?: (?:are|is|'re|just|really|pretty|kinda|usually|always)){0,2} (?:bad|no good|tough|out|"
                       r"hard|rough|crazy|impossible|a no|not good|busy|hectic|terrible)\b"
                       r"|^s? (?:don't|do not|doesn't|does not|won't|wouldn't|never) work")
_PART_GOOD = re.compile(r"^s?(?: (?:are|is|'re|just|really|usually|always|would|should)){0,2} (?:good|better|best|"
                        r"fine|great|free|open|easier|easiest|ok|okay|work|works|be (?:good|better|best|fine))\b")
_BETWEEN = re.compile(rf"\b(?:between|from)\s+{_TIME}\s+(?:and|to|till|until|-)\s+{_TIME}"
                      rf"|\b(?:after|past)\s+{_TIME}\s+(?:but |and )?(?:before|by|until|till|til)\s+{_TIME}")
# a limit said as a "not" ("not before ten", "don't call after 8"); "those don't work, monday after 2" says the
# times offered do not work, "i don't work after 5" frees the evening, "not too early" is no limit
_NEGATED_LIMIT = r"\b(?:do not|don't|dont|never|not|no calls?)\s+(?!work\b|too early|too late|so early|so late)" \
                 r"(?:(?!(?:days|ones|times|slots)\b)\w+\s+){0,3}?"  # ("not them days, friday after 11": friday after)
# (and "i work nights so nothin before noon")
_NOT_BEFORE = re.compile(rf"(?:{_NEGATED_LIMIT}|\b(?:nothing|nothin)\s+(?=before|earlier))"
                         rf"(?:before|until|till|til|earlier than)\s+{_TIME}")
_NOT_AFTER = re.compile(_NEGATED_LIMIT + rf"(?:after|past|later than)\s+{_TIME}")
_BUSY_UNTIL = re.compile(rf"\b(?:busy|work|working|meeting|meetings|out|away|driving|school|class)\s+"
                         rf"(?:\w+\s+){{0,3}}?(?:until|till|til)\s+{_TIME}")
_NOT_PART = re.compile(r"\b(?:not|no|never|except|but not|can't do|cannot do|busy|working|i work|we work)(?: in)?"
                       r"(?: the| all)? $")
# a time they are taken ("I pick up the kids at 2:30", "we have church at ten"): not one they offer
_BUSY_AT = re.compile(rf"\b(?:i|we|i've|we've|she|he)(?: \w+)? (?:have to |got to |gotta |need to |usually |always )?"
                      rf"(?:picks? (?:\w+ ){{0,3}}?up|drops? (?:\w+ ){{0,3}}?off|gets? (?:em|them|him|her|the \w+)\b|"
                      rf"have (?!time|an opening|a (?:slot|window|gap))|has (?!time)|start|starts|leave|leaves|go to|"
                      rf"goes to|take|takes)(?: \w+){{0,4}}? at {_TIME}")


def _without_busy_times(s: str) -> str:
    """`s` with the times they are taken blanked out, the same length (spans found in it still point at words)."""
    return _BUSY_AT.sub(lambda m: " " * len(m.group(0)), s)


_AFTER = re.compile(rf"\b(?:after|past|any ?time after|no earlier than|later than)\s+{_TIME}")
_BEFORE = re.compile(rf"\b(?:before|by|until|till|til|no later than|earlier than)\s+{_TIME}")
_AT = re.compile(rf"\b(?:at|around|round|about|bout|@)(?:\s+(?:like|say|maybe|roughly|approximately))?\s+{_TIME}"
                 r"(?<!im at lunch)(?<!i'm at lunch)(?<!i am at lunch)")
# ("im at lunch": where they are, not a time they offer)
# the end of a routine as the day's limit: "after work" (17:00), "after dinner" (19:00)
_AFTER_ROUTINE = re.compile(r"\b(?:after|once i'm off|once im off|when i get off(?: of)?|when i'm off|when im off) "
                            r"(?:(?:my |from )?(work|dinner|supper))\b")
_END_OF_DAY = re.compile(r"\b(?:(?:at |by )?(?:the )?end of (?:the )?(?:day|business day|workday)|eod|"
                         r"close of business)\b")
_ROUTINE_ENDS = {"work": dt.time(17, 0), "dinner": dt.time(19, 0), "supper": dt.time(19, 0)}
# "thursday morning, like nine", "after lunch, say one thirty": a time that narrows a period already named
# (and "at": "after lunch, at 1:30" is 1:30, a time inside the limit)
_NARROWS = re.compile(rf"\b(?:like|say|maybe|probably|preferably|ideally|or so|ish|(?:like |say )?at(?= \d))\s+{_TIME}")
_COLON_TIME = re.compile(r"\b(\d{1,2}:\d{2})()")
# a clock time said alone as speech-to-text spaces it, "2 30 works" ("4 50" elsewhere is a price: only on the quarter
# hours, at the start, with nothing after it but its acceptance)
_SPACED_TIME = re.compile(r"^(?:(?:the|how about|maybe|say|ok|okay|yeah|yes|uh|um|make it|let's do|lets do) )*"
                          r"((?:1[0-2]|[1-9]) (?:00|15|30|45))()"
                          r"(?=(?: (?:one|1|slot|then|please|works|work|would work|is good|is fine|sounds good|"
                          r"is perfect|is better|is cool|for me|for us|that works|i guess))*$)")
_TIME_PART = re.compile(r"\b(\d{1,2}(?::\d{2})?)()(?=\s+(?:in the (?:morning|afternoon|evening)|at night|tonight))")
_CLOCK = re.compile(r"\b(\d{1,2}:\d{2}|\d{1,2})\s?(am|pm|oclock)\b|\b(noon)\b")
_DAY_THEN_TIME = re.compile(rf"\b(?:tomorrow|today|tonight|{_WD.replace('(', '(?:')})\s+{_TIME}")
_TIME_THEN_PART = re.compile(r"^\s*(?:in the\s+)?(morning|afternoon|evening|at night|tonight)")
_HALF_PAST = re.compile(r"\b(half|quarter) (past|after|to|till|til|until|before|of) (\d{1,2})\b|"
                        # "half two" (British, 2:30) after a day or "at"
                        r"(?:(?<=day )|(?<=at )|(?<=say ))(half) ()(\d{1,2})\b(?! (?:hundred|thousand|mil\w*|k|grand))")
# "first thing saturday", "monday first thing": that day's morning (same length: spans still map to the words)
_FIRST_THING = re.compile(r"\b(?:first|1st|1th) thing(?: in the morning)?(?= (?:tomorrow|monday|tuesday|wednesday|"
                          r"thursday|friday|saturday|sunday|next|on|like|at|around|about|please|works|is)\b|$)"
                          r"|(?:(?<=day )|(?<=row )|(?<=next ))(?:first|1st|1th) thing\b")
# a date-like cue worth dateparser's time; common words ("may", "sat", "sun", "wed") are left out on purpose
_FALLBACK_CUE = re.compile(r"\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|tue|thu|thur|fri)\b"
                           r"|\d{4}-\d\d-\d\d|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
_PUNCTUATION = re.compile(r"[^\w\s:/-]")
_EXACT_CUE = re.compile(r"\d(?::\d\d)?\s?(?:am|pm)\b|\d:\d\d|\boclock\b|\bnoon\b")

EVERY_DAY_SPAN = 14  # days a part of the day said of any day ("not mornings") reaches over
_DAY_END = dt.time(23, 59)
_MIDNIGHT = dt.time(0, 0)


def _clock(raw: str, ampm: str | None, part: str | None) -> dt.time | None:
    """"3" → 15:00, "330" → 15:30, "10" → 10:00, "8" + evening → 20:00 (see conventions)."""
    if raw == "noon" or raw == "lunch":
        return dt.time(12, 0)
    if raw == "midnight":
        return dt.time(23, 59)
    if ":" in raw or " " in raw:
        hour, minute = (int(x) for x in re.split("[: ]", raw))
    elif len(raw) <= 2:
        hour, minute = int(raw), 0
    else:
        hour, minute = int(raw[:-2]), int(raw[-2:])
    if hour > 23 or minute > 59:
        return None
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif ampm not in ("am", "pm") and hour < 12:
        if part in ("afternoon", "evening", "night", "tonight", "at night"):
            hour += 12
        elif 1 <= hour <= 5 or (part != "morning" and hour <= 7):  # nobody meets at 2:30 in the morning
            hour += 12
    return dt.time(hour, minute)


def _part_name(word: str) -> str:
    word = word.replace(" ", "").rstrip("s")
    return "lunch" if word.startswith("lunch") else word


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    while month > 12:
        year, month = year + 1, month - 12
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _part_of_month(first: dt.date, last: dt.date, part: str | None) -> tuple[dt.date, dt.date]:
    """The days of the month `part` names: 1st–10th early, 11th–20th mid, 21st to its end late."""
    if not part:
        return first, last
    if part.startswith(("early", "earlier", "beginning", "the beginning", "start", "the start", "first")):
        return first, first.replace(day=10)
    if part.startswith(("mid", "middle", "the middle")):
        return first.replace(day=11), first.replace(day=20)
    return first.replace(day=21), last


def _next_date(today: dt.date, month: int | None, day: int) -> dt.date | None:
    """The next month/day (or day of a month, when month is None) on or after today."""
    for ahead in range(0, 14):
        if month is None:
            y, m = today.year + (today.month - 1 + ahead) // 12, (today.month - 1 + ahead) % 12 + 1
        else:
            y, m = today.year + ahead, month
        if day <= calendar.monthrange(y, m)[1] and dt.date(y, m, day) >= today:
            return dt.date(y, m, day)
    return None


class _Days:
    def __init__(self, first: dt.date, last: dt.date, span: tuple[int, int], since: dt.date | None = None):
        self.first, self.last, self.span = first, last, span
        self.since = since  # the days after this date said ("out till the 20th"), where they are that

    def end(self) -> dt.date:
        """The day the words say this ends: the date said for "the days after it", else the last day."""
        return self.since or self.last


# The week after next, said so or as "the week after" once next week was named ("away next week, the week after?")
_WEEK_AFTER_NEXT = re.compile(r"\b(?:the )?week after next\b|\bnext week\b.*\b(the week after)\b")


# What leads a day proposed after another day named as a reason ("i'm flying in friday so first thing saturday",
# "not monday, how about tuesday"): that one is the time they offer.
_PROPOSAL_CUE = re.compile(r"\b(?:so|then|how about|what about|maybe|instead|rather|could we do|can we do|can you do|"
                           r"let's do|lets do|let's say|lets say|but|or maybe)(?:\s+\w+){0,2}\s+$")
# A date they are away until, or a date followed by "after that": the days after it ("outta town till the 20th so
# sometime after that", "gone through the 15th")
_AWAY_UNTIL = re.compile(r"\b(?:out|away|gone|outta town|out of town|traveling|travelling|busy|booked|on vacation|"
                         r"not around|not here|not home)(?: \w+){0,3} (?:until|till|til|through|thru) (?:the )?$")
_AFTER_DATE = re.compile(r"\b(?:after|past|following)(?: the)? $")
_THE_DAY_AFTER = re.compile(r"\bthe (?:day|morning|afternoon|evening) (?:after|following)(?: the)? $")
_AFTER_THAT_DAY = re.compile(r"(?: \w+){0,3}? (?:sometime |some time |any ?time |any day |whenever )?"
                             r"after (?:that|then)\b")


_PREFERRED = re.compile(r"(?:'s| is|s)? (?:better|best|preferred|ideal)\b|(?: works| would work) (?:better|best)\b")


def _proposed(pattern: re.Pattern, s: str) -> re.Match | None:
    """Of several days named, the one proposed (the cue before it), else None (the first is meant)."""
    found = list(pattern.finditer(s))
    if len(found) < 2:
        return None
    # "a tuesday or thursday evening, thursdays better": the one said to suit best
    preferred = next((m for m in found if _PREFERRED.match(s, m.end())), None)
    return preferred or next((m for m in reversed(found[1:]) if _PROPOSAL_CUE.search(s[:m.start()])), None)


def _from_day_after(day: dt.date, s: str, m: re.Match) -> _Days | None:
    """The week from the day after a date they are away until ("till the 20th so after that", "after the 15th"), or
    None."""
    if _THE_DAY_AFTER.search(s[:m.start()]) or (after := _AFTER_THAT_DAY.match(s, m.end())) \
            and after.group(0).strip().startswith(("so the day after", "the day after", "then the day after")):
        return _Days(day + dt.timedelta(days=1), day + dt.timedelta(days=1), m.span())  # "the day after the 15th"
    if _AWAY_UNTIL.search(s[:m.start()]) or _AFTER_THAT_DAY.match(s, m.end()) or _AFTER_DATE.search(s[:m.start()]):
        return _Days(day + dt.timedelta(days=1), day + dt.timedelta(days=7), m.span(), since=day)
    return None


def _month_said(name: str | None, which: str | None, today: dt.date, day: int = 1) -> tuple[int, int]:
    """(year, month) of "april" (the next April still to come), "next month", "this month" or "the month" (this
    one while its `day` is still to come, else the next)."""
    if name:
        month = _MONTHS[name]
        return today.year + (1 if month < today.month else 0), month
    ahead = 1 if which == "next" or (which == "the" and day < today.day) else 0
    return today.year + (today.month + ahead - 1) // 12, (today.month + ahead - 1) % 12 + 1


def _in_a_month(kind: str, m: re.Match, today: dt.date) -> _Days | None:
    """A day or week counted within a month ("the 2nd tuesday of april", "the first week of next month", "the
    1st of next month"), or None where the month has no such day."""
    if kind == "of_month":
        year, month = _month_said(None, m.group(2), today, int(m.group(1)))
        if not 1 <= int(m.group(1)) <= calendar.monthrange(year, month)[1]:
            return None
        day = dt.date(year, month, int(m.group(1)))
        return _Days(day, day, m.span())
    if kind == "nth_week":
        year, month = _month_said(m.group(2), m.group(3), today)
        n = int(m.group(1))
        if not 1 <= n <= 4:
            return None
        first = dt.date(year, month, 1) + dt.timedelta(days=7 * (n - 1))
        return _Days(max(first, today), first + dt.timedelta(days=6), m.span())
    if m.group(1):  # "the 2nd tuesday of april"
        n, weekday, name, which = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    else:  # "the last friday of next month"
        n, weekday, name, which = -1, m.group(5), m.group(6), m.group(7)
    if not (n == -1 or 1 <= n <= 4):
        return None
    year, month = _month_said(name, which, today)
    day = _nth_weekday(year, month, _WEEKDAYS[weekday], n)
    if day < today:  # "the first monday in march" said after it: next year's
        day = _nth_weekday(year + 1, month, _WEEKDAYS[weekday], n)
    return _Days(day, day, m.span())


_THE_NTH = re.compile(r"\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b(?!\s+of\b)")


def _weekday_beside(s: str, m: re.Match, today: dt.date) -> _Days | None:
    """The weekday `m` names, the nearest one before or after the day said next ("the friday before easter", "the
    monday after the 4th", "the saturday after june 12th"), the next such still to come; None when no single day
    is said there ("friday after work")."""
    weekday, after = _WEEKDAYS[m.group(1)], m.group(2) in ("after", "following")
    if holiday := _HOLIDAY_AT.match(s, m.end()):
        name = _HOLIDAY_SPELLINGS.get(holiday.group(1), holiday.group(1))
        anchors, end = [_holiday(name, year) for year in (today.year, today.year + 1)], holiday.end()
    else:
        anchor = _find_days(" " * m.end() + s[m.end():], today)
        named = re.search(rf"\b(?:after|past|before) (?:the )?{_HOLIDAY_NAMES}\b", s[:m.start()])
        if (anchor is None or anchor.span[0] > _ANCHOR_AT.match(s, m.end()).end()) and named is not None:
            # "after easter, the tuesday after": the holiday said before
            name = _HOLIDAY_SPELLINGS.get(named.group(1), named.group(1))
            anchors, end = [_holiday(name, year) for year in (today.year, today.year + 1)], m.end()
        elif anchor is None or anchor.first != anchor.last or anchor.span[0] > _ANCHOR_AT.match(s, m.end()).end():
            return None
        elif after and anchor.first.weekday() == weekday and anchor.first >= today:
            # "so the monday after the twenty seventh" when the 27th is a Monday: the Monday after (the vacation),
            # the 27th, its comma unheard; no one names a Monday by the Monday a week before it
            return _Days(anchor.first, anchor.first, (m.start(), anchor.span[1]))
        else:
            anchors, end = [anchor.first], anchor.span[1]
    for anchor in anchors:
        day = anchor + dt.timedelta(days=(weekday - anchor.weekday()) % 7 or 7) if after \
            else anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7 or 7)
        if day >= today:
            return _Days(day, day, (m.start(), end))
    return None


def _next_weekday_on(today: dt.date, weekday: int, number: int) -> dt.date | None:
    """The next day-of-month `number` (within a year) that falls on `weekday`."""
    for ahead in range(13):
        y, m = today.year + (today.month - 1 + ahead) // 12, (today.month - 1 + ahead) % 12 + 1
        if number <= calendar.monthrange(y, m)[1] and (day := dt.date(y, m, number)) >= today \
                and day.weekday() == weekday:
            return day
    return None


_WD_AFTER_NEXT = re.compile(rf"\b{_WD} after next\b")
# ("saturdays are best for us but not this one": the one after; "wednesday on my cell not this one": the phone)
_NOT_THIS_ONE = re.compile(rf"\b{_WD}\b(?: (?!(?:cell|phone|number|line|mobile|cellphone)\b)\w+){{0,5}}? "
                           r"not this (?:one|1)\b|"
                           rf"\bnot this (?:coming )?{_WD.replace('(', '(?P<wd>', 1)},? (?:but )?(?:the )?"
                           r"(?:next|following)(?: one| 1)?\b|"  # "not this saturday the next one"
                           # "this thursday, no, the next one"
                           rf"\bthis (?:coming )?{_WD.replace('(', '(?P<wd3>', 1)},? "
                           r"(?:no|nah|not that one|actually),? (?:the )?(?:next|following)(?: one| 1)?\b")
# "the last day of the month", "last day of next month"
_LAST_DAY = re.compile(r"\blast day of (?:the |this )?(?:(next) )?month\b")
# "a week from thursday", "two weeks from tomorrow": that day, weeks on ("from today" is `_RELATIVE`'s)
_WEEKS_FROM = re.compile(r"\b(a|one|1|two|2|three|3) weeks? from (?!now\b|today\b)")
_WEEKS = {"a": 1, "one": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3}


# "not this weekend, the one after": next weekend (the words before it, "weekends are better", name no day)
_NOT_THIS_WEEKEND = re.compile(r"\bnot this (?:coming )?weekend,? (?:but )?(?:the )?(?:(?:one|1) after(?: that)?|"
                               r"next (?:one|1)|following (?:one|1)|weekend after(?: that)?|next|following)\b")

_NOT_THIS_WEEK = re.compile(r"\b(?:not|can't do|cant do|cannot do) this (?:coming )?week\b(?!end)")
_WEEKEND_AFTER = re.compile(r"\bthis (?:coming )?weekend(?:s|'s)?\b.*?\b(the (?:weekend|1) after(?: that| this 1)?)\b")



def weekend_meant(s: str) -> str:
    """"not this weekend, the one after" and "this weekend's out, the weekend after?" say "next weekend" (the same
    length kept, so that spans found in it hold in `s`)."""
    s = _NOT_THIS_WEEKEND.sub(lambda m: "next weekend".rjust(len(m.group(0))), s)
    # "not this week, i got conferences, next week any day after four": next week ("not this week" alone too)
    s = _NOT_THIS_WEEK.sub(lambda m: " " * len(m.group(0)) if "next week" in s[m.end():]
                           else "next week".rjust(len(m.group(0))), s)
    if (after := _WEEKEND_AFTER.search(s)) is not None:
        s = s[:after.start(1)] + "next weekend".rjust(len(after.group(1))) + s[after.end(1):]
    return s


def _find_days(s: str, today: dt.date) -> _Days | None:
    for m in re.finditer(rf"\b{_WD}\b", s):  # "tuesday the 21st" wherever it is said: the surest day there is
        if (nth := _THE_NTH.match(s, m.end())) and (day := _next_weekday_on(today, _WEEKDAYS[m.group(1)],
                                                                             int(nth.group(1)))):
            return _Days(day, day, (m.start(), nth.end()))
    if (later := _WD_AFTER_NEXT.search(s)) is not None:
        # "thursday after next": the one after the next thursday to come (said on a tuesday, next week's; said on a
        # friday or on a thursday, the week after next's)
        day = today + dt.timedelta(days=((_WEEKDAYS[later.group(1)] - today.weekday()) % 7 or 7) + 7)
        return _Days(day, day, later.span())
    for m in _WD_BESIDE.finditer(s):
        if (days := _weekday_beside(s, m, today)) is not None:
            return days
    if (week := _WEEK_BY_HOLIDAY.search(s)) is not None:  # "the week after easter, thursday after lunch"
        name = _HOLIDAY_SPELLINGS.get(week.group(2), week.group(2))
        for year in (today.year - 1, today.year, today.year + 1):
            shift = {"after": 7, "before": -7}.get(week.group(1), 0)
            monday = _monday(_holiday(name, year)) + dt.timedelta(days=shift)
            if monday + dt.timedelta(days=6) >= today:
                named = re.search(rf"\b{_WD}\b", s[week.end():]) or re.search(rf"\b{_WD}\b", s[:week.start()])
                if named is None:
                    return _Days(max(monday, today), monday + dt.timedelta(days=6), week.span())
                day = monday + dt.timedelta(days=_WEEKDAYS[named.group(1)])
                return _Days(day, day, week.span())
    if (later := _NOT_THIS_ONE.search(s)) is not None:  # "saturday, but not this one, the next one"
        weekday = _WEEKDAYS[later.group(1) or later.group("wd") or later.group("wd3")]
        day = today + dt.timedelta(days=((weekday - today.weekday()) % 7 or 7) + 7)
        return _Days(day, day, later.span())
    if (last := _LAST_DAY.search(s)) is not None:
        _first, day = _month_range(today.year, today.month + (last.group(1) == "next"))
        return _Days(day, day, last.span())
    if (weeks := _WEEKS_FROM.search(s)) is not None:
        base = _find_days(" " * weeks.end() + s[weeks.end():], today)
        if base is not None and base.first == base.last:
            day = base.first + dt.timedelta(days=7 * _WEEKS[weeks.group(1)])
            return _Days(day, day, (weeks.start(), base.span[1]))
    if (later := _WEEK_AFTER_NEXT.search(s)) is not None:
        monday = _monday(today) + dt.timedelta(days=14)
        weekday = re.search(rf"\b{_WD}\b", s[later.start(1) if later.group(1) else later.start():]) \
            or re.search(rf"\b{_WD}\b", s)
        if weekday is None:
            return _Days(monday, monday + dt.timedelta(days=6), later.span(1) if later.group(1) else later.span())
        day = monday + dt.timedelta(days=_WEEKDAYS[weekday.group(1)])
        return _Days(day, day, later.span(1) if later.group(1) else later.span())
    if (holiday := _ON_HOLIDAY.search(s)) is not None:  # "st patricks day at eleven", "on halloween"
        name = next(group for group in holiday.groups() if group)
        name = _HOLIDAY_SPELLINGS.get(name, name)
        day = next(d for d in (_holiday(name, today.year), _holiday(name, today.year + 1)) if d >= today)
        return _Days(day, day, holiday.span())
    for kind, pattern in _DAY_RULES:
        m = pattern.search(s)
        if not m:
            continue
        if kind == "weekday":
            m = _proposed(pattern, s) or m
        span = m.span()
        if kind == "day_after":
            day = today + dt.timedelta(days=2)
            return _Days(day, day, span)
        if kind == "tomorrow":
            day = today + dt.timedelta(days=1)
            return _Days(day, day, span)
        if kind == "tonight":
            return _Days(today, today, span)
        if kind == "today":
            return _Days(today, today, span)
        if kind in ("nth_weekday", "nth_week", "of_month"):
            if (days := _in_a_month(kind, m, today)) is not None:
                return days
            continue
        if kind == "weekday":
            dated = _find_days(s[:m.start()] + " " * (m.end() - m.start()) + s[m.end():], today)
            wd = _WEEKDAYS[m.group(2)]  # "wednesday the 9th": the date said with it, when it is that weekday
            if dated is not None and dated.first == dated.last and dated.first.weekday() == wd \
                    and dated.span[0] >= m.end() and _AFTER_THAT.match(s, m.end()):
                # "not tomorrow, the saturday after that, the 21st": the date said after it is the day it names
                return _Days(dated.first, dated.first, (span[0], max(span[1], dated.span[1])))
            if dated is not None and (_AFTER_THAT.match(s, m.end()) or (
                    s[:m.start()].endswith("the ") and _AFTER_BARE.match(s, m.end()))):
                # "i'm back the 20th, so the monday after that", "out till the 20th, so the monday after", "away
                # next week, the friday after that": the first such weekday after the day or days said
                said = dated.end()
                day = said + dt.timedelta(days=(wd - said.weekday()) % 7 or 7)
                return _Days(day, day, (min(span[0], dated.span[0]), max(span[1], dated.span[1])))
            if dated is not None and dated.first == dated.last and dated.first.weekday() == wd:
                return _Days(dated.first, dated.first, (min(span[0], dated.span[0]), max(span[1], dated.span[1])))
            if dated is not None and dated.first == dated.last and s[:m.start()].endswith("that "):
                # "the last day is june 24th so that friday": the friday of that week, on or after the day
                day = dated.first + dt.timedelta(days=(wd - dated.first.weekday()) % 7)
                return _Days(day, day, (min(span[0], dated.span[0]), max(span[1], dated.span[1])))
            if dated is None and _AFTER_THAT.match(s, m.end()) and m.group(1) is None:
                # "not this saturday, the saturday after that": the one a week later
                day = today + dt.timedelta(days=((wd - today.weekday()) % 7 or 7) + 7)
                return _Days(day, day, span)
            if (nth := _THE_NTH.match(s, m.end())) and (day := _next_weekday_on(today, wd, int(nth.group(1)))):
                return _Days(day, day, (span[0], nth.end()))  # "monday the 4th": the next 4th that is a monday
            beside = (_NEXT_WEEK_BEFORE.search(s[:m.start()]) or _NEXT_WEEK_AFTER.match(s, m.end())) \
                if m.group(1) not in ("this", "this coming") else None
            # "away next week, how about thursday" or "thursday, not next week": this week's
            if m.group(1) == "next" or m.group(3) == "next week" or (beside and not _AGAINST.search(
                    beside.group(1) + " " + beside.group(2))):
                day = _monday(today) + dt.timedelta(days=7 + wd)
            else:
                day = today + dt.timedelta(days=(wd - today.weekday()) % 7 or 7)
            if m.group(3) == "after next":
                day += dt.timedelta(days=7)
            return _Days(day, day, span)
        if kind in ("month_day", "day_month", "slash"):
            if kind == "month_day":
                month, number = _MONTHS[m.group(1)], int(m.group(2))
            elif kind == "day_month":
                month, number = _MONTHS[m.group(2)], int(m.group(1))
            else:
                month, number = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12 or not 1 <= number <= 31:
                continue
            day = _next_date(today, month, number)
            if day:
                return _from_day_after(day, s, m) or _Days(day, day, span)
            continue
        if kind == "nth":
            number = int(m.group(1))
            day = _next_date(today, None, number) if 1 <= number <= 31 else None
            # "after new years like the fifth": the fifth within the period named ("once tax season is over, after
            # the 15th" is no day in it: the 15th is when it ends)
            period = _named_period(s[:m.start()], today)
            if day and period is not None and (inside := _next_date(period.first, None, number)) \
                    and inside <= period.last:
                day = inside
            if day:
                return _from_day_after(day, s, m) or _Days(day, day, span)
            continue
        if kind == "week":
            part = m.group(1) or ""
            which, unit = (m.group(2), m.group(3)) if m.group(3) else ("this", m.group(4))
            monday = _monday(today) + dt.timedelta(days=7 if which in ("next", "following", "the following") else 0)
            if unit == "weekend":
                return _Days(monday + dt.timedelta(days=5), monday + dt.timedelta(days=6), span)
            if which == "the" and not part:
                continue  # "the week" alone names nothing; "the end of the week" is this one's
            if part:
                shade = "mid" if "mid" in part else "early" if re.search(r"early|beginning|start|first|front",
                                                                          part) else "late"
                first, last = _WEEK_PART_DAYS[shade]
                return _Days(max(today, monday + dt.timedelta(days=first)), monday + dt.timedelta(days=last), span)
            return _Days(monday, monday + dt.timedelta(days=6), span)
        if kind == "any_day":  # "any weekday (but wednesday)": the week ahead, the days they ruled out left out
            return _Days(today + dt.timedelta(days=1), today + dt.timedelta(days=7), span)
        if kind == "month":
            part, which = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
            first, last = _month_range(today.year, today.month + (1 if which == "next" else 0))
            return _Days(*_part_of_month(first, last, part), span)
        if kind == "in_month":
            month = _MONTHS[m.group(2) or m.group(3)]
            year = today.year + (1 if month < today.month else 0)
            first, last = _month_range(year, month)
            return _Days(*_part_of_month(first, last, m.group(1)), span)
    return _named_period(s, today)


# the holidays that move with the calendar and close banks and schools ("after columbus day weekend")
FEDERAL_HOLIDAYS = (r"columbus day|indigenous peoples'? day|veterans'? day|presidents'? day|mlk day|"
                    r"martin luther king(?: jr)? day")
# Periods named by what happens in them: "after the holidays", "after easter", "once school is out", "in the spring".
# Each is the fortnight after the day named (or the season itself), so a call back lands early in it.
_AFTER_DAY = re.compile(r"\b(?:after|past|once|when|following) (?:the )?(holidays|new years?|the new year|first of the "
                        r"year|christmas|thanksgiving|easter|mardi gras|fat tuesday|(?:4th|fourth) of july|"
                        r"july (?:4th|fourth)|labor day|"
                        rf"memorial day|{FEDERAL_HOLIDAYS}|tax (?:season|day|time)|taxes)\b"
                        r"(?: (?:is|are) (?:over|done|past|filed))?")
# the week of a holiday, or the one before or after it ("the week after easter")
_WEEK_BY_HOLIDAY = re.compile(r"\bthe week (after|before|of) (?:the )?(christmas|thanksgiving|easter|labor day|"
                              rf"memorial day|(?:4th|fourth) of july|new years?|halloween|{FEDERAL_HOLIDAYS})\b")
_HOLIDAY_NAMES = (r"(christmas|thanksgiving|easter|mardi gras|fat tuesday|(?:4th|fourth) of july|labor day|"
                  rf"memorial day|new years?|halloween|juneteenth|{FEDERAL_HOLIDAYS}|"
                  r"(?:st|saint) (?:patrick|paddy)'?s day|valentine'?s day|mother'?s day|father'?s day)")
# a holiday as the day to meet or call, said with "on" or with a time of it: "st patricks day at eleven", "on
# halloween" ("after christmas" is a period, "by thanksgiving" a deadline: neither is this)
_ON_HOLIDAY = re.compile(rf"(?<!after )(?<!before )(?<!by )(?<!until )(?<!till )(?<!past )\b(?:the )?{_HOLIDAY_NAMES}"
                         r"(?= (?:at|around|after|before|in the|morning|afternoon|evening|between)\b)|"
                         rf"\bon (?:the )?{_HOLIDAY_NAMES}\b|"
                         # the answer itself: "st paddy's day, i'm off that day", "valentine's day works"
                         rf"^(?:(?:uh|um|well|maybe|how about) )*(?:the )?{_HOLIDAY_NAMES}"
                         r"(?=$| (?:i'm|im|we're|i am|we are) (?:off|free|home)\b| (?:works|is good|would work)\b)")
# a holiday ruled out: "anytime except st paddys day", "not on the 4th of july"
_HOLIDAY_OUT = re.compile(rf"\b(?:except|but not|not|other than|besides|aside from|anything but|any day but) "
                          rf"(?:on )?(?:the )?{_HOLIDAY_NAMES}")
# one day beside a holiday: "the day after st patrick's day", "the day before thanksgiving"
_DAY_BESIDE = re.compile(rf"\bthe day (before|after) (?:the )?{_HOLIDAY_NAMES}\b")
# a weekday counted from a day named after it: "the friday before memorial day", "the monday after the 4th"
_WD_BESIDE = re.compile(rf"\b{_WD} (?:right |just )?(before|after|following|prior to)\b")
_HOLIDAY_AT = re.compile(rf" (?:the )?{_HOLIDAY_NAMES}\b")
_ANCHOR_AT = re.compile(r" (?:the |on )?")
_OR_DAY = re.compile(r",? or (?:maybe |else |even )?")
_BARE_NTH = re.compile(r"\d{1,2}(?:st|nd|rd|th)\b")
_OR_LATER = re.compile(r"\b(\d{1,2}(?::\d{2}| [0-5]\d)?)( ?[ap]m)?(?: oclock)? or (?:after|later)\b(?! \d)")
_AFTER_MINE = re.compile(r"\bafter (?:my|our|his|her|the) (\d{1,2}(?::\d{2})?)(?: ?[ap]m)?(?: oclock)?"
                         r"(?: (?:meeting|appointment|class|call|shift))?\b")
_HOLIDAY_SPELLINGS = {"saint patricks day": "st patrick's day", "saint patrick's day": "st patrick's day",
                      "st patricks day": "st patrick's day", "st paddys day": "st patrick's day",
                      "st paddy's day": "st patrick's day", "saint paddys day": "st patrick's day",
                      "saint paddy's day": "st patrick's day", "valentines day": "valentine's day",
                      "mothers day": "mother's day", "fathers day": "father's day", "new year": "new years"}
# the school day's end has a clock time ("after school lets out like 3 30"): the year's end has none
DAILY = r"(?! (?:for the day|each day|every day|(?:at |around |about |like |by |round )?(?:\d|one|two|three|four|" \
        r"five|six|noon)\b))"
# "once school's out", "when the kids get out of school": the year's end (understanding's timeline reads it too)
SCHOOL_OUT = r"\b(?:once|when|after) (?:the )?(?:kids (?:are|get) out of school|school(?: year)?(?:'s|s| is| gets| " \
             r"lets)? (?:out|over|done|ends))\b" + DAILY
_SCHOOL_OUT = re.compile(SCHOOL_OUT + r"|\b(?:summer break|summer vacation)\b")
_SEASON = re.compile(r"\b(?:in|this|next|during|over|come|by) (?:the )?(spring|summer|fall|autumn|winter)(?:time)?\b")
_NEW_YEAR = ("holidays", "new year", "new years", "the new year", "first of the year")
SEASON_STARTS = {"spring": (3, 20), "summer": (6, 21), "fall": (9, 22), "autumn": (9, 22), "winter": (12, 21)}


def names_a_period(words: str) -> bool:
    """The When came from a period named by what happens in it ("after easter", "in the spring"): on a call that is
    a time to call back only when the lead asks for a call then; otherwise it is when they mean to move."""
    # "thursday after school lets out": the day named, not the period
    return any(p.search(words) for p in (_AFTER_DAY, _SCHOOL_OUT, _SEASON)) and not re.search(rf"\b{_WD}\b", words) \
        and not _DAY_BESIDE.search(words) and not _WEEK_BY_HOLIDAY.search(words)


def part_of_day(words: str) -> tuple[int, int] | None:
    """The hours of the part of the day that the time's words are ("afternoon", from "the afternoon one": 12 to
    17), or None when they say more ("tonight", "monday morning", "after 2 in the afternoon", "late afternoon")."""
    part = re.fullmatch(r"(\w+?)s?", words.strip())
    return _PARTS.get(part.group(1)) if part and part.group(1) != "tonight" else None


def names_a_day(words: str) -> bool:
    """Do the lead's words name a day or days ("monday", "the 13th", "next week"), not only a time of day?"""
    return _find_days(DigitText(tokenize(words)).s, dt.date(2026, 1, 1)) is not None  # any date: only whether


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th weekday of a month (n = -1: the last): Thanksgiving is the 4th Thursday of November."""
    if n < 0:
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _holiday(name: str, year: int) -> dt.date:
    from dateutil.easter import easter

    if name in _NEW_YEAR:
        return dt.date(year + 1, 1, 1)  # the holidays end with New Year's Day
    if name == "christmas":
        return dt.date(year, 12, 25)
    if name == "thanksgiving":
        return _nth_weekday(year, 11, 3, 4)
    if name == "easter":
        return easter(year)
    if name in ("mardi gras", "fat tuesday"):
        return easter(year) - dt.timedelta(days=47)
    if name == "labor day":
        return _nth_weekday(year, 9, 0, 1)
    if name == "memorial day":
        return _nth_weekday(year, 5, 0, -1)
    if name.startswith(("columbus", "indigenous")):
        return _nth_weekday(year, 10, 0, 2)
    if name.startswith("president"):
        return _nth_weekday(year, 2, 0, 3)
    if name.startswith(("mlk", "martin")):
        return _nth_weekday(year, 1, 0, 3)
    if name.startswith("veteran"):
        return dt.date(year, 11, 11)
    if name.startswith("tax"):
        return dt.date(year, 4, 15)  # the filing deadline
    return {"st patrick's day": dt.date(year, 3, 17), "valentine's day": dt.date(year, 2, 14),
            "halloween": dt.date(year, 10, 31), "juneteenth": dt.date(year, 6, 19),
            "mother's day": _nth_weekday(year, 5, 6, 2),
            "father's day": _nth_weekday(year, 6, 6, 3)}.get(name, dt.date(year, 7, 4))


def next_holiday(name: str, today: dt.date) -> dt.date:
    """The next `name` ("labor day", "easter", "4th of july") on or after `today`."""
    name = _HOLIDAY_SPELLINGS.get(name, name)
    day = _holiday(name, today.year)
    return day if day >= today else _holiday(name, today.year + 1)


def _named_period(s: str, today: dt.date) -> _Days | None:
    if m := _DAY_BESIDE.search(s):  # "the day after st patrick's day": that one day
        for year in (today.year - 1, today.year, today.year + 1):
            day = _holiday(_HOLIDAY_SPELLINGS.get(m.group(2), m.group(2)), year) \
                + dt.timedelta(days=1 if m.group(1) == "after" else -1)
            if day >= today:
                return _Days(day, day, m.span())
    if m := _AFTER_DAY.search(s):
        for year in (today.year - 1, today.year, today.year + 1):  # the next one, or the one just past (a week on)
            first = _holiday(m.group(1), year) + dt.timedelta(days=1)
            if today <= first + dt.timedelta(days=7):
                first = max(first, today)  # "after christmas" said on 30 December: from now
                return _Days(first, first + dt.timedelta(days=13), m.span())
    if m := _SCHOOL_OUT.search(s):
        first = dt.date(today.year, 6, 1)
        if first + dt.timedelta(days=29) < today:
            first = first.replace(year=today.year + 1)
        return _Days(max(first, today), first + dt.timedelta(days=29), m.span())
    if m := _SEASON.search(s):
        start = dt.date(today.year - 1, *SEASON_STARTS[m.group(1)])
        while start + dt.timedelta(days=91) < today:
            start = start.replace(year=start.year + 1)
        if m.group(0).startswith("next") and start <= today + dt.timedelta(days=42):
            start = start.replace(year=start.year + 1)  # "next spring" said in spring, or just before it
        return _Days(max(start, today), start + dt.timedelta(days=91), m.span())
    return None


_FREE_TIME_ENDS = re.compile(r"\b(?:lunch|break|recess|my shift|shift change|the bell|class|practice)(?:'s| is| ends?| "
                             r"starts?| starts back| is over| is up)(?: over| up| back| done)?\s*$|"
                             # "about to go on stage in ten minutes": when something of theirs begins
                             r"\b(?:about to|fixing to|fixin to|finna|gotta|have to|got to|need to) (?:go on|go in|"
                             r"go into|go out|start|walk in|walk into|head in|head out|board|clock(?: in)?|tee off|"
                             r"go live)"
                             r"(?: \w+){0,3}?\s*$")


def _relative(s: str, now: dt.datetime) -> tuple[When, tuple[int, int]] | None:
    m = _RELATIVE.search(s)
    if not m:
        return None
    amount_word = m.group(1) or m.group(4)
    unit = m.group(2) or m.group(5)
    amount = {"a": 1, "an": 1, "half a": 0.5, "half an": 0.5, "a few": 3, "few": 3}.get(amount_word)
    if amount is None:
        amount = 2 if "couple" in amount_word else float(amount_word)
    if m.group(3):
        amount += 0.5
    today, around = now.date(), None
    if unit in ("minute", "min", "hour", "hr") and _FREE_TIME_ENDS.search(s[:m.start()]):
        return None  # "lunch is over in like two minutes": when they are busy again, no time to call
    if unit in ("minute", "min", "hour", "hr"):
        minutes = amount * (60 if unit in ("hour", "hr") else 1)
        moment = (now + dt.timedelta(minutes=minutes)).replace(second=0, microsecond=0)
        return When(moment, moment, True), m.span()
    if unit == "day":
        first = last = today + dt.timedelta(days=round(amount))
    elif unit == "week" and m.group(4):  # "two weeks from today": that day
        first = last = today + dt.timedelta(days=round(7 * amount))
    elif unit == "week":  # "in two weeks": that week, around the same weekday
        around = today + dt.timedelta(days=round(7 * amount))
        first = _monday(around)
        last = first + dt.timedelta(days=6)
    else:
        first, last = _month_range(today.year, today.month + round(amount))
        around = first.replace(day=min(today.day, last.day))  # "in a month": the same day of the month
    return When(_at(now, first, _MIDNIGHT), _at(now, last, _DAY_END), False, around=around), m.span()


def _at(now: dt.datetime, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=now.tzinfo)


def _other_days_part(s: str, part: re.Match) -> bool:
    """The part of another day than one proposed with its own hours: "friday between 12 and 2, im flying in thursday
    night" ("friday or saturday morning", "monday no wait tuesday afternoon": the part is the day's meant)."""
    day = _DAY_AT_END.search(s, 0, part.start())
    return day is not None and any(m.group(1) != day.group(1) and _OWN_HOURS.match(s, m.end())
                                   for m in _A_WEEKDAY.finditer(s, 0, day.start()))


_DAY_AT_END = re.compile(rf"\b{_WD} $")
_A_WEEKDAY = re.compile(rf"\b{_WD}\b")
_OWN_HOURS = re.compile(r" (?:between|after|before|at|from|around) \d")


class _Times:
    """What the text says about the time of day."""

    def __init__(self, s: str):
        self.exact: dt.time | None = None
        self.lo: dt.time | None = None
        self.hi: dt.time | None = None
        self.part: str | None = None
        self.limited = False  # after / before / between was said
        self.spans: list[tuple[int, int]] = []
        self.every_day = False  # the part is said of any day ("mornings are better", "any afternoon", "not evenings")
        self.ruled_out_only = False  # the limits are the rest of the day around a part ruled out ("i work nights")
        self.routine = ""  # the routine whose end is the limit ("after work", "after dinner")
        parts = list(_PART.finditer(s))
        free = [m for m in parts if not _NOT_PART.search(s[:m.start()]) and not _PART_BAD.match(s[m.end():])
                and not _other_days_part(s, m)]
        # "not the afternoon", "afternoons are bad" are not theirs; of the rest, one said to suit wins ("hauling
        # cattle all week in the afternoons, any morning but monday")
        part = next((m for m in free if s[:m.start()].endswith("any ") or _PART_GOOD.match(s[m.end():])),
                    free[0] if free else None)
        if part:
            self.part = _part_name(part.group("part"))
            self.every_day = part.group("part").endswith("s") or s[:part.start()].endswith("any ")
            self.spans.append(part.span())
        self._limits(s)
        if part is None and parts and not self.limited:  # only a part ruled out: the rest of the day is theirs
            self.every_day = parts[0].group("part").endswith("s") or _PART_BAD.match(s[parts[0].end():]) is not None
            start, end = _PARTS[_part_name(parts[0].group("part"))]
            self.lo, self.hi = (dt.time(end), None) if end <= 12 else (None, dt.time(start))  # after it / before it
            self.limited = self.ruled_out_only = True
            self.spans.append(parts[0].span())
        if not self.limited:
            self._exact(s)
        if self.exact is None and (self.part or self.limited):
            self._narrowed(s)
        if self.part and self.exact is None:
            start, end = _PART_SHADES.get((part.group("mod"), self.part)) or _PARTS[self.part]
            self.lo = max(self.lo or dt.time(start), dt.time(start))
            self.hi = min(self.hi or dt.time(end), dt.time(end))
        if self.lo and self.hi and self.lo >= self.hi:
            # "she's at the plant till four thirty, try her this evening after that": the "till" is when they are busy
            self.hi = None

    def _time(self, m: re.Match, group: int, s: str) -> dt.time | None:
        part = self.part
        after = _TIME_THEN_PART.match(s[m.end():])
        if after:
            part = after.group(1)
        return _clock(m.group(group), m.group(group + 1), part)

    def _limits(self, s: str) -> None:
        m = _BETWEEN.search(s)
        if m:
            first = 1 if m.group(1) else 5  # "between 2 and 5" or "after 2 but before 5"
            lo, hi = self._time(m, first, s), self._time(m, first + 2, s)
            if lo and hi:
                if hi < lo and hi.hour < 12:
                    hi = dt.time(hi.hour + 12, hi.minute)  # "between 11 and 2"
                self._limit(m, lo=lo, hi=hi)
                return
        for pattern, side in ((_NOT_BEFORE, "lo"), (_NOT_AFTER, "hi"), (_BUSY_UNTIL, "lo"), (_AFTER, "lo"),
                              (_BEFORE, "hi")):
            m = pattern.search(s)
            if m:
                raw = m.group(1)
                time = self._time(m, 1, s)
                if raw == "lunch":  # "after lunch" is a limit, not the lunch hour
                    time, self.part = (dt.time(13, 0) if side == "lo" else time), None
                if pattern is _NOT_AFTER and time and not m.group(2) and 8 <= time.hour <= 11:
                    time = dt.time(time.hour + 12, time.minute)  # "don't call me after 8" means 8 pm
                if time and pattern is _BUSY_UNTIL and (later := _AFTER.search(s)) \
                        and (after := self._time(later, 1, s)) and after > time:
                    m, time = later, after  # "i work til three, so after three thirty": the later of the two
                if time and pattern is _AFTER:  # "after my 4 o'clock, so 5 or after": the later limit
                    for later in _AFTER.finditer(s, m.end()):
                        if (after := self._time(later, 1, s)) and after > time:
                            m, time = later, after
                if time:
                    self._limit(m, **{side: time})
                    if side == "lo":
                        self._closing_limit(s, m.end())
                    return
        if m := _AFTER_ROUTINE.search(s):
            self._limit(m, lo=_ROUTINE_ENDS[m.group(1)])
            self.routine = m.group(1)
        elif m := _END_OF_DAY.search(s):
            self._limit(m, lo=dt.time(16, 0))  # "end of day", "close of business": the day's last hours

    def _closing_limit(self, s: str, start: int) -> None:
        """The time they must stop by, said after the time they are free from: "any day after 9 but i gotta get em
        at 2 45", "after ten, i need to be home by two" (9:00 to 14:45, 10:00 to 14:00)."""
        for pattern in (_BEFORE, _BUSY_AT):
            for m in pattern.finditer(s, start):
                if (time := self._time(m, 1, s)) and time > self.lo:
                    self.hi = time
                    self.spans.append(m.span())
                    return

    def narrow_after(self, s: str, start: int) -> None:
        """A day named, then "like eleven": the time said after the day narrows it (before it, it may be
        anything: "we have like 2 showings saturday")."""
        if self.exact is None and not self.limited and not self.part:
            self._narrowed(s, start)

    def _narrowed(self, s: str, start: int = 0) -> None:
        s = _without_busy_times(s)  # "after 9 but i pick them up at 2 45": not 2:45
        m = _NARROWS.search(s, start)
        time = self._time(m, 1, s) if m else None
        if time is None:
            return
        if self.routine in ("dinner", "supper") and 12 <= time.hour < 15:
            self.lo = None  # "after dinner like 1": dinner is the midday meal where it is eaten at noon
        lo, hi = _PARTS[self.part] if self.part else (0, 24)
        # a limit said ("before four") is not reached: "after three but before four, the kids get home at four"
        within = self.hi is None or time < self.hi or time == self.hi and not self.limited
        if (self.lo or dt.time(lo)) <= time and within and time.hour < hi:
            self.exact, self.lo, self.hi, self.limited = time, None, None, False
            self.spans.append(m.span())

    def _limit(self, m: re.Match, lo: dt.time | None = None, hi: dt.time | None = None) -> None:
        self.lo, self.hi, self.limited = lo, hi, True
        self.spans.append(m.span())

    def _exact(self, s: str) -> None:
        s = _without_busy_times(s)
        for pattern, group in ((_AT, 1), (_DAY_THEN_TIME, 1), (_CLOCK, 1), (_TIME_PART, 1), (_COLON_TIME, 1),
                               (_SPACED_TIME, 1)):
            m = pattern.search(s)
            if not m:
                continue
            if pattern is _CLOCK and m.group(3):
                time = dt.time(12, 0)
            elif pattern is _AT and m.group(1) == "lunch":
                self.part = "lunch"
                self.spans.append(m.span())
                return
            else:
                time = self._time(m, group, s)
            if time:
                self.exact = time
                self.spans.append(m.span())
                return

    @property
    def found(self) -> bool:
        return bool(self.exact or self.lo or self.hi or self.part)


def parse_when(text: str, now: dt.datetime) -> When | None:
    """The time `text` names, resolved against `now` (aware, in the lead's zone), or None (see conventions)."""
    return when_in(DigitText(tokenize(text)), now, text)


def when_in(t: DigitText, now: dt.datetime, text: str) -> When | None:
    """parse_when for text already tokenized and digitized (the agent's understanding shares its tokens)."""
    s = _FIRST_THING.sub(lambda m: "morning".ljust(len(m.group(0))), _HALF_PAST.sub(_half_past, t.s))
    s = weekend_meant(s)  # "not this weekend, the one after": next weekend (same length kept)
    s = _MILITARY.sub(lambda m: f"{int(m.group(1) or m.group(2) or m.group(3))}:00".ljust(len(m.group(0))), s)
    # "after my 4 oclock", "5 or after", "10 am or later": a limit, however said (same length kept)
    s = _OR_LATER.sub(lambda m: f"after {m.group(1)}{m.group(2) or ''}".ljust(len(m.group(0))), s)
    s = _AFTER_MINE.sub(lambda m: f"after {m.group(1)}".ljust(len(m.group(0))), s)
    s = _offered_instead(s, now.date())
    relative = _relative(s, now)
    if relative and relative[0].exact:
        return _with_words(relative[0], t, [relative[1]])
    days = _find_days(s, now.date())
    if days is not None and days.first == days.last and (alt := _OR_DAY.match(s, days.span[1])):
        # "the 14th or the 15th", "thursday or friday": from the one to the other (a week at most), so the free
        # one of them is found
        tail = s[alt.end():]
        blank = alt.end() - (4 if _BARE_NTH.match(tail) else 0)  # "the 14th or 15th": the 15th
        other = _find_days(" " * blank + ("the " if blank < alt.end() else "") + tail, now.date())
        if other is not None and other.first == other.last and other.span[0] <= alt.end() + 4:
            weekday = other.first < days.first and re.match(rf"(?:the |on |this )?{_WD}\b", tail)
            later = other.first + dt.timedelta(days=7) if weekday else other.first
            if re.match(rf"(?:the |on |this )?({_WD})\s+\1\b", tail):
                days = other  # "tuesday or thursday, thursday at eleven": the one said again is the one they pick
            elif days.first < later <= days.first + dt.timedelta(days=6):  # ("next week, thursday or friday")
                days = _Days(days.first, later, (days.span[0], other.span[1]))
    around = relative[0].around if relative else None
    if days is None and relative:  # "two weeks from today around 11": the days, at the time said with them
        days = _Days(relative[0].start.date(), relative[0].end.date(), relative[1])
    times = _Times(s)
    if days is not None:
        times.narrow_after(s, days.span[1])
    if days is None and not times.found:
        return _fallback(text, now)
    if days is None and times.every_day and times.exact is None:  # "mornings are better": any of the next two weeks
        days = _Days(now.date(), now.date() + dt.timedelta(days=EVERY_DAY_SPAN - 1), (0, 0))
    resolved = _resolve(days, times, now)
    resolved.ruled_out_only = times.ruled_out_only and (days is None or days.span == (0, 0))  # no day named
    if around and resolved.start.date() <= around <= resolved.end.date() and resolved.start != resolved.end:
        resolved.around = around
    return _with_words(resolved, t, ([days.span] if days else []) + times.spans)


# A day said, then another put forward in its place: "i work nights wednesday and thursday so later in the week like
# friday", "i fly in on the 9th so the 10th", "out of town til the 18th so two weeks from today". The words after
# the cue are the time meant; a time that points back ("so the monday after that") leaves the whole.
_INSTEAD_CUE = re.compile(r"\b(?:so|then|nah|how about|what about|instead|rather|could we do|can we do|can you do|"
                          r"let's do|lets do|let's say|lets say|or maybe|better yet|actually)\b")
_POINTS_BACK = re.compile(rf"\b(?:after|before) (?:that|then|it)\b|\bthat (?:day|week|{_WD})\b|"
                          + THE_WEEKDAY_AFTER.pattern)


# Spanish time words in an English line ("el sabado como a las 11", "manana after 2 despues del trabajo"): read as
# their English; a line all in Spanish never gets here (it is handed to a Spanish speaker)
_SPANISH_TIMES = [(re.compile(rf"\b{spanish}\b"), english) for spanish, english in (
    (r"(?:en|por) la (?:mañana|manana)", "in the morning"), (r"(?:en|por) la tarde", "in the afternoon"),
    (r"(?:en|por) la noche", "in the evening"), (r"(?:la )?pr[oó]xima semana|la semana que viene", "next week"),
    (r"(?:el )?lunes", "monday"), (r"(?:el )?martes", "tuesday"), (r"(?:el )?mi[eé]rcoles", "wednesday"),
    (r"(?:el )?jueves", "thursday"), (r"(?:el )?viernes", "friday"), (r"(?:el )?s[aá]bado", "saturday"),
    (r"(?:el )?domingo", "sunday"), (r"pasado (?:mañana|manana)", "the day after tomorrow"),
    (r"(?:mañana|manana)", "tomorrow"), (r"hoy", "today"), (r"como a las", "around"), (r"a las", "at"),
    (r"despu[eé]s del? (?:trabajo|jale)", "after work"), (r"despu[eé]s de(?: las)?", "after"),
    (r"antes de(?: las)?", "before"), (r"no (?:puedo|podemos|puede)", "can't"))]
_SPANISH_CUE = re.compile(r"\b(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo|ma[nñ]ana|tarde|noche|"
                          r"semana|hoy|a las|despu[eé]s|antes de)\b")


def spanish_times(text: str) -> str:
    """`text` with the Spanish words for days and times put in English (see _SPANISH_TIMES)."""
    if not _SPANISH_CUE.search(text):
        return text
    for pattern, english in _SPANISH_TIMES:
        text = pattern.sub(english, text)
    return text


def with_preferred_part(head: str, rest: str) -> str:
    """`rest` (a time proposed after a cue: "how about tuesday") with the part of the day `head` said suits them
    ("afternoons are better"), when `rest` names no time of day of its own."""
    if _Times(rest).found:
        return rest
    for m in _PART.finditer(head):
        if _PART_GOOD.match(head[m.end():]) and not _NOT_PART.search(head[:m.start()]):
            return f"{rest} in the {_part_name(m.group('part'))}"
    return rest


SAME_TIME = re.compile(r"\b(?:same time|same hour|that time)\b")  # the hour said before, kept for another day


def _offered_instead(s: str, today: dt.date) -> str:
    """`s` with what comes before the last cue blanked out, when both sides name a day (or the head a part of the
    day and the tail a day and a time); else `s`."""
    for cue in reversed(list(_INSTEAD_CUE.finditer(s))):
        head, tail = s[:cue.start()], " " * cue.end() + s[cue.end():]
        # ("so the monday after that" points back; "so after that the saturday" names its own day)
        if _POINTS_BACK.search(tail) and not re.search(rf"\b(?:after|before) (?:that|then|it),? (?:the |on |this )?"
                                                      rf"{_WD}\b", tail) \
                or re.search(r"\b(?:not|no|never|don't|can't)\s*$", head):
            continue
        names_day = _find_days(tail, today) is not None or _RELATIVE.search(tail)
        if names_day and (_find_days(head, today) is not None or _RELATIVE.search(head)):
            if SAME_TIME.search(tail) and (days := _find_days(head, today)) is not None:
                # "thursday-ish after lunch? actually friday's better, same time": the day goes, the time stays
                return s[:days.span[0]] + " " * (days.span[1] - days.span[0]) + s[days.span[1]:]
            return tail
        if names_day and (_PART.search(head) or _Times(head).found) and _Times(tail).found:
            # "i'm on the hill every afternoon, so a week from today, morning", "she gets off at four thirty so
            # thursday at five": the day and time after the cue
            return tail
    return s


# the hour as the military says it: "oh nine hundred", "0900", "fourteen hundred hours" (same length kept)
_MILITARY = re.compile(r"\b(?:oh|zero|0) ?0?([1-9])00\b|\b(1\d|2[0-3])00(?= hours\b)|"
                       r"(?:(?<=at )|(?<=day )|(?<=month )|(?<=week )|(?<=after )|(?<=before )|(?<=by )|(?<=til )|"
                       r"(?<=till )|(?<=until )|(?<=around )|(?<=past ))(0[7-9]|1\d|2[0-2])00\b")  # "after 1700"


def _half_past(m: re.Match) -> str:
    if m.group(4):  # "half two": half past two
        return f"{int(m.group(6))}:30".ljust(len(m.group(0)))
    hour, minutes = int(m.group(3)), 30 if m.group(1) == "half" else 15
    if m.group(2) in ("to", "till", "til", "until", "before", "of"):
        hour, minutes = (hour - 1) or 12, 60 - minutes
    return f"{hour}:{minutes:02d}".ljust(len(m.group(0)))  # same length: spans still map to the lead's words


def _resolve(days: _Days | None, times: _Times, now: dt.datetime) -> When:
    today = now.date()
    lo, hi = times.lo or _MIDNIGHT, times.hi or _DAY_END
    if days is None:  # a time with no day: today if still to come, else tomorrow
        if times.exact:
            day = today if _at(now, today, times.exact) > now else today + dt.timedelta(days=1)
        else:
            begun = now >= _at(now, today, lo) if times.part else now >= _at(now, today, hi)
            day = today + dt.timedelta(days=1) if begun else today
        days = _Days(day, day, (0, 0))
    if times.exact and days.first == days.last:
        moment = _at(now, days.first, times.exact)
        return When(moment, moment, True)
    if days.first == days.last:
        start, end = _at(now, days.first, lo), _at(now, days.last, hi)
        when = When(start, end, False)
        if times.limited:
            when.day_start, when.day_end = times.lo, times.hi
    else:
        when = When(_at(now, days.first, _MIDNIGHT), _at(now, days.last, _DAY_END), False)
        if times.exact:
            when.day_start = when.day_end = times.exact
        else:
            when.day_start, when.day_end = times.lo, times.hi
    if when.start < now < when.end:
        when.start = now.replace(second=0, microsecond=0)
    return when


def _with_words(when: When, text: DigitText, spans: list[tuple[int, int]]) -> When:
    spans = [span for span in spans if span[1] > span[0]]
    if spans:
        when.words = text.words(min(a for a, _ in spans), max(b for _, b in spans))
    return when


_DAY = r"(?:(this|next) )?(today|tomorrow|monday|tuesday|tues|wednesday|weds|thursday|thurs|friday|saturday|sunday)s?"
# what one has on a day that does not take it
_HAVE_ON = (r"(?>(?:a |an |my |our |his |her |the |to )?)(?!(?:time|off|free|nothing|nothin|no|none|opening|gap|"
            r"window|slot|availability|open|all|some|whole|entire|mornings?|afternoons?|evenings?|question|questions|"
            r"till|until|after|before|from|at|you)\b)"
            # "what i got like monday the 16th": a filler before the day, not a thing they have on it
            r"(?!(?:like|maybe|probably|around|about|say) (?:this |next |on )?(?:mon|tues|wednes|thurs|fri|satur|sun|"
            r"the \d))")
# after a day worked: not a span or a time of it ("friday i work till 3", "works saturday mornings"), not days
# ("friday i work late, monday at four": friday is out, monday asked for)
_NOT_A_SPAN = (rf"(?! (?:till|until|til|to|from|in|mornings?|afternoons?|evenings?|nights?|days|half|"
               rf"(?:early|late)(?!,? (?:on )?{_DAY}\b)|only|before|after|at|\d|one|two|three|four|five|six|seven|"
               r"eight|nine|ten|eleven|twelve|noon|all|during|every|weekdays|weeknights|weekends|the week|"
               r"through)\b)")
_RULED_OUT = re.compile(
    rf"(?:\b(?:not|except|but not|other than|anything but|any day but|besides|aside from|can't do|cannot do|"
    rf"can't make|can not do|won't work|busy|out of town|away|working) (?:on |this |next |the )?{_DAY}\b"
    # "no thursday": ruled out, unless a time follows ("no, thursday same time", "or no thursday at 4 is better")
    rf"|\bno (?:on |this |next |the )?{_DAY}\b(?!,? (?:same time|at|around|@|in the|morning|afternoon|evening|"
    rf"instead|then|works|is better|is good|is fine|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    rf"twelve|noon)\b)"
    rf"|\b(?:any ?(?:day|time|other day|morning|afternoon|evening)s?|whenever)(?: (?:next|this) week)? "
    rf"(?:but|except|other than|besides) "
    rf"(?:on )?{_DAY}\b"
    rf"|\b{_DAY} (?:doesn't|does not|won't|will not|isn't|is not|wouldn't|don't|do not)(?: really)? work\b"
    # "you guys probably don't do sundays": a day the team does not work, not one to offer
    rf"|\b(?:you|you guys|y'all|you all|they|she|dana|your \w+) (?:probably |prolly |probly |likely )?(?:don't|do not|"
    rf"dont|doesn't|does not) (?:do|work|meet|open)(?: on)? {_DAY}\b"
    rf"|\b{_DAY}(?: is|'s| are)? (?:no good|bad|out|not good|booked|full|a no|not great|tough|tricky|impossible)\b"
    # "thursday no, that's the layoff meeting": the day, then no and why
    rf"|\b{_DAY},? no,? (?=(?:that's|thats|that is|it's|its|we've|i've|we got|i got|we have|i have) )"
    # "tomorrow no, next wednesday at ten", "mañana no el miércoles": the day, no, and another day instead
    rf"|\b{_DAY},? no,? (?=(?:(?:how|what) about |maybe |but |instead |on |the |el )?"
    rf"(?:next |this )?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b)"
    # "tomorrow i'm slammed", "on a 48 starting tomorrow": busy that day
    rf"|\b{_DAY} (?:i'm|im|i am|we're|we are) (?:\w+ )?(?:busy|slammed|swamped|booked|working|tied up|out of town)\b"
    # "thursday im at the tractor auction": somewhere else that day
    rf"|\b{_DAY},? (?:i'm|im|i am|we're|we are|i'll be|we'll be) (?:at|in) (?:the|a|an|my|our) (?:[\w']+ ){{0,2}}?"
    rf"(?:auction|game|tournament|funeral|wedding|conference|show|fair|court|doctor|dentist|hospital|clinic|"
    rf"recital|graduation|meeting|training|drill)\b"
    rf"|\b(?:busy|working|slammed|on shift|on call|on a \d+)(?: \w+){{0,2}} (?:starting|from|beginning) {_DAY}\b"
    # "he's at the range wednesday and thursday", "im on calls all day wednesday": somewhere they work those days
    rf"|\b(?:i'm|im|i am|we're|were|we are|he's|hes|he is|she's|shes|she is|they're|i'll be|we'll be|he'll be|"
    rf"she'll be) (?:at|on|in) (?:the |a |an |my |his |her |our )?(?:\w+ )?(?:range|field|plant|rig|hospital|base|"
    rf"site|job|training|drill|calls|shift|meetings|class|court|conference|road|work)(?: all day)?,? (?:on )?{_DAY}"
    rf"|\b(?:can't|cannot|can not|won't be able to) (?:do |make it |meet |talk )?(?:on )?{_DAY}\b"
    # "wednesday no can, i work", "thursday i can't": the day, then the can't (not "can't do mornings")
    rf"|\b{_DAY},? (?:i |we |she |he |mi )?(?:can't|cannot|can not|no can|couldn't)\b(?! (?:wait|believe|complain|"
    rf"(?:do |make |meet )?(?:in the )?(?:mornings?|afternoons?|evenings?|nights?|early|late|before|after|until|till|"
    rf"til)\b))"
    # a day they have something else on ("wednesday's my dentist appointment", "I have class on thursday")
    rf"|\b{_DAY}(?: is|'s| that's| thats| that is| is when| i have| we have| i got| i've got)"
    rf"(?: my| our| the| a| an)? (?:\w+ ){{0,2}}(?:appointment|shift|class|"
    rf"meeting|surgery|game|practice|dialysis|treatment|checkup|visit)\b"
    rf"|\b(?:i|we) (?:have|got|'ve got) (?:a |an |my |our )?(?:\w+ ){{0,2}}(?:appointment|shift|class|meeting|"
    rf"surgery|treatment|checkup) (?:on )?{_DAY}\b"
    # "thursday i got a doctor thing", "he's got drill friday": whatever they have on the day takes it (not time,
    # a day off or a free morning: "friday i got time after two", "i got nothing friday")
    rf"|(?P<has>\b{_DAY},? (?:i|we|he|she|they)(?: have| has|'ve got|'s got| got| have got| has got) {_HAVE_ON}\w+)"
    # "wednesday and thursday i work": working those days (not "friday i work till 3", a time after it)
    rf"|\b{_DAY}(?: (?:and|&|or) {_DAY})?,? (?:i|we|he|she) (?:work|works|am working|'m working|'re working)\b"
    rf"{_NOT_A_SPAN}"  # ("saturday, i work weekdays": saturday is asked for)
    # ("can we do saturday i work the line at nissan all week": the week is worked, saturday asked for)
    r"(?!(?: [\w']+){0,6}? (?:all week|during the week|through the week|weekdays|the whole week|monday (?:to|through|"
    r"thru) friday)\b)"
    # ("saturday, i work monday to friday"; but "wednesday i work, friday is ok": friday is not worked)
    rf"(?! (?:mon|tues|wed|thurs|fri|monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?\b"
    rf"(?! is| 's|'s| works| would| could| should| ok| okay| good| better| fine| then))"
    # "my husband works monday to friday, saturday morning is better": the days worked, a span of them
    rf"|\b(?:i|we|he|she|they|(?:my|our) \w+) (?:work|works|am working|'m working|is working|'s working|are working|"
    rf"'re working)(?: on)? {_DAY} (?:to|through|thru|till|until|-) {_DAY}\b(?= ?,? (?:but |so )?{_DAY})"
    # "my husband works fridays", "i work saturday": the day worked (not "works friday till 3", "friday nights")
    rf"|\b(?:i|we|he|she|they|(?:my|our) \w+) (?:work|works|am working|'m working|is working|'s working|"
    rf"are working|'re working)(?: on)? {_DAY}\b{_NOT_A_SPAN}"
    rf"|(?P<got>\b(?:i|we|he|she|they|(?:my|our) \w+)(?:'s|'ve| has| have)? got {_HAVE_ON}"
    rf"(?:(?!{_DAY}\b)[\w']+ ){{1,2}}(?:on )?{_DAY}\b)"
    # "mondays i got the co op board", "tuesdays we have church": a weekday they are always taken
    rf"|\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s (?:i|we) (?:have|got|'ve got|work|do) "
    rf"(?!time|off|free|nothing|no\b|an? (?:opening|gap|window|slot)|some time|all day|availability|open))"
    # "i can't do today or thursday": a second day joined to the first
    rf"(?:\s+(?:or|and|nor)\s+{_DAY}\b)?")


# busy said of a period before it ("weekdays i'm busy saturday works"): not of the day after it
BUSY_THEN = re.compile(r"\b(?:weekdays|weeknights|during the week|mornings|afternoons|evenings|nights|all week|"
                       r"(?:mon|tues|wednes|thurs|fri)days) (?:i'm|we're|i am|we are|i'm pretty|we're pretty) busy\b")


# a day of the month ruled out: "except the 17th", "not on the 3rd", "the 9th is no good"
_DATE_OUT = re.compile(r"\b(?:not|except|but not|other than|besides|aside from|anything but|any day but|but) (?:on )?"
                       r"the (\d{1,2})(?:st|nd|rd|th)\b|\bthe (\d{1,2})(?:st|nd|rd|th)(?: is|'s)? (?:no good|bad|out|"
                       r"booked|full|not good)\b")
# the weekend ruled out: "not this weekend", "any day but the weekend", "this weekend's no good"
_THIS_WEEKEND_OUT = re.compile(r"\b(?:not|except|but|other than|not on) (?:this (?:coming )?|the )weekends?\b|"
                               r"\b(?:but|except) weekends\b|"
                               r"\bthis weekend(?:'s|s| is)? (?:no good|bad|out|full|booked|busy)\b")


# a time said just before a day: "after 5 tomorrow" proposes the day, whatever they have on it
_TIME_BEFORE = re.compile(r"\b(?:at|after|before|around|by|till|until|til|past|from) [\w:]+(?: ?[ap]m)?\s*$|"
                          r"\b(?:morning|afternoon|evening|noon|lunch|o'clock|oclock)\s*$")
_DAY_BEFORE = re.compile(rf"\b{_DAY},?\s*$")


_DAY_WORD = re.compile(rf"\b(?:{'|'.join(d for d in _WEEKDAYS if d.endswith('day'))}|today|tomorrow)\b")


# a time or a date right after a day: "wednesday the 25th after 1", "thursday in the afternoon"
_TIME_AFTER_DAY = re.compile(r"^,? (?:the \d{1,2}(?:st|nd|rd|th)\b|(?:in the |at |around |after |before |from |"
                             r"between )?(?:morning|afternoon|evening)|(?:at|after|around|before|from|between) "
                             r"(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon))")


def _ruled_out(text: str) -> list[re.Match]:
    then = BUSY_THEN.search(text)
    found = list(_RULED_OUT.finditer(text))

    def kept(m: re.Match) -> bool:
        # "tomorrow's no good we got a funeral, thursday in the afternoon after 1": what they have is the reason
        # for the day ruled out before it; the day after it, with a time, is the one they ask for
        if m.group("got") and _TIME_AFTER_DAY.search(text[m.end():]) \
                and (any(other.end() <= m.start() for other in found) or _NOT_THIS_ONE.search(text[:m.start()])):
            return False  # (or "saturdays, but not this one, we got a funeral, next saturday the 14th")
        if then and then.start() < m.start() < then.end():
            return False  # "weekdays i'm busy saturday between 12 and 2": saturday is the one that suits
        if m.group("has") and _TIME_BEFORE.search(text[:m.start()]):
            return False  # "can we do after 5 tomorrow, i have interviews all day": tomorrow after 5 is asked for
        # "anything but monday i got the dentist, tuesday at 2:30": the dentist is monday's
        if m.group("got") and _DAY_BEFORE.search(text[:m.start()]):
            return False
        # "i got my ob appointment thursday at one thirty so thursday after three": the day said again after "so"
        # is the day they propose, at another time
        return not any(re.search(rf"\b(?:so|then)\b(?: \w+){{0,3}}? {day}\b", text[m.end():])
                       for day in _DAY_WORD.findall(m.group(0)))

    return [m for m in found if kept(m)]


def ruled_out_days(text: str, now: dt.datetime) -> list[dt.date]:
    """The days the lead said they cannot do ("not Thursday", "Friday doesn't work", "I can't do tomorrow"), each
    the day a plain mention would mean (the conventions above); "not this weekend" both days of it."""
    days: list[dt.date] = []
    today = now.date()
    if _THIS_WEEKEND_OUT.search(text):
        saturday = _monday(today) + dt.timedelta(days=5)
        days += [day for day in (saturday, saturday + dt.timedelta(days=1)) if day >= today]
    for m in _DATE_OUT.finditer(text):  # "any day's fine except the 17th"
        if (day := _next_date(today, None, int(m.group(1) or m.group(2)))) and day not in days:
            days.append(day)
    for m in _HOLIDAY_OUT.finditer(text):  # "anytime except st paddy's day, i'm bartending"
        if (day := next_holiday(m.group(1), today)) not in days:
            days.append(day)
    for m in _ruled_out(text):
        for named in re.finditer(_DAY, m.group(0)):  # each day the match names ("today or thursday": both)
            nearness, which = named.group(1) or "", named.group(2)
            if not nearness and re.search(r"\bnext week\b", text[:m.start()]):
                nearness = "next"  # "any day next week but wednesday": next week's
            if which == "today":
                day = today
            elif which == "tomorrow":
                day = today + dt.timedelta(days=1)
            else:
                ahead = (_WEEKDAYS[which] - today.weekday()) % 7 or 7
                day = today + dt.timedelta(days=ahead)
                if nearness == "next":
                    day = _monday(today) + dt.timedelta(days=7 + _WEEKDAYS[which])
                elif ahead == 7 and today not in days and "next week" not in m.group(0):
                    days.append(today)  # "any day but wednesday" said on a wednesday: not today either
            if day not in days:
                days.append(day)
    return days


# a part of the day or a limit ruled out ("not mornings", "not before ten") stays
_INSTEAD_OF = re.compile(r"\b(?:instead of|rather than|not) (?:the )?(?!(?:in the )?(?:mornings?|afternoons?|evenings?|"
                         r"nights?|before|after|until|till|til|earlier|later|past)\b)"
                         r"[\w:]+(?: [\w:]+)?(?: (?:am|pm|one))?$")


def without_ruled_out(text: str) -> str:
    """The text with the days ruled out (and a time "instead of" which) taken away, so that what is left names
    the time that suits: "can we make it three instead of two thirty" → three; "any day next week but wednesday"
    → next week."""
    def keep_week(m: re.Match) -> str:  # and the part of the day: "any morning but wednesday" → any morning
        kept = [found.group(0) for found in (re.search(r"\bany (?:mornings?|afternoons?|evenings?|day)\b", m.group(0)),
                                             re.search(r"\b(?:next|this) week\b", m.group(0))) if found]
        return f" {' '.join(kept)} " if kept else " "

    # "tomorrow's no good, the day after": after tomorrow ("the day after, after lunch" reaches us with one "after")
    text = _BARE_DAY_AFTER.sub(lambda m: f"{m.group(1)} tomorrow{' after' if m.group(2) else ''}", text)
    if _NOT_THIS_ONE.search(text):
        return text  # "not this saturday, the next one": the day they rule out names the one they want
    for m in reversed(_ruled_out(text)):
        text = text[:m.start()] + keep_week(m) + text[m.end():]
    text = _THIS_WEEKEND_OUT.sub(" ", text)  # "any day but the weekend after four" → any day after four
    text = _NOT_TONIGHT.sub(" ", text)  # "not tonight, wednesday at noon": wednesday (the rest of today is not out)
    text = _DATE_OUT.sub(" ", text)
    return _INSTEAD_OF.sub(" ", text)


_NOT_TONIGHT = re.compile(r"\b(?:not|can't do|cannot do|no) tonight\b|\btonight(?:'s| is)? (?:no good|bad|out)\b")
_BARE_DAY_AFTER = re.compile(r"(\btomorrow(?:'?s)?\b(?:(?! or ).)*?\bthe day after)(?: that)?\b"
                             r"(?! tomorrow| next| \w+day)(?=( (?:lunch|noon|\d))?)")


def warm_up() -> None:
    """Load dateparser before the first call needs it (its first parse takes ~0.4 s): call at worker start."""
    import dateparser

    dateparser.parse("December 3 2026", languages=["en"])


def _fallback(text: str, now: dt.datetime) -> When | None:
    """dateparser, only for a date-like cue the rules did not resolve."""
    s = _PUNCTUATION.sub(" ", text.lower()).strip()
    if not _FALLBACK_CUE.search(s):
        return None
    import dateparser  # slow to import and to run: kept off the common path

    found = dateparser.parse(s, languages=["en"], settings={
        "RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False,
    })
    if found is None:
        return None
    moment = found.replace(tzinfo=now.tzinfo)
    if moment < now - dt.timedelta(days=1):
        return None
    if _EXACT_CUE.search(s):
        return When(moment, moment, True, words=s)
    return When(_at(now, moment.date(), _MIDNIGHT), _at(now, moment.date(), _DAY_END), False, words=s)
