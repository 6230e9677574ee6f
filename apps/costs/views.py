"""The staff cost page (works offline: the admin's own styles, no CDN, bars drawn with CSS)."""
from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.campaigns.models import Campaign
from apps.core.permissions import staff_page
from apps.costs.reports import cost_report


@staff_page("costs.view_costentry")
def costs_overview(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("campaign", "")
    campaign = get_object_or_404(Campaign, slug=slug) if slug else None
    try:
        days = max(1, min(90, int(request.GET.get("days", 14))))
    except ValueError:
        days = 14
    report = cost_report(campaign, days)
    peak = max([amount for _, amount in report.by_day] + [report.daily_budget or 0]) or 1
    return render(request, "costs/overview.html", {
        **admin.site.each_context(request),  # the site header, as on the admin's own pages
        "report": report, "campaign": campaign, "days": days, "campaigns": Campaign.objects.order_by("name"),
        "days_rows": [(day, amount, int(100 * amount / peak)) for day, amount in report.by_day],
        "budget_pct": int(100 * report.daily_budget / peak) if report.daily_budget else None,
        "title": f"Costs — {campaign.name}" if campaign else "Costs — all campaigns",
    })
