"""Importing a copy of the national Do Not Call registry as the FTC's telemarketer site gives it: full-list area-code
files in flat text, one registered number a line, either "AAA,NNNNNNN" (area code, comma, seven digits) or ten
digits; zipped, gzipped or plain. The file is streamed and written in batches (PostgreSQL: COPY), so memory stays
the same for 10 million numbers as for ten; the copy then becomes current for its area codes in one transaction,
replacing its scope's older copy of each.

A change list (the registry's numbers added and deleted since the subscriber's last download) is applied instead, in
one transaction, to every current copy of its scope (the team's, or a campaign's): additions join the copy of their
area code, deletions leave it, and each copy is brought to the change list's date (an area code with no changes has
no line in it, so the date moves for all of them). Its lines carry the number and a change type, "A"/"D" or the
words, among other comma-separated fields, which are ignored (the FTC describes the flat change file only as several
data items per record); a file of one kind only (additions, deletions) may leave the type out. A line for an area
code with no current copy here, or whose copy is newer than the change list, is rejected with that reason.

Nothing is dropped silently: blank lines, a header line, rejected lines (with a count for each reason and the first
examples) and numbers listed twice are all counted on the RegistryCopy row.
"""
from __future__ import annotations

import datetime as dt
import gzip
import io
import itertools
import logging
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.compliance.models import RegistryArea, RegistryCopy, RegistryNumber
from apps.compliance.registry import AREA

log = logging.getLogger(__name__)

BATCH = 20_000  # numbers a write carries: the import's memory is about this many ints, whatever the file's size
EXAMPLES_KEPT = 20
IN_SLICE = 900  # numbers one DELETE names (under SQLite's oldest limit of 999 parameters)
DELETE_SLICE = 10**6  # superseded numbers are deleted a million-number range at a time (100 exchanges)
_DATE = re.compile(rb"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})/(\d{1,2})/(\d{4})")


class RegistryFileError(Exception):
    """The file cannot be read at all (missing, an empty zip): the copy fails with this message."""


@dataclass
class Tally:
    """What the reading found, kept small: counts, the first examples, the area codes seen."""

    lines: int = 0
    blank: int = 0
    accepted: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: list[dict] = field(default_factory=list)
    area_codes: set[int] = field(default_factory=set)
    header: str = ""
    stated_as_of: dt.date | None = None

    def reject(self, line_number: int, raw: bytes, reason: str) -> None:
        self.reasons[reason] += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append({"line": line_number, "text": raw[:80].decode("ascii", "replace"), "reason": reason})

    @property
    def rejected(self) -> int:
        return sum(self.reasons.values())


# --- reading ----------------------------------------------------------------------------------------

def parse_line(line: bytes) -> int | str:
    """A stripped, non-blank line → its 10-digit number, or the reason it is not one."""
    if len(line) == 10 and line.isdigit():
        digits = line
    elif len(line) == 11 and line[3:4] == b"," and line[:3].isdigit() and line[4:].isdigit():
        digits = line[:3] + line[4:]
    else:
        return _parse_loosely(line)
    if digits[0] in b"01":
        return "not a US number: an area code cannot start with 0 or 1"
    if digits[3] in b"01":
        return "not a US number: an exchange cannot start with 0 or 1"
    return int(digits)


def _parse_loosely(line: bytes) -> int | str:
    """The same two shapes with spaces or quotes around the fields; anything else is rejected with its reason."""
    fields = _fields(line)
    if len(fields) > 2:
        return "more than two fields (a change list? upload it as one)"
    if not all(part.isdigit() for part in fields):
        return "not a phone number: characters other than digits"
    if len(fields) == 1:
        if len(fields[0]) == 10:
            return parse_line(fields[0])
        return "a number must have 10 digits (or be written area code, comma, 7 digits)"
    area_code, number = fields
    if len(area_code) != 3:
        return "the area code must have 3 digits"
    if len(number) != 7:
        return "the number after the area code must have 7 digits"
    return parse_line(area_code + b"," + number)


