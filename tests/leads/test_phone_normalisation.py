"""Phone numbers as staff type them become E.164, or a reason why they cannot be called."""
from __future__ import annotations

import pytest

from apps.leads.phones import InvalidPhone, normalize_phone


@pytest.mark.parametrize("raw, e164, extension", [
    ("(212) 555-0134", "+12125550134", ""),
    ("212.555.0134", "+12125550134", ""),
    ("+1 (212) 555-0134", "+12125550134", ""),
    ("1-212-555-0134", "+12125550134", ""),
    ("  212 555 0134  ", "+12125550134", ""),
    ("713-555-0198 ext. 12", "+17135550198", "12"),
    ("713-555-0198 x12", "+17135550198", "12"),
    ("1-206-555-HOME", "+12065554663", ""),
    ("+44 20 7946 0958", "+442079460958", ""),
    ("011 44 20 7946 0958", "+442079460958", ""),  # US international prefix
])
def test_it_normalises_what_staff_type(raw, e164, extension):
    number = normalize_phone(raw, "US")
    assert (number.e164, number.extension) == (e164, extension)


def test_the_campaign_region_decides_numbers_without_a_country_code():
    assert normalize_phone("020 7946 0958", "GB").e164 == "+442079460958"
    with pytest.raises(InvalidPhone):
        normalize_phone("020 7946 0958", "US")


@pytest.mark.parametrize("raw, reason", [
    ("", "no phone number"),
    ("call me", "not a phone number"),
    ("555-010-0199", "no such number"),
    ("212-555-01", "wrong number of digits"),
    ("900-555-1234", "a premium-rate number"),
    ("+999 1234 5678", "not a phone number"),
])
def test_it_explains_numbers_it_rejects(raw, reason):
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(raw, "US")
    assert str(caught.value).startswith(reason)
