"""The sheet import: a campaign's Google Sheet or CSV read into leads (normalised, deduplicated, checked
against the do-not-call list), all or nothing, queued on the `imports` queue by name."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.campaigns.models import Campaign
from apps.integrations.sheets import SheetError, SheetSource, UnreadableRow, source_for
from apps.leads import import_runs
from apps.leads.models import DoNotCall, ImportRejection, ImportRun, Lead, LeadStatus
from apps.leads.phones import InvalidPhone, normalize_phone
from apps.leads.timezones import lead_time_zone, parse_address, state_code

log = logging.getLogger(__name__)

# Fields the sheet owns: an import may change these, never the dialer's (status, attempts, …).
SHEET_FIELDS = [
    "name", "raw_phone", "phone_extension", "email", "address", "state", "postal_code", "notes",
    "time_zone", "time_zone_source", "consent_source", "consent_at", "sheet_row", "extra",
    "sheet_fingerprint",
]
_YES = {"yes", "y", "true", "1", "x", "✓", "opted in", "opt-in"}
_NO = {"no", "n", "false", "0", "opted out", "opt-out", "none"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_FORMATS = ("%m/%d/%Y", "%m/%d/%y", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p", "%d.%m.%Y", "%b %d, %Y", "%B %d, %Y")


class RowRejected(ValueError):
    """A sheet row that cannot become a lead; the message is kept as the rejection's reason."""


@dataclass
class ImportCounts:
    seen: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    blank: int = 0
    first_row_of_phone: dict[str, int] = field(default_factory=dict)


# --- reading one row ----------------------------------------------------------

