"""An import stopped by the task time limit ends `failed` saying so (and what it had read), never left `running`:
nothing of it is saved, and the campaign's next import is free to start."""
from __future__ import annotations

import re

import pytest

from apps.leads import import_runs
from apps.leads.models import ImportRun, Lead
from tests.waiting import wait_for
from tests.workers.worker_process import worker_process, write_big_sheet
from workers.imports import import_sheet

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


def test_an_import_stopped_at_the_soft_time_limit_fails_saying_so(campaign, sheet_path, tmp_path):
    write_big_sheet(sheet_path, 20_000)  # about ten seconds in batches of ten: well past a one-second limit
    with worker_process(tmp_path, SHEETS_IMPORT_BATCH_SIZE="10", SHEETS_LOCAL_DIR=str(sheet_path.parent)):
        run = ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source)
        # What start_import sends, with a one-second limit instead of ten minutes (the sender's limits apply).
        import_sheet.apply_async(args=[campaign.pk, run.pk], soft_time_limit=1, time_limit=30)
        run = wait_for(lambda: ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.FAILED).first(),
                       timeout=30, what="the time limit")
    assert re.match(r"Stopped by the task time limit \(CELERY_TASK_SOFT_TIME_LIMIT\) after \d+ s, having read "
                    r"[\d,]+ rows; nothing was imported\.", run.error), run.error
    assert (run.rows_created, run.finished_at is not None) == (0, True)
    assert not Lead.objects.filter(campaign=campaign).exists()
    assert import_runs.rows_read(run.pk) is None  # no heartbeat left behind
    assert import_runs.live_import(campaign.pk) is None  # the next import may start
