"""Numbers and money as leads say them on the phone: spoken or written numbers to values, prices to dollars.

Input is a Whisper transcript (any casing, punctuation optional). `tokenize` splits it into lower-case
tokens; `scan_numbers` finds number phrases ("twenty five", "two and a half", "1.2 million", "four fifty");
`parse_number` and `parse_money` are the two entry points the agent uses.

Money conventions:
- An amount is money when it has a money cue of its own ("$", "k", "grand", "thousand", "million",
  "dollars") or when the price is what we are talking about (`expecting_price`, or a price word such as
  "budget", "afford", "spend", "price" in the utterance).
- Bare amounts in a price context are shorthand: under 10 means millions ("1.5" → 1,500,000), 10 to
  9,999 means thousands ("450", "four fifty" → 450,000). A figure "a month" / "per month" stays as said.
- Never money: phone numbers (7+ digits, or several numbers in a row), years (1900–2099 written as
  digits), counts of bedrooms, baths, months, people..., clock times (am/pm), street numbers.
- A range ("between 400 and 500 thousand", "three to four hundred thousand") gives (low, high); the low
  end borrows the high end's scale. "under 600k" gives (600000, None): the limit is the amount.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass


def _mark_ranges() -> str:
    """Every combining mark (Unicode category M) of the Basic Multilingual Plane, as a character class: the vowel
    signs of Hindi, Bengali, Gujarati or Khmer are part of their words ("ফোন" is one word, not "ফ ন")."""
    marks = [code for code in range(0x300, 0x10000) if unicodedata.category(chr(code)).startswith("M")]
    ranges, start = [], marks[0]
    for previous, code in zip(marks, [*marks[1:], None], strict=True):
        if code != previous + 1:
            ranges.append(f"{chr(start)}-{chr(previous)}" if previous > start else chr(start))
            start = code
    return "[" + "".join(ranges) + "]"


_LETTER = r"[^\W\d_]"
_LETTER_OR_MARK = rf"(?:{_LETTER}|{_mark_ranges()})"
_TOKEN = re.compile(
    r"\d{1,2}:\d{2}"  # clock time
    r"|\d{1,2}/\d{1,2}\b"  # month/day
    r"|\d{1,2}(?:st|nd|rd|th)\b"  # ordinal day
    r"|\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:(?:k|mm|m|mil)\b)?"  # 450 / $450,000 / 1.2m / 450k
    r"|\$?\.\d+"
    rf"|{_LETTER}{_LETTER_OR_MARK}*(?:'{_LETTER}{_LETTER_OR_MARK}*)*"  # words, keeping inner apostrophes (don't)
    r"|%"
)
_AMPM_AFTER_DIGIT = re.compile(r"(?<=\d)\s*([ap])\.?\s?m\b\.?")
_AMPM_DOTTED = re.compile(r"\b([ap])\.\s?m\.")
_DOLLAR_SPACE = re.compile(r"\$\s+(?=\d)")
_TOKEN_FIXES = {"o'clock": "oclock", "%": "percent", "'cause": "cause"}

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_SCALES = {"thousand": 1e3, "grand": 1e3, "k": 1e3, "million": 1e6, "mil": 1e6, "mill": 1e6, "billion": 1e9}
_DIGIT_SCALES = {"m": 1e6, "mm": 1e6}  # only right after a written number ("1.2 m")
_SUFFIX = {"k": 1e3, "m": 1e6, "mm": 1e6, "mil": 1e6}
_AFTER_A = {"hundred", "dozen", "thousand", "million", "mil", "billion", "grand"}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13, "fourteenth": 14,
             "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18, "nineteenth": 19,
             "twentieth": 20, "thirtieth": 30}
_DIGITS = re.compile(r"(\$?)((?:\d{1,3}(?:,\d{3})+|\d+)?(?:\.\d+)?)(k|mm|m|mil)?")
NUMBER_WORDS = frozenset(_UNITS) | frozenset(_TEENS) | frozenset(_TENS)
_FRACTIONS = {"half": 0.5, "quarter": 0.25}  # "two and a half", "two and a quarter"


def tokenize(text: str) -> list[str]:
    """Lower-case tokens of a transcript: words, numbers (with $ and k/m kept), clock times, ordinals."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = _AMPM_AFTER_DIGIT.sub(r" \1m", text)
    text = _AMPM_DOTTED.sub(r"\1m", text)
    text = _DOLLAR_SPACE.sub("$", text)
    return [_TOKEN_FIXES.get(t, t) for t in _TOKEN.findall(text)]


@dataclass
class NumberSpan:
    """A number phrase found in tokens[start:end]."""

    start: int
    end: int
    value: float
    scaled: bool = False  # said with thousand / million / k / grand
    multiplier: float = 1.0  # value / leading group: "four hundred thousand" → 100000 (for ranges)
    scale: float = 1.0  # the largest scale word said: thousand → 1000
    dollar: bool = False
    digits: str = ""  # the digit token as written, when the number was written in digits
    paired: bool = False  # said as two pairs, like a clock time or a shortened price ("three thirty", "four fifty")


def _digit_value(token: str) -> tuple[float, float, bool] | None:
    match = _DIGITS.fullmatch(token)
    if not match or not match.group(2) or match.group(2) == ".":
        return None
    return float(match.group(2).replace(",", "")), _SUFFIX.get(match.group(3) or "", 1.0), bool(match.group(1))


_ONE_DIGIT = re.compile(r"\d")


