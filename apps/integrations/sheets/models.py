"""The write-back outbox: one row per finished call whose results are on their way to the campaign's sheet."""
from __future__ import annotations

from django.db import models


class SheetWriteback(models.Model):
    """A call's results as they will be written, kept until the sheet has them (or staff see why not).

    One per call (the database says so): a replayed post-call task finds the row it made the first time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DONE = "done", "Written"
        FAILED = "failed", "Failed (see the error)"
        SKIPPED = "skipped", "Nothing to write"

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="sheet_writebacks")
    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, related_name="sheet_writeback")
    row_values = models.JSONField(default=dict, help_text="For the lead's row: result → value")
    call_values = models.JSONField(default=dict, help_text="For the results tab or file: one row for this call")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0, help_text="Flushes that tried to write it")
    last_error = models.TextField(blank=True)
    sheet_row = models.PositiveIntegerField(null=True, blank=True, help_text="The lead's row it was written to")
    created_at = models.DateTimeField(auto_now_add=True)
    written_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sheet write-back"
        indexes = [models.Index(fields=["status", "campaign"], name="writeback_status_campaign")]

    def __str__(self) -> str:
        return f"Call #{self.call_id} → sheet ({self.status})"
