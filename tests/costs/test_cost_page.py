"""The staff cost page: totals that reconcile with the ledger, per day against budget, per call and per outcome."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from apps.calls.models import Appointment, Call, CallStatus
from apps.costs.models import CostEntry
from apps.costs.reports import cost_report
from tests.conftest import make_lead

pytestmark = pytest.mark.django_db


def spend(campaign, phone: str, amounts: list[str], *, disposition: str = "", days_ago: int = 0) -> Call:
    lead = make_lead(campaign, phone)
    call = Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.COMPLETED, disposition=disposition,
                               answered_at=timezone.now())
    for amount in amounts:
        entry = CostEntry.objects.create(campaign=campaign, call=call, kind=CostEntry.Kind.TELEPHONY, units=1,
                                         unit_price=Decimal(amount), amount=Decimal(amount))
        CostEntry.objects.filter(pk=entry.pk).update(created_at=timezone.now() - dt.timedelta(days=days_ago))
    return call


@pytest.fixture
def ledger(campaign):
    campaign.budget_daily = Decimal("0.10")
    campaign.save()
    booked = spend(campaign, "+12125550101", ["0.036", "0.0021"], disposition="appointment")
    Appointment.objects.create(lead=booked.lead, call=booked, starts_at=timezone.now() + dt.timedelta(days=1),
                               ends_at=timezone.now() + dt.timedelta(days=1, minutes=30))
    spend(campaign, "+12125550102", ["0.054"], disposition="qualified", days_ago=1)
    spend(campaign, "+12125550103", ["0.018"], disposition="not_interested", days_ago=1)
    return campaign


def test_the_figures_reconcile_exactly_with_the_ledger_rows(ledger):
    report = cost_report(ledger, days=7)
    rows = sum(CostEntry.objects.values_list("amount", flat=True))
    assert report.total == rows == Decimal("0.110100")
    assert sum(amount for _, amount in report.by_day) == report.total
    assert report.per_call == Decimal("0.0367")  # 3 answered calls
    assert (report.qualified, report.per_qualified) == (2, Decimal("0.0551"))
    assert (report.appointments, report.per_appointment) == (1, Decimal("0.1101"))
    assert report.priciest[0][2] == Decimal("0.054")
    buckets = dict(report.per_call_buckets)
    assert (buckets["$0.00–$0.02"], buckets["$0.02–$0.04"], buckets["$0.04–$0.06"], buckets["$0.10 and more"]) == (
        1, 1, 1, 0)


def test_staff_see_the_page_offline_and_the_calls_link_to_their_pages(client, manager, ledger):
    client.force_login(manager)
    page = client.get(reverse("costs"), {"campaign": ledger.slug, "days": 7}).content.decode()
    assert "$0.1101" in page and "against the daily budget ($0.10)" in page
    priciest = Call.objects.get(lead__phone="+12125550102")
    assert reverse("admin:calls_call_change", args=[priciest.pk]) in page
    assert not re.search(r"""<(script|link)[^>]+(src|href)=["']https?://""", page)  # nothing from a CDN
    call_page = client.get(reverse("admin:calls_call_change", args=[priciest.pk])).content.decode()
    assert "0.054" in call_page  # the call's own ledger


def test_it_wears_the_site_header_and_shows_its_title_once(client, manager, ledger):
    client.force_login(manager)
    page = client.get(reverse("costs"), {"campaign": ledger.slug}).content.decode()
    branding = re.search(r'id="site-name"[^>]*>\s*<a [^>]*>([^<]*)</a>', page)
    assert branding and branding.group(1).strip() == admin.site.site_header == "REAutomation"
    assert "Django administration" not in page
    assert re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S) == ["Costs — Spring buyers"]


def test_the_page_is_for_staff_only(client, ledger):
    assert client.get(reverse("costs")).status_code == 302
