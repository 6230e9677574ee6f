"""Compliance admin: upload a copy of the national Do Not Call registry (imported on the imports queue) and see
what each copy held, which area codes it is current for, and why lines were rejected; read the evidence each dial
was made on (the audit trail), linked to the compliance report."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.compliance.models import DialEvidence, RegistryCopy
from apps.core.tasks import enqueue

UPLOAD_DIR = "registry"  # under MEDIA_ROOT, which the web and worker containers share


class RegistryUploadForm(forms.ModelForm):
    upload = forms.FileField(help_text="The registry's download from telemarketing.donotcall.gov: the zip of "
                                       "area-code files, or one flat text file (one number a line; a change list: "
                                       "one change a line)")

    class Meta:
        model = RegistryCopy
        fields = ("upload", "kind", "campaign", "as_of")
        help_texts = {"as_of": "The day the file was downloaded. Blank: the date the file states (its zip "
                               "entries' date), else today."}


def save_upload(upload) -> Path:
    """The upload, copied in chunks to a file the imports worker can read."""
    folder = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}-{Path(upload.name).name}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


@admin.register(RegistryCopy)
class RegistryCopyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "scope", "as_of", "as_of_source", "status", "numbers_stored", "lines_rejected",
                    "current_for", "uploaded_at", "uploaded_by")
    list_filter = ("status", "campaign")
    list_select_related = ("campaign", "uploaded_by")
    fieldsets = (
        (None, {"fields": ("source_name", "kind", "scope", "as_of", "as_of_source", "status", "error")}),
        ("What the file held", {"fields": ("area_codes", "current_for", "numbers_stored", "numbers_removed",
                                           "applied_to", "lines_read", "lines_blank", "lines_duplicate",
                                           "lines_rejected", "rejections", "header")}),
        ("Upload", {"fields": ("uploaded_at", "uploaded_by", "started_at", "finished_at")}),
    )
    readonly_fields = ("source_name", "kind", "scope", "as_of", "as_of_source", "status", "error", "area_codes",
                       "current_for", "numbers_stored", "numbers_removed", "applied_to", "lines_read", "lines_blank",
                       "lines_duplicate", "lines_rejected", "rejections", "header", "uploaded_at", "uploaded_by",
                       "started_at", "finished_at")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = RegistryUploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        return ((None, {"fields": ("upload", "kind", "campaign", "as_of")}),) if obj is None else self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False  # a copy is a record: what was uploaded, when, and what it held

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["upload"]
        obj.file_path = str(save_upload(upload))
        obj.source_name = Path(upload.name).name[:300]
        obj.uploaded_by = request.user
        obj.as_of_source = RegistryCopy.AsOfSource.STAFF if obj.as_of else ""
        super().save_model(request, obj, form, change)
        copy_id = obj.pk
        transaction.on_commit(lambda: enqueue("workers.imports.import_dnc_registry", args=[copy_id]))

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, f"{obj.source_name}: import queued on the imports worker; this page shows its "
                                   "outcome when it is done.")
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description="for")
    def scope(self, copy: RegistryCopy) -> str:
        return f"campaign {copy.campaign}" if copy.campaign_id else "the team (every campaign)"

    @admin.display(description="current for area codes")
    def current_for(self, copy: RegistryCopy) -> str:
        codes = sorted(copy.areas.values_list("area_code", flat=True))
        return ", ".join(map(str, codes)) or "—"

    @admin.display(description="rejected lines")
    def rejections(self, copy: RegistryCopy):
        if not copy.lines_rejected:
            return "none"
        reasons = format_html_join("", "<li>{} × {}</li>", (
            (count, reason) for reason, count in copy.rejection_reasons.items()))
        examples = format_html_join("", "<li>line {}: <code>{}</code> — {}</li>", (
            (example["line"], example["text"], example["reason"]) for example in copy.rejection_examples))
        return format_html("<ul>{}</ul><p>First examples:</p><ul>{}</ul>", reasons, examples)


@admin.register(DialEvidence)
class DialEvidenceAdmin(admin.ModelAdmin):
    """A record of what a dial was made on: read, never changed (only a superuser may delete one)."""

    list_display = ("call", "campaign", "checked_at", "rules_version")
    list_filter = ("call__campaign",)
    list_select_related = ("call__campaign",)
    date_hierarchy = "checked_at"
    fields = ("call", "campaign", "checked_at", "rules_version", "report", "evidence_shown")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description="campaign")
    def campaign(self, evidence: DialEvidence):
        return evidence.call.campaign

    @admin.display(description="compliance report")
    def report(self, evidence: DialEvidence):
        day = f"{evidence.call.created_at.astimezone(dt.UTC):%Y-%m-%d}"  # the report's days are the calls' (UTC)
        url = reverse("compliance-report") + f"?campaign={evidence.call.campaign.slug}&from={day}&to={day}"
        return format_html('<a href="{}">the campaign\'s calls that day, re-checked against today\'s rules</a>', url)

    @admin.display(description="evidence")
    def evidence_shown(self, evidence: DialEvidence):
        return format_html("<pre>{}</pre>", json.dumps(evidence.evidence, indent=2, ensure_ascii=False))
