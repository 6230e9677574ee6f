"""Shared fixtures: campaigns and sheets to import, staff users, a real Celery worker."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User

from apps.campaigns.models import Campaign
from apps.core.groups import CAMPAIGN_MANAGERS

HEADER = ["Full Name", "Phone Number", "Property Address", "Email", "Notes", "Consent Source", "Consent Date"]
MAPPING = {
    "name": "Full Name",
    "phone": "Phone Number",
    "address": "Property Address",
    "email": "Email",
    "notes": "Notes",
    "consent_source": "Consent Source",
    "consent_at": "Consent Date",
}


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def sheets_dir(tmp_path, settings) -> Path:
    """The folder local sheet files must be in (SHEETS_LOCAL_DIR): this test's tmp_path."""
    settings.SHEETS_LOCAL_DIR = tmp_path
    return tmp_path


@pytest.fixture
def sheet_path(sheets_dir) -> Path:
    return sheets_dir / "leads.csv"


PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture
def no_proxy(monkeypatch):
    """Clients under test talk to the local wire fakes on 127.0.0.1 directly, never through a proxy."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def campaign(db, sheet_path) -> Campaign:
    return Campaign.objects.create(name="Spring buyers", slug="spring", sheet_source=str(sheet_path),
                                   column_mapping=MAPPING)


@pytest.fixture
def manager(db) -> User:
    """A staff member in the 'Campaign managers' group (no superuser powers)."""
    user = User.objects.create_user("manager", password="pw-manager-1", is_staff=True)
    user.groups.add(Group.objects.get(name=CAMPAIGN_MANAGERS))
    return user


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("boss", password="pw-boss-1")


@pytest.fixture
def celery_worker(transactional_db):
    """A real Celery worker (thread) consuming every queue from the test Redis."""
    from celery.contrib.testing.worker import start_worker

    from config.celery_app import app

    app.control.purge()  # messages left by earlier tests name rows that no longer exist
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                      queues=["imports", "dialer", "postcall"], shutdown_timeout=30) as worker:
        yield worker


# A winter Wednesday, 15:30 UTC: 10:30 in New York, 09:30 in Chicago, 07:30 in Los Angeles.
WEEKDAY_MORNING_ET = dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC)


def make_lead(campaign, phone: str, *, time_zone: str = "America/New_York", consent: str = "Website form",
              due: dt.datetime | None = None, **fields):
    """A callable lead (due before WEEKDAY_MORNING_ET unless told otherwise)."""
    from apps.leads.models import Lead

    return Lead.objects.create(campaign=campaign, phone=phone, name=fields.pop("name", "Lead " + phone[-4:]),
                               time_zone=time_zone, consent_source=consent,
                               next_attempt_at=due or WEEKDAY_MORNING_ET - dt.timedelta(hours=1), **fields)


@pytest.fixture
def active_campaign(campaign):
    campaign.is_active = True
    campaign.max_concurrent_calls = 5
    campaign.save()
    return campaign


@pytest.fixture(autouse=True)
def clean_shared_redis_state():
    """The simulated network and the slot registry keep state in Redis, keyed by call ids that the
    test database hands out again in every test: start each test without the last one's."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    for pattern in ("simtel:*", "media:*", "agent:graph:*", "webhooks:*", "imports:*"):
        keys = list(client.scan_iter(pattern, count=1000))
        if keys:
            client.delete(*keys)
    yield


@pytest.fixture(autouse=True)
def close_media_db_thread():
    """The agent's database thread keeps its connection open; the test database cannot go while it does."""
    yield
    from apps.core import dbthread

    dbthread.close()