def _scan_at(tokens: list[str], i: int) -> NumberSpan | None:
    n = len(tokens)
    start, total, cur, last, lead, last_scale, end, top_scale = i, 0.0, 0.0, "", 0.0, 1.0, i, 1.0
    scaled = dollar = paired = False
    digits = ""
    while i < n:
        t = tokens[i]
        if t[0].isdigit() or t[0] in "$.":
            parsed = _digit_value(t)
            if parsed is None or last not in ("", "scale"):
                break
            value, suffix, has_dollar = parsed
            dollar, digits = dollar or has_dollar, digits or t
            if suffix > 1:
                lead = lead or value
                total, cur, last, last_scale, scaled = total + value * suffix, 0.0, "scale", suffix, True
                top_scale = max(top_scale, suffix)
            else:
                cur, last = value, "digit"
            i += 1
            end = i
            continue
        if t in ("a", "an"):
            if last == "" and i + 1 < n and tokens[i + 1] in _AFTER_A:
                cur, last, i = 1.0, "a", i + 1
                continue
            break
        if t == "half" and last == "" and i + 2 < n and tokens[i + 1] in ("a", "an") and tokens[i + 2] in _SCALES:
            cur, last, i = 0.5, "half", i + 2
            continue
        if t in _UNITS:
            if last not in ("", "tens", "hundred", "scale", "and"):
                break
            if last == "hundred" and tokens[i + 1:i + 3] in (["and", "a"], ["and", "an"]) and i + 3 < n \
                    and tokens[i + 3] in _FRACTIONS:
                break  # "three hundred, three and a quarter": 300, then 3.25 of the same scale
            if (paired or cur >= 100) and i + 1 < n and tokens[i + 1] == "hundred":
                break  # "three fifty four hundred", "three hundred four hundred": two figures, never one
            if last == "hundred" and i + 1 < n and (tokens[i + 1] in _TENS or tokens[i + 1] in _TEENS):
                break  # "four hundred four fifty": 400, then 450
            if paired and i + 1 < n and (tokens[i + 1] in _TENS or tokens[i + 1] in _TEENS):
                break  # "three fifty three seventy five": 350, then 375
            cur, last = cur + _UNITS[t], "unit"
        elif t in _TEENS or t in _TENS:
            value = _TEENS.get(t) or _TENS[t]
            if last in ("", "hundred", "scale", "and"):
                cur += value
            elif (last in ("unit", "teen") or last == "digit" and cur < 10) and 0 < cur < 100:
                # "four fifty" → 450, "ten fifteen" → 1015, "3 eighty" (speech-to-text mixes the two) → 380
                cur, paired = cur * 100 + value, True
            else:
                break
            last = "teen" if t in _TEENS else "tens"
        elif t == "hundred":
            if last == "" and (i + 1 >= n or tokens[i + 1] not in ("percent", "dollars", "dollar", "bucks")):
                cur, last, i, end = 100.0, "hundred", i + 1, i + 1  # "hundred ninety" as in "hundred eighty,
                continue                                             # hundred ninety": a hundred and ninety
            if last not in ("unit", "teen", "tens", "a", "digit") or cur <= 0 or cur >= 100:
                break  # "a hundred eighty hundred ninety": 180, then 190
            lead = lead or cur
            cur, last = cur * 100, "hundred"
        elif t in _SCALES or (t in _DIGIT_SCALES and last == "digit"):
            if last in ("", "and", "scale"):
                break
            scale = _SCALES.get(t) or _DIGIT_SCALES[t]
            lead = lead or cur or 1.0
            total, cur, last, last_scale, scaled = total + (cur or 1.0) * scale, 0.0, "scale", scale, True
            top_scale = max(top_scale, scale)
        elif t == "dozen" and last in ("unit", "teen", "tens", "a", "digit"):
            cur, last = (cur or 1.0) * 12, "dozen"
        elif t == "and" and last in ("unit", "teen", "tens", "digit", "scale", "hundred", "dozen"):
            if i + 2 < n and tokens[i + 1] in ("a", "an") and tokens[i + 2] in _FRACTIONS:
                part = _FRACTIONS[tokens[i + 2]]
                if last == "scale":
                    total += part * last_scale
                else:
                    cur += part
                last, i = "halfdone", i + 3
                end = i
                continue
            if last in ("hundred", "scale") and _and_continues(tokens, i + 1):
                last, i = "and", i + 1
                continue
            break
        elif t == "point" and last in ("unit", "teen", "tens", "digit") and i + 1 < n and (
                tokens[i + 1] in _UNITS or _ONE_DIGIT.fullmatch(tokens[i + 1])):  # "one point two", "1 point 2"
            i += 1
            decimals = ""
            while i < n and (tokens[i] in _UNITS or _ONE_DIGIT.fullmatch(tokens[i])) \
                    and not (i + 1 < n and tokens[i + 1] == "point"):
                decimals += str(_UNITS.get(tokens[i], tokens[i]))
                i += 1
            cur += float("0." + decimals)
            last, end = "halfdone", i
            continue
        else:
            break
        i += 1
        end = i
    if end == start or last in ("a", "and"):
        return None
    value = total + cur
    multiplier = value / lead if lead else 1.0
    return NumberSpan(start, end, value, scaled=scaled, multiplier=multiplier, scale=top_scale, dollar=dollar,
                      digits=digits, paired=paired and not scaled)


def _and_continues(tokens: list[str], i: int) -> bool:
    """'four hundred and fifty' continues a number; 'four hundred and five hundred' starts another, and so does a
    count of rooms ("400 thousand and three bedrooms": 400,000, then 3 bedrooms)."""
    j = i
    while j < len(tokens) and tokens[j] in NUMBER_WORDS:
        j += 1
    if j == i + 1 and j < len(tokens) and tokens[i] in _UNITS and tokens[j] in _ROOMS:
        return False
    return j > i and (j == len(tokens) or tokens[j] != "hundred")


