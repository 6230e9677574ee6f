"""The national Do Not Call registry: importing a generated full-list file (1,000,000 numbers by default), one
lookup against it, and what it adds to a dial tick.

Run with `make bench PYTEST_ARGS="-k registry -s"` (DATABASE_URL=postgres://… to measure PostgreSQL;
BENCH_REGISTRY_NUMBERS to change the size). Each figure is also given as a ratio to a baseline measured in the
same process: for the import, reading and parsing the same file without writing it; for a lookup, the do-not-call
list's own lookup (`is_on_do_not_call`, an indexed query on a 10,000-entry list).
"""
from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import time
from pathlib import Path

import pytest
from django.db import connection

from apps.campaigns.models import Campaign
from apps.compliance.models import RegistryArea, RegistryCopy
from apps.compliance.registry import on_registry
from apps.compliance.registry_import import Tally, import_registry_file, read_numbers
from apps.leads.do_not_call import is_on_do_not_call
from apps.leads.models import DoNotCall
from tests.benchmarks.test_dial_tick_speed import build_campaign, timed_tick
from tests.compliance.registry_files import write_generated_registry

NUMBERS = int(os.environ.get("BENCH_REGISTRY_NUMBERS", "1000000"))
FULL_REGISTRY = 10_000_000
LOOKUPS = 2000
TICK_LEADS = int(os.environ.get("BENCH_REGISTRY_TICK_LEADS", "20000"))


@pytest.fixture(scope="module")
def registry_file(tmp_path_factory) -> Path:
    return write_generated_registry(tmp_path_factory.mktemp("registry") / "registry.txt", NUMBERS)


def parse_seconds(path: Path) -> float:
    started = time.perf_counter()
    for _ in read_numbers(path, Tally()):
        pass
    return time.perf_counter() - started


def test_registry_import_rate(benchmark, db, registry_file):
    baseline = parse_seconds(registry_file)
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB, the process's peak so far
    result = {}

    def once():
        started = time.perf_counter()
        result["copy"] = import_registry_file(registry_file, as_of=dt.date.today())
        result["seconds"] = time.perf_counter() - started

    benchmark.pedantic(once, rounds=1, iterations=1)
    copy, seconds = result["copy"], result["seconds"]
    assert copy.status == RegistryCopy.Status.CURRENT and copy.numbers_stored == NUMBERS
    rate = NUMBERS / seconds
    peak_growth = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    benchmark.extra_info.update(numbers=NUMBERS, numbers_per_s=round(rate), full_registry_file_s=round(
        FULL_REGISTRY / rate), parse_only_s=round(baseline, 2), ratio_to_parse=round(seconds / baseline, 1),
        peak_rss_growth_mib=round(peak_growth, 1))
    print(f"\nregistry import: {NUMBERS:,} numbers in {seconds:.1f} s ({rate:,.0f} numbers/s; a 10,000,000-number "
          f"file ≈ {FULL_REGISTRY / rate:.0f} s), {seconds / baseline:.1f}x reading and parsing alone "
          f"({baseline:.2f} s); the process's peak memory grew {peak_growth:.1f} MiB, on {connection.vendor}")


@pytest.fixture
def imported(db, registry_file):
    campaign = Campaign.objects.create(name="Bench", slug="bench")
    import_registry_file(registry_file, as_of=dt.date.today())
    DoNotCall.objects.bulk_create([DoNotCall(phone=f"+1303555{i:04d}") for i in range(10_000)])
    return campaign


def median_us(check, phones) -> float:
    times = []
    for phone in phones:
        started = time.perf_counter()
        check(phone)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e6


def test_registry_lookup(benchmark, imported):
    hit, miss = "+12122000000", "+12129999999"  # the file's first number; one it does not hold
    assert on_registry(hit, imported) is not None and on_registry(miss, imported) is None
    phones = [f"+1212{2000000 + 2 * (i * 7919 % (NUMBERS // 3)):07d}" for i in range(LOOKUPS)]
    median_us(lambda phone: on_registry(phone, imported), phones[:200])  # warm the connection and caches
    registry = median_us(lambda phone: on_registry(phone, imported), phones)
    baseline = median_us(is_on_do_not_call, [f"+1303555{i:04d}" for i in range(0, 2 * LOOKUPS, 2)])
    benchmark.pedantic(lambda: on_registry(hit, imported), rounds=200, iterations=1)
    benchmark.extra_info.update(registry_numbers=NUMBERS, median_us=round(registry), dnc_median_us=round(baseline),
                                ratio_to_dnc=round(registry / baseline, 2))
    print(f"\nregistry lookup among {NUMBERS:,} numbers: {registry:.0f} µs median of {LOOKUPS} (one query); "
          f"do-not-call list lookup: {baseline:.0f} µs; ratio {registry / baseline:.2f} on {connection.vendor}")


@pytest.fixture
def dial_campaign(db, settings):
    from config.celery_app import app

    settings.MEDIA_SLOTS_TOTAL = 1000
    yield build_campaign("registry-tick", TICK_LEADS)
    app.control.purge()  # the place_call messages no worker will take


def test_registry_in_the_dial_tick(benchmark, dial_campaign, registry_file):
    """The tick gathers registry membership in its candidate query: its time with a copy of NUMBERS numbers (half
    the campaign's New York leads are on it), against the same tick before the copy existed."""
    timed_tick(dial_campaign)  # warm caches
    baseline = sorted(timed_tick(dial_campaign)[0] for _ in range(5))[2]
    queries_before = timed_tick(dial_campaign)[1]
    import_registry_file(registry_file, as_of=dt.date.today())
    runs = []
    benchmark.pedantic(lambda: runs.append(timed_tick(dial_campaign)), rounds=5, iterations=1)
    seconds = sorted(run[0] for run in runs)[2]
    assert {run[2] for run in runs} == {50} and runs[-1][1] == queries_before  # no query of its own
    Campaign.objects.filter(pk=dial_campaign.pk).update(require_registry=True)  # + the coverage check
    for code in (312, 415, 303):  # the campaign's other area codes, covered by the same copy for the check
        RegistryArea.objects.create(area_code=code, copy=RegistryCopy.objects.get())
    requiring = [timed_tick(dial_campaign) for _ in range(5)]
    assert {run[2] for run in requiring} == {50}
    required = sorted(run[0] for run in requiring)[2]
    benchmark.extra_info.update(leads=TICK_LEADS, median_ms=round(seconds * 1000, 1),
                                without_registry_ms=round(baseline * 1000, 1), requiring_ms=round(required * 1000, 1))
    print(f"\ndial tick, {TICK_LEADS:,} leads, registry copy of {NUMBERS:,} numbers: {seconds * 1000:.0f} ms "
          f"(median of 5), {runs[-1][1]} queries; without a copy: {baseline * 1000:.0f} ms, {queries_before} "
          f"queries; ratio {seconds / baseline:.2f}; campaign requiring the registry (coverage checked): "
          f"{required * 1000:.0f} ms, {requiring[-1][1]} queries, ratio {required / baseline:.2f} "
          f"on {connection.vendor}")
