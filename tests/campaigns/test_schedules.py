"""A campaign's beat schedules follow its settings: saved, paused, activated, deleted."""
from __future__ import annotations

import json

from django_celery_beat.models import PeriodicTask

from apps.campaigns.models import Campaign
from apps.campaigns.services import set_active


def schedules(campaign_id: int) -> dict[str, PeriodicTask]:
    rows = PeriodicTask.objects.filter(name__startswith=f"campaign {campaign_id}:")
    return {task.name.rsplit(": ", 1)[1]: task for task in rows}


def test_a_new_campaign_imports_on_schedule_but_does_not_dial(campaign):
    tasks = schedules(campaign.pk)
    assert tasks["import"].enabled and tasks["import"].task == "workers.imports.import_sheet"
    assert (tasks["import"].interval.every, tasks["import"].interval.period) == (15, "minutes")
    assert json.loads(tasks["import"].args) == [campaign.pk] and tasks["import"].queue == "imports"
    assert not tasks["dial"].enabled and tasks["dial"].queue == "dialer"


def test_activating_turns_dialing_on_and_pausing_turns_it_off(campaign):
    set_active(campaign, True)
    assert schedules(campaign.pk)["dial"].enabled
    set_active(campaign, False)
    assert not schedules(campaign.pk)["dial"].enabled


def test_changed_intervals_reach_beat(campaign):
    campaign.import_every_minutes, campaign.dial_every_seconds = 60, 10
    campaign.save()
    tasks = schedules(campaign.pk)
    assert (tasks["import"].interval.every, tasks["import"].interval.period) == (60, "minutes")
    assert (tasks["dial"].interval.every, tasks["dial"].interval.period) == (10, "seconds")


def test_a_campaign_without_a_sheet_has_no_running_import(db):
    campaign = Campaign.objects.create(name="No sheet", slug="no-sheet")
    assert not schedules(campaign.pk)["import"].enabled


def test_deleting_a_campaign_removes_its_schedules(campaign):
    campaign_id = campaign.pk
    campaign.delete()
    assert schedules(campaign_id) == {}
