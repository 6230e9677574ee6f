"""Text made speakable: no markdown, and numbers, prices, times, addresses and phones in words.

"$450,000" → "four hundred fifty thousand dollars", "3:30 PM" → "three thirty PM",
"1450 Sutter St" → "fourteen fifty Sutter Street". Replies are capped for voice at a sentence end.
"""
from __future__ import annotations

import re

import phonenumbers
from num2words import num2words

IDENTIFICATION = "This is {company}, calling about your home inquiry. {callback}To stop our calls, press 9 now."


def identification(company: str, callback_number: str) -> str:
    """The abandoned-call message: who is calling, the number to call back, and how to opt out (47 CFR
    64.1200(a)(7)(i)(A), (b)(2)); speakable."""
    callback = f"Please call us back at {national(callback_number)}. " if callback_number else ""
    return speakable(IDENTIFICATION.format(company=company or "our real estate team", callback=callback))


def national(number: str) -> str:
    """"+15125550100" → "(512) 555-0100", which is read out digit by digit; anything else as written."""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)

_MARKDOWN = [
    (re.compile(r"```.*?```", re.S), " "),
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"(\*\*|__|\*|_)(\S(?:.*?\S)?)\1"), r"\2"),
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]*", re.M), ""),
    (re.compile(r"^[ \t]*(?:[-*+•]|\d+[.)])[ \t]+", re.M), ""),
    (re.compile(r"https?://\S+"), "the link we will send you"),
]
_STREET_WORDS = {
    "St": "Street", "Ave": "Avenue", "Blvd": "Boulevard", "Rd": "Road", "Dr": "Drive", "Ln": "Lane",
    "Ct": "Court", "Pl": "Place", "Pkwy": "Parkway", "Hwy": "Highway", "Apt": "Apartment", "Ste": "Suite",
    "NE": "Northeast", "NW": "Northwest", "SE": "Southeast", "SW": "Southwest",
}
_SCALE = {"k": 1_000, "thousand": 1_000, "m": 1_000_000, "mm": 1_000_000, "million": 1_000_000,
          "b": 1_000_000_000, "billion": 1_000_000_000}
_MONEY = re.compile(r"\$\s?(\d[\d,]*(?:\.\d+)?)(?:\s?(k|K|mm|MM|m|M|million|thousand|billion|b|B)\b)?")
_TIME = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s?([aApP])\.?\s?[mM]\.?(?=\W|$)")
_CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_E164_US = re.compile(r"\+1(\d{3})(\d{3})(\d{4})\b")  # "+15125550100", as numbers are stored
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\b(\d{3})\)?[\s.-]?(\d{3})[\s.-](\d{4})\b")
_HOUSE = re.compile(r"\b(\d{1,5})(?=\s+(?:[NSEW]\.?\s+)?[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*\s+(?:" +
                    "|".join(_STREET_WORDS) + r"|Street|Avenue|Boulevard|Road|Drive|Lane|Court|Way|Place)\b)")
_DIRECTION = re.compile(r"(?<=\d )([NSEW])\.?(?= (?:\d+(?:st|nd|rd|th)|[A-Z][a-z]+)\b)")  # "350 W 57th St"
_STREET = re.compile(r"(?<=[a-z] )(" + "|".join(_STREET_WORDS) + r")(?=\W|$)")
_ZIP = re.compile(r"(?<=[A-Z]{2} )(\d{5})\b")
_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_YEAR = re.compile(r"\b(19\d{2}|20\d{2})\b")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def words(number: float | int) -> str:
    text = num2words(number, lang="en")
    return text.replace(" and ", " ").replace(",", "")


def _digits(text: str) -> str:
    return " ".join("oh" if d == "0" else words(int(d)) for d in text)


def _money(match: re.Match) -> str:
    amount = float(match.group(1).replace(",", ""))
    scale = match.group(2)
    if scale:
        amount *= _SCALE[scale.lower()]
        return f"{words(round(amount))} dollars"
    dollars, cents = int(amount), round((amount - int(amount)) * 100)
    spoken = f"{words(dollars)} dollar{'s' if dollars != 1 else ''}"
    return spoken + (f" and {words(cents)} cent{'s' if cents != 1 else ''}" if cents else "")


