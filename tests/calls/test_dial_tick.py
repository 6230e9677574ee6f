"""The dial tick picks callable leads, claims each once, and respects every limit."""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from apps.calls.dialing import candidate_leads, claim_leads, dial_tick
from apps.calls.models import Call, CallStatus
from apps.costs.models import CostEntry
from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.models import Lead, LeadStatus
from tests.conftest import WEEKDAY_MORNING_ET as NOW
from tests.conftest import make_lead

NY = ["+12125550101", "+12125550102", "+12125550103", "+12125550104", "+12125550105", "+12125550106"]


def test_it_dials_callable_leads_and_skips_the_rest(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    ok = make_lead(active_campaign, NY[0])
    make_lead(active_campaign, NY[1], consent="")                                    # no consent
    make_lead(active_campaign, "+13105550107", time_zone="America/Los_Angeles")      # 07:30 there
    make_lead(active_campaign, NY[2], due=NOW + dt.timedelta(minutes=5))             # not due yet
    make_lead(active_campaign, NY[3], attempts=6)                                    # attempts used up
    make_lead(active_campaign, NY[4], status=LeadStatus.QUALIFIED)                   # done
    blocked = make_lead(active_campaign, NY[5])
    add_to_do_not_call(blocked.phone)
    result = dial_tick(active_campaign.pk, now=NOW)
    assert [Call.objects.get(pk=pk).lead_id for pk in result.calls] == [ok.pk]
    ok.refresh_from_db()
    assert (ok.status, ok.attempts, ok.last_called_at) == (LeadStatus.QUEUED, 1, NOW)
    assert Call.objects.get().status == CallStatus.QUEUED and Call.objects.get().attempt == 1


def test_a_paused_campaign_dials_nobody(campaign):
    make_lead(campaign, NY[0])
    assert dial_tick(campaign.pk, now=NOW).calls == []
    assert Call.objects.count() == 0


def test_it_never_exceeds_the_campaigns_concurrent_calls(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    active_campaign.max_concurrent_calls = 2
    active_campaign.save()
    for phone in NY:
        make_lead(active_campaign, phone)
    assert len(dial_tick(active_campaign.pk, now=NOW).calls) == 2
    assert dial_tick(active_campaign.pk, now=NOW).calls == []  # both still live
    Call.objects.filter(pk=Call.objects.first().pk).update(status=CallStatus.COMPLETED)
    assert len(dial_tick(active_campaign.pk, now=NOW).calls) == 1


def test_it_never_takes_more_than_the_free_media_slots(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 3
    for phone in NY:
        make_lead(active_campaign, phone)
    assert len(dial_tick(active_campaign.pk, now=NOW).calls) == 3
    assert dial_tick(active_campaign.pk, now=NOW).reason.startswith("no capacity")


def test_it_stops_when_the_next_call_could_pass_the_budget(active_campaign, settings):
    make_lead(active_campaign, NY[0])
    active_campaign.budget_total = "5.00"
    active_campaign.save()
    CostEntry.objects.create(campaign=active_campaign, kind="telephony", units=1, unit_price="4.95", amount="4.95")
    result = dial_tick(active_campaign.pk, now=NOW)
    assert (result.calls, result.reason) == ([], "campaign budget exhausted")


def test_the_longest_waiting_leads_go_first(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    active_campaign.max_concurrent_calls = 1
    active_campaign.save()
    make_lead(active_campaign, NY[0], due=NOW - dt.timedelta(minutes=5))
    oldest = make_lead(active_campaign, NY[1], due=NOW - dt.timedelta(days=2))
    [call_id] = dial_tick(active_campaign.pk, now=NOW).calls
    assert Call.objects.get(pk=call_id).lead_id == oldest.pk


def test_the_database_prefilter_agrees_with_the_rules(active_campaign):
    """Leads the SQL query drops are never callable by the rules, at several hours of the day."""
    from apps.calls.dialing import dial_context
    from apps.leads.eligibility import why_not_callable

    zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "Pacific/Honolulu", ""]
    for i, zone in enumerate(zones * 3):
        make_lead(active_campaign, f"+1212555{i:04d}", time_zone=zone, consent="" if i % 5 == 0 else "web")
    windows = active_campaign.windows_by_weekday()
    for hour in range(0, 24, 3):
        now = NOW.replace(hour=hour)
        picked = {lead.pk for lead in candidate_leads(active_campaign, now, windows, 1000)}
        context = dial_context(active_campaign, now)
        for lead in Lead.objects.filter(campaign=active_campaign):
            if why_not_callable(lead, active_campaign, now, context, windows) is None:
                assert lead.pk in picked, f"{lead.time_zone} at {hour}:30 UTC was callable but not picked"


pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                             reason="concurrent writers need PostgreSQL; SQLite serialises them")


def run_together(*functions):
    """Start every function at the same moment on its own thread (own database connection)."""
    barrier = threading.Barrier(len(functions))
    results, errors = [None] * len(functions), []

    def runner(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_claims_of_the_same_leads_at_once_share_them_out(active_campaign):
    leads = [make_lead(active_campaign, f"+1212555{i:04d}") for i in range(40)]
    first, second = run_together(lambda: claim_leads(leads, NOW, 6), lambda: claim_leads(leads, NOW, 6))
    claimed = [lead.pk for lead in first] + [lead.pk for lead in second]
    assert sorted(claimed) == sorted(lead.pk for lead in leads)  # every lead claimed exactly once
    assert set(Lead.objects.values_list("attempts", flat=True)) == {1}


@pg_only
@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_on_two_workers_never_dial_a_lead_twice(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 100
    active_campaign.max_concurrent_calls = 30
    active_campaign.save()
    for i in range(50):
        make_lead(active_campaign, f"+1212555{i:04d}")
    first, second = run_together(lambda: dial_tick(active_campaign.pk, now=NOW),
                                 lambda: dial_tick(active_campaign.pk, now=NOW))
    lead_ids = list(Call.objects.values_list("lead_id", flat=True))
    assert len(lead_ids) == len(set(lead_ids)) == 30  # the campaign limit held across both ticks
    assert len(first.calls) + len(second.calls) == 30
    assert Lead.objects.filter(status=LeadStatus.QUEUED).count() == 30


def test_the_database_refuses_a_second_live_call_for_a_lead(active_campaign):
    from django.db import IntegrityError, transaction

    lead = make_lead(active_campaign, NY[0])
    Call.objects.create(lead=lead, campaign=active_campaign)
    with pytest.raises(IntegrityError), transaction.atomic():
        Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.RINGING)
    Call.objects.update(status=CallStatus.COMPLETED)
    Call.objects.create(lead=lead, campaign=active_campaign)  # a new attempt after the first ended
    assert connection.vendor in {"postgresql", "sqlite"}


def test_a_number_blocked_between_claim_and_dial_is_never_rung(active_campaign, settings):
    """A lead opting out on another channel seconds after the tick claimed them is not called."""
    from apps.calls.dialing import place_call
    from apps.integrations.telephony import telephony

    settings.TELEPHONY_PROVIDER, settings.MEDIA_SLOTS_TOTAL = "simulated", 10
    lead = make_lead(active_campaign, NY[0])
    [call_id] = dial_tick(active_campaign.pk, now=NOW).calls
    add_to_do_not_call(lead.phone, "texted STOP")
    assert place_call(call_id, now=NOW) == "released: on the do-not-call list"
    call = Call.objects.get(pk=call_id)
    assert (call.status, call.outcome) == (CallStatus.CANCELED, "not_placed")
    assert telephony("simulated").find_call(call) is None
    lead.refresh_from_db()
    assert lead.status == LeadStatus.DO_NOT_CALL


def test_a_retried_dial_rechecks_the_calling_window(active_campaign, settings):
    """place_call retried minutes after the claim must not ring once the lead's window has closed."""
    from apps.calls.dialing import place_call
    from apps.leads.eligibility import window_open_in

    settings.TELEPHONY_PROVIDER = "simulated"
    assert not window_open_in("Asia/Tokyo", active_campaign.windows_by_weekday(), NOW)  # half past midnight there
    lead = make_lead(active_campaign, "+18005550100", time_zone="Asia/Tokyo", status=LeadStatus.QUEUED, attempts=1)
    call = Call.objects.create(lead=lead, campaign=active_campaign)
    Call.objects.filter(pk=call.pk).update(created_at=NOW - dt.timedelta(minutes=10))
    assert place_call(call.pk, now=NOW).startswith("released: outside calling hours")
    call.refresh_from_db()
    assert call.status == CallStatus.CANCELED


def test_live_calls_count_at_their_cap_so_concurrent_calls_cannot_overspend(active_campaign, settings):
    settings.MEDIA_SLOTS_TOTAL = 10
    active_campaign.budget_total = Decimal("0.25")
    active_campaign.budget_per_call = Decimal("0.10")
    active_campaign.max_concurrent_calls = 5
    active_campaign.save()
    for n in range(5):
        make_lead(active_campaign, f"+1212555{n:04d}")
    first = dial_tick(active_campaign.pk, now=NOW)
    assert len(first.calls) == 2  # two calls at their $0.10 cap fit in $0.25; a third could pass it
    second = dial_tick(active_campaign.pk, now=NOW)
    assert (second.calls, second.reason) == ([], "campaign budget exhausted")
    for call in Call.objects.filter(pk__in=first.calls):  # they ended cheaper than their cap
        CostEntry.objects.create(campaign=active_campaign, call=call, kind=CostEntry.Kind.TELEPHONY, units=2,
                                 unit_price=Decimal("0.018"), amount=Decimal("0.036"))
    Call.objects.filter(pk__in=first.calls).update(status=CallStatus.COMPLETED)
    assert len(dial_tick(active_campaign.pk, now=NOW).calls) == 1  # $0.25 − $0.072 spent leaves one cap
