"""A lead's time zone from its address (ZIP code or state), else from its phone number.

US only: the ZIP table maps three-digit ZIP prefixes to states, with the prefixes of
states split between two zones (Florida's panhandle, East Tennessee, El Paso, …)
listed on their own. A number or address we cannot place leaves the zone blank; the
dialer then applies the most restrictive zone of the number's country or area.
"""
from __future__ import annotations

import re
from functools import lru_cache

from apps.leads.models import TimeZoneSource
from apps.leads.phones import time_zones_for_phone

EASTERN, CENTRAL, MOUNTAIN, PACIFIC = "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"

STATE_TIME_ZONES = {
    "AL": CENTRAL, "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": CENTRAL, "CA": PACIFIC,
    "CO": MOUNTAIN, "CT": EASTERN, "DE": EASTERN, "DC": EASTERN, "FL": EASTERN, "GA": EASTERN,
    "HI": "Pacific/Honolulu", "ID": "America/Boise", "IL": CENTRAL, "IN": "America/Indiana/Indianapolis",
    "IA": CENTRAL, "KS": CENTRAL, "KY": EASTERN, "LA": CENTRAL, "ME": EASTERN, "MD": EASTERN,
    "MA": EASTERN, "MI": "America/Detroit", "MN": CENTRAL, "MS": CENTRAL, "MO": CENTRAL, "MT": MOUNTAIN,
    "NE": CENTRAL, "NV": PACIFIC, "NH": EASTERN, "NJ": EASTERN, "NM": MOUNTAIN, "NY": EASTERN,
    "NC": EASTERN, "ND": CENTRAL, "OH": EASTERN, "OK": CENTRAL, "OR": PACIFIC, "PA": EASTERN,
    "RI": EASTERN, "SC": EASTERN, "SD": CENTRAL, "TN": CENTRAL, "TX": CENTRAL, "UT": MOUNTAIN,
    "VT": EASTERN, "VA": EASTERN, "WA": PACIFIC, "WV": EASTERN, "WI": CENTRAL, "WY": MOUNTAIN,
    "PR": "America/Puerto_Rico", "VI": "America/St_Thomas", "GU": "Pacific/Guam",
}
STATE_NAMES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN",
    "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS", "missouri": "MO",
    "montana": "MT", "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND", "ohio": "OH",
    "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI",
    "south carolina": "SC", "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT",
    "vermont": "VT", "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "puerto rico": "PR",
}

# (first ZIP3, last ZIP3, state), from USPS sectional-centre assignments.
_ZIP3_RANGES = [
    (5, 5, "NY"), (6, 7, "PR"), (8, 8, "VI"), (9, 9, "PR"), (10, 27, "MA"), (28, 29, "RI"),
    (30, 38, "NH"), (39, 49, "ME"), (50, 54, "VT"), (55, 55, "MA"), (56, 59, "VT"), (60, 69, "CT"),
    (70, 89, "NJ"), (100, 149, "NY"), (150, 196, "PA"), (197, 199, "DE"), (200, 200, "DC"),
    (201, 201, "VA"), (202, 205, "DC"), (206, 219, "MD"), (220, 246, "VA"), (247, 268, "WV"),
    (270, 289, "NC"), (290, 299, "SC"), (300, 319, "GA"), (320, 339, "FL"), (341, 349, "FL"),
    (350, 369, "AL"), (370, 385, "TN"), (386, 397, "MS"), (398, 399, "GA"), (400, 427, "KY"),
    (430, 459, "OH"), (460, 479, "IN"), (480, 499, "MI"), (500, 528, "IA"), (530, 549, "WI"),
    (550, 567, "MN"), (569, 569, "DC"), (570, 577, "SD"), (580, 588, "ND"), (590, 599, "MT"),
    (600, 629, "IL"), (630, 658, "MO"), (660, 679, "KS"), (680, 693, "NE"), (700, 715, "LA"),
    (716, 729, "AR"), (730, 732, "OK"), (733, 733, "TX"), (734, 749, "OK"), (750, 799, "TX"),
    (800, 816, "CO"), (820, 831, "WY"), (832, 838, "ID"), (840, 847, "UT"), (850, 865, "AZ"),
    (870, 884, "NM"), (885, 885, "TX"), (889, 898, "NV"), (900, 961, "CA"), (967, 968, "HI"),
    (969, 969, "GU"), (970, 979, "OR"), (980, 994, "WA"), (995, 999, "AK"),
]
# ZIP3 prefixes whose area keeps a different zone from the rest of its state.
_ZIP3_ZONE_EXCEPTIONS = {
    324: CENTRAL, 325: CENTRAL,                                   # Florida panhandle
    373: EASTERN, 374: EASTERN, 376: EASTERN, 377: EASTERN, 378: EASTERN, 379: EASTERN,  # East TN
    420: CENTRAL, 421: CENTRAL, 422: CENTRAL, 423: CENTRAL, 424: CENTRAL,  # western Kentucky
    463: CENTRAL, 464: CENTRAL, 476: CENTRAL, 477: CENTRAL,      # NW and SW Indiana
    498: CENTRAL,                                                 # Michigan's western Upper Peninsula
    577: MOUNTAIN, 586: MOUNTAIN, 693: MOUNTAIN,                  # western SD, ND, NE
    798: MOUNTAIN, 799: MOUNTAIN, 885: MOUNTAIN,                  # El Paso
    835: PACIFIC, 838: PACIFIC,                                   # northern Idaho
    979: "America/Boise",                                         # Malheur County, Oregon
}

