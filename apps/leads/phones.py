"""Phone numbers as staff type them → E.164, with a reason when a number cannot be called."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType
from phonenumbers import timezone as phone_timezone

_UNCALLABLE_TYPES = {
    PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    PhoneNumberType.SHARED_COST: "a shared-cost number",
    PhoneNumberType.PAGER: "a pager number",
}


class InvalidPhone(ValueError):
    """The text is not a number we may dial; the message says why, for the rejection list."""


@dataclass(frozen=True)
class NormalizedPhone:
    e164: str
    extension: str = ""


def normalize_phone(raw: str, default_region: str = "US") -> NormalizedPhone:
    text = (raw or "").strip()
    if not text:
        raise InvalidPhone("no phone number")
    if not any(ch.isdigit() for ch in text):
        raise InvalidPhone(f"not a phone number: {text[:40]!r}")
    try:
        number = phonenumbers.parse(text, default_region.upper())
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(f"not a phone number: {text[:40]!r} ({_parse_error(exc)})") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone(f"wrong number of digits: {text[:40]!r}")
    # number_type is what is_valid_number computes (UNKNOWN = invalid); one call, not two,
    # halves the cost of the step that dominates a large import.
    kind = phonenumbers.number_type(number)
    if kind == PhoneNumberType.UNKNOWN:
        raise InvalidPhone(f"no such number: {text[:40]!r}")
    if kind in _UNCALLABLE_TYPES:
        raise InvalidPhone(f"{_UNCALLABLE_TYPES[kind]}: {text[:40]!r}")
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return NormalizedPhone(e164=e164, extension=number.extension or "")


def normalize_or_none(raw: str, default_region: str = "US") -> str | None:
    """The E.164 form, or None; for search boxes and lookups that must not raise."""
    try:
        return normalize_phone(raw, default_region).e164
    except InvalidPhone:
        return None


def _parse_error(exc: phonenumbers.NumberParseException) -> str:
    return {
        phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
        phonenumbers.NumberParseException.NOT_A_NUMBER: "no number in it",
        phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
        phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
        phonenumbers.NumberParseException.TOO_LONG: "too long",
    }.get(exc.error_type, "unparseable")


@lru_cache(maxsize=20_000)
def time_zones_for_phone(e164: str) -> tuple[str, ...]:
    """Every IANA zone the number's area may be in (one for most US geographic numbers)."""
    zones = phone_timezone.time_zones_for_number(phonenumbers.parse(e164))
    return tuple(z for z in zones if z != phone_timezone.UNKNOWN_TIMEZONE)
