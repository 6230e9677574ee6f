"""Cost ledger admin: rows are written by the system as spending happens; staff read them."""
from __future__ import annotations

from django.contrib import admin

from apps.costs.models import CostEntry, PriceTable, TierEscalationEvent
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


@admin.register(PriceTable)
class PriceTableAdmin(admin.ModelAdmin):
    """Prices by date: add a row to change them from a day on (past rows stay, so old costs keep their prices)."""

    list_display = ("effective_from", "telephony_per_minute", "media_stream_per_minute", "amd_per_call",
                    "recording_per_minute", "compute_per_hour", "elevenlabs_per_1k_characters")
    fieldsets = (
        (None, {"fields": ("effective_from",)}),
        ("Telephone network (Twilio)", {"fields": ("telephony_per_minute", "media_stream_per_minute", "amd_per_call",
                                                   "recording_per_minute")}),
        ("Local models: machine price and measured throughput",
         {"fields": ("compute_per_hour", "stt_compute_seconds_per_audio_second", "tts_compute_seconds_per_character",
                     "llm_compute_seconds_per_1k_tokens")}),
        ("Billed services", {"fields": ("elevenlabs_per_1k_characters",)}),
    )