_COUNTRY_TAIL = r"\s*(?:,?\s*(?:USA?|United States))?\s*$"
_ADDRESS_TAIL = re.compile(
    r"(?:,|\s)\s*(?P<state>[A-Za-z]{2}|[A-Za-z][A-Za-z .]+?)\.?\s+(?P<zip>\d{5})(?:-\d{4})?" + _COUNTRY_TAIL
)
_STATE_ONLY_TAIL = re.compile(r",\s*(?P<state>[A-Za-z]{2})" + _COUNTRY_TAIL)


def state_code(text: str) -> str:
    """Two-letter code for 'TX', 'tx', 'Texas'; '' when it is not a US state."""
    cleaned = (text or "").strip().rstrip(".")
    if cleaned.upper() in STATE_TIME_ZONES:
        return cleaned.upper()
    return STATE_NAMES.get(cleaned.lower(), "")


def parse_address(address: str) -> tuple[str, str]:
    """(state, ZIP) read from the end of a one-line US address; blanks when absent."""
    match = _ADDRESS_TAIL.search(address or "")
    if match:
        words = match.group("state").split()
        # The state may be the last one or two words before the ZIP ("New York 10001").
        for size in (2, 1):
            code = state_code(" ".join(words[-size:]))
            if code:
                return code, match.group("zip")
        return "", match.group("zip")
    match = _STATE_ONLY_TAIL.search(address or "")
    return (state_code(match.group("state")), "") if match else ("", "")


@lru_cache(maxsize=1000)
def zip_time_zone(postal_code: str) -> str:
    digits = (postal_code or "").strip()[:5]
    if len(digits) != 5 or not digits.isdigit():
        return ""
    prefix = int(digits[:3])
    if prefix in _ZIP3_ZONE_EXCEPTIONS:
        return _ZIP3_ZONE_EXCEPTIONS[prefix]
    for first, last, state in _ZIP3_RANGES:
        if first <= prefix <= last:
            return STATE_TIME_ZONES[state]
    return ""


def lead_time_zone(e164: str, state: str = "", postal_code: str = "") -> tuple[str, str]:
    """(IANA zone, TimeZoneSource): ZIP first, then state, then the number; blank when unsure."""
    if zone := zip_time_zone(postal_code):
        return zone, TimeZoneSource.ZIP
    if state and (zone := STATE_TIME_ZONES.get(state, "")):
        return zone, TimeZoneSource.STATE
    zones = time_zones_for_phone(e164)
    if len(zones) == 1:
        return zones[0], TimeZoneSource.PHONE
    return "", TimeZoneSource.UNKNOWN