_ROOMS = {"bedroom", "bedrooms", "bed", "beds", "bath", "baths", "bathroom", "bathrooms", "br", "bd", "kids",
          "children"}


def scan_numbers(tokens: list[str]) -> list[NumberSpan]:
    spans: list[NumberSpan] = []
    i = 0
    while i < len(tokens):
        span = _scan_at(tokens, i)
        if span:
            spans.append(span)
            i = span.end
        else:
            i += 1
    return spans


def parse_number(text: str) -> float | None:
    """The first number said in `text`: "three" → 3, "twenty five" → 25, "two and a half" → 2.5, "a dozen" → 12."""
    spans = scan_numbers(tokenize(text))
    return spans[0].value if spans else None


def _format(span: NumberSpan) -> str:
    value = span.value
    if span.paired and value == int(value) and value < 2400 and value % 100 < 60:
        return f"{int(value) // 100}:{int(value) % 100:02d}"  # "three thirty" → 3:30
    return str(int(value)) if value == int(value) else f"{value:g}"


def digitize(tokens: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """Tokens with number phrases written as digits and ordinals as "<n>th", and where each came from.

    Pairs read like a clock become clock times: "three thirty tomorrow" → ["3:30", "tomorrow"];
    "the twenty first" → ["the", "21th"]. The second list gives, for each output token, the (start, end)
    slice of input tokens it replaces.
    """
    spans = {span.start: span for span in scan_numbers(tokens)}
    out: list[str] = []
    source: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        span = spans.get(i)
        if span:
            nxt = tokens[span.end] if span.end < len(tokens) else ""
            if span.value in (20, 30) and _ORDINALS.get(nxt, 0) < 10 and nxt in _ORDINALS:  # "twenty first"
                out.append(f"{int(span.value) + _ORDINALS[nxt]}th")
                source.append((i, span.end + 1))
                i = span.end + 1
                continue
            out.append(span.digits if span.digits and span.end - span.start == 1 else _format(span))
            source.append((i, span.end))
            i = span.end
            continue
        t = tokens[i]
        out.append(f"{_ORDINALS[t]}th" if t in _ORDINALS else t)
        source.append((i, i + 1))
        i += 1
    return out, source


class DigitText:
    """Tokens digitized (see `digitize`) and joined into one string, with a way back to the lead's words."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        digits, self.source = digitize(tokens)
        self.offsets: list[int] = []
        pos = 0
        for token in digits:
            self.offsets.append(pos)
            pos += len(token) + 1
        self.s = " ".join(digits)

    def words(self, start: int, end: int) -> str:
        """The lead's words behind self.s[start:end]."""
        first = max(bisect.bisect_right(self.offsets, start) - 1, 0)
        last = max(bisect.bisect_left(self.offsets, end) - 1, first)
        return " ".join(self.tokens[self.source[first][0]:self.source[last][1]])


# --- money -------------------------------------------------------------------------------------------------

_PRICE_CUES = {"budget", "budgeted", "price", "priced", "pricing", "afford", "spend", "spending", "pay", "paying",
               "cost", "costs", "range", "worth", "value", "valued", "asking", "approved", "offer", "loan",
               "dollars", "bucks", "max", "maximum", "tops", "preapproved", "prequalified", "qualified", "mortgage"}
# "ninety days tops", "three bedrooms tops": a ceiling on what is counted, not on money
_COUNTED = {"day", "days", "week", "weeks", "month", "months", "year", "years", "minute", "minutes", "hour", "hours",
            "bedroom", "bedrooms", "beds", "baths", "bathrooms", "acres", "miles", "kids", "people"}
# a seller's price said as what they do with the house: "drop it to five ninety nine", "listed it at 4 50",
# "tried selling it ourselves at 5 25"
_PRICE_PHRASE = re.compile(r"\b(?:drop|dropped|lower|lowered|reduce|reduced|cut) (?:it|the price|our price|the "
                           r"asking) (?:down )?to\b|"
                           r"\b(?:sell|selling|sold|list|listing|listed|put|had) it (?:\w+ ){0,3}?(?:up )?(?:at|for)\b")
# words that make the number right after them a price when it looks like one (100 to 9,999): "under 600"
_LIMIT_CUES = {"under", "below", "around", "about", "max", "maximum", "upto", "tops", "than", "roughly",
               "approximately", "something"}
_MONEY_AFTER = {"dollars", "dollar", "bucks"}
_PAY_TIMES = {"week", "weeks", "day", "days", "period", "periods", "check", "checks", "cycle"}  # "on a pay week"
_NOT_MONEY_AFTER = {
    "bed", "beds", "bedroom", "bedrooms", "br", "bd", "bdr", "bath", "baths", "bathroom", "bathrooms", "ba",
    "month", "months", "year", "years", "yr", "yrs", "week", "weeks", "day", "days", "hour", "hours", "minute",
    "minutes", "min", "mins", "kid", "kids", "children", "people", "person", "percent", "am", "pm", "oclock",
    "acre", "acres", "sq", "square", "foot", "feet", "ft", "car", "cars", "garage", "story", "stories", "floor",
    "floors", "times", "dog", "dogs", "cat", "cats", "mile", "miles", "st", "nd", "rd", "th", "of", "units",
    "unit", "doors", "homes", "houses", "properties", "exchange", "family", "families",  # "a two family": a house
    "figures", "figure", "digits",  # "six figures": anywhere from 100,000 to 999,999, no price of theirs
}
# a figure just after these is a rate ("wait till rates drop under six"), not a price
_RATE_WORDS = {"rate", "rates", "interest", "apr", "percent", "points"}
_STREET_WORDS = {"street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard", "blvd",
                 "court", "ct", "circle", "cir", "parkway", "pkwy", "highway", "hwy", "trail", "terrace"}
_PERIODS = {"month", "year", "week"}
# A day, a part of one or the end of a working day just before a figure makes it a time: "could we do friday around
# three thirty".
_DAY_WORDS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today", "tomorrow",
              "tonight"}
