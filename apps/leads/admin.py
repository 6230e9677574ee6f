"""Lead admin: leads by campaign and status (a lead's personal data exported or erased on request), import runs
with their rejected rows, the do-not-call list."""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from apps.compliance.registry import hit_from_as_of, registry_as_of
from apps.core.display import breakdown_table, facts_table
from apps.leads.do_not_call import add_to_do_not_call, remove_from_do_not_call
from apps.leads.eligibility import DialContext, why_not_callable
from apps.leads.models import DoNotCall, Erasure, ImportRejection, ImportRun, Lead, mask_phone
from apps.leads.phones import InvalidPhone, normalize_or_none, normalize_phone
from apps.leads.privacy import ErasureRefused, erase_lead, export_lead

INLINE_REJECTIONS_LIMIT = 200
EXPORT_MAX_LEADS = 100  # one download; more at once is a job for the API


class ReadOnlyAdminMixin:
    """Rows written by the system: staff look, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = ("name", "phone", "campaign", "status", "dialable_now", "last_outcome", "score", "attempts",
                    "next_attempt_at", "time_zone", "sheet_row")
    list_filter = ("status", "campaign", "last_outcome", "time_zone_source")
    search_fields = ("name", "phone", "raw_phone", "address")
    list_select_related = ("campaign",)
    readonly_fields = ("phone", "raw_phone", "sheet_row", "extra", "created_at", "updated_at",
                       "attempts", "last_called_at", "last_outcome", "score", "dialable_now", "qualification",
                       "what_the_lead_said", "callback_at", "erased")
    actions = ("export_json", "erase_personal_data")
    fieldsets = (
        (None, {"fields": ("campaign", "name", "phone", "phone_extension", "raw_phone", "email")}),
        ("Address and time zone", {"fields": ("address", "state", "postal_code", "time_zone", "time_zone_source")}),
        ("Consent", {"fields": ("consent_source", "consent_at")}),
        ("Calling", {"fields": ("status", "dialable_now", "attempts", "next_attempt_at", "last_called_at",
                                "last_outcome", "callback_at")}),
        ("Qualification (from calls)", {"fields": ("qualification", "what_the_lead_said")}),
        ("From the sheet", {"fields": ("notes", "sheet_row", "extra", "created_at", "updated_at")}),
        ("Privacy", {"fields": ("erased",)}),
    )

    def get_queryset(self, request):
        on_dnc = DoNotCall.objects.active().filter(phone=OuterRef("phone"))
        return super().get_queryset(request).annotate(_on_dnc=Exists(on_dnc), _registry_as_of=registry_as_of())

    @admin.display(description="dialable now?")
    def dialable_now(self, lead: Lead) -> str:
        """The lead's own rules (hours, consent, retries, do-not-call, the national registry); the campaign page shows
        campaign-wide limits (capacity, budget)."""
        if lead.pk is None:
            return "—"
        context = DialContext(on_do_not_call=getattr(lead, "_on_dnc", False),
                              on_registry=hit_from_as_of(getattr(lead, "_registry_as_of", None)))
        return why_not_callable(lead, lead.campaign, timezone.now(), context) or "yes"

    @admin.display(description="score")
    def qualification(self, lead: Lead):
        return breakdown_table(lead.score, lead.score_band, None)

    @admin.display(description="facts")
    def what_the_lead_said(self, lead: Lead):
        return facts_table(lead.facts)

    @admin.display(description="personal data erased")
    def erased(self, lead: Lead) -> str:
        erasure = lead.erasures.select_related("erased_by").first() if lead.pk else None
        return f"{erasure.erased_at:%Y-%m-%d %H:%M} UTC by {erasure.erased_by or 'the system'}" if erasure else "no"

    def has_export_permission(self, request) -> bool:
        return request.user.has_perm("leads.export_lead")

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("leads.erase_lead")

    @admin.action(description="Export (JSON)", permissions=["export"])
    def export_json(self, request, queryset):
        """Everything held about the selected leads, as one JSON file (one lead: the API's export document)."""
        leads = list(queryset.select_related("campaign")[:EXPORT_MAX_LEADS + 1])
        if len(leads) > EXPORT_MAX_LEADS:
            self.message_user(request, f"Export at most {EXPORT_MAX_LEADS} leads at a time.", messages.ERROR)
            return None
        documents = [export_lead(lead) for lead in leads]
        single = len(documents) == 1
        name = f"lead-{leads[0].pk}.json" if single else f"leads-{timezone.now():%Y%m%d-%H%M%S}.json"
        response = HttpResponse(json.dumps(documents[0] if single else {"leads": documents}, indent=2),
                                content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    @admin.action(description="Erase personal data", permissions=["erase"])
    def erase_personal_data(self, request, queryset):
        """After a confirmation page: each selected lead's personal data erased (apps.leads.privacy)."""
        if request.POST.get("post") != "yes":
            return TemplateResponse(request, "admin/leads/lead/erase_confirmation.html", {
                **self.admin_site.each_context(request), "title": "Erase personal data?", "opts": self.model._meta,
                "leads": queryset, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "action": "erase_personal_data"})
        erased, refused = 0, []
        for lead in queryset:
            try:
                erase_lead(lead, request.user)
            except ErasureRefused:
                refused.append(mask_phone(lead.phone))
                continue
            erased += 1
        self.message_user(request, f"Erased the personal data of {erased} lead(s) at {timezone.now():%Y-%m-%d %H:%M} "
                                   "UTC; their calls, costs and do-not-call entries stay.")
        if refused:
            self.message_user(request, f"Not erased, on a call now (try again once it ends): {', '.join(refused)}",
                              messages.WARNING)
        return None

    def get_search_results(self, request, queryset, search_term):
        """Finds a lead by its number however staff type it ('(212) 555-0134' → +12125550134)."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        e164 = normalize_or_none(search_term)
        if e164:
            results |= queryset.filter(phone=e164)
        return results, may_have_duplicates


class ImportRejectionInline(admin.TabularInline):
    model = ImportRejection
    fields = ("row_number", "reason", "raw")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Erasure)
class ErasureAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("erased_at", "lead", "erased_by", "removed")
    list_select_related = ("lead", "erased_by")


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("id", "campaign", "status", "trigger", "created_at", "rows_seen", "rows_created",
                    "rows_updated", "rows_unchanged", "rejected_rows", "error")
    list_filter = ("status", "campaign", "trigger")
    list_select_related = ("campaign",)
    readonly_fields = ("campaign", "source", "trigger", "status", "error", "created_at", "started_at",
                       "finished_at", "rows_seen", "rows_created", "rows_updated", "rows_unchanged",
                       "rejected_rows", "rows_blank")
    exclude = ("rows_rejected",)

    def get_inlines(self, request, obj):
        # A huge sheet's rejections are browsed in their own paginated list instead.
        return [ImportRejectionInline] if obj and obj.rows_rejected <= INLINE_REJECTIONS_LIMIT else []

    @admin.display(description="rejected", ordering="rows_rejected")
    def rejected_rows(self, run: ImportRun):
        if not run.rows_rejected:
            return 0
        url = reverse("admin:leads_importrejection_changelist") + f"?run__id__exact={run.pk}"
        return format_html('<a href="{}">{}</a>', url, run.rows_rejected)


@admin.register(ImportRejection)
class ImportRejectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("run", "row_number", "reason", "raw")
    list_filter = ("run__campaign",)
    search_fields = ("reason",)
    list_select_related = ("run__campaign",)


class DoNotCallForm(forms.ModelForm):
    class Meta:
        model = DoNotCall
        fields = ("phone", "reason", "source")

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"]).e164
        except InvalidPhone as exc:
            raise forms.ValidationError(str(exc)) from None


class ActiveFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (("active", "On the list"), ("removed", "Removed"))

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(removed_at__isnull=True)
        if self.value() == "removed":
            return queryset.filter(removed_at__isnull=False)
        return queryset


@admin.register(DoNotCall)
class DoNotCallAdmin(admin.ModelAdmin):
    form = DoNotCallForm
    list_display = ("phone", "reason", "source", "created_at", "created_by", "removed_at", "removed_by")
    list_filter = (ActiveFilter, "source")
    search_fields = ("phone", "reason")
    actions = ("remove_from_list",)

    def get_readonly_fields(self, request, obj=None):
        # An entry is a record: after it is made only its removal changes it.
        return ("phone", "reason", "source", "created_at", "created_by", "removed_at", "removed_by") if obj else ()

    def has_change_permission(self, request, obj=None):
        return False if obj else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # removal is recorded by the action below, never a deletion

    def has_remove_permission(self, request) -> bool:
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if change:
            return
        entry = add_to_do_not_call(obj.phone, obj.reason, obj.source, request.user)
        obj.pk = entry.pk
        if entry.created_by_id != request.user.pk or entry.reason != obj.reason:
            messages.info(request, f"{entry.phone} was already on the list (since {entry.created_at:%Y-%m-%d}).")

    @admin.action(description="Remove from the do-not-call list", permissions=["remove"])
    def remove_from_list(self, request, queryset):
        count = 0
        for entry in queryset.filter(removed_at__isnull=True):
            remove_from_do_not_call(entry, request.user)
            count += 1
        self.message_user(request, f"Removed {count} number(s) at {timezone.now():%Y-%m-%d %H:%M} UTC. "
                                   "Their leads stay 'do not call' until staff change them.")
