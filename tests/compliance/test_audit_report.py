"""`manage.py compliance_report` lists every call of a campaign with its evidence, phones masked, and flags any
call that would not pass today's rules (a number since put on the do-not-call list, a changed rules file)."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from apps.calls.dialing import dial_tick
from apps.calls.models import Call, CallStatus
from apps.compliance import state_rules
from apps.compliance.audit import COLUMNS
from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.models import DoNotCall, mask_phone
from tests.conftest import WEEKDAY_MORNING_ET as NOW
from tests.conftest import make_lead

PHONES = ["+12125550101", "+13055550102", "+12125550103"]
BEFORE = "+12125550199"  # called before the audit trail existed


@pytest.fixture
def dialled(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    return dial_four_calls(active_campaign)


def dial_four_calls(active_campaign):
    """Three calls made by a real dial tick (one placed and answered) and one older call with no evidence."""
    leads = [make_lead(active_campaign, phone) for phone in PHONES]
    calls = dial_tick(active_campaign.pk, now=NOW).calls
    Call.objects.filter(pk=calls[0]).update(status=CallStatus.COMPLETED, placed_at=NOW + dt.timedelta(seconds=2))
    legacy = Call.objects.create(lead=make_lead(active_campaign, BEFORE), campaign=active_campaign,
                                 status=CallStatus.NO_ANSWER, outcome="no_answer")
    return leads, [*calls, legacy.pk]


def report(*args) -> str:
    out = io.StringIO()
    call_command("compliance_report", "spring", *args, stdout=out)
    return out.getvalue()


def lines_by_call(text: str) -> dict[int, str]:
    return {int(line.split(" | ")[0]): line for line in text.splitlines() if line[:1].isdigit()}


def test_the_report_lists_every_call_with_its_evidence_and_masks_phones(dialled):
    leads, call_ids = dialled
    text = report()
    lines = lines_by_call(text)
    assert sorted(lines) == sorted(call_ids)
    for phone in [*PHONES, BEFORE]:
        assert phone not in text and phone[2:] not in text
        assert mask_phone(phone) in text
    answered = lines[call_ids[0]]
    assert "completed | 2026-12-02 15:30:02 | 2026-12-02 10:30 EST | +1••••••0101 | NY" in answered
    assert "America/New_York Wed 10:30 (window 08:00-21:00)" in answered
    assert "checked, not listed" in answered and "Website form" in answered and "1 of 6" in answered
    assert answered.endswith("| yes")
    miami = lines[call_ids[1]]
    assert "| FL |" in miami and "FL hours 08:00-20:00 [" in miami and "FL attempts 3/24 [Fla. Stat." in miami
    assert "no evidence recorded" in lines[call_ids[3]]
    assert text.splitlines()[-1] == "spring: 4 call(s); 0 would not pass today's rules; 1 without recorded evidence"


def test_a_call_whose_number_was_later_put_on_the_do_not_call_list_is_flagged(dialled):
    leads, call_ids = dialled
    add_to_do_not_call(PHONES[2], reason="asked on the call")
    DoNotCall.objects.filter(phone=PHONES[2]).update(created_at=NOW + dt.timedelta(minutes=3))
    lines = lines_by_call(report())
    assert lines[call_ids[2]].endswith("| NO: on the do-not-call list since 2026-12-02 (after the call)")
    assert lines[call_ids[0]].endswith("| yes") and lines[call_ids[1]].endswith("| yes")


def test_a_call_that_a_changed_state_rule_would_now_refuse_is_flagged(dialled, monkeypatch):
    _, call_ids = dialled
    later_start = tuple(dataclasses.replace(rule, value="11:00-20:00")
                        if (rule.state, rule.rule) == ("FL", "hours") else rule for rule in state_rules.rules())
    swap_rules(monkeypatch, later_start)
    lines = lines_by_call(report())
    assert lines[call_ids[1]].endswith(
        "| NO: Florida: calls only 11:00–20:00 (Wed 10:30 in America/New_York) (Fla. Stat. § 501.616(6)(a))")
    assert lines[call_ids[0]].endswith("| yes")


def swap_rules(monkeypatch, rules) -> None:
    """Today's rules file is `rules` for this test (fresh_rule_caches clears what was built on them)."""
    clear_rule_caches()
    monkeypatch.setattr(state_rules, "rules", lambda: rules)


def clear_rule_caches() -> None:
    for cache in (state_rules._by_state, state_rules.states_with_calling_rules, state_rules.longest_attempt_window,
                  state_rules._holiday_calendar):
        cache.cache_clear()


@pytest.fixture(autouse=True)
def fresh_rule_caches():
    yield
    clear_rule_caches()  # after monkeypatch has put the real rules back


def test_the_csv_parses_with_one_row_a_call(dialled):
    _, call_ids = dialled
    add_to_do_not_call(PHONES[2])
    rows = list(csv.reader(io.StringIO(report("--csv"))))
    assert rows[0] == list(COLUMNS)
    assert sorted(int(row[0]) for row in rows[1:]) == sorted(call_ids)
    assert {len(row) for row in rows} == {len(COLUMNS)}
    by_call = {int(row[0]): dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]}
    assert by_call[call_ids[2]]["passes today"].startswith("NO: on the do-not-call list since")
    assert by_call[call_ids[0]]["phone"] == "+1••••••0101"
    assert by_call[call_ids[3]]["zones checked"] == "no evidence recorded"


def test_from_and_to_pick_the_calls_made_on_those_utc_days(dialled):
    _, call_ids = dialled
    Call.objects.filter(pk=call_ids[0]).update(created_at=dt.datetime(2026, 11, 30, 15, 0, tzinfo=dt.UTC))
    assert sorted(lines_by_call(report("--from", "2026-11-30", "--to", "2026-11-30"))) == [call_ids[0]]
    assert call_ids[0] not in lines_by_call(report("--from", "2026-12-01"))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        report("--from", "30/11/2026")


def test_a_call_the_lead_made_to_us_is_listed_as_no_dial_not_as_missing_evidence(dialled, active_campaign):
    inbound = Call.objects.create(lead=make_lead(active_campaign, "+12125550177"), campaign=active_campaign,
                                  status=CallStatus.COMPLETED, direction=Call.Direction.INBOUND)
    text = report()
    assert lines_by_call(text)[inbound.pk].endswith("| not a dial (the lead called us)")
    assert text.splitlines()[-1] == "spring: 5 call(s); 0 would not pass today's rules; 1 without recorded evidence"
