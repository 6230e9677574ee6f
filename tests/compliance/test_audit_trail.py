"""Every dial records the evidence it was made on, in the dial tick that creates its call."""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.calls.dialing import dial_tick
from apps.calls.models import Call, CallStatus
from apps.compliance.audit import rules_version
from apps.compliance.models import DialEvidence, RegistryCopy
from apps.compliance.registry_import import import_registry_file
from tests.compliance.registry_files import write_registry
from tests.conftest import WEEKDAY_MORNING_ET as NOW
from tests.conftest import make_lead

FRESH = dt.date(2026, 11, 20)
NEW_YORK, MIAMI, LISTED = "+12125550101", "+13055550102", "+12125550103"


def test_a_dial_tick_records_the_evidence_of_every_call_it_makes(active_campaign, settings, tmp_path):
    settings.MEDIA_SLOTS_TOTAL = 10
    copy = import_registry_file(write_registry(tmp_path / "team.zip", ["212,5550103", "212,5550199"]), as_of=FRESH)
    assert copy.status == RegistryCopy.Status.CURRENT
    new_york = make_lead(active_campaign, NEW_YORK)
    miami = make_lead(active_campaign, MIAMI, attempts=1)
    earlier = Call.objects.create(lead=miami, campaign=active_campaign, status=CallStatus.NO_ANSWER, attempt=1,
                                  outcome="no_answer")
    Call.objects.filter(pk=earlier.pk).update(created_at=NOW - dt.timedelta(hours=2))
    listed = make_lead(active_campaign, LISTED, consent_at=dt.datetime(2026, 10, 1, tzinfo=dt.UTC))

    result = dial_tick(active_campaign.pk, now=NOW)

    assert len(result.calls) == 3
    evidence = {row.call.lead_id: row for row in DialEvidence.objects.select_related("call")}
    assert sorted(row.call_id for row in evidence.values()) == sorted(result.calls)
    ny = evidence[new_york.pk].evidence
    assert evidence[new_york.pk].checked_at == NOW
    assert ny["checked_at"] == "2026-12-02T15:30:00+00:00"
    assert ny["zones"] == [{
        "zone": "America/New_York", "local_time": "2026-12-02T10:30:00-05:00", "weekday": "wed",
        "campaign_window": "08:00-21:00", "federal_window": "08:00-21:00", "state_windows": [],
        "applied": "08:00-21:00"}]
    assert (ny["states"], ny["rules"]) == (["NY"], [])  # New York adds nothing to the federal floor
    assert ny["do_not_call"] == {"checked": True, "listed": False}
    assert ny["registry"] == {"applies": True, "required": False, "listed": False, "listed_as_of": None,
                              "copies": [{"copy": copy.pk, "as_of": "2026-11-20", "scope": "team"}]}
    assert ny["consent"] == {"required": True, "source": "Website form", "at": None, "express": False}
    assert ny["attempts"] == {"attempt": 1, "max": 6, "window_hours": 24, "earlier_calls": []}
    assert ny["rules_version"] == evidence[new_york.pk].rules_version == rules_version()

    fl = evidence[miami.pk].evidence
    assert fl["states"] == ["FL"]
    assert fl["zones"][0]["state_windows"] == [{"state": "FL", "hours": "08:00-20:00", "clock": "local",
                                                "wall_clock": "08:00-20:00", "line": 10}]
    assert fl["zones"][0]["applied"] == "08:00-20:00"
    assert [(rule["rule"], rule["value"], rule["line"]) for rule in fl["rules"]] == [
        ("hours", "08:00-20:00", 10), ("attempts", "3/24", 11)]  # the rows a Wednesday dial answers to
    assert fl["rules"][1]["statute"] == "Fla. Stat. § 501.616(6)(b)"
    assert fl["attempts"] == {"attempt": 2, "max": 6, "window_hours": 24,
                              "earlier_calls": ["2026-12-02T13:30:00+00:00"]}
    assert fl["registry"]["copies"] == []  # no copy holds area code 305

    on_it = evidence[listed.pk].evidence
    assert on_it["registry"]["listed"] is True and on_it["registry"]["listed_as_of"] == "2026-11-20"
    assert on_it["consent"] == {"required": True, "source": "Website form", "at": "2026-10-01T00:00:00+00:00",
                                "express": True}


def test_recording_evidence_costs_the_tick_no_query_per_lead(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 20
    active_campaign.max_concurrent_calls = 10
    active_campaign.save()
    make_lead(active_campaign, "+12125550110")
    with CaptureQueriesContext(connection) as one:
        assert len(dial_tick(active_campaign.pk, now=NOW).calls) == 1
    for i in range(5):
        make_lead(active_campaign, f"+1212555012{i}")
    with CaptureQueriesContext(connection) as five:
        assert len(dial_tick(active_campaign.pk, now=NOW).calls) == 5
    assert len(five) == len(one)
    assert DialEvidence.objects.count() == 6


def test_a_tick_that_dials_nobody_records_nothing(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    make_lead(active_campaign, NEW_YORK, due=NOW + dt.timedelta(hours=1))
    assert dial_tick(active_campaign.pk, now=NOW).calls == []
    assert not DialEvidence.objects.exists()
