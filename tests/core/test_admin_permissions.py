"""The staff admin as managers and superusers use it: campaigns, budgets, the do-not-call list, leads, imports."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.test import Client
from django_celery_beat.models import PeriodicTask

from apps.campaigns.models import Campaign
from apps.campaigns.services import schedule_name
from apps.core.groups import CAMPAIGN_MANAGERS
from apps.leads.importing import run_import
from apps.leads.models import DoNotCall, ImportRun, Lead, LeadStatus
from tests.conftest import MAPPING, write_csv

CAMPAIGNS = "/admin/campaigns/campaign/"
DNC = "/admin/leads/donotcall/"


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def as_manager(manager) -> Client:
    return logged_in(manager)


@pytest.fixture
def as_superuser(superuser) -> Client:
    return logged_in(superuser)


def form_data(response) -> dict:
    """The admin form's current values, as the browser would post them back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
    return data


def action_names(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    action_form = response.context["action_form"]  # None when no action is offered at all
    return {name for name, _ in action_form.fields["action"].choices if name} if action_form else set()


def run_action(client, url: str, action: str, *objects):
    return client.post(url, {"action": action, "_selected_action": [obj.pk for obj in objects]})


# --- the group ------------------------------------------------------------------------------

def test_it_creates_the_campaign_managers_group_with_limited_powers(manager):
    group = Group.objects.get(name=CAMPAIGN_MANAGERS)
    assert group.permissions.filter(codename="add_donotcall").exists()
    assert manager.has_perms(["campaigns.add_campaign", "campaigns.change_campaign", "leads.add_donotcall"])
    assert not manager.has_perm("campaigns.delete_campaign")
    assert not manager.has_perm("leads.delete_donotcall")
    assert not manager.has_perm("leads.change_donotcall")


# --- campaigns and budgets ------------------------------------------------------------------

def test_a_manager_adds_a_campaign_without_touching_budgets(as_manager, sheets_dir):
    page = as_manager.get(f"{CAMPAIGNS}add/")
    assert page.status_code == 200
    data = form_data(page)
    assert "budget_per_call" not in data
    data.update(name="Fall sellers", slug="fall", sheet_source=str(sheets_dir / "fall.csv"),
                column_mapping='{"phone": "Phone Number", "name": "Full Name"}', budget_per_call="9.99")
    response = as_manager.post(f"{CAMPAIGNS}add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign = Campaign.objects.get(slug="fall")
    assert campaign.column_mapping == {"phone": "Phone Number", "name": "Full Name"}
    assert campaign.budget_per_call == Decimal("0.10")
    assert campaign.is_active is False


def test_a_manager_sees_budgets_read_only_and_cannot_change_them(as_manager, campaign):
    page = as_manager.get(f"{CAMPAIGNS}{campaign.pk}/change/")
    assert page.status_code == 200
    assert "budget_per_call" in page.context["adminform"].readonly_fields
    data = form_data(page)
    data.update(name="Spring buyers 2026", budget_per_call="9.99", budget_daily="1000")
    response = as_manager.post(f"{CAMPAIGNS}{campaign.pk}/change/", data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Spring buyers 2026"
    assert (campaign.budget_per_call, campaign.budget_daily) == (Decimal("0.10"), Decimal("25.00"))  # the defaults


def test_a_superuser_changes_budgets(as_superuser, campaign):
    page = as_superuser.get(f"{CAMPAIGNS}{campaign.pk}/change/")
    data = form_data(page)
    data.update(budget_per_call="0.25", budget_daily="40")
    response = as_superuser.post(f"{CAMPAIGNS}{campaign.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert (campaign.budget_per_call, campaign.budget_daily) == (Decimal("0.25"), Decimal("40"))


def test_the_admin_refuses_a_calling_window_past_nine_pm(as_superuser, campaign):
    data = form_data(as_superuser.get(f"{CAMPAIGNS}{campaign.pk}/change/"))
    data["window_end"] = "22:00"
    response = as_superuser.post(f"{CAMPAIGNS}{campaign.pk}/change/", data)
    assert response.status_code == 200
    assert "window_end" in response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.window_end.hour == 21


def test_activate_and_pause_switch_the_campaigns_dialing_schedule(as_manager, campaign):
    dial = schedule_name(campaign.pk, "dial")
    assert PeriodicTask.objects.get(name=dial).enabled is False

    run_action(as_manager, CAMPAIGNS, "activate", campaign)
    campaign.refresh_from_db()
    assert campaign.is_active is True
    assert PeriodicTask.objects.get(name=dial).enabled is True

    run_action(as_manager, CAMPAIGNS, "pause", campaign)
    campaign.refresh_from_db()
    assert campaign.is_active is False
    assert PeriodicTask.objects.get(name=dial).enabled is False


# --- the do-not-call list -------------------------------------------------------------------

def test_a_manager_adds_a_number_and_its_leads_stop_being_called(as_manager, manager, campaign):
    other = Campaign.objects.create(name="Other", slug="other", column_mapping=MAPPING)
    Lead.objects.create(campaign=campaign, phone="+16465550187", status=LeadStatus.QUEUED)
    Lead.objects.create(campaign=other, phone="+16465550187")
    bystander = Lead.objects.create(campaign=campaign, phone="+12125550134")

    response = as_manager.post(f"{DNC}add/", {"phone": "(646) 555-0187", "reason": "Asked by email",
                                              "source": DoNotCall.Source.STAFF})
    assert response.status_code == 302
    entry = DoNotCall.objects.active().get()
    assert (entry.phone, entry.created_by, entry.reason) == ("+16465550187", manager, "Asked by email")
    assert set(Lead.objects.filter(phone="+16465550187").values_list("status", flat=True)) == {
        LeadStatus.DO_NOT_CALL}
    bystander.refresh_from_db()
    assert bystander.status == LeadStatus.NEW


def test_the_do_not_call_form_rejects_what_is_not_a_number(as_manager):
    response = as_manager.post(f"{DNC}add/", {"phone": "call after 5", "source": DoNotCall.Source.STAFF})
    assert response.status_code == 200
    assert "phone" in response.context["adminform"].form.errors
    assert not DoNotCall.objects.exists()


@pytest.fixture
def entry(manager) -> DoNotCall:
    return DoNotCall.objects.create(phone="+16465550187", reason="Asked on a call", created_by=manager)


def test_a_manager_cannot_remove_a_number(as_manager, entry):
    assert "remove_from_list" not in action_names(as_manager, DNC)
    run_action(as_manager, DNC, "remove_from_list", entry)
    entry.refresh_from_db()
    assert (entry.removed_at, entry.removed_by) == (None, None)
    assert DoNotCall.objects.active().filter(pk=entry.pk).exists()


def test_a_superuser_removes_a_number_and_the_removal_is_recorded(as_superuser, superuser, entry):
    assert "remove_from_list" in action_names(as_superuser, DNC)
    run_action(as_superuser, DNC, "remove_from_list", entry)
    entry.refresh_from_db()
    assert entry.removed_at is not None and entry.removed_by == superuser
    assert not DoNotCall.objects.active().filter(phone="+16465550187").exists()


@pytest.mark.parametrize("who", ["as_manager", "as_superuser"])
def test_nobody_deletes_a_do_not_call_entry(request, who, entry):
    client = request.getfixturevalue(who)
    assert "delete_selected" not in action_names(client, DNC)
    assert client.post(f"{DNC}{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    run_action(client, DNC, "delete_selected", entry)
    assert DoNotCall.objects.filter(pk=entry.pk, removed_at__isnull=True).exists()


# --- leads and imports ----------------------------------------------------------------------

def test_lead_search_finds_a_number_typed_differently(as_manager, campaign):
    maria = Lead.objects.create(campaign=campaign, name="Maria", phone="+12125550134", raw_phone="212.555.0134")
    Lead.objects.create(campaign=campaign, name="James", phone="+13125550101")
    response = as_manager.get("/admin/leads/lead/", {"q": "(212) 555-0134"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [maria]


def test_the_import_run_page_lists_rejected_rows_with_reasons(as_manager, campaign, sheet_path):
    write_csv(sheet_path, [
        ["Maria Gonzalez", "(212) 555-0134", "", "", "", "", ""],
        ["Tom", "call after 5", "", "", "", "", ""],
        ["Nobody", "", "", "", "", "", ""],
    ])
    run = run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source))
    response = as_manager.get(f"/admin/leads/importrun/{run.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "not a phone number" in page
    assert "no phone number" in page
    [inline] = response.context["inline_admin_formsets"]
    assert [form.original.row_number for form in inline] == [3, 4]