def column_indexes(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Lead field → column index; raises SheetError naming every mapped column the sheet lacks."""
    exact = {name: i for i, name in reversed(list(enumerate(header)))}
    folded = {name.strip().casefold(): i for i, name in reversed(list(enumerate(header)))}
    indexes, missing = {}, []
    for lead_field, column in mapping.items():
        index = exact.get(column, folded.get(column.strip().casefold()))
        if index is None:
            missing.append(f"{column!r} (for {lead_field})")
        else:
            indexes[lead_field] = index
    if missing:
        present = ", ".join(repr(h) for h in header if h) or "none"
        raise SheetError(f"Missing column {', '.join(missing)}. The sheet's columns are: {present}. "
                         "Nothing was imported; fix the sheet or the campaign's column mapping.")
    return indexes


def parse_consent_at(text: str) -> dt.datetime | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                value = dt.datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise RowRejected(f"consent date not understood: {text[:40]!r}") from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    if value > timezone.now() + dt.timedelta(days=1):
        raise RowRejected(f"consent date is in the future: {text[:40]!r}")
    return value


def consent_source(text: str, has_date: bool) -> str:
    folded = text.strip().casefold()
    if folded in _NO:
        return ""
    if folded in _YES or (not folded and has_date):
        return "sheet"
    return text.strip()[:200]


def lead_values(cells: list[str], indexes: dict[str, int], header: list[str], region: str) -> dict:
    """The lead fields for one sheet row; raises RowRejected with the reason it cannot be a lead."""
    def get(name: str) -> str:
        i = indexes.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    raw_phone = get("phone")
    try:
        phone = normalize_phone(raw_phone, region)
    except InvalidPhone as exc:
        raise RowRejected(str(exc)) from None
    address = get("address")
    parsed_state, parsed_zip = parse_address(address)
    state = state_code(get("state")) or parsed_state
    postal_code = get("postal_code")[:10] or parsed_zip
    zone, zone_source = lead_time_zone(phone.e164, state, postal_code)
    consent_at = parse_consent_at(get("consent_at"))
    email = get("email")
    mapped = set(indexes.values())
    extra = {header[i]: cells[i].strip() for i in range(min(len(header), len(cells)))
             if i not in mapped and header[i] and cells[i].strip()}
    if email and not _EMAIL.match(email):
        extra["email (not understood)"] = email
        email = ""
    return {
        "phone": phone.e164,
        "phone_extension": phone.extension[:10],
        "raw_phone": raw_phone[:100],
        "name": " ".join(get("name").split())[:200],
        "email": email[:254],
        "address": address[:300],
        "state": state,
        "postal_code": postal_code,
        "notes": get("notes"),
        "time_zone": zone,
        "time_zone_source": zone_source,
        "consent_source": consent_source(get("consent_source"), consent_at is not None),
        "consent_at": consent_at,
        "extra": extra,
    }


# Bump when lead_values() would read the same row differently (new time-zone rules, say):
# every lead's fingerprint then differs once, and the next import refreshes them all.
PARSER_VERSION = 1


def row_fingerprint(header: list[str], indexes: dict[str, int], cells: list[str], number: int, region: str) -> str:
    """What a row said, where it stood, and how it was read: equal fingerprints need no re-parsing."""
    text = json.dumps([PARSER_VERSION, region, sorted(indexes.items()), number, header,
                       [cell.strip() for cell in cells]])
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


# --- importing a whole sheet -------------------------------------------------------

def start_import(campaign: Campaign, trigger: str, source: str = "") -> ImportRun:
    """Queue an import on the `imports` queue; the returned run shows its progress and result."""
    run = ImportRun.objects.create(campaign=campaign, trigger=trigger, source=source or campaign.sheet_source)
    import_runs.enqueue(run)  # on commit, by the task's name
    return run


def run_import(run: ImportRun, sheet: SheetSource | None = None, task_id: str = "") -> ImportRun:
    """Import the run's sheet into its campaign. All or nothing: a failure leaves leads untouched.

    Raises ImportBusy, leaving the run queued, while another import of the campaign is running (one
    whose worker stopped is taken over); a run no longer queued is returned as it is.
    """
    if not import_runs.claim(run, task_id):
        run.refresh_from_db()
        return run
    counts = ImportCounts()
    try:
        sheet = sheet or source_for(run.source, run.campaign.sheet_worksheet)
        with transaction.atomic():
            # Serialises imports of one campaign (beat and a staff click at once) on PostgreSQL;
            # SQLite's IMMEDIATE transactions already do.
            campaign = Campaign.objects.select_for_update().get(pk=run.campaign_id)
            with sheet.open() as data:
                header, rows = _without_our_results(data.header, data.rows, campaign)
                indexes = column_indexes(header, campaign.column_mapping)
                for batch in _batches(rows, settings.SHEETS_IMPORT_BATCH_SIZE):
                    _import_batch(run, campaign, header, indexes, batch, counts)
                    import_runs.heartbeat(run, counts.seen)
    except SheetError as exc:
        status, error = ImportRun.Status.FAILED, str(exc)
    except SoftTimeLimitExceeded:
        status, error = ImportRun.Status.FAILED, time_limit_reason(run, counts.seen)
    except Exception as exc:
        log.exception("import run %s failed", run.pk)
        status, error = ImportRun.Status.FAILED, f"Unexpected error: {exc.__class__.__name__}: {exc}"
    else:
        status, error = ImportRun.Status.SUCCEEDED, ""
    if status == ImportRun.Status.FAILED:
        counts = ImportCounts()  # rolled back: nothing was created or changed
    import_runs.finish(run, _outcome(status, error, counts))
    _prune_old_rejections(run.campaign_id)
    log.info("import run %s of campaign %s: %s, %s seen, %s created, %s updated, %s rejected",
             run.pk, run.campaign_id, run.status, counts.seen, counts.created, counts.updated, counts.rejected)
    return run


def _outcome(status: str, error: str, counts: ImportCounts) -> dict:
    return {"status": status, "error": error, "finished_at": timezone.now(), "rows_seen": counts.seen,
            "rows_created": counts.created, "rows_updated": counts.updated, "rows_unchanged": counts.unchanged,
            "rows_rejected": counts.rejected, "rows_blank": counts.blank}


def time_limit_reason(run: ImportRun, rows_read: int) -> str:
    seconds = (timezone.now() - run.started_at).total_seconds()
    return (f"Stopped by the task time limit (CELERY_TASK_SOFT_TIME_LIMIT) after {seconds:.0f} s, having read "
            f"{rows_read:,} rows; nothing was imported. The next import starts again from the first row: a sheet "
            "this large needs a longer time limit.")


def _prune_old_rejections(campaign_id: int) -> None:
    """Scheduled imports re-read the same bad rows every few minutes: keep the rejected rows of
    the latest runs only (older runs keep their counts), so the table does not grow forever."""
    keep = settings.IMPORT_REJECTIONS_KEEP_RUNS
    recent = ImportRun.objects.filter(campaign_id=campaign_id).order_by("-created_at", "-pk")
    cutoff = recent.values_list("pk", flat=True)[keep:keep + 1].first()
    if cutoff is not None:
        ImportRejection.objects.filter(run__campaign_id=campaign_id, run_id__lte=cutoff).delete()


def _batches(rows: Iterable, size: int):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _without_our_results(header: list[str], rows, campaign: Campaign):
    """The sheet as staff wrote it: the columns our write-back fills (Outcome, Score…) are results, not
    lead data. Left in, they would land in every lead's `extra` and change its row's fingerprint after
    each call, so every import would count the called leads as updated."""
    ours = {str(name).strip().casefold() for name in (campaign.writeback_columns or {}).values()}
    drop = {i for i, name in enumerate(header) if name.strip().casefold() in ours}
    if not drop:
        return header, rows
    def kept(cells: list[str]) -> list[str]:
        left = [cell for i, cell in enumerate(cells) if i not in drop]
        return UnreadableRow(left, cells.reason) if isinstance(cells, UnreadableRow) else left

    return [name for i, name in enumerate(header) if i not in drop], ((number, kept(cells)) for number, cells in rows)


def _import_batch(run, campaign, header, indexes, batch, counts: ImportCounts) -> None:
    """Reads, dedupes and writes one batch with a fixed number of queries, whatever its size.

    A row whose fingerprint matches its lead's is unchanged and is not parsed again: a
    re-import of an unchanged sheet costs a hash and a lookup per row.
    """
    rows = [(number, cells, row_fingerprint(header, indexes, cells, number, campaign.default_region))
            for number, cells in batch]
    known = {fp: (pk, phone, status) for fp, pk, phone, status in Lead.objects.filter(
        campaign=campaign, sheet_fingerprint__in=[fp for _, _, fp in rows],
    ).values_list("sheet_fingerprint", "id", "phone", "status")}
    rejections, parsed, unchanged = [], [], []
    for number, cells, fp in rows:
        counts.seen += 1
        unreadable = isinstance(cells, UnreadableRow)  # a NUL byte, undecodable bytes: rejected, never blank
        if not unreadable and not any(cell.strip() for cell in cells):
            counts.blank += 1
            continue
        try:
            if unreadable:
                raise RowRejected(cells.reason)
            values = None if fp in known else lead_values(cells, indexes, header, campaign.default_region)
            phone = known[fp][1] if values is None else values["phone"]
            first = counts.first_row_of_phone.setdefault(phone, number)
            if first != number:
                raise RowRejected(f"duplicate phone {phone}: same number as row {first}")
        except RowRejected as exc:
            raw = {header[i] if i < len(header) and header[i] else f"column {i + 1}": cell
                   for i, cell in enumerate(cells) if cell}
            rejections.append(ImportRejection(run=run, row_number=number, raw=raw, reason=str(exc)[:300]))
            continue
        if values is None:
            unchanged.append(known[fp])
        else:
            parsed.append({**values, "sheet_row": number, "sheet_fingerprint": fp})

    phones = [v["phone"] for v in parsed] + [phone for _, phone, _ in unchanged]
    blocked = set(DoNotCall.objects.active().filter(phone__in=phones).values_list("phone", flat=True))
    existing = {lead.phone: lead for lead in Lead.objects.filter(
        campaign=campaign, phone__in=[v["phone"] for v in parsed]).only("id", "phone", "status")}
    to_create, to_update, now = [], [], timezone.now()
    for values in parsed:
        lead = existing.get(values["phone"])
        on_dnc = values["phone"] in blocked
        if lead is None:
            status = LeadStatus.DO_NOT_CALL if on_dnc else LeadStatus.NEW
            to_create.append(Lead(campaign=campaign, status=status, **values))
            continue
        for name, value in values.items():
            setattr(lead, name, value)
        if _newly_blocked(on_dnc, lead.status):
            lead.status = LeadStatus.DO_NOT_CALL
        lead.updated_at = now  # bulk_update skips auto_now
        to_update.append(lead)
    # Unchanged rows whose number has since joined the do-not-call list change status only.
    newly_blocked = [pk for pk, phone, status in unchanged if _newly_blocked(phone in blocked, status)]

    Lead.objects.bulk_create(to_create)
    if to_update:
        Lead.objects.bulk_update(to_update, [*SHEET_FIELDS, "status", "updated_at"], batch_size=500)
    if newly_blocked:
        Lead.objects.filter(pk__in=newly_blocked).update(status=LeadStatus.DO_NOT_CALL, updated_at=now)
    ImportRejection.objects.bulk_create(rejections)
    counts.created += len(to_create)
    counts.updated += len(to_update) + len(newly_blocked)
    counts.unchanged += len(unchanged) - len(newly_blocked)
    counts.rejected += len(rejections)


def _newly_blocked(on_dnc: bool, status: str) -> bool:
    return on_dnc and status not in (LeadStatus.DO_NOT_CALL, LeadStatus.IN_CALL)