ADDED, DELETED = "A", "D"
_CHANGE_TYPES = {word: ADDED for word in (b"a", b"add", b"added", b"addition", b"new")} | {
    word: DELETED for word in (b"d", b"del", b"delete", b"deleted", b"deletion", b"remove", b"removed")}


def parse_change(line: bytes, implied: str | None = None) -> tuple[int, str] | str:
    """A stripped change-list line → (number, ADDED or DELETED), or the reason it is not one. `implied`: the type
    of a file of one kind, for lines that do not say it."""
    fields = _fields(line)
    said = {_CHANGE_TYPES[field.lower()] for field in fields if field.lower() in _CHANGE_TYPES}
    numbers, at = [], 0
    while at < len(fields):
        field = fields[at]
        if len(field) == 10 and field.isdigit():
            numbers.append(field)
        elif len(field) == 3 and field.isdigit() and at + 1 < len(fields) and len(fields[at + 1]) == 7 \
                and fields[at + 1].isdigit():
            numbers.append(field + fields[at + 1])
            at += 1
        at += 1
    if not numbers:
        return "no phone number on the line (area code and 7 digits, or 10 digits)"
    if len(numbers) > 1:
        return "more than one phone number on the line"
    if len(said) > 1:
        return "marked both added and deleted"
    change = next(iter(said), implied)
    if change is None:
        return "no change type on the line (A for added, D for deleted)"
    if implied and change != implied:
        return f"marked {'deleted' if change == DELETED else 'added'} in a file of " \
               f"{'additions' if implied == ADDED else 'deletions'}"
    number = parse_line(numbers[0])
    return number if isinstance(number, str) else (number, change)


def _fields(line: bytes) -> list[bytes]:
    """A line's comma-separated fields, without the spaces or quotes around them."""
    return [part.strip().strip(b'"').strip() for part in line.split(b",")]


def _looks_like_header(line: bytes) -> bool:
    return any(65 <= byte <= 90 or 97 <= byte <= 122 for byte in line)


def _stated_date(line: bytes) -> dt.date | None:
    match = _DATE.search(line)
    if match is None:
        return None
    try:
        if match.group(1):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return dt.date(int(match.group(6)), int(match.group(4)), int(match.group(5)))
    except ValueError:
        return None


def _sources(path: Path, tally: Tally) -> Iterator[Iterator[bytes]]:
    """Each text file in the upload, as lines of bytes: the members of a zip (in name order), a gzip, a plain file."""
    if not path.exists():
        raise RegistryFileError(f"{path.name}: no such file")
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = sorted((info for info in archive.infolist() if not info.is_dir()), key=lambda info: info.filename)
            if not members:
                raise RegistryFileError(f"{path.name}: the zip holds no file")
            # The oldest member's date stands for the whole upload (a header's date, if any, comes first).
            tally.stated_as_of = min(dt.date(*info.date_time[:3]) for info in members)
            for info in members:
                with archive.open(info) as member:
                    yield member
        return
    with path.open("rb") as handle:
        gzipped = handle.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rb") as handle:
        yield handle


def read_numbers(path: Path, tally: Tally) -> Iterator[int]:
    """Every registered number in the file, in file order; the tally counts what else each line was."""
    return _read(path, tally, parse_line)


def read_changes(path: Path, tally: Tally, kind: str) -> Iterator[tuple[int, str]]:
    """Every (number, ADDED or DELETED) of a change list, in file order."""
    implied = {RegistryCopy.Kind.ADDITIONS: ADDED, RegistryCopy.Kind.DELETIONS: DELETED}.get(kind)
    return _read(path, tally, lambda line: parse_change(line, implied))


