"""Campaign settings that would break the law or the import are refused with a clear message."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from apps.campaigns.models import Campaign

pytestmark = pytest.mark.django_db  # full_clean checks the slug is unique


def errors_of(**fields) -> dict:
    campaign = Campaign(name="X", slug="x", **fields)
    with pytest.raises(ValidationError) as caught:
        campaign.full_clean()
    return caught.value.message_dict


def test_defaults_are_valid_and_start_paused():
    campaign = Campaign(name="X", slug="x")
    campaign.full_clean()
    assert not campaign.is_active and campaign.require_consent
    assert (campaign.window_start, campaign.window_end) == (dt.time(8), dt.time(21))


def test_a_window_outside_8am_to_9pm_is_refused():
    assert "window_end" in errors_of(window_end=dt.time(21, 30))
    assert "window_end" in errors_of(window_start=dt.time(7, 45))


def test_weekday_windows_may_only_narrow_the_campaign_window():
    campaign = Campaign(name="X", slug="x", weekday_windows={"sat": ["10:00", "17:00"], "sun": None})
    windows = campaign.windows_by_weekday()
    assert windows["sat"] == (dt.time(10), dt.time(17)) and windows["sun"] is None
    assert windows["mon"] == (dt.time(8), dt.time(21))
    assert "must lie within" in errors_of(weekday_windows={"sat": ["07:00", "12:00"]})["weekday_windows"][0]
    assert "Unknown weekdays" in errors_of(weekday_windows={"saturday": None})["weekday_windows"][0]
    assert "expected" in errors_of(weekday_windows={"sat": "all day"})["weekday_windows"][0]


def test_the_mapping_must_name_the_phone_column_and_known_fields_only():
    assert "phone" in errors_of(column_mapping={"name": "Name"})["column_mapping"][0]
    assert "favourite_colour" in errors_of(column_mapping={"phone": "P", "favourite_colour": "C"})["column_mapping"][0]


def test_retry_spacing_names_known_outcomes_only():
    assert "Unknown outcomes" in errors_of(retry_minutes={"no_answer": 60, "angry": 5})["retry_minutes"][0]
