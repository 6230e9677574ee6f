"""dial_tick on a big campaign: pick and claim a batch of 50 among 100,000 leads.

The figure is reported next to a baseline from the same process: the tick on a 1,000-lead
campaign. Equal query counts show the work does not grow with campaign size.
"""
from __future__ import annotations

import datetime as dt
import os
import time

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from apps.calls.dialing import dial_tick
from apps.calls.models import Call
from apps.campaigns.models import Campaign
from apps.leads.models import Lead, LeadStatus
from tests.conftest import WEEKDAY_MORNING_ET as NOW

BIG = int(os.environ.get("BENCH_DIAL_LEADS", "100000"))
# A realistic mix: a third of the leads are in zones still outside calling hours at NOW.
ZONES = ["America/New_York", "America/Chicago", "America/Los_Angeles", "America/New_York", "America/Denver",
         "America/Chicago"]
AREA = {"America/New_York": "212", "America/Chicago": "312", "America/Los_Angeles": "415", "America/Denver": "303"}


def build_campaign(slug: str, size: int) -> Campaign:
    campaign = Campaign.objects.create(name=slug, slug=slug, is_active=True, max_concurrent_calls=50)
    due = NOW - dt.timedelta(hours=1)
    batch = []
    for i in range(size):
        zone = ZONES[i % len(ZONES)]
        batch.append(Lead(campaign=campaign, phone=f"+1{AREA[zone]}{2000000 + i:07d}", time_zone=zone,
                          consent_source="web" if i % 10 else "", next_attempt_at=due))
        if len(batch) == 5000:
            Lead.objects.bulk_create(batch)
            batch = []
    Lead.objects.bulk_create(batch)
    return campaign


def reset(campaign: Campaign) -> None:
    Call.objects.filter(campaign=campaign).delete()
    Lead.objects.filter(campaign=campaign, status=LeadStatus.QUEUED).update(status=LeadStatus.NEW, attempts=0)


def timed_tick(campaign: Campaign) -> tuple[float, int, int]:
    """One tick, including the commit-time publishing of its 50 place_call messages to Redis."""
    reset(campaign)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        with TestCase.captureOnCommitCallbacks(execute=True):
            result = dial_tick(campaign.pk, now=NOW)
        seconds = time.perf_counter() - started
    return seconds, len(queries), len(result.calls)


@pytest.fixture
def campaigns(db, settings):
    from config.celery_app import app

    settings.MEDIA_SLOTS_TOTAL = 1000
    yield build_campaign("small", 1000), build_campaign("big", BIG)
    app.control.purge()  # the place_call messages no worker will take


def test_dial_tick_on_a_big_campaign(benchmark, campaigns):
    small, big = campaigns
    timed_tick(small), timed_tick(big)  # warm caches (zone tables, query plans)
    baseline = sorted(timed_tick(small)[0] for _ in range(5))[2]
    big_runs = []

    def tick():
        big_runs.append(timed_tick(big))

    benchmark.pedantic(tick, rounds=5, iterations=1)
    seconds = sorted(run[0] for run in big_runs)[2]
    queries_small, queries_big = timed_tick(small)[1], big_runs[-1][1]
    assert {run[2] for run in big_runs} == {50}
    assert queries_big == queries_small  # query count does not grow with campaign size
    benchmark.extra_info.update(leads=BIG, median_ms=round(seconds * 1000, 1), queries=queries_big,
                                baseline_1000_leads_ms=round(baseline * 1000, 1))
    print(f"\ndial_tick, {BIG:,} leads: claimed 50 in {seconds * 1000:.0f} ms (median of 5), {queries_big} queries; "
          f"1,000 leads: {baseline * 1000:.0f} ms, {queries_small} queries; ratio {seconds / baseline:.2f} "
          f"on {connection.vendor}")