def _read(path: Path, tally: Tally, parse: Callable[[bytes], int | tuple[int, str] | str]) -> Iterator:
    for lines in _sources(path, tally):
        first = True
        for raw in lines:
            tally.lines += 1
            line = raw.strip()
            if not line:
                tally.blank += 1
                continue
            parsed = parse(line)
            if not isinstance(parsed, str):
                tally.accepted += 1
                tally.area_codes.add((parsed if isinstance(parsed, int) else parsed[0]) // AREA)
                yield parsed
            elif first and _looks_like_header(line):
                tally.header = tally.header or line[:300].decode("ascii", "replace")
                tally.stated_as_of = _stated_date(line) or tally.stated_as_of
            else:
                tally.reject(tally.lines, line, parsed)
            first = False


def batches(numbers: Iterator[int], size: int = BATCH) -> Iterator[list[int]]:
    batch: list[int] = []
    for number in numbers:
        batch.append(number)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- writing ----------------------------------------------------------------------------------------

class _Writer:
    """Inserts one batch of a copy's numbers in its own short transaction; returns how many were new (a number
    listed twice is stored once). The copy is not current yet, so nobody reads these rows until it is."""

    table = RegistryNumber._meta.db_table
    exact = False  # whether write() returns the exact count of new rows

    def __init__(self, copy_id: int):
        self.copy_id = copy_id

    def write(self, batch: list[int]) -> int:
        with transaction.atomic():
            return self._insert(batch)

    def _insert(self, batch: list[int]) -> int:
        created = RegistryNumber.objects.bulk_create(
            [RegistryNumber(number=number, copy_id=self.copy_id) for number in batch], ignore_conflicts=True)
        return len(created)  # an upper bound where the database cannot say; corrected by a count at the end


class _SQLiteWriter(_Writer):
    exact = True

    def _insert(self, batch: list[int]) -> int:
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT OR IGNORE INTO {self.table} (number, copy_id) VALUES (%s, {self.copy_id})",  # noqa: S608
                               [(number,) for number in batch])
            return cursor.rowcount


class _PostgresWriter(_Writer):
    """COPY into a session-temporary table, then one INSERT … ON CONFLICT DO NOTHING from it."""

    exact = True

    def _insert(self, batch: list[int]) -> int:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS registry_stage (number bigint) ON COMMIT DELETE ROWS")
            cursor.copy_expert("COPY registry_stage (number) FROM STDIN",
                               io.StringIO("\n".join(map(str, batch)) + "\n"))
            cursor.execute(f"INSERT INTO {self.table} (number, copy_id) SELECT number, %s FROM registry_stage "  # noqa: S608
                           "ON CONFLICT DO NOTHING", [self.copy_id])
            inserted = cursor.rowcount
            cursor.execute("TRUNCATE registry_stage")  # inside a test's transaction ON COMMIT never comes
            return inserted


def _writer(copy_id: int) -> _Writer:
    return {"sqlite": _SQLiteWriter, "postgresql": _PostgresWriter}.get(connection.vendor, _Writer)(copy_id)


# --- one import -------------------------------------------------------------------------------------

def import_registry_file(path: str | Path, *, campaign=None, as_of: dt.date | None = None, user=None,
                         source_name: str = "", kind: str = RegistryCopy.Kind.FULL) -> RegistryCopy:
    """Create a copy for the file and import it now (the management command; the admin queues import_copy)."""
    copy = RegistryCopy.objects.create(campaign=campaign, source_name=source_name or Path(path).name, kind=kind,
                                       file_path=str(path), as_of=as_of,
                                       as_of_source=RegistryCopy.AsOfSource.STAFF if as_of else "", uploaded_by=user)
    return import_copy(copy.pk)