def _clock(hour: int, minute: int) -> str:
    if minute == 0:
        return words(hour)
    return f"{words(hour)} {'oh ' + words(minute) if minute < 10 else words(minute)}"


def _time(match: re.Match) -> str:
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return f"{_clock(hour, minute)} {'AM' if match.group(3).lower() == 'a' else 'PM'}"


def _house_number(match: re.Match) -> str:
    number = match.group(1)
    if len(number) == 4 and number[2:] == "00":
        return f"{words(int(number[:2]))} hundred"
    if len(number) == 4 and number[1] != "0":
        second = int(number[2:])
        tail = words(second) if second >= 10 else ("oh " + words(second) if second else "hundred")
        return f"{words(int(number[:2]))} {tail}"
    if len(number) == 3 and number[1] != "0":
        return f"{words(int(number[0]))} {words(int(number[1:]))}"
    return words(int(number))


def _year(match: re.Match) -> str:
    year = int(match.group(1))
    if year % 100 == 0 or 2000 <= year < 2010:
        return words(year)
    return f"{words(year // 100)} {words(year % 100)}"


def _number(match: re.Match) -> str:
    raw = match.group(1) if match.re.groups else match.group(0)
    text = raw.rstrip(",").replace(",", "")
    value = float(text) if "." in text else int(text)
    return words(value) + ("," if raw.endswith(",") else "")


def speakable(text: str, max_chars: int | None = None) -> str:
    """What the voice should say for `text`: plain words, capped at a sentence end."""
    ending = text.strip()[-1:] if text.strip().endswith((".", "!", "?")) else ""
    for pattern, replacement in _MARKDOWN:
        text = pattern.sub(replacement, text)
    # A line break is a pause: end the line as a sentence unless it already ends with punctuation.
    text = re.sub(r"(?<![.!?,:;])\s*\n+\s*", ". ", text.strip())
    text = text.replace("&", " and ")
    text = re.sub(r"#\s?(?=\d)", "number ", text)  # "unit #12", not "hash twelve"
    text = _MONEY.sub(_money, text)
    text = _E164_US.sub(lambda m: ", ".join(_digits(g) for g in m.groups()), text)
    text = _PHONE.sub(lambda m: ", ".join(_digits(g) for g in m.groups()), text)
    text = _TIME.sub(_time, text)
    text = _CLOCK.sub(lambda m: _clock(int(m.group(1)), int(m.group(2))), text)
    text = _ZIP.sub(lambda m: _digits(m.group(1)), text)
    text = _DIRECTION.sub(lambda m: {"N": "North", "S": "South", "E": "East", "W": "West"}[m.group(1)], text)
    text = _HOUSE.sub(_house_number, text)
    text = _STREET.sub(lambda m: _STREET_WORDS[m.group(1)], text)
    text = _PERCENT.sub(lambda m: f"{_number(m)} percent", text)
    text = _ORDINAL.sub(lambda m: num2words(int(m.group(1)), lang="en", to="ordinal"), text)
    text = _YEAR.sub(_year, text)
    text = _NUMBER.sub(_number, text)
    text = re.sub(r"\s+", " ", text).strip()
    if ending and not text.endswith((".", "!", "?")):
        text += ending  # "9 p.m." gave its full stop to the time
    return cap_length(text, max_chars) if max_chars else text


def cap_length(text: str, max_chars: int) -> str:
    """At most max_chars, cut after the last whole sentence that fits (or the last word)."""
    if len(text) <= max_chars:
        return text
    kept = ""
    for sentence in _SENTENCE_END.split(text):
        if len(kept) + len(sentence) + 1 > max_chars:
            break
        kept = f"{kept} {sentence}".strip()
    return kept or text[:max_chars].rsplit(" ", 1)[0] + "."


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]
