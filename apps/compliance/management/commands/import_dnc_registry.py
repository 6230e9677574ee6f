"""`manage.py import_dnc_registry <file> [--campaign SLUG] [--as-of YYYY-MM-DD] [--changes|--additions|--deletions]`:
import a copy of the national Do Not Call registry now (the FTC's area-code files, zipped or not), or apply a change
list to the current copies, and report what it held."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.campaigns.services import campaign_for_command
from apps.compliance.models import RegistryCopy
from apps.compliance.registry_import import import_registry_file
from apps.core.commands import iso_date


class Command(BaseCommand):
    help = "Import a national Do Not Call registry file for the team, or for one campaign."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the registry download: .zip, .gz or the flat text file")
        parser.add_argument("--campaign", default="", help="campaign slug; without it the copy is the team's")
        parser.add_argument("--as-of", type=iso_date, help="the date the data was downloaded (YYYY-MM-DD); "
                                                           "default: the date the file states, else today")
        kinds = parser.add_mutually_exclusive_group()
        for flag, kind in (("--changes", RegistryCopy.Kind.CHANGES), ("--additions", RegistryCopy.Kind.ADDITIONS),
                           ("--deletions", RegistryCopy.Kind.DELETIONS)):
            kinds.add_argument(flag, dest="kind", action="store_const", const=kind, help=f"{kind.label}, applied to "
                               "the current copies (default: a full list)")

    def handle(self, *args, file: str, campaign: str, as_of: dt.date | None, kind: str | None, **options):
        path = Path(file).resolve()
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        found = campaign_for_command(campaign) if campaign else None
        copy = import_registry_file(path, campaign=found, as_of=as_of, kind=kind or RegistryCopy.Kind.FULL)
        if copy.status == RegistryCopy.Status.FAILED:
            raise CommandError(f"Registry copy #{copy.pk} failed: {copy.error}")
        changed = f"{copy.numbers_stored} added, {copy.numbers_removed} deleted" \
            if copy.kind != RegistryCopy.Kind.FULL else f"{copy.numbers_stored} numbers"
        self.stdout.write(self.style.SUCCESS(
            f"Registry copy #{copy.pk} ({found.slug if found else 'team'}, data as of {copy.as_of}, "
            f"{copy.get_as_of_source_display().lower()}): {changed} in "
            f"{len(copy.area_codes)} area code(s), {copy.lines_rejected} line(s) rejected, "
            f"{copy.lines_duplicate} listed twice, {copy.lines_blank} blank; {copy.get_status_display().lower()}"))
        if copy.error:
            self.stdout.write(f"  note: {copy.error}")
        for reason, count in copy.rejection_reasons.items():
            self.stdout.write(f"  {count} rejected: {reason}")
        for example in copy.rejection_examples[:5]:
            self.stdout.write(f"    line {example['line']}: {example['text']!r}")
