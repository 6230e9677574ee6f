"""Import speed: a 100,000-row CSV into the database, then a re-import of the unchanged sheet.

Run with `make bench` (DATABASE_URL=postgres://… to measure PostgreSQL). Each figure is also
given as a ratio to a baseline measured in the same process: reading the same file with the
csv module alone, so the ratio says what normalising, deduplicating and writing cost.
"""
from __future__ import annotations

import csv
import os
import random
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.campaigns.models import Campaign
from apps.leads.importing import run_import
from apps.leads.models import ImportRun, Lead
from tests.conftest import HEADER, MAPPING

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
AREA_CODES = ["212", "312", "415", "303", "713", "602", "305", "206", "617", "404", "214", "503"]


def bench_phone(i: int) -> str:
    return f"({AREA_CODES[i % len(AREA_CODES)]}) {200 + i // 10000 % 800:03d}-{i % 10000:04d}"


@pytest.fixture(scope="module")
def big_sheet(tmp_path_factory):
    """ROWS leads; about 2% are bad (text, impossible numbers) and 1% duplicates, as real sheets are."""
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("bench") / "leads.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(ROWS):
            phone = bench_phone(i)
            roll = rng.random()
            if roll < 0.01:
                phone = "call after 5"
            elif roll < 0.02:
                phone = "555-010-0199"
            elif roll < 0.03 and i:
                phone = bench_phone(i - 1)  # the row above's number again
            writer.writerow([f"Lead {i}", phone, f"{i} Main St, Springfield, IL 62701", f"lead{i}@example.com",
                             "wants 3 beds", "Website form", "2026-09-14"])
    return path


def csv_read_seconds(path) -> float:
    started = time.perf_counter()
    with path.open(newline="") as handle:
        for _ in csv.reader(handle):
            pass
    return time.perf_counter() - started


def import_once(campaign, path) -> tuple[ImportRun, int]:
    with CaptureQueriesContext(connection) as queries:
        run = run_import(ImportRun.objects.create(campaign=campaign, source=str(path)))
    assert run.status == ImportRun.Status.SUCCEEDED, run.error
    return run, len(queries)


@pytest.fixture
def bench_campaign(db, big_sheet, settings):
    settings.SHEETS_LOCAL_DIR = big_sheet.parent
    return Campaign.objects.create(name="Bench", slug="bench", sheet_source=str(big_sheet), column_mapping=MAPPING)


def report(benchmark, label, seconds, baseline, run, queries):
    benchmark.extra_info.update(rows=run.rows_seen, queries=queries, baseline_csv_read_s=round(baseline, 3),
                                ratio_to_csv_read=round(seconds / baseline, 1))
    print(f"\n{label}: {run.rows_seen} rows in {seconds:.1f} s ({run.rows_seen / seconds:,.0f} rows/s), "
          f"{queries} queries ({queries / max(run.rows_seen, 1) * 1000:.1f} per 1,000 rows), "
          f"{seconds / baseline:.0f}x a bare csv read ({baseline:.2f} s) on {connection.vendor}")


def benchmarked_import(benchmark, campaign, sheet) -> tuple[ImportRun, int, float, float]:
    """One import, timed once by pytest-benchmark; also the bare csv read baseline."""
    baseline = csv_read_seconds(sheet)
    result = {}

    def once():
        started = time.perf_counter()
        result["run"], result["queries"] = import_once(campaign, sheet)
        result["seconds"] = time.perf_counter() - started

    benchmark.pedantic(once, rounds=1, iterations=1)
    return result["run"], result["queries"], result["seconds"], baseline


def test_first_import(benchmark, bench_campaign, big_sheet):
    run, queries, seconds, baseline = benchmarked_import(benchmark, bench_campaign, big_sheet)
    assert run.rows_created + run.rows_rejected + run.rows_blank == ROWS
    assert Lead.objects.filter(campaign=bench_campaign).count() == run.rows_created
    report(benchmark, "first import", seconds, baseline, run, queries)


def test_reimport_unchanged(benchmark, bench_campaign, big_sheet):
    import_once(bench_campaign, big_sheet)
    run, queries, seconds, baseline = benchmarked_import(benchmark, bench_campaign, big_sheet)
    assert (run.rows_created, run.rows_updated) == (0, 0)
    report(benchmark, "re-import, unchanged", seconds, baseline, run, queries)
