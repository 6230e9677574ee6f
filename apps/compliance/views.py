"""The staff compliance report page: a campaign's calls with the evidence each dial was made on, flagged where
today's rules would not pass them; the same table as `manage.py compliance_report`, also as a CSV download."""
from __future__ import annotations

import csv
import datetime as dt
from itertools import islice

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render

from apps.campaigns.models import Campaign
from apps.compliance.audit import COLUMNS, report_rows
from apps.core.permissions import staff_page

PAGE_ROWS = 1000  # the page shows this many calls; the CSV download has them all


class _Echo:
    def write(self, value: str) -> str:
        return value


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@staff_page("calls.view_call")
def compliance_report(request: HttpRequest) -> HttpResponse:
    slug = request.GET.get("campaign", "")
    campaign = get_object_or_404(Campaign, slug=slug) if slug else None
    start, end = _day(request.GET.get("from", "")), _day(request.GET.get("to", ""))
    if campaign and request.GET.get("format") == "csv":
        writer = csv.writer(_Echo())
        lines = (writer.writerow(line) for line in
                 [COLUMNS, *(row.cells() for row in report_rows(campaign, start, end))])
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="compliance-{campaign.slug}.csv"'
        return response
    rows = list(islice(report_rows(campaign, start, end), PAGE_ROWS + 1)) if campaign else []
    return render(request, "compliance/report.html", {
        **admin.site.each_context(request),
        "title": f"Compliance report — {campaign.name}" if campaign else "Compliance report",
        "campaign": campaign, "campaigns": Campaign.objects.order_by("name"), "columns": COLUMNS,
        "rows": rows[:PAGE_ROWS], "more": len(rows) > PAGE_ROWS, "page_rows": PAGE_ROWS,
        "start": start, "end": end, "flagged": sum(1 for row in rows[:PAGE_ROWS] if row.flags),
    })