def import_copy(copy_id: int) -> RegistryCopy:
    """Read the copy's file into its numbers, then make it current for its area codes. A failure leaves the copy
    FAILED with the reason, and none of its numbers behind."""
    started = timezone.now()
    if RegistryCopy.objects.filter(pk=copy_id, status=RegistryCopy.Status.QUEUED).update(
            status=RegistryCopy.Status.IMPORTING, started_at=started) != 1:
        return RegistryCopy.objects.get(pk=copy_id)  # imported already (a redelivered message), or running
    copy = RegistryCopy.objects.get(pk=copy_id)
    tally = Tally()
    replaced: dict[int, list[int]] = {}
    try:
        if copy.kind != RegistryCopy.Kind.FULL:
            apply_change_list(copy, tally)
        else:
            stored = _store_numbers(copy, tally)
            _record_reading(copy, tally, stored)
            if not tally.area_codes:
                raise RegistryFileError("the file holds no registered number")
            replaced = make_current(copy)
    except Exception as exc:  # any failure is recorded on the copy, where staff see it
        log.warning("registry copy %s failed: %s", copy_id, exc)
        _discard_numbers(copy_id, tally.area_codes)
        _record_reading(copy, tally, 0)
        RegistryCopy.objects.filter(pk=copy_id).update(
            status=RegistryCopy.Status.FAILED, error=(str(exc) or type(exc).__name__)[:2000],
            finished_at=timezone.now())
        return RegistryCopy.objects.get(pk=copy_id)
    for old_copy_id, area_codes in replaced.items():
        _discard_numbers(old_copy_id, area_codes)
    copy.refresh_from_db()
    log.info("registry copy %s (as of %s): %d numbers in %d area codes, %d lines rejected", copy.pk, copy.as_of,
             copy.numbers_stored, len(copy.area_codes), copy.lines_rejected)
    return copy


def _store_numbers(copy: RegistryCopy, tally: Tally) -> int:
    writer = _writer(copy.pk)
    stored = sum(writer.write(batch) for batch in batches(read_numbers(Path(copy.file_path), tally)))
    if not writer.exact:
        stored = RegistryNumber.objects.filter(_ranges(tally.area_codes), copy=copy).count()
    return stored


def _data_date(copy: RegistryCopy, tally: Tally) -> tuple[dt.date, str]:
    """The copy's data date and where it came from: staff's, else the file's, else the upload's day."""
    if copy.as_of is not None:
        return copy.as_of, copy.as_of_source
    if tally.stated_as_of:
        return tally.stated_as_of, RegistryCopy.AsOfSource.FILE
    return timezone.localdate(copy.uploaded_at), RegistryCopy.AsOfSource.UPLOAD


def _record_reading(copy: RegistryCopy, tally: Tally, stored: int) -> None:
    """The counts, the area codes and the data date on the copy row."""
    as_of, as_of_source = _data_date(copy, tally)
    RegistryCopy.objects.filter(pk=copy.pk).update(
        as_of=as_of, as_of_source=as_of_source, area_codes=sorted(tally.area_codes), lines_read=tally.lines,
        lines_blank=tally.blank, numbers_stored=stored, lines_duplicate=max(tally.accepted - stored, 0),
        lines_rejected=tally.rejected, rejection_reasons=dict(tally.reasons.most_common()),
        rejection_examples=tally.examples, header=tally.header)


def make_current(copy: RegistryCopy) -> dict[int, list[int]]:
    """In one transaction: the copy becomes its scope's current copy for each of its area codes, unless the current
    one there has newer data. Returns the area codes each older copy lost (its numbers there go next)."""
    copy.refresh_from_db()
    scope = Q(campaign=copy.campaign_id) if copy.campaign_id else Q(campaign__isnull=True)
    replaced: dict[int, list[int]] = {}
    with transaction.atomic():
        current = {area.area_code: area for area in RegistryArea.objects.select_for_update().filter(
            scope, area_code__in=copy.area_codes).select_related("copy")}
        kept_newer = [code for code, area in current.items() if area.copy.as_of and area.copy.as_of > copy.as_of]
        for code in copy.area_codes:
            area = current.get(code)
            if code in kept_newer:
                continue
            if area is None:
                RegistryArea.objects.create(campaign_id=copy.campaign_id, area_code=code, copy=copy)
            elif area.copy_id != copy.pk:
                replaced.setdefault(area.copy_id, []).append(code)
                RegistryArea.objects.filter(pk=area.pk).update(copy=copy)
        took_any = len(kept_newer) < len(copy.area_codes)
        note = (f"area code(s) {', '.join(map(str, kept_newer))} kept their copy with newer data" if kept_newer
                else "")
        RegistryCopy.objects.filter(pk=copy.pk).update(
            status=RegistryCopy.Status.CURRENT if took_any else RegistryCopy.Status.SUPERSEDED,
            error=note, finished_at=timezone.now())
        RegistryCopy.objects.filter(pk__in=list(replaced), status=RegistryCopy.Status.CURRENT,
                                    areas__isnull=True).update(status=RegistryCopy.Status.SUPERSEDED)
    if kept_newer:
        replaced.setdefault(copy.pk, []).extend(kept_newer)
    return replaced


