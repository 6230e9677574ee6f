"""The cost ledger: one row per unit of spending (telephone minutes, speech, LLM), written as it happens."""
from __future__ import annotations

from django.db import models


class CostEntry(models.Model):
    class Kind(models.TextChoices):
        TELEPHONY = "telephony", "Telephone minutes"
        AMD = "amd", "Answering-machine detection"
        RECORDING = "recording", "Recording"
        STT = "stt", "Speech to text"
        TTS_LOCAL = "tts_local", "Local voice"
        TTS_PREMIUM = "tts_premium", "Premium voice"
        LLM = "llm", "Language model"

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="cost_entries")
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="costs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    units = models.DecimalField(max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(max_digits=12, decimal_places=6)
    amount = models.DecimalField(max_digits=12, decimal_places=6)
    is_estimate = models.BooleanField(default=True, help_text="False once the provider's billed price replaced it")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "cost entries"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["campaign", "created_at"], name="cost_campaign_day"),
            models.Index(fields=["call"], name="cost_call"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ${self.amount}"


class TierEscalationEvent(models.Model):
    """The call's voice changed tier: escalated for a hot lead, or back to local (failure, budget)."""

    call = models.ForeignKey("calls.Call", on_delete=models.CASCADE, related_name="tier_events")
    from_tier = models.CharField(max_length=10)
    to_tier = models.CharField(max_length=10)
    reason = models.CharField(max_length=300)
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Lead score when it happened")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_tier} → {self.to_tier}: {self.reason}"
