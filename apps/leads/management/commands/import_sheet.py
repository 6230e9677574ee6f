"""`manage.py import_sheet <campaign-slug> [--source PATH_OR_URL]`: run one import now and report it."""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from apps.campaigns.services import campaign_for_command
from apps.leads.import_runs import ImportBusy, not_started
from apps.leads.importing import run_import
from apps.leads.models import ImportRun


class Command(BaseCommand):
    help = "Import a campaign's lead sheet now (the same service the imports queue runs)."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="campaign slug")
        parser.add_argument("--source", default="", help="sheet to read instead of the campaign's own")

    def handle(self, *args, campaign: str, source: str, **options):
        found = campaign_for_command(campaign)
        source = source or found.sheet_source
        if not source:
            raise CommandError(f"Campaign {campaign!r} has no sheet source; pass --source")
        run = ImportRun.objects.create(campaign=found, source=source, trigger=ImportRun.Trigger.COMMAND)
        try:
            run = run_import(run)
        except ImportBusy as busy:
            not_started(run, str(busy))
            raise CommandError(f"Import #{run.pk} did not start: {busy} Try again when it ends.") from None
        summary = (f"Import #{run.pk} of {found.slug}: {run.rows_seen} rows read, {run.rows_created} created, "
                   f"{run.rows_updated} updated, {run.rows_unchanged} unchanged, {run.rows_rejected} rejected, "
                   f"{run.rows_blank} blank")
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(f"Import #{run.pk} failed: {run.error}")
        self.stdout.write(self.style.SUCCESS(summary))
        for rejection in run.rejections.all()[:20]:
            self.stdout.write(f"  row {rejection.row_number}: {rejection.reason}")
        if run.rows_rejected > 20:
            self.stdout.write(f"  … and {run.rows_rejected - 20} more (see the admin's import runs)")
