"""The registry's change lists: staff upload the numbers added to and deleted from the registry since their last
download, and every current copy of the scope takes them and moves to the change list's date."""
from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from apps.calls.dialing import dial_tick
from apps.compliance.models import RegistryCopy
from apps.compliance.registry import on_registry, registry_block_reason
from apps.compliance.registry_import import ADDED, DELETED, import_registry_file, parse_change
from tests.compliance.registry_files import write_registry
from tests.conftest import WEEKDAY_MORNING_ET as NOW

OLD = NOW.date() - dt.timedelta(days=40)  # too old for a campaign that requires the registry
CHANGED = NOW.date() - dt.timedelta(days=2)


def full_copy(tmp_path, lines, as_of=OLD, name="full.zip", **kwargs) -> RegistryCopy:
    copy = import_registry_file(write_registry(tmp_path / name, lines), as_of=as_of, **kwargs)
    assert copy.status == RegistryCopy.Status.CURRENT, copy.error
    return copy


def change_list(tmp_path, lines, kind=RegistryCopy.Kind.CHANGES, as_of=CHANGED, name="changes.zip",
                **kwargs) -> RegistryCopy:
    return import_registry_file(write_registry(tmp_path / name, lines), as_of=as_of, kind=kind, **kwargs)


def test_a_line_is_read_by_its_fields_whatever_their_order():
    assert parse_change(b"212,5550101,A") == (2125550101, ADDED)
    assert parse_change(b'"D","2125550101","2026-11-30"') == (2125550101, DELETED)
    assert parse_change(b"2026-11-30, deleted ,212, 5550101") == (2125550101, DELETED)
    assert parse_change(b"2125550101", implied=ADDED) == (2125550101, ADDED)
    assert parse_change(b"2125550101") == "no change type on the line (A for added, D for deleted)"
    assert parse_change(b"212,5550101,D", implied=ADDED) == "marked deleted in a file of additions"
    assert parse_change(b"2125550101,3125550101,A") == "more than one phone number on the line"
    assert parse_change(b"A,D,2125550101") == "marked both added and deleted"
    assert parse_change(b"A,nothing") == "no phone number on the line (area code and 7 digits, or 10 digits)"


def test_a_change_list_adds_and_deletes_on_the_current_copy_and_brings_it_to_its_date(tmp_path, requiring):
    base = full_copy(tmp_path, ["212,5550101", "312,5550101"])
    assert registry_block_reason(requiring, NOW) is not None  # 40 days old: the campaign may not dial
    changes = change_list(tmp_path, ["212,5550101,D", "212,5550102,A", "312,5550109,A"])
    assert changes.status == RegistryCopy.Status.APPLIED, changes.error
    assert (changes.numbers_stored, changes.numbers_removed) == (2, 1)
    assert on_registry("+12125550101", requiring) is None          # taken off the registry
    assert on_registry("+12125550102", requiring).copy_id == base.pk  # newly registered
    assert on_registry("+13125550101", requiring).as_of == CHANGED  # untouched, and as fresh as the change list
    assert changes.applied_to == [{"copy": base.pk, "was_as_of": OLD.isoformat()}]
    assert registry_block_reason(requiring, NOW) is None
    assert len(dial_tick(requiring.pk, now=NOW).calls) == 1


def test_the_last_change_of_a_number_wins_and_a_change_already_made_is_counted(tmp_path, db):
    full_copy(tmp_path, ["212,5550101"])
    changes = change_list(tmp_path, ["212,5550102,A", "212,5550102,D", "212,5550103,D", "212,5550104,D",
                                     "212,5550104,A", "212,5550101,A"])
    assert on_registry("+12125550102", 0) is None and on_registry("+12125550104", 0) is not None
    assert (changes.numbers_stored, changes.numbers_removed) == (1, 0)
    assert "3 change(s) were already so" in changes.error  # 102 and 103 not listed, 101 listed already


def test_lines_it_cannot_apply_are_rejected_with_their_reason_never_dropped(tmp_path, db):
    full_copy(tmp_path, ["212,5550101"])
    full_copy(tmp_path, ["718,5550101"], as_of=CHANGED + dt.timedelta(days=1), name="newer-718.zip")
    changes = change_list(tmp_path, ["change type,area code,number", "212,5550105,A", "415,5550101,A",
                                     "718,5550101,D", "212,5550106"])
    assert changes.status == RegistryCopy.Status.APPLIED and changes.numbers_stored == 1
    assert changes.header == "change type,area code,number"
    assert changes.rejection_reasons == {
        "area code 415 has no current copy here: upload its full list first": 1,
        "area code 718's current copy has newer data than this change list": 1,
        "no change type on the line (A for added, D for deleted)": 1}
    assert on_registry("+17185550101", 0) is not None  # the newer copy kept its number and its date
    assert on_registry("+17185550101", 0).as_of == CHANGED + dt.timedelta(days=1)


def test_files_of_one_kind_need_no_change_type(tmp_path, db):
    full_copy(tmp_path, ["212,5550101", "212,5550102"])
    added = change_list(tmp_path, ["2125550103"], kind=RegistryCopy.Kind.ADDITIONS, name="add.zip")
    deleted = change_list(tmp_path, ["212,5550101", "212,5550102,A"], kind=RegistryCopy.Kind.DELETIONS,
                          name="del.zip")
    assert added.numbers_stored == 1 and deleted.numbers_removed == 1
    assert deleted.rejection_reasons == {"marked added in a file of deletions": 1}
    assert on_registry("+12125550103", 0) and on_registry("+12125550101", 0) is None
    assert on_registry("+12125550102", 0) is not None


def test_a_change_list_applies_to_its_own_scope_only(tmp_path, campaign, db):
    team = full_copy(tmp_path, ["212,5550101"], name="team.zip")
    mine = full_copy(tmp_path, ["212,5550101"], name="campaign.zip", campaign=campaign)
    changes = change_list(tmp_path, ["212,5550101,D"], campaign=campaign)
    assert changes.applied_to == [{"copy": mine.pk, "was_as_of": OLD.isoformat()}]
    assert on_registry("+12125550101", campaign).copy_id == team.pk  # the team's copy still lists it
    team.refresh_from_db()
    assert team.as_of == OLD


def test_without_a_current_copy_a_change_list_fails_and_says_why(tmp_path, db):
    changes = change_list(tmp_path, ["212,5550101,A"])
    assert changes.status == RegistryCopy.Status.FAILED
    assert changes.error == "there is no current copy here to apply a change list to: upload the full lists first"


def test_a_change_list_older_than_every_copy_changes_nothing(tmp_path, db):
    full_copy(tmp_path, ["212,5550101"], as_of=CHANGED + dt.timedelta(days=1))
    changes = change_list(tmp_path, ["212,5550101,D"])
    assert changes.status == RegistryCopy.Status.SUPERSEDED
    assert changes.error.startswith("every current copy here has newer data")
    assert on_registry("+12125550101", 0) is not None


def test_the_command_applies_a_change_list_and_reports(tmp_path, db, capsys):
    full_copy(tmp_path, ["212,5550101"])
    path = write_registry(tmp_path / "changes.txt", ["212,5550101,D", "212,5550102,A"], zipped=False)
    call_command("import_dnc_registry", str(path), "--changes", "--as-of", CHANGED.isoformat())
    out = capsys.readouterr().out
    assert f"data as of {CHANGED}" in out and "1 added, 1 deleted in 1 area code(s)" in out
    assert "1 current copy brought to" in out
