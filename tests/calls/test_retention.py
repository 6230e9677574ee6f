"""A campaign keeps call recordings and transcripts for its retention_days; then the daily purge deletes them and
keeps what the call came to (outcome, disposition, score) and what it cost."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from celery import current_app
from celery.schedules import crontab
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from apps.calls.models import AgentStep, Call, CallStatus, Turn
from apps.calls.retention import purge_expired
from apps.campaigns.models import Campaign
from apps.core.tasks import enqueue
from apps.costs.models import CostEntry
from tests.conftest import make_lead
from tests.waiting import wait_for

NOW = dt.datetime(2026, 12, 2, 15, 30, tzinfo=dt.UTC)
PURGE_TASK = "workers.postcall.purge_expired_recordings"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def ended_call(campaign, phone: str, days_ago: float, *, now: dt.datetime = NOW) -> tuple[Call, Path]:
    """A finished, analysed call with a recording on disk, a transcript, a quoted fact and a cost entry."""
    lead = make_lead(campaign, phone, facts={"budget": {"value": 450000, "words": "about four fifty"}})
    call = Call.objects.create(
        lead=lead, campaign=campaign, status=CallStatus.COMPLETED, outcome="completed", disposition="qualified",
        score=72, score_band="hot", summary="Buyer, budget $450,000.", ended_at=now - dt.timedelta(days=days_ago),
        facts={"budget": {"value": 450000, "words": "about four fifty"}})
    name = default_storage.save(f"recordings/2026/10/call-{call.pk}.wav", ContentFile(b"RIFF" + bytes(40)))
    Call.objects.filter(pk=call.pk).update(recording=name)
    Turn.objects.create(call=call, sequence=1, speaker="agent", text="Hi, this is Alex.", start_ms=0, end_ms=900)
    Turn.objects.create(call=call, sequence=2, speaker="lead", text="About four fifty.", start_ms=1000, end_ms=2000)
    AgentStep.objects.create(call=call, number=1, lead_text="About four fifty.", intent="inform", route="qualify",
                             new_facts={"budget": 450000}, reply="Great, thanks.")
    CostEntry.objects.create(campaign=campaign, call=call, kind=CostEntry.Kind.TELEPHONY, units=Decimal("2"),
                             unit_price=Decimal("0.014"), amount=Decimal("0.028"))
    return Call.objects.get(pk=call.pk), Path(default_storage.path(name))


def keeping_for(campaign, days: int | None):
    Campaign.objects.filter(pk=campaign.pk).update(retention_days=days)
    return campaign


def test_an_old_calls_recording_and_transcript_are_deleted_and_its_results_and_costs_kept(campaign):
    keeping_for(campaign, 30)
    call, recording = ended_call(campaign, "+12125550101", days_ago=31)

    result = purge_expired(NOW)

    assert result == {"calls": 1, "recordings": 1, "turns": 2, "failed": 0, "more": False}
    assert not recording.exists()
    call.refresh_from_db()
    assert not call.recording and call.purged_at == NOW
    assert not Turn.objects.filter(call=call).exists()
    step = AgentStep.objects.get(call=call)
    assert (step.lead_text, step.reply, step.new_facts) == ("", "", {})
    assert (step.intent, step.route) == ("inform", "qualify")  # how the agent decided stays
    assert (call.status, call.outcome, call.disposition, call.score, call.score_band) == (
        CallStatus.COMPLETED, "completed", "qualified", 72, "hot")
    assert call.summary == "Buyer, budget $450,000."
    assert call.facts == {"budget": {"value": 450000}}  # the value, without the lead's words
    call.lead.refresh_from_db()
    assert call.lead.facts == {"budget": {"value": 450000}}
    assert CostEntry.objects.get(call=call).amount == Decimal("0.028")


def test_a_newer_call_and_a_campaign_that_keeps_everything_keep_their_recordings(campaign):
    keeping_for(campaign, 30)
    forever = Campaign.objects.create(name="Forever", slug="forever", column_mapping=campaign.column_mapping)
    recent, recent_file = ended_call(campaign, "+12125550102", days_ago=29)
    ancient, ancient_file = ended_call(forever, "+12125550103", days_ago=400)

    assert purge_expired(NOW)["calls"] == 0

    for call, recording in ((recent, recent_file), (ancient, ancient_file)):
        assert recording.exists()
        call.refresh_from_db()
        assert call.recording and call.purged_at is None
        assert Turn.objects.filter(call=call).count() == 2
        assert call.facts["budget"]["words"] == "about four fifty"


def test_a_call_still_going_is_not_purged(campaign):
    keeping_for(campaign, 1)
    call, recording = ended_call(campaign, "+12125550104", days_ago=3)
    Call.objects.filter(pk=call.pk).update(status=CallStatus.IN_PROGRESS, ended_at=None)
    assert purge_expired(NOW)["calls"] == 0 and recording.exists()


def test_purging_again_finds_nothing_to_do(campaign):
    keeping_for(campaign, 30)
    ended_call(campaign, "+12125550105", days_ago=31)
    assert purge_expired(NOW)["calls"] == 1
    assert purge_expired(NOW + dt.timedelta(days=1))["calls"] == 0


def test_a_run_stops_at_its_limit_and_says_there_is_more(campaign):
    keeping_for(campaign, 30)
    files = [ended_call(campaign, f"+1212555011{i}", days_ago=40 + i)[1] for i in range(3)]
    assert purge_expired(NOW, limit=2)["more"] is True
    assert sum(f.exists() for f in files) == 1
    assert purge_expired(NOW, limit=2) == {"calls": 1, "recordings": 1, "turns": 2, "failed": 0, "more": False}
    assert not any(f.exists() for f in files)


def test_a_recording_that_cannot_be_deleted_does_not_stop_the_others(campaign, media_root):
    keeping_for(campaign, 30)
    stuck, _ = ended_call(campaign, "+12125550120", days_ago=50)
    blocker = media_root / "recordings" / "stuck.wav"  # a directory with a file in it: the storage cannot delete it
    blocker.mkdir(parents=True)
    (blocker / "inside").write_bytes(b"x")
    Call.objects.filter(pk=stuck.pk).update(recording="recordings/stuck.wav")
    fine, fine_file = ended_call(campaign, "+12125550121", days_ago=40)

    result = purge_expired(NOW)

    assert (result["calls"], result["failed"]) == (1, 1)
    assert not fine_file.exists() and not Turn.objects.filter(call=fine).exists()
    stuck.refresh_from_db()
    assert stuck.purged_at is None and Turn.objects.filter(call=stuck).count() == 2  # tried again tomorrow


def test_a_campaign_keeps_recordings_at_least_a_day(campaign):
    campaign.retention_days = 0
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "retention_days" in refused.value.message_dict


def test_beat_runs_the_purge_daily_by_its_task_name(settings):
    [entry] = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == PURGE_TASK]
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {4}
    current_app.loader.import_default_modules()
    assert PURGE_TASK in current_app.tasks
    route = current_app.amqp.router.route({}, PURGE_TASK, args=(), kwargs={})
    assert route["queue"].name == entry["options"]["queue"] == "postcall"


def test_the_task_sent_by_name_purges_on_a_worker(celery_worker, campaign):
    keeping_for(campaign, 30)
    now = dt.datetime.now(dt.UTC)
    call, recording = ended_call(campaign, "+12125550130", days_ago=31, now=now)
    enqueue(PURGE_TASK)  # what beat sends
    wait_for(lambda: Call.objects.filter(pk=call.pk, purged_at__isnull=False).exists())
    assert not recording.exists() and not Turn.objects.filter(call=call).exists()
