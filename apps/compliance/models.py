"""The national Do Not Call registry as staff upload it: copies (one upload each), which copy is current for each
area code of a scope (the team, or one campaign), and the registered numbers of every copy."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

# 16 CFR 310.4(b)(3)(iv), 47 CFR 64.1200(c)(2)(i)(D): a call relies on a copy obtained no more than 31 days before it.
REGISTRY_MAX_AGE_DAYS = 31


class RegistryCopy(models.Model):
    """One upload of the registry's area-code files: what it covers, how old its data is, what the import made of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        IMPORTING = "importing", "Importing"
        CURRENT = "current", "Current"
        SUPERSEDED = "superseded", "Superseded by a newer upload"
        FAILED = "failed", "Failed"
        APPLIED = "applied", "Applied to the current copies"

    class Kind(models.TextChoices):
        FULL = "full", "Full list: replaces the copy of its area codes"
        CHANGES = "changes", "Change list: each line marked added (A) or deleted (D)"
        ADDITIONS = "additions", "Change list: numbers added"
        DELETIONS = "deletions", "Change list: numbers deleted"

    class AsOfSource(models.TextChoices):
        STAFF = "staff", "Given by staff"
        FILE = "file", "Stated in the file"
        UPLOAD = "upload", "The day it was uploaded"

    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="registry_copies",
        help_text="Blank: the whole team's copy, used by every campaign")
    source_name = models.CharField("file", max_length=300)
    file_path = models.CharField(max_length=500, blank=True, editable=False,
                                 help_text="Where the upload waits for the imports worker")
    as_of = models.DateField("data as of", null=True, blank=True,
                             help_text="When the registry's data was downloaded; a requiring campaign stops "
                                       f"{REGISTRY_MAX_AGE_DAYS} days later")
    as_of_source = models.CharField(max_length=10, choices=AsOfSource.choices, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FULL,
                            help_text="A change list (the registry's changes since your last download) is applied to "
                                      "every current copy of its scope and brings them to its date")
    area_codes = models.JSONField(default=list, blank=True, help_text="The area codes the file holds numbers for")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    lines_read = models.PositiveBigIntegerField(default=0)
    lines_blank = models.PositiveBigIntegerField(default=0)
    numbers_stored = models.PositiveBigIntegerField(default=0, help_text="A change list: the numbers it added")
    numbers_removed = models.PositiveBigIntegerField(default=0, help_text="A change list: the numbers it deleted")
    applied_to = models.JSONField(default=list, blank=True,
                                  help_text="A change list: the copies it was applied to and their earlier dates")
    lines_duplicate = models.PositiveBigIntegerField(default=0, help_text="Numbers the file listed more than once")
    lines_rejected = models.PositiveBigIntegerField(default=0)
    rejection_reasons = models.JSONField(default=dict, blank=True, help_text="How many lines each reason rejected")
    rejection_examples = models.JSONField(default=list, blank=True,
                                          help_text="The first rejected lines: line number, text, reason")
    header = models.CharField(max_length=300, blank=True, help_text="A first line that was a header, as read")

    class Meta:
        verbose_name = "national Do Not Call registry copy"
        verbose_name_plural = "national Do Not Call registry"
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        scope = self.campaign.slug if self.campaign_id else "team"
        return f"Registry copy of {self.as_of or '?'} ({scope}, {self.source_name})"


class RegistryArea(models.Model):
    """The copy that is current for one area code in one scope: a new upload replaces the row, in one transaction."""

    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    area_code = models.PositiveSmallIntegerField()
    copy = models.ForeignKey(RegistryCopy, on_delete=models.CASCADE, related_name="areas")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "area_code"], condition=Q(campaign__isnull=False),
                                    name="registryarea_one_per_campaign_area"),
            models.UniqueConstraint(fields=["area_code"], condition=Q(campaign__isnull=True),
                                    name="registryarea_one_per_team_area"),
        ]

    def __str__(self) -> str:
        return f"{self.area_code}: copy #{self.copy_id}"


class RegistryNumber(models.Model):
    """One registered 10-digit number in one copy. The unique (number, copy) index is the only index: a lookup by
    number is one index probe, and a copy's numbers of one area code are one range of it (number // 10**7)."""

    id = models.BigAutoField(primary_key=True)
    number = models.BigIntegerField()
    # No index of its own and no database constraint (one less check per inserted row); Django cascades a copy's
    # deletion with one DELETE, and superseded numbers are removed by area-code range (registry_import).
    copy = models.ForeignKey(RegistryCopy, on_delete=models.CASCADE, db_index=False, db_constraint=False,
                             related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["number", "copy"], name="registrynumber_number_copy")]

    def __str__(self) -> str:
        return str(self.number)


class DialEvidence(models.Model):
    """What a dial was made on, written with its call in the dial tick (apps.compliance.audit): the zones and local
    times checked with the window applied, the states binding the call and their rules, the do-not-call, registry
    and consent checks, the attempt count and the rules file's version. Kept as one JSON document: a record of that
    moment, read back by the compliance report, never updated."""

    call = models.OneToOneField("calls.Call", primary_key=True, on_delete=models.CASCADE, related_name="evidence")
    checked_at = models.DateTimeField(help_text="When the dial tick checked the rules (UTC)")
    rules_version = models.CharField(max_length=40, help_text="The state rules file's hash and newest checked date")
    evidence = models.JSONField(help_text="The evidence, as apps.compliance.audit records it")

    class Meta:
        verbose_name = "dial evidence"
        verbose_name_plural = "dial evidence"

    def __str__(self) -> str:
        return f"Evidence for call #{self.call_id}"