_TIME_WORDS = _DAY_WORDS | {
    "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays",
    "morning", "mornings", "afternoon", "afternoons", "evening", "evenings", "noon", "lunch", "oclock",
    # being somewhere until a time: "she gets off work at five", "i'm free after four"
    "off", "free", "done", "work", "shift", "available", "class", "school"}
_RANGE_WORDS = {"to", "or", "through", "thru", "till", "until"}


@dataclass
class Money:
    amount: int
    high: int | None
    start: int  # token slice the amount was said in
    end: int


def _is_explicit(span: NumberSpan, tokens: list[str]) -> bool:
    nxt = tokens[span.end] if span.end < len(tokens) else ""
    return span.dollar or span.scaled or nxt in _MONEY_AFTER


_SAYING = {"say", "said", "says", "tell", "told", "think", "thought", "keep", "reckon", "figure"}
_AGE_BEFORE = {"i'm", "im", "he's", "she's", "aged", "age", "turning", "turned"}


def _never_money(span: NumberSpan, tokens: list[str], spans_at: dict[int, NumberSpan]) -> bool:
    nxt = tokens[span.end] if span.end < len(tokens) else ""
    digits = span.digits.replace(",", "").lstrip("$")
    # (but "four hundred, people say it's worth more": people who say, not four hundred of them)
    said_by = nxt == "people" and span.end + 1 < len(tokens) and tokens[span.end + 1] in _SAYING
    if nxt in _NOT_MONEY_AFTER and not said_by or span.end in spans_at:  # a count, a time, digits one by one
        return True
    if not (span.dollar or span.scaled) and _after_a_day(tokens, span.start):
        return True  # "friday around three thirty", "tomorrow at like four": a time of day
    if not (span.dollar or span.scaled) and _RATE_WORDS & set(tokens[max(0, span.start - 4):span.start]):
        return True
    if any(end == span.start for end in (s.end for s in spans_at.values())):
        return True
    if span.start and tokens[span.start - 1] in ("oh", "o") and span.value < 10:
        return True  # "in oh nine": a year, or digits of a ZIP or phone read out
    if not (span.dollar or span.scaled) and span.start and tokens[span.start - 1] in ("section", "chapter", "form"):
        return True  # "the section 184 loan", "chapter 13": a program's or a law's number
    if not (span.dollar or span.scaled) and span.start and tokens[span.start - 1] in _AGE_BEFORE \
            and span.value < 120 and nxt != "k":
        return True  # "two hunnid for a condo, i'm 23": an age
    if digits.isdigit() and not span.dollar and "," not in span.digits:
        if len(digits) >= 7:  # a phone number
            return True
        if len(digits) == 4 and 1900 <= int(digits) <= 2099:  # a year
            return True
    return not (span.dollar or span.scaled) and any(_street_word(tokens, i) for i in range(span.end, span.end + 3))


def _street_word(tokens: list[str], i: int) -> bool:
    """tokens[i] ends a street's name ("1120 birch st"); "st" before a name is Saint ("once st cloud sells")."""
    if i >= len(tokens) or tokens[i] not in _STREET_WORDS:
        return False
    return not (tokens[i] == "st" and i + 1 < len(tokens) and tokens[i + 1] not in ("and", "or", "in", "so", "but"))


_TIME_LINKS = {"around", "about", "at", "like", "maybe", "say", "by", "after", "before", "until", "till", "um",
               "uh", "or", "ish"}


def _after_a_day(tokens: list[str], start: int) -> bool:
    """A day or part of one just before `start`, with at most a few linking words between."""
    at = start - 1
    while at >= 0 and start - at <= 3 and tokens[at] in _TIME_LINKS:
        at -= 1
    return at >= 0 and tokens[at] in _TIME_WORDS


_CLOCK_LINKS = {"after", "before", "till", "until", "past"}


def _a_clock(span: NumberSpan, tokens: list[str]) -> bool:
    """A small figure after "after", "before", "till" ("friday the twentieth after two"), or after "at" in a sentence
    that names a day: a clock, whatever else the sentence says of money."""
    before = tokens[span.start - 1] if span.start else ""
    return span.value <= 12 and (before in _CLOCK_LINKS
                                 or before == "at" and bool(set(tokens) & (_DAY_WORDS | {"weekend"})))


def _limit_cued(span: NumberSpan, tokens: list[str]) -> bool:
    """"something around 350", "no more than 600": a limit word before a price-sized number."""
    before = tokens[max(0, span.start - 2):span.start]
    return 100 <= span.value < 10_000 and any(t in _LIMIT_CUES for t in before)


def _per_period(span: NumberSpan, tokens: list[str]) -> bool:
    after = tokens[span.end:span.end + 2]
    return (len(after) == 2 and after[0] in ("a", "per") and after[1] in _PERIODS) or after[:1] == ["monthly"]


def _shorthand(value: float, decimal: bool = False) -> float:
    """A bare price said in a price context: "1.5" → 1.5 million, "450" → 450 thousand. A whole figure from two
    to nine ("if I could get four", "four and a quarter") is in hundreds of thousands, where most homes are
    priced and where people drop the "hundred"; one, or a figure said with a decimal point ("two point five"),
    is in millions."""
    if value < 10:
        return value * 1e5 if value >= 2 and not decimal else value * 1e6
    if value < 10_000:
        return value * 1e3
    return value


def _decimal(span: NumberSpan, tokens: list[str]) -> bool:
    return "." in span.digits or "point" in tokens[span.start:span.end]


