"""Abandoned calls: over 3 % of the calls a person answered in 30 days, a campaign stops dialling and says why
(47 CFR 64.1200(a)(7)). How a call comes to be abandoned: tests/media_server (no worker; a late greeting)."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from apps.calls.dialing import dial_tick
from apps.calls.models import Call, CallStatus
from apps.compliance.abandonment import abandonment_rate
from tests.conftest import WEEKDAY_MORNING_ET as NOW
from tests.conftest import make_lead


def answered_calls(campaign, count: int, *, abandoned: int = 0, machine: int = 0, days_ago: int = 1,
                   first: int = 0) -> None:
    """`count` finished calls a person answered `days_ago`, of which `abandoned` were abandoned; plus `machine`
    calls an answering machine took (they never count)."""
    at = NOW - dt.timedelta(days=days_ago)
    for n in range(count + machine):
        lead = make_lead(campaign, f"+1212555{first + n:04d}", attempts=1, due=NOW + dt.timedelta(days=1))
        Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.COMPLETED, answered_at=at,
                            answered_by="machine_end_beep" if n >= count else "human",
                            abandoned_at=at if n < abandoned else None)


def test_the_rate_counts_calls_a_person_answered_in_the_last_30_days(active_campaign):
    answered_calls(active_campaign, 40, abandoned=1, machine=10)
    answered_calls(active_campaign, 5, abandoned=5, days_ago=31, first=100)  # older than the window
    rate = abandonment_rate(active_campaign.pk, NOW)
    assert (rate.answered, rate.abandoned) == (40, 1) and not rate.over_limit


@pytest.fixture
def calling_people(active_campaign):
    active_campaign.telephony_provider = "twilio"  # the limit protects people; the simulated network rings nobody
    active_campaign.save()
    return active_campaign


def test_over_3_percent_the_campaign_stops_dialling_and_its_page_says_why(calling_people, admin_client, settings):
    active_campaign = calling_people
    settings.MEDIA_SLOTS_TOTAL = 10
    answered_calls(active_campaign, 30, abandoned=1)  # 3.3 %
    waiting = make_lead(active_campaign, "+13125550199", time_zone="America/Chicago")
    result = dial_tick(active_campaign.pk, now=NOW)
    assert result.calls == [] and "abandonment rate 3.3%" in result.reason
    assert not Call.objects.filter(lead=waiting).exists()
    page = admin_client.get(reverse("admin:campaigns_campaign_change", args=[active_campaign.pk])).content.decode()
    assert "abandonment rate 3.3%" in page and "3.3% of 30 calls answered by a person" in page


def test_at_3_percent_the_campaign_still_dials(calling_people, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    answered_calls(calling_people, 100, abandoned=3)
    waiting = make_lead(calling_people, "+13125550199", time_zone="America/Chicago")
    result = dial_tick(calling_people.pk, now=NOW)
    assert [Call.objects.get(pk=pk).lead_id for pk in result.calls] == [waiting.pk]


def test_a_rehearsal_on_the_simulated_network_is_never_held_for_abandoned_calls(active_campaign, settings):
    """Its calls ring nobody: a loaded machine's late greetings are counted and shown, and the rehearsal goes on."""
    settings.MEDIA_SLOTS_TOTAL = 10
    active_campaign.telephony_provider = "simulated"
    active_campaign.save()
    answered_calls(active_campaign, 2, abandoned=1)
    waiting = make_lead(active_campaign, "+13125550199", time_zone="America/Chicago")
    assert abandonment_rate(active_campaign.pk, NOW).over_limit
    assert [Call.objects.get(pk=pk).lead_id for pk in dial_tick(active_campaign.pk, now=NOW).calls] == [waiting.pk]
