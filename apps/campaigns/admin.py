"""Campaign admin: set up a campaign, import its sheet now, activate or pause it."""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from apps.calls.dialing import campaign_day_stats, dial_context
from apps.calls.models import LIVE_CALL_STATUSES
from apps.campaigns.models import Campaign
from apps.campaigns.services import set_active
from apps.compliance.abandonment import abandonment_rate, campaign_hold
from apps.compliance.registry import registry_summary
from apps.leads.importing import start_import
from apps.leads.models import ImportRun

BUDGET_FIELDS = ("budget_per_call", "budget_daily", "budget_total", "budget_premium_voice")


class CampaignForm(forms.ModelForm):
    def add_error(self, field, error):
        """A problem with a field this user may not edit (budgets, for managers) is shown above the form:
        Django would otherwise raise, since the form has no such field."""
        if field is None and hasattr(error, "error_dict"):
            placed: dict[str, list] = {}
            for name, messages in error.error_dict.items():
                placed.setdefault(name if name in self.fields else NON_FIELD_ERRORS, []).extend(messages)
            error = ValidationError(placed)
        super().add_error(field, error)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = ("name", "is_active", "lead_count", "last_import", "voice_tier", "sheet_source")
    list_filter = ("is_active", "voice_tier")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    actions = ("import_now", "activate", "pause")
    fieldsets = (
        (None, {"fields": ("name", "slug", "is_active")}),
        ("Lead sheet", {"fields": ("sheet_source", "sheet_worksheet", "column_mapping", "default_region",
                                   "require_consent", "import_every_minutes")}),
        ("Results written back to the sheet", {"fields": ("writeback_enabled", "writeback_columns",
                                                          "results_worksheet", "writeback_state")}),
        ("Calling hours (lead-local time, never outside 08:00–21:00)",
         {"fields": ("window_start", "window_end", "weekday_windows")}),
        ("Dialing", {"fields": ("dial_every_seconds", "max_concurrent_calls", "max_attempts", "retry_minutes",
                                "require_registry", "registry_state", "compliance_report")}),
        ("Budgets (US dollars; superusers only)", {"fields": BUDGET_FIELDS}),
        ("Agent persona and voice", {"fields": ("agent_name", "company_name", "callback_number", "recording",
                                                "voice_tier",
                                                "voicemail_message", "telephony_provider")}),
        ("Qualification and appointments", {"fields": ("score_weights", "hot_threshold", "warm_threshold",
                                                       "appointment_minutes")}),
        ("Privacy", {"fields": ("retention_days",)}),
        ("Today", {"fields": ("dialing_state", "live_calls", "calls_today", "answer_rate", "abandonment_state")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_lead_count=Count("leads"))

    def get_readonly_fields(self, request, obj=None):
        today = ("writeback_state", "dialing_state", "live_calls", "calls_today", "answer_rate", "registry_state",
                 "abandonment_state", "compliance_report")
        return today if request.user.is_superuser else (*BUDGET_FIELDS, *today)

    @admin.display(description="write-back now")
    def writeback_state(self, campaign: Campaign):
        """Pending and failed results, linked to the write-back list where each failure says why."""
        if campaign.pk is None:
            return "—"
        counts = dict(campaign.sheet_writebacks.filter(status__in=("pending", "failed")).values_list("status")
                      .annotate(n=Count("id")).order_by())
        if not counts:
            return "nothing waiting, nothing failed"
        url = reverse("admin:sheets_sheetwriteback_changelist") + f"?campaign__id__exact={campaign.pk}"
        return format_html('<a href="{}">{} pending, {} failed</a>', url, counts.get("pending", 0),
                           counts.get("failed", 0))

    @admin.display(description="dialing")
    def dialing_state(self, campaign: Campaign) -> str:
        if campaign.pk is None:
            return "—"
        if not campaign.is_active:
            return "paused"
        context = dial_context(campaign, timezone.now())
        if context.budget_exhausted:
            return "stopped: budget exhausted"
        if reason := campaign_hold(campaign, timezone.now()):
            return f"stopped: {reason}"
        if context.live_calls >= campaign.max_concurrent_calls:
            return f"at its limit of {campaign.max_concurrent_calls} live calls"
        if context.free_media_slots <= 0:
            return "waiting: no free media-worker slot"
        return "dialing"

    @admin.display(description="abandoned calls")
    def abandonment_state(self, campaign: Campaign) -> str:
        """The 30-day abandonment rate against the 3 % limit (apps.compliance.abandonment)."""
        return str(abandonment_rate(campaign.pk, timezone.now())) if campaign.pk else "—"

    @admin.display(description="national Do Not Call registry")
    def registry_state(self, campaign: Campaign) -> str:
        return registry_summary(campaign, timezone.now()) if campaign.pk else "—"

    @admin.display(description="compliance report")
    def compliance_report(self, campaign: Campaign):
        """Every call with the evidence its dial was made on (apps.compliance.audit)."""
        if campaign.pk is None:
            return "—"
        url = reverse("compliance-report") + f"?campaign={campaign.slug}"
        return format_html('<a href="{}">every call with its evidence, re-checked against today\'s rules</a>', url)

    @admin.display(description="live calls")
    def live_calls(self, campaign: Campaign):
        if campaign.pk is None:
            return "—"
        live = campaign.calls.filter(status__in=LIVE_CALL_STATUSES).select_related("lead")
        if not live:
            return "none"
        return format_html_join(", ", '<a href="{}">{} ({})</a>', (
            (reverse("admin:calls_call_change", args=[call.pk]), call.lead.name or call.pk, call.get_status_display())
            for call in live))

    @admin.display(description="calls today")
    def calls_today(self, campaign: Campaign):
        return campaign_day_stats(campaign)["calls"] if campaign.pk else "—"

    @admin.display(description="answer rate today")
    def answer_rate(self, campaign: Campaign) -> str:
        if campaign.pk is None:
            return "—"
        stats = campaign_day_stats(campaign)
        return f"{stats['answered'] / stats['ended']:.0%} of {stats['ended']} ended" if stats["ended"] else "—"

    @admin.display(description="leads", ordering="_lead_count")
    def lead_count(self, campaign: Campaign):
        url = reverse("admin:leads_lead_changelist") + f"?campaign__id__exact={campaign.pk}"
        return format_html('<a href="{}">{}</a>', url, campaign._lead_count)

    @admin.display(description="last import")
    def last_import(self, campaign: Campaign):
        run = campaign.import_runs.first()
        if run is None:
            return "—"
        url = reverse("admin:leads_importrun_change", args=[run.pk])
        return format_html('<a href="{}">{} · {} new, {} rejected</a>', url, run.get_status_display(),
                           run.rows_created, run.rows_rejected)

    @admin.action(description="Import the sheet now", permissions=["change"])
    def import_now(self, request, queryset):
        for campaign in queryset:
            if not campaign.sheet_source:
                self.message_user(request, f"{campaign}: no sheet source set.", messages.WARNING)
                continue
            run = start_import(campaign, ImportRun.Trigger.STAFF)
            url = reverse("admin:leads_importrun_change", args=[run.pk])
            self.message_user(request, format_html('{}: import queued — <a href="{}">follow it here</a>.',
                                                   campaign, url))

    @admin.action(description="Activate (start dialing)", permissions=["change"])
    def activate(self, request, queryset):
        for campaign in queryset:
            set_active(campaign, True)
        self.message_user(request, f"Activated {queryset.count()} campaign(s).")

    @admin.action(description="Pause (stop dialing)", permissions=["change"])
    def pause(self, request, queryset):
        for campaign in queryset:
            set_active(campaign, False)
        self.message_user(request, f"Paused {queryset.count()} campaign(s).")
