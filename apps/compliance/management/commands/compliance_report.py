"""`manage.py compliance_report <campaign> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--csv]`: every call of a campaign
with the evidence its dial was made on (masked phones), and whether it would pass today's rules."""
from __future__ import annotations

import csv
import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from apps.campaigns.services import campaign_for_command
from apps.compliance.audit import COLUMNS, report_rows
from apps.core.commands import iso_date


class Command(BaseCommand):
    help = "List a campaign's calls with their compliance evidence; flag any that would not pass today's rules."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="campaign slug")
        parser.add_argument("--from", dest="start", type=iso_date, help="first day, UTC (YYYY-MM-DD)")
        parser.add_argument("--to", dest="end", type=iso_date, help="last day, UTC (YYYY-MM-DD), inclusive")
        parser.add_argument("--csv", dest="as_csv", action="store_true", help="CSV: a header row, one row a call")

    def handle(self, *args, campaign: str, start: dt.date | None, end: dt.date | None, as_csv: bool, **options):
        found = campaign_for_command(campaign)
        first, last = start, end
        if first and last and first > last:
            raise CommandError("--from is after --to")
        rows = report_rows(found, first, last)
        if as_csv:
            self._write_csv(rows)
        else:
            self._write_text(found, rows)

    def _write_csv(self, rows) -> None:
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow(row.cells())

    def _write_text(self, campaign, rows) -> None:
        self.stdout.write(" | ".join(COLUMNS))
        total = flagged = missing = 0
        for row in rows:
            total += 1
            flagged += bool(row.flags)
            missing += not row.has_evidence
            line = " | ".join(row.cells())
            self.stdout.write(self.style.WARNING(line) if row.flags or not row.has_evidence else line)
        self.stdout.write(f"{campaign.slug}: {total} call(s); {flagged} would not pass today's rules; "
                          f"{missing} without recorded evidence")