def _range_end(tokens: list[str], span: NumberSpan, spans_at: dict[int, NumberSpan]) -> NumberSpan | None:
    if span.end >= len(tokens):
        return None
    word = tokens[span.end]
    between = any(t in ("between", "from") for t in tokens[max(0, span.start - 2):span.start])
    if word == "maybe" and (high := spans_at.get(span.end + 1)) is not None and _is_explicit(high, tokens):
        return high  # "hopin 900 maybe a million": the bare figure in the scale of the one said in full
    if word in _RANGE_WORDS or (word == "and" and between):
        at = span.end + 1
        while at < len(tokens) and tokens[at] in _RANGE_FILLERS:  # "seven fifty to like 850"
            at += 1
        return spans_at.get(at)
    return None


_RANGE_FILLERS = {"like", "about", "around", "maybe", "uh", "um", "say", "probably", "possibly"}


def find_money(tokens: list[str], *, expecting_price: bool = False) -> Money | None:
    """The first amount of money said in `tokens` (see the module conventions)."""
    amounts = all_money(tokens, expecting_price=expecting_price)
    return amounts[0] if amounts else None


def all_money(tokens: list[str], *, expecting_price: bool = False, expecting_time: bool = False) -> list[Money]:
    """Every amount of money said in `tokens`, in order (see the module conventions). `expecting_time`: the lead
    was asked for a time, so "around three thirty" is a clock unless a price word or a unit says money."""
    tokens = _money_idioms(tokens)
    spans = scan_numbers(tokens)
    if not spans:
        return []
    # a figure said twice, unless more digits follow ("555 555 1234", "five five five one two": a phone)
    repeated = [b for a, b in zip(spans, spans[1:], strict=False) if a.end == b.start and a.value == b.value
                and tokens[a.start:a.end] == tokens[b.start:b.end] and len(b.digits.replace(",", "")) < 7
                and not (b.end < len(tokens) and (tokens[b.end][:1].isdigit() or tokens[b.end] in _UNITS))]
    if repeated:  # "three fifty three fifty tops": a figure said twice is said once (its words held in place)
        tokens = [_HELD if any(r.start <= i < r.end for r in repeated) else t for i, t in enumerate(tokens)]
        spans = [span for span in spans if span not in repeated]
    price_context = expecting_price or any(t.removesuffix("'s") in _PRICE_CUES and not (
        t == "pay" and i + 1 < len(tokens) and tokens[i + 1] in _PAY_TIMES) and not (
        t == "tops" and i and tokens[i - 1] in _COUNTED) for i, t in enumerate(tokens)) \
        or bool(_PRICE_PHRASE.search(" ".join(tokens)))
    if price_context and (said_in_digits := _millions_digit_by_digit(tokens)) != tokens:
        tokens, spans = said_in_digits, scan_numbers(said_in_digits)
    if price_context and not expecting_time and (with_oh := _hundreds_with_oh(tokens)) != tokens:
        tokens, spans = with_oh, scan_numbers(with_oh)
    spans_at = {span.start: span for span in spans}
    skip_until = -1
    found: list[Money] = []
    bare_units: list[Money] = []  # figures under ten read as millions ("about one", "1.5": 1,500,000)
    bare_digits: list[Money] = []  # whole figures from two to nine, read in hundreds of thousands ("four")
    for span in spans:
        if span.start < skip_until:
            continue
        high_span = _range_end(tokens, span, spans_at)
        adjacent = high_span is None and _spoken_pair(span, spans_at.get(span.end), price_context)
        if adjacent:  # "three fifty four hundred tops": two prices said back to back are a range
            high_span = spans_at[span.end]
        if high_span is not None:
            money = _money_range(span, high_span, tokens, spans_at, price_context, adjacent=adjacent)
            if money:
                found.append(money)
            skip_until = high_span.end
            continue
        if _never_money(span, tokens, spans_at) or _spoken_year(span, tokens) or _pronoun_one(span, tokens):
            continue
        explicit = _is_explicit(span, tokens)
        if not explicit and not (price_context or (_limit_cued(span, tokens) and not expecting_time)):
            continue
        if not explicit and not expecting_price and _a_clock(span, tokens):
            continue
        value = span.value if explicit or _per_period(span, tokens) else _shorthand(span.value, _decimal(span, tokens))
        end = span.end + 1 if span.end < len(tokens) and tokens[span.end] in _MONEY_AFTER else span.end
        while end < len(tokens) and tokens[end] == _HELD:
            end += 1  # the place an idiom kept for a word it folded in ("4 50": 450): the figure's own words
        found.append(Money(int(round(value)), None, span.start, end))
        if not explicit and value >= 1e6 and span.value < 10:
            bare_units.append(found[-1])
        elif not explicit and 2 <= span.value < 10 and span.value == int(span.value):
            bare_digits.append(found[-1])
    return _in_scale_of_the_others(found, bare_units, bare_digits)


def _in_scale_of_the_others(found: list[Money], bare_units: list[Money], bare_digits: list[Money]) -> list[Money]:
    """A figure under ten takes the scale of the others said with it. "Three forty, maybe 3.5": beside prices in
    the hundreds of thousands, 350,000, not millions. "Two point eight, my husband says three": a whole figure
    from two to nine beside one in millions is in millions too (3,000,000), not hundreds of thousands."""
    if bare_units and any(100_000 <= m.amount < 1_000_000 for m in found if m not in bare_units + bare_digits):
        for money in bare_units:
            money.amount //= 10
    elif bare_units and bare_digits:
        for money in bare_digits:
            money.amount *= 10
    return found


