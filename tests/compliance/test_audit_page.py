"""The staff compliance report page: the report's table for one campaign, for staff allowed to see calls only."""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from apps.calls.models import Call
from apps.compliance.audit import COLUMNS
from apps.leads.models import mask_phone
from tests.compliance.test_audit_report import BEFORE, PHONES, dial_four_calls


@pytest.fixture
def dialled(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    return dial_four_calls(active_campaign)


def page(client, **params):
    return client.get(reverse("compliance-report"), {"campaign": "spring", **params})


def test_the_page_needs_staff_allowed_to_see_calls(client, dialled):
    assert page(client).status_code == 302  # to the admin's login
    User.objects.create_user("clerk", password="pw-clerk-1", is_staff=True)
    client.login(username="clerk", password="pw-clerk-1")
    refused = page(client)
    assert (refused.status_code, refused.json()) == (403, {"error": "not allowed"})
    assert page(client, format="csv").status_code == 403


def test_a_manager_sees_every_call_with_its_evidence_and_no_full_phone(client, manager, dialled):
    _, call_ids = dialled
    client.force_login(manager)
    response = page(client)
    html = response.content.decode()
    assert response.status_code == 200
    for call_id in call_ids:
        assert reverse("admin:calls_call_change", args=[call_id]) in html
    for phone in [*PHONES, BEFORE]:
        assert phone not in html and mask_phone(phone) in html
    assert "no evidence recorded" in html and "America/New_York Wed 10:30 (window 08:00-21:00)" in html


def test_the_page_downloads_the_same_table_as_csv(client, manager, dialled):
    _, call_ids = dialled
    client.force_login(manager)
    response = page(client, format="csv", **{"from": "2000-01-01"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == list(COLUMNS)
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(call_ids)
    assert response["Content-Disposition"] == 'attachment; filename="compliance-spring.csv"'


def test_the_campaign_page_links_to_its_report(client, superuser, active_campaign):
    client.force_login(superuser)
    html = client.get(reverse("admin:campaigns_campaign_change", args=[active_campaign.pk])).content.decode()
    assert reverse("compliance-report") + "?campaign=spring" in html


def test_the_admin_shows_a_dials_evidence_read_only(client, superuser, dialled):
    _, call_ids = dialled
    client.force_login(superuser)
    assert client.get(reverse("admin:compliance_dialevidence_changelist")).status_code == 200
    html = client.get(reverse("admin:compliance_dialevidence_change", args=[call_ids[0]])).content.decode()
    assert "&quot;zone&quot;: &quot;America/New_York&quot;" in html
    day = f"{Call.objects.get(pk=call_ids[0]).created_at.astimezone(dt.UTC):%Y-%m-%d}"
    assert reverse("compliance-report") + f"?campaign=spring&amp;from={day}&amp;to={day}" in html
    assert 'name="_save"' not in html  # a record: nothing to change
