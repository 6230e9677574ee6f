"""Which US states a phone number's area code may put its line in, from data/area_codes.csv.

The table is derived from libphonenumber's geocoding data (the `phonenumbers` package we already pin): every
prefix of a US area code names a place ("Miami, FL", "Texas"), and an area code maps to every state its prefixes
name (201 names both New Jersey and New York). Loading that data costs ~100 MB, so the dialer reads the derived
table instead; tests/compliance checks it still matches the pinned package. After upgrading `phonenumbers`:

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python manage.py shell -c \
        "from apps.compliance.area_codes import write_table; write_table()"
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import phonenumbers

TABLE_FILE = Path(__file__).resolve().parent / "data" / "area_codes.csv"
TERRITORIES = frozenset({"PR", "GU", "VI", "AS", "MP"})
ANY_STATE = None  # a US number whose area code names no state (toll-free, non-geographic): it may ring anywhere


@lru_cache(maxsize=1)
def area_code_states() -> dict[str, tuple[str, ...]]:
    with TABLE_FILE.open(newline="", encoding="utf-8") as handle:
        return {row["area_code"]: tuple(row["states"].split()) for row in csv.DictReader(handle)}


@lru_cache(maxsize=20_000)
def states_for_phone(e164: str) -> tuple[str, ...] | None:
    """The states (or US territories) the number's area code is in; () for a number outside the US and its
    territories (no state law applies), ANY_STATE (None) for a US number whose area code names no state."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return ()
    if number.country_code != 1:
        return ()
    region = phonenumbers.region_code_for_number(number)
    if region in TERRITORIES:
        return (region,)
    if region != "US":
        return ()  # Canada and the Caribbean share +1
    return area_code_states().get(str(number.national_number)[:3], ANY_STATE)


# --- deriving the table from libphonenumber (tests and upgrades only) ----------------------------------------

def build_table() -> dict[str, tuple[str, ...]]:
    """Area code → the states its geocoded prefixes name, from the installed phonenumbers package."""
    from phonenumbers.geodata import GEOCODE_DATA  # ~100 MB: never imported by the dialer

    from apps.leads.timezones import STATE_NAMES, STATE_TIME_ZONES

    names = {**STATE_NAMES, "washington d.c.": "DC"}
    table: dict[str, set[str]] = {}
    for prefix, descriptions in GEOCODE_DATA.items():
        if not prefix.startswith("1") or len(prefix) < 4:
            continue
        text = descriptions.get("en", "")
        suffix = re.search(r", ([A-Z]{2})$", text)
        state = suffix.group(1) if suffix and suffix.group(1) in STATE_TIME_ZONES else names.get(text.lower())
        if state:
            table.setdefault(prefix[1:4], set()).add(state)
    return {code: tuple(sorted(states)) for code, states in sorted(table.items())}


def write_table(path: Path = TABLE_FILE) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["area_code", "states"])
        for code, states in build_table().items():
            writer.writerow([code, " ".join(states)])