# "low four hundreds" starts at 400,000 (the low end is what it says), "mid" is the middle, "high" the top quarter
_HUNDREDS = {"low": 0, "lower": 0, "mid": 50_000, "middle": 50_000, "high": 75_000, "upper": 75_000}


# "the low fours": a price band in hundreds of thousands, named by its first digit
_UNITS_SAID_AS_HUNDREDS = {"twos": 2, "threes": 3, "fours": 4, "fives": 5, "sixes": 6, "sevens": 7, "eights": 8,
                           "nines": 9}

_MILLIONS = ("million", "mil", "mill")
_HELD = "uh"  # a filler the agent's tokens never hold (they are dropped before): keeps a folded word's place


def _money_idioms(tokens: list[str]) -> list[str]:
    """Ways of saying a price that no number grammar reads: "mid six hundreds" → 650000 (the token count kept
    so spans still point at the lead's words), "a million two" → 1200000."""
    out = list(tokens)
    folded_until = 0  # a band's words, rewritten whole, are not read again ("low to mid threes": not "mid threes")
    for i, word in enumerate(tokens):
        if i < folded_until:
            continue
        nxt = tokens[i + 1:i + 3]
        folded = bool(i) and out[i - 1] != tokens[i - 1]  # the word before is already part of a figure rewritten
        band = tokens[i + 3:i + 5] if len(nxt) == 2 and nxt[0] == "to" and nxt[1] in _HUNDREDS else []
        if word in _HUNDREDS and band and (band[0] in _UNITS_SAID_AS_HUNDREDS or band[0] in _UNITS and band[1:] in (
                ["hundreds"], ["hundred's"])):  # "low to mid threes", "mid to high four hundreds": both ends
            base = 100 * (_UNITS_SAID_AS_HUNDREDS.get(band[0]) or _UNITS[band[0]])
            ends = [str(base + _HUNDREDS[word] // 1000), "to", str(base + _HUNDREDS[nxt[1]] // 1000), "thousand"]
            folded_until = i + 4 + (band[0] in _UNITS)
            out[i:folded_until] = ends + ["dollars"] * (band[0] in _UNITS)
        elif word in _HUNDREDS and len(nxt) == 2 and nxt[0] in _UNITS and nxt[1] in ("hundreds", "hundred's"):
            out[i:i + 3] = [str(_UNITS[nxt[0]] * 100 + _HUNDREDS[word] // 1000), "thousand", "dollars"]
        elif word in _HUNDREDS and nxt and nxt[0] in _UNITS_SAID_AS_HUNDREDS:  # "mid threes to low fours"
            out[i:i + 2] = [str(_UNITS_SAID_AS_HUNDREDS[nxt[0]] * 100 + _HUNDREDS[word] // 1000), "thousand"]
        elif word == "one" and nxt and nxt[0] in _UNITS and set(_MILLIONS) & set(tokens[max(0, i - 4):i]) \
                and (len(tokens) == i + 2 or tokens[i + 2] not in _SCALES and tokens[i + 2] != "hundred"):
            out[i:i + 2] = [f"1.{_UNITS[nxt[0]]}", "million"]  # "a million, maybe one one": 1,100,000
        elif word in _MILLIONS and i and tokens[i - 1] in ("a", "one") and len(nxt) == 2 and nxt[0] in _UNITS \
                and nxt[1] in _TENS:  # "a million two fifty", "a mil two fifty": 1,250,000
            thousands = _UNITS[nxt[0]] * 100 + _TENS[nxt[1]]
            out[i - 1:i + 3] = [f"1.{thousands:03d}", "million", "dollars", _HELD]
        elif word in _MILLIONS and i and (tokens[i - 1] in ("a", "one") or tokens[i - 1] in _UNITS and folded) \
                and nxt and nxt[0] in _UNITS \
                and (len(tokens) == i + 2 or tokens[i + 2] not in ("hundred", "thousand", "dollars")):
            if folded:  # "a million one million two", "a million three million four": that unit ended the first
                out[i:i + 2] = [f"1.{_UNITS[nxt[0]]}", "million"]
            else:
                out[i - 1:i + 2] = [f"1.{_UNITS[nxt[0]]}", "million", "dollars"]
        elif word == "quarter" and i and tokens[i - 1] == "a" and (n := _quarter_million(tokens, i)):
            out[i - 1:i + n] = ["250", "thousand", "dollars"] + [_HELD] * (n - 2)  # "a quarter (of a) mil"
        elif re.fullmatch(r"[1-9]", word) and nxt and not (i and tokens[i - 1][:1].isdigit() and out[i - 1] != _HELD):
            after = tokens[i + 3] if i + 3 < len(tokens) else ""
            # digits running on are a phone number, unless they are the next pair of a range ("2 80 2 90")
            runs_on = len(nxt) == 2 and nxt[1][:1].isdigit() and not (
                re.fullmatch(r"[1-9]", nxt[1]) and (re.fullmatch(r"[1-9]\d", after) or after in ("hundred", "hundreds"))
            )
            if re.fullmatch(r"[1-9]\dk?", nxt[0]) and not runs_on:
                out[i:i + 2] = [word + nxt[0], _HELD]  # "4 50 max", "4 50k": "four fifty (k)" as written
            elif len(nxt) == 2 and nxt[0] == str(int(word) + 1) and nxt[1] in ("hundred", "hundreds"):
                out[i:i + 3] = [f"{word}00", "to", f"{nxt[0]}00"]  # "5-6 hundred" (tokens 5 6 hundred): 500 to 600
        elif word in _TENS and len(nxt) == 2 and nxt[0] in _TENS and _TENS[nxt[0]] == _TENS[word] + 10 \
                and nxt[1] in ("grand", "thousand", "k") and (not i or tokens[i - 1] not in _UNITS):
            out[i:i + 3] = [f"{_TENS[word]}000", "to", f"{_TENS[nxt[0]]}000"]  # "sixty seventy grand": 60 to 70k
        elif word in _UNITS and len(nxt) == 2 and _UNITS.get(nxt[0]) == _UNITS[word] + 1 > 1 \
                and nxt[1] in ("hundred", "hundreds") and (not i or tokens[i - 1] not in _UNITS):
            out[i:i + 3] = [f"{_UNITS[word]}00", "to", f"{_UNITS[nxt[0]]}00"]  # "eight nine hundred": 800 to 900
        elif re.fullmatch(r"[1-9]\d{0,2}", word) and nxt and _THOUSANDS_GROUP.fullmatch(nxt[0]) \
                and (nxt[0] == "000" or int(word) % 5) and not (i and tokens[i - 1][:1].isdigit()) \
                and not (len(nxt) == 2 and nxt[1][:1].isdigit()):
            out[i:i + 2] = [str(int(word) * 1000 + int(nxt[0])), _HELD]  # "280 000", "329 900": a figure's groups
    return out


# the thousands of a figure written with a space for its comma ("280 000", "329 900"); a range's high end is a round
# hundred too ("250 300"), so only "000", or a group after a figure no one rounds (329, 249), is read so
_THOUSANDS_GROUP = re.compile(r"\d00")


def _hundreds_with_oh(tokens: list[str]) -> list[str]:
    """A price's hundreds said with "oh" for a zero, in a sentence about price: "four oh five" is 405 (thousand);
    not after "at", where it is a clock ("at four oh five")."""
    out = list(tokens)
    for i in range(len(tokens) - 2):
        first, oh, last = tokens[i:i + 3]
        if first in _UNITS and oh in ("oh", "o") and last in _UNITS and _UNITS[first] and _UNITS[last] \
                and not (i and tokens[i - 1] in ("at", "around", "by", "till", "until")):
            out[i:i + 3] = [f"{_UNITS[first]}0{_UNITS[last]}", _HELD, _HELD]
    return out


_SAID_IN_MILLIONS = re.compile(r"\d\.\d|^(?:point|million|mil|mill)$")


def _millions_digit_by_digit(tokens: list[str]) -> list[str]:
    """Millions said digit by digit, as leads where homes cost millions do, in a sentence about price: "one nine"
    → 1.9 million, "one seven five" → 1.75 million, and after a figure in millions "one point eight to two one" → 2.1
    million. Only two or three single digits on their own: longer runs are phone numbers, and a count after them
    ("one two bedrooms") keeps them counts."""
    out = list(tokens)
    i = 0
    while i < len(tokens) - 1:
        run = 1
        while i + run < len(tokens) and run < 4 and _UNITS.get(tokens[i + run], 0) >= 1:
            run += 1
        first = _UNITS.get(tokens[i], 0)
        before = tokens[i - 1] if i else ""
        after = tokens[i + run:i + run + 3]
        in_millions = first == 1 or any(_SAID_IN_MILLIONS.search(t) for t in tokens[max(0, i - 6):i])
        if first and run in (2, 3) and in_millions and before not in _UNITS and before != "point" \
                and not before[:1].isdigit() and not set(after) & _NOT_MONEY_AFTER \
                and not (after[:1] and (after[0][:1].isdigit() or after[0] in NUMBER_WORDS)):
            digits = "".join(str(_UNITS[t]) for t in tokens[i + 1:i + run])
            out[i:i + run] = [f"{first}.{digits}", "million"] + [_HELD] * (run - 2)
            i += run
            continue
        i += 1
    return out


def _quarter_million(tokens: list[str], i: int) -> int:
    """How many tokens from "quarter" at `i` say a quarter of a million: "quarter mil" 2, "quarter of a million"
    4, else 0."""
    millions = ("mil", "mill", "million")
    if tokens[i + 1:i + 2] and tokens[i + 1] in millions:
        return 2
    return 4 if tokens[i + 1:i + 3] == ["of", "a"] and tokens[i + 3:i + 4] and tokens[i + 3] in millions else 0


_ONE_AS_A_THING_BEFORE = {"have", "has", "had", "a", "the", "that", "this", "any", "no", "got", "need", "want", "find",
                          "another", "each", "every", "which", "buy", "get", "pick", "choose", "like", "only", "right",
                          "good", "new", "old", "big", "small", "bigger", "smaller", "next", "last", "other", "same",
                          "current", "first", "better", "nicer", "cheaper", "perfect", "ideal", "dream",
                          # "we aint settled on one", "haven't picked one": one chosen, not a figure
                          "on", "picked", "found", "chose", "chosen", "bought", "seen", "saw", "made", "settled",
                          "decided", "figured"}
_ONE_AS_A_THING_AFTER = {"yet", "of", "that", "who", "which", "we", "i", "you", "they", "is", "was", "with", "for",
                         "in"}


def _pronoun_one(span: NumberSpan, tokens: list[str]) -> bool:
    """"we don't have one yet", "the one we saw": "one" standing for a thing, not a figure."""
    if span.end - span.start != 1 or tokens[span.start] != "one":
        return False
    before = tokens[span.start - 1] if span.start else ""
    after = tokens[span.end] if span.end < len(tokens) else ""
    return before in _ONE_AS_A_THING_BEFORE or after in _ONE_AS_A_THING_AFTER


def _spoken_year(span: NumberSpan, tokens: list[str]) -> bool:
    """"two thousand twenty seven", "in 2018", "since 2009": a year, not money."""
    value = span.value
    before = tokens[span.start - 1] if span.start else ""
    if not span.dollar and value < 100 and value == int(value) and "built" in tokens[max(0, span.start - 3):span.start]:
        return True  # "built in ninety eight", "built back in 05": a year said short
    if not span.dollar and value < 100 and value == int(value) and before == "in" and set(
            tokens[max(0, span.start - 6):span.start]) & {"paid", "bought", "purchased", "built", "got"}:
        return True  # "we paid four twenty in 22": when they bought, said short
    return 1900 <= value <= 2099 and not span.dollar and (
        before in ("in", "since", "of", "year", "from", "until", "till", "by", "back") or
        tokens[span.start] == "two" and "thousand" in tokens[span.start:span.end])


def _spoken_pair(low: NumberSpan, high: NumberSpan | None, price_context: bool) -> bool:
    """Two spoken figures back to back, each a price in shorthand and rising ("three fifty four hundred"), in a
    sentence about price: a range. Digits read one after another ("five five five") are never this; two
    three-digit figures close together ("250 260") are, as speech-to-text writes "two fifty two sixty"."""
    if high and price_context and "." in low.digits and "." in high.digits and not low.scaled \
            and 1 <= low.value < high.value / high.scale < min(2 * low.value, 10):
        return True  # "1.6 1.7", "1.3 1.4 million": 1.6 to 1.7 million (decimals are no phone number)
    if high and price_context and not low.scaled and not high.scaled and len(low.digits) == len(high.digits) == 3 \
            and low.digits.isdigit() and high.digits.isdigit() and 100 <= low.value < high.value < 1.5 * low.value:
        return True  # "two fifty two sixty" as speech-to-text writes it ("250 260"): 250,000 to 260,000
    if high and not low.scaled and high.scaled and high.scale == 1000 and low.digits.isdigit() \
            and 100 <= low.value < high.value / 1000 < 1.5 * low.value:
        return True  # "like 180 190k": the k said once, for both ends
    if high and price_context and not low.scaled and not high.scaled and bool(low.digits) != bool(high.digits) \
            and 100 <= low.value < high.value < 1.5 * low.value:
        return True  # one in digits and one in words ("350 three seventy five"): no phone number is read so
    if not (high and price_context and not low.digits and not high.digits and not low.scaled):
        return False
    if 100 <= low.value < 1000 and low.value % 100 == 0 and high.value % 1 \
            and low.value / 100 <= high.value < 2 * low.value / 100:
        return True  # "three hundred, three and a quarter": 300 to 325
    if low.value % 1 and high.value % 1 and low.value < high.value < min(2 * low.value, 10):
        return True  # "one point two one point three": 1.2 to 1.3 million
    if 2 <= low.value < 10 and high.paired:  # "eight, eight fifty": 800 to 850
        return low.value * 100 <= high.value < 2 * low.value * 100
    return 100 <= low.value < high.value < 10_000 and high.value < 3 * low.value


def _money_range(low: NumberSpan, high: NumberSpan, tokens: list[str], spans_at: dict[int, NumberSpan],
                 price_context: bool, *, adjacent: bool = False) -> Money | None:
    others = {start: span for start, span in spans_at.items() if start != low.start} if adjacent else spans_at
    if _never_money(high, tokens, others):
        return None
    for end in (low, high):
        digits = end.digits.replace(",", "").lstrip("$")
        if digits.isdigit() and not end.scaled and (len(digits) >= 7 or 1900 <= int(digits) <= 2099):
            return None  # phone numbers, years
    explicit = _is_explicit(high, tokens) or _is_explicit(low, tokens)
    if not explicit and not (price_context or _limit_cued(low, tokens) or _prices_not_clocks(low, high)):
        return None
    lo, hi = low.value, high.value
    if not (low.scaled or low.dollar) and high.scaled:
        # "three to four hundred thousand" → 300,000; "four hundred and five hundred thousand" → 400,000
        lo = next((lo * m for m in (high.multiplier, high.scale) if lo * m <= hi), lo)
    if not low.scaled:
        while lo * 10 < hi:  # "three to four fifty" → 300 to 450
            lo *= 10
    if not high.scaled:
        while 0 < hi < lo and hi * 10 <= 10 * lo:  # "three fifty to four", "five hundred to six" → 400, 600
            hi *= 10
    in_millions = _decimal(low, tokens) or _decimal(high, tokens)  # "1.8 to two": both ends in millions
    if _decimal(low, tokens) and not _decimal(high, tokens) and not high.scaled and hi == int(hi) \
            and 1.6 * lo < hi < 10 and hi / 10 > lo % 1:
        hi = int(lo) + hi / 10  # "one point two or three": 1.2 or 1.3 million
    if not explicit:
        factor = _shorthand(hi, in_millions) / hi if hi else 1.0
        lo, hi = lo * factor, hi * factor
    lo, hi = sorted((lo, hi))
    return Money(int(round(lo)), int(round(hi)), low.start, high.end)


def _prices_not_clocks(low: NumberSpan, high: NumberSpan) -> bool:
    """"four fifty to four seventy five", "two seventy five to three twenty five": a range of spoken figures in the
    hundreds, one of which no clock reads (seventy five minutes), is a price range wherever it is said."""
    spoken = all(not end.digits and not end.scaled and 100 <= end.value < 1000 and end.value == int(end.value)
                 for end in (low, high))
    return spoken and low.value < high.value and any(end.paired and end.value % 100 >= 60 for end in (low, high))


def parse_money(text: str, *, expecting_price: bool = False) -> tuple[int, int | None] | None:
    """(amount in US dollars, top of the range or None) for the first amount said, else None.

    "450k" → (450000, None); "between 400 and 500 thousand" → (400000, 500000); "450" → None unless
    `expecting_price` (then 450000). See the module docstring for the conventions.
    """
    money = find_money(tokenize(text), expecting_price=expecting_price)
    return (money.amount, money.high) if money else None
