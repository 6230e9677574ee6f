"""One import of a campaign at a time: a second waits (the task asks again later, the command refuses), even when
two workers claim at the same moment; a claimed run stays claimed for other deliveries."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from apps.leads import import_runs
from apps.leads.importing import run_import
from apps.leads.models import ImportRun, Lead
from tests.conftest import write_csv

ROWS = [["Maria Gonzalez", "(212) 555-0134", "", "", "", "Website", "2026-09-14"]]


@pytest.fixture
def importing(campaign, sheet_path) -> ImportRun:
    """An import of the campaign, claimed by a worker that is alive (it heartbeats)."""
    write_csv(sheet_path, ROWS)
    run = ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source)
    assert import_runs.claim(run, task_id="the-first-worker")
    return run


def test_a_second_import_of_the_campaign_waits_while_one_runs(campaign, importing):
    second = ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source)
    with pytest.raises(import_runs.ImportBusy, match=f"run #{importing.pk}"):
        run_import(second)
    second.refresh_from_db()
    assert second.status == ImportRun.Status.QUEUED and not Lead.objects.exists()


def test_two_workers_claiming_at_the_same_moment_cannot_both_run_it(campaign, importing):
    """What a claim that looked before the other's update would do: the database refuses it."""
    second = ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source)
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportRun.objects.filter(pk=second.pk).update(status=ImportRun.Status.RUNNING)


def test_a_run_already_claimed_is_not_claimed_again(importing):
    assert not import_runs.claim(ImportRun.objects.get(pk=importing.pk), task_id="a-duplicate-message")
    assert ImportRun.objects.get(pk=importing.pk).task_id == "the-first-worker"


def test_the_command_refuses_to_start_while_another_import_runs(campaign, importing):
    with pytest.raises(CommandError, match="did not start: Another import of this campaign"):
        call_command("import_sheet", campaign.slug, stdout=StringIO())
    refused = ImportRun.objects.exclude(pk=importing.pk).get()
    assert refused.status == ImportRun.Status.FAILED and f"run #{importing.pk}" in refused.error
