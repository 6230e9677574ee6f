"""Imports run on a real Celery worker: staff click "import now", beat fires a schedule."""
from __future__ import annotations

from celery.signals import task_postrun
from django.urls import reverse

from apps.leads.models import ImportRun, Lead
from tests.conftest import write_csv
from tests.waiting import wait_for
from workers.imports import import_sheet

ROWS = [["Maria Gonzalez", "(212) 555-0134", "", "", "", "Website", "2026-09-14"],
        ["Bad Row", "not a number", "", "", "", "", ""]]


def test_staff_import_now_runs_on_the_worker(celery_worker, campaign, sheet_path, superuser, client):
    write_csv(sheet_path, ROWS)
    client.force_login(superuser)
    response = client.post(reverse("admin:campaigns_campaign_changelist"),
                           {"action": "import_now", "_selected_action": [campaign.pk]}, follow=True)
    assert "import queued" in response.content.decode()
    run = wait_for(lambda: ImportRun.objects.filter(campaign=campaign, status=ImportRun.Status.SUCCEEDED).first())
    assert run.trigger == ImportRun.Trigger.STAFF
    assert (run.rows_created, run.rows_rejected) == (1, 1)
    assert Lead.objects.get(campaign=campaign).phone == "+12125550134"


def test_a_scheduled_import_creates_its_own_run(celery_worker, campaign, sheet_path):
    write_csv(sheet_path, ROWS)
    import_sheet.apply_async(args=[campaign.pk], queue="imports")  # what beat sends
    run = wait_for(lambda: ImportRun.objects.filter(campaign=campaign, status=ImportRun.Status.SUCCEEDED).first())
    assert run.trigger == ImportRun.Trigger.SCHEDULE and run.rows_created == 1


def test_a_redelivered_import_message_does_not_import_twice(celery_worker, campaign, sheet_path):
    write_csv(sheet_path, ROWS)
    run = ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source)
    finished: set[str] = set()

    def note(task_id=None, **kwargs):
        finished.add(task_id)

    task_postrun.connect(note, weak=False)  # the in-thread worker runs the tasks in this process
    try:
        sent = [import_sheet.apply_async(args=[campaign.pk, run.pk], queue="imports").id for _ in range(2)]
        wait_for(lambda: finished >= set(sent), what="both messages to be consumed")
    finally:
        task_postrun.disconnect(note)
    assert ImportRun.objects.filter(campaign=campaign).count() == 1
    assert ImportRun.objects.get(pk=run.pk).rows_created == 1
