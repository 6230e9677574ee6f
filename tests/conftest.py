"""Shared fixtures: campaigns and sheets to import, staff users, a real Celery worker."""
from __future__ import annotations

import csv
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
def sheet_path(tmp_path) -> Path:
    return tmp_path / "leads.csv"


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

    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False,
                      queues=["imports", "dialer", "postcall"], shutdown_timeout=30) as worker:
        yield worker
