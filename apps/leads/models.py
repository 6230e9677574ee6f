"""Leads, the do-not-call list, and the record of every sheet import (runs and rejected rows)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    QUEUED = "queued", "Queued"
    IN_CALL = "in_call", "In call"
    CALLED = "called", "Called"
    QUALIFIED = "qualified", "Qualified"
    APPOINTMENT = "appointment", "Appointment booked"
    DO_NOT_CALL = "do_not_call", "Do not call"
    INVALID = "invalid", "Invalid"


class TimeZoneSource(models.TextChoices):
    ZIP = "zip", "ZIP code"
    STATE = "state", "State"
    PHONE = "phone", "Phone number"
    UNKNOWN = "unknown", "Unknown"


class Lead(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="leads")
    name = models.CharField(max_length=200, blank=True)
    phone = models.CharField("phone (E.164)", max_length=20)
    phone_extension = models.CharField(max_length=10, blank=True)
    raw_phone = models.CharField("phone as given", max_length=100, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=300, blank=True)
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter state from the address")
    postal_code = models.CharField(max_length=10, blank=True)
    notes = models.TextField(blank=True)
    time_zone = models.CharField(
        max_length=64, blank=True, help_text="IANA time zone; blank when the number spans several"
    )
    time_zone_source = models.CharField(
        max_length=10, choices=TimeZoneSource.choices, default=TimeZoneSource.UNKNOWN
    )
    consent_source = models.CharField(max_length=200, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, default=timezone.now, help_text="When it may be dialled next; blank = never again"
    )
    last_called_at = models.DateTimeField(null=True, blank=True)
    last_outcome = models.CharField(max_length=30, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    score_band = models.CharField(max_length=10, blank=True)
    facts = models.JSONField(default=dict, blank=True, help_text="What the lead has told us on calls")
    callback_at = models.DateTimeField(null=True, blank=True, help_text="When the lead asked to be called back")
    claim_token = models.UUIDField(null=True, blank=True, editable=False, help_text="The dial tick that claimed it")

    sheet_row = models.PositiveIntegerField(null=True, blank=True, help_text="Row number in the source sheet")
    sheet_fingerprint = models.CharField(max_length=32, blank=True, editable=False)
    extra = models.JSONField(default=dict, blank=True, help_text="Sheet columns not mapped to a field")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    class Meta:
        ordering = ["campaign", "sheet_row", "id"]
        permissions = [
            ("export_lead", "Can export everything held about a lead"),
            ("erase_lead", "Can erase a lead's personal data"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "phone"], name="lead_unique_phone_per_campaign"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "next_attempt_at"], name="lead_dialer_scan"),
            # The dial tick's queue: callable leads of a campaign, the longest due first.
            models.Index(fields=["campaign", "next_attempt_at", "id"], condition=Q(status__in=["new", "called"]),
                         name="lead_dial_queue"),
            models.Index(fields=["phone"], name="lead_phone"),
            models.Index(fields=["campaign", "last_outcome"], name="lead_outcome"),
            # Re-imports find unchanged rows by fingerprint without parsing them.
            models.Index(fields=["campaign", "sheet_fingerprint"], name="lead_sheet_fingerprint"),
        ]

    def __str__(self) -> str:
        return f"{self.name or 'Lead'} ({mask_phone(self.phone)})"


def mask_phone(phone: str) -> str:
    """A phone number safe for logs and page titles: all but the last four digits hidden."""
    if len(phone) <= 4:
        return "•" * len(phone)
    return phone[:2] + "•" * (len(phone) - 6) + phone[-4:]


class DoNotCallQuerySet(models.QuerySet):
    def active(self) -> DoNotCallQuerySet:
        return self.filter(removed_at__isnull=True)


class DoNotCall(models.Model):
    """A number nobody may call, in any campaign. Removal is recorded, never deleted."""

    class Source(models.TextChoices):
        STAFF = "staff", "Added by staff"
        OPT_OUT = "opt_out", "Lead asked on a call"
        SHEET = "sheet", "Marked in a sheet"
        REGISTRY = "registry", "National registry"
        TEXT_REPLY = "text_reply", "Lead replied by text (e.g. STOP)"
        EMAIL = "email", "Lead asked by e-mail"
        WEB_FORM = "web_form", "Lead asked through a web form"
        CRM = "crm", "Recorded in the team's CRM"

    # What the API accepts: the ways a lead revokes consent outside our calls (FCC 24-24: any reasonable means).
    API_SOURCES = (Source.STAFF, Source.EMAIL, Source.WEB_FORM, Source.CRM)

    phone = models.CharField("phone (E.164)", max_length=20)
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.STAFF)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DoNotCallQuerySet.as_manager()

    class Meta:
        verbose_name = "do-not-call entry"
        verbose_name_plural = "do-not-call list"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone"], condition=Q(removed_at__isnull=True), name="dnc_one_active_entry_per_phone"
            ),
        ]
        indexes = [models.Index(fields=["phone"], name="dnc_phone")]

    def __str__(self) -> str:
        return mask_phone(self.phone)


class Erasure(models.Model):
    """A lead's personal data erased on request (apps.leads.privacy): who did it, when, and what went. Kept apart
    from Lead so the import's row stays narrow."""

    lead = models.ForeignKey(Lead, null=True, on_delete=models.SET_NULL, related_name="erasures")
    erased_at = models.DateTimeField()
    erased_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    removed = models.JSONField(default=dict, help_text="How many calls, recordings, turns and sheet rows it cleared")

    class Meta:
        verbose_name = "personal-data erasure"
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"Lead #{self.lead_id} erased {self.erased_at:%Y-%m-%d %H:%M}"


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "Schedule"
        STAFF = "staff", "Staff (admin)"
        API = "api", "API"
        COMMAND = "command", "Command line"

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="import_runs")
    source = models.CharField(max_length=500)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    rows_seen = models.PositiveIntegerField(default=0)
    rows_created = models.PositiveIntegerField(default=0)
    rows_updated = models.PositiveIntegerField(default=0)
    rows_unchanged = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_blank = models.PositiveIntegerField(default=0, help_text="Entirely empty rows, skipped")
    task_id = models.CharField(max_length=255, blank=True, editable=False,
                               help_text="The Celery task importing it: a redelivery of that task takes it over")
    attempt = models.PositiveSmallIntegerField(
        default=1, help_text="1, or how many times this import has started after a worker stopped mid-import")

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["campaign", "-created_at"], name="importrun_campaign_recent")]
        constraints = [
            # One import of a campaign at a time: the claim (QUEUED → RUNNING) of a second one fails here.
            models.UniqueConstraint(fields=["campaign"], condition=Q(status="running"),
                                    name="importrun_one_running_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"Import #{self.pk} of {self.campaign} ({self.status})"


class ImportRejection(models.Model):
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="rejections")
    row_number = models.PositiveIntegerField()
    raw = models.JSONField(help_text="The row's cells as read, by column header")
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["run", "row_number"]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.reason}"