def _ranges(area_codes) -> Q:
    condition = Q(pk__in=[])
    for code in area_codes:
        condition |= Q(number__gte=code * AREA, number__lt=(code + 1) * AREA)
    return condition


def _discard_numbers(copy_id: int, area_codes) -> None:
    """A copy's numbers in these area codes, deleted a range at a time (index range scans, short transactions)."""
    for code in sorted(area_codes):
        for low in range(code * AREA, (code + 1) * AREA, DELETE_SLICE):
            RegistryNumber.objects.filter(copy_id=copy_id, number__gte=low, number__lt=low + DELETE_SLICE).delete()


# --- change lists -----------------------------------------------------------------------------------

def apply_change_list(copy: RegistryCopy, tally: Tally) -> None:
    """Apply a change list to its scope's current copies in one transaction (see the module's docstring); the copy
    row ends APPLIED with what it did, or SUPERSEDED when every copy here has newer data."""
    scope = Q(campaign=copy.campaign_id) if copy.campaign_id else Q(campaign__isnull=True)
    with transaction.atomic():
        areas = {area.area_code: area.copy for area in
                 RegistryArea.objects.select_for_update().filter(scope).select_related("copy")}
        if not areas:
            raise RegistryFileError("there is no current copy here to apply a change list to: upload the full "
                                    "lists first")
        changes = read_changes(Path(copy.file_path), tally, copy.kind)
        first = next(changes, None)  # read before the date: a header or the zip states it
        as_of, _ = _data_date(copy, tally)
        newer = {code for code, current in areas.items() if current.as_of and current.as_of > as_of}
        pending: dict[int, str] = {}
        done = Counter()
        for number, change in filter(None, itertools.chain([first], changes)):
            code = number // AREA
            if code not in areas or code in newer:
                tally.accepted -= 1
                tally.reject(tally.lines, f"{number},{change}".encode(), f"area code {code} has no current copy "
                             "here: upload its full list first" if code not in areas else
                             f"area code {code}'s current copy has newer data than this change list")
                continue
            pending[number] = change  # the last change of a number wins
            if len(pending) >= BATCH:
                done += _apply(pending, areas)
                pending = {}
        done += _apply(pending, areas)
        _record_reading(copy, tally, done["added"])
        brought = {current.pk: current.as_of for code, current in areas.items() if code not in newer}
        RegistryCopy.objects.filter(pk__in=list(brought)).update(as_of=as_of)
        unchanged = done["numbers"] - done["added"] - done["removed"]
        RegistryCopy.objects.filter(pk=copy.pk).update(
            status=RegistryCopy.Status.APPLIED if brought else RegistryCopy.Status.SUPERSEDED,
            numbers_removed=done["removed"], lines_duplicate=0, finished_at=timezone.now(),
            applied_to=[{"copy": pk, "was_as_of": was.isoformat() if was else None} for pk, was in brought.items()],
            error=(f"{len(brought)} current cop{'y' if len(brought) == 1 else 'ies'} brought to {as_of}"
                   if brought else "every current copy here has newer data") +
                  (f"; {unchanged} change(s) were already so" if unchanged else ""))


def _apply(pending: dict[int, str], areas: dict[int, RegistryCopy]) -> Counter:
    """One batch of changes, each on the current copy of its area code."""
    added, deleted = defaultdict(list), defaultdict(list)
    for number, change in pending.items():
        (added if change == ADDED else deleted)[areas[number // AREA].pk].append(number)
    done = Counter(numbers=len(pending))
    for copy_id, numbers in added.items():
        done["added"] += _writer(copy_id).write(numbers)
    for copy_id, numbers in deleted.items():
        for start in range(0, len(numbers), IN_SLICE):
            done["removed"] += RegistryNumber.objects.filter(
                copy_id=copy_id, number__in=numbers[start:start + IN_SLICE]).delete()[0]
    return done
