"""Every campaign caps its spending: a per-call cap and a daily or total budget, given by default to new
campaigns and required (above $0) when a campaign is saved through the admin or the API."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from apps.campaigns.models import Campaign
from tests.conftest import MAPPING
from tests.core.test_admin_permissions import CAMPAIGNS, form_data, logged_in
from tests.core.test_api import client_for

pytestmark = pytest.mark.django_db


def refusal(campaign: Campaign) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    return refused.value.message_dict


def test_a_new_campaign_starts_with_a_per_call_cap_and_a_daily_budget():
    campaign = Campaign(name="Fall", slug="fall", column_mapping=MAPPING)
    assert (campaign.budget_per_call, campaign.budget_daily) == (Decimal("0.10"), Decimal("25.00"))
    campaign.full_clean()


def test_a_campaign_without_a_daily_or_total_budget_is_refused():
    errors = refusal(Campaign(name="Fall", slug="fall", column_mapping=MAPPING, budget_daily=None))
    assert "daily or a total budget" in errors["budget_daily"][0]


def test_a_total_budget_alone_is_a_cap():
    Campaign(name="Fall", slug="fall", column_mapping=MAPPING, budget_daily=None,
             budget_total=Decimal("500")).full_clean()


@pytest.mark.parametrize("field", ["budget_per_call", "budget_daily", "budget_total"])
def test_a_zero_cap_is_refused(field):
    errors = refusal(Campaign(name="Fall", slug="fall", column_mapping=MAPPING, **{field: Decimal("0")}))
    assert "above $0" in errors[field][0]


def test_the_admin_refuses_to_clear_the_budgets(superuser, campaign):
    client = logged_in(superuser)
    data = form_data(client.get(f"{CAMPAIGNS}{campaign.pk}/change/"))
    data.update(budget_daily="", budget_total="")
    response = client.post(f"{CAMPAIGNS}{campaign.pk}/change/", data)
    assert response.status_code == 200
    assert "budget_daily" in response.context["adminform"].form.errors
    campaign.refresh_from_db()
    assert campaign.budget_daily == Decimal("25.00")


def test_a_manager_editing_an_uncapped_campaign_is_told_a_superuser_must_cap_it(manager, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(budget_daily=None)  # saved before budgets were required
    client = logged_in(manager)
    data = form_data(client.get(f"{CAMPAIGNS}{campaign.pk}/change/"))
    data["name"] = "Spring buyers 2026"
    response = client.post(f"{CAMPAIGNS}{campaign.pk}/change/", data)
    assert response.status_code == 200  # the budgets are read-only for managers: the error shows above the form
    errors = response.context["adminform"].form.non_field_errors()
    assert "A superuser must set a daily or a total budget" in str(errors)
    campaign.refresh_from_db()
    assert campaign.name == "Spring buyers"


def test_the_api_refuses_to_clear_the_budgets(superuser, campaign):
    response = client_for(superuser).patch(f"/api/campaigns/{campaign.pk}/", {"budget_daily": None}, format="json")
    assert response.status_code == 400
    assert "budget_daily" in response.json()["error"]
    campaign.refresh_from_db()
    assert campaign.budget_daily == Decimal("25.00")


def test_a_campaign_a_manager_creates_through_the_api_gets_the_default_caps(manager):
    response = client_for(manager).post("/api/campaigns/", {"name": "Fall", "slug": "fall", "column_mapping": MAPPING},
                                        format="json")
    assert response.status_code == 201, response.json()
    assert Campaign.objects.get(slug="fall").budget_daily == Decimal("25.00")
