"""Cost ledger admin: rows are written by the system as spending happens; staff read them."""
from __future__ import annotations

from django.contrib import admin

from apps.costs.models import CostEntry, TierEscalationEvent
from apps.leads.admin import ReadOnlyAdminMixin


@admin.register(CostEntry)
class CostEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "campaign", "call", "kind", "units", "unit_price", "amount", "is_estimate")
    list_filter = ("kind", "campaign", "is_estimate")
    list_select_related = ("campaign", "call")


@admin.register(TierEscalationEvent)
class TierEscalationEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "call", "from_tier", "to_tier", "reason", "score")
    list_filter = ("to_tier",)
