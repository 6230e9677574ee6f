"""Call admin: every call with its transcript and agent hand-overs (read-only), human agents and their hours,
and appointments with their calendar invites."""
from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from apps.calls.models import (
    AgentStep,
    AgentTransition,
    Appointment,
    Call,
    HumanAgent,
    Transfer,
    Turn,
    WorkingHours,
)
from apps.core.display import breakdown_table, facts_table
from apps.costs.models import CostEntry
from apps.leads.admin import ReadOnlyAdminMixin


class ReadOnlyInline(admin.TabularInline):
    """A record of what happened on a call: shown, never added or edited here."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class TurnInline(ReadOnlyInline):
    model = Turn
    fields = ("sequence", "speaker", "text", "start_ms", "end_ms", "stt_confidence", "language", "interrupted")


class AgentTransitionInline(ReadOnlyInline):
    model = AgentTransition
    fields = ("from_agent", "to_agent", "reason", "at_ms")


class CostEntryInline(ReadOnlyInline):
    """The call's ledger: what it cost, row by row, estimates marked until the provider's bill replaces them."""

    model = CostEntry
    fields = ("created_at", "kind", "units", "unit_price", "amount", "is_estimate")
    verbose_name_plural = "costs"


class AgentStepInline(ReadOnlyInline):
    """Every decision of the agent: what it heard, understood and did, and how long it took."""

    model = AgentStep
    fields = ("number", "lead_text", "dtmf", "intent", "objection", "route", "new_facts", "score", "reply", "mode",
              "decide_ms")
    verbose_name_plural = "agent decisions"


class TransferInline(ReadOnlyInline):
    """Live transfers: who took the call (or that nobody did), when, and how long the lead was on hold."""

    model = Transfer
    fields = ("requested_at", "reason", "status", "human", "wait_ms", "humans_rung", "summary")

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    @admin.display(description="humans rung")
    def humans_rung(self, transfer: Transfer) -> str:
        return ", ".join(f"{leg.human} ({leg.get_status_display().lower()})" for leg in transfer.legs.all()) or "—"


@admin.register(Call)
class CallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "lead", "campaign", "status", "outcome", "disposition", "score", "score_band", "attempt",
                    "created_at", "duration_seconds", "answered_by", "provider")
    list_filter = ("status", "outcome", "disposition", "score_band", "campaign")
    search_fields = ("lead__name", "lead__phone", "provider_call_id")
    date_hierarchy = "created_at"
    list_select_related = ("lead", "campaign")
    inlines = (TurnInline, AgentStepInline, AgentTransitionInline, TransferInline, CostEntryInline)
    readonly_fields = ("recording_player", "qualification", "what_the_lead_said")
    fieldsets = (
        (None, {"fields": ("lead", "campaign", "status", "outcome", "attempt", "provider", "provider_call_id",
                           "answered_by", "placed_at", "answered_at", "ended_at", "duration_seconds", "error")}),
        ("Conversation", {"fields": ("recording_player", "summary", "disposition", "qualification",
                                     "what_the_lead_said", "objections", "callback_at")}),
        ("Pipeline", {"fields": ("metrics",), "classes": ("collapse",)}),
    )

    @admin.display(description="score")
    def qualification(self, call: Call):
        return breakdown_table(call.score, call.score_band, call.score_breakdown)

    @admin.display(description="facts")
    def what_the_lead_said(self, call: Call):
        return facts_table(call.facts)

    @admin.display(description="recording (lead left, agent right)")
    def recording_player(self, call: Call):
        if not call.recording:
            return "—"
        return format_html('<audio controls preload="none" src="{}"></audio>',
                           reverse("call-recording", args=[call.pk]))


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    fields = ("weekday", "start", "end")
    extra = 0


@admin.register(HumanAgent)
class HumanAgentAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "phone", "time_zone", "is_active", "takes_transfers")
    list_editable = ("takes_transfers",)
    list_filter = ("is_active", "takes_transfers", "campaigns")
    search_fields = ("name", "email")
    filter_horizontal = ("campaigns",)
    inlines = (WorkingHoursInline,)


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("lead", "starts_at", "ends_at", "agent", "status")
    list_filter = ("status", "agent")
    search_fields = ("lead__name", "lead__phone")
    list_select_related = ("lead", "agent")
    raw_id_fields = ("lead", "call")
    readonly_fields = ("uid", "invite")
    actions = ("cancel_appointments",)

    @admin.display(description="calendar invite")
    def invite(self, appointment: Appointment):
        if appointment.pk is None:
            return "—"
        return format_html('<a href="{}" download>Download invite (.ics)</a>',
                           reverse("appointment-ics", args=[appointment.pk]))

    @admin.action(description="Cancel selected appointments", permissions=["change"])
    def cancel_appointments(self, request, queryset):
        cancelled = queryset.filter(status=Appointment.Status.BOOKED).update(status=Appointment.Status.CANCELLED)
        self.message_user(request, f"Cancelled {cancelled} appointment(s).", messages.SUCCESS)
