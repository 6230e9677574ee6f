"""A lead's time zone comes from its ZIP, else its state, else its number; unsure means blank."""
from __future__ import annotations

import pytest

from apps.leads.timezones import lead_time_zone, parse_address


@pytest.mark.parametrize("address, state, zip_code", [
    ("118 W 57th St, New York, NY 10019", "NY", "10019"),
    ("1100 Congress Ave, Austin, Texas 78701", "TX", "78701"),
    ("500 N Oregon St, El Paso, TX 79901-1234", "TX", "79901"),
    ("1 Main St, Springfield, IL", "IL", ""),
    ("221B Baker St, London NW1 6XE, UK", "", ""),
    ("", "", ""),
])
def test_it_reads_state_and_zip_from_an_address(address, state, zip_code):
    assert parse_address(address) == (state, zip_code)


@pytest.mark.parametrize("phone, state, zip_code, zone, source", [
    ("+12125550134", "NY", "10019", "America/New_York", "zip"),
    ("+12125550134", "", "79901", "America/Denver", "zip"),        # El Paso: the address wins over the number
    ("+18505550133", "FL", "32401", "America/Chicago", "zip"),      # Florida panhandle
    ("+18655550156", "TN", "37929", "America/New_York", "zip"),     # East Tennessee
    ("+16155550112", "TN", "37203", "America/Chicago", "zip"),      # Nashville
    ("+16025550110", "AZ", "", "America/Phoenix", "state"),         # no DST
    ("+14805550109", "", "", "America/Phoenix", "phone"),
    ("+442079460958", "", "", "Europe/London", "phone"),
    ("+18003569377", "", "", "", "unknown"),                        # toll-free: spans every zone
])
def test_it_assigns_the_most_precise_zone_it_can(phone, state, zip_code, zone, source):
    assert lead_time_zone(phone, state, zip_code) == (zone, source)
