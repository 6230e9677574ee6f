"""The cost ledger: one row per unit of spending (telephone minutes, speech, LLM), written as it happens."""
from __future__ import annotations

from decimal import Decimal

from django.db import models


class PriceTable(models.Model):
    """What each unit of spending costs, from a date on (the row in effect is the latest one not in the future).

    Local speech and language models cost compute time: their unit prices are derived from the
    price of an hour of the machine they run on and their measured throughput (compute seconds per
    unit), so a faster model or a cheaper machine shows up in the ledger at once.
    """

    effective_from = models.DateField(unique=True)
    # Twilio (US outbound, pay as you go)
    telephony_per_minute = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal("0.0140"),
                                               help_text="Outbound call, per started minute")
    media_stream_per_minute = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal("0.0040"),
                                                  help_text="Media Streams, per started minute")
    amd_per_call = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal("0.0075"),
                                       help_text="Answering-machine detection, per call")
    recording_per_minute = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal("0.0025"))
    # Local models: the machine's price and how much of it a unit takes
    compute_per_hour = models.DecimalField(max_digits=8, decimal_places=4, default=Decimal("0.90"),
                                           help_text="An hour of the media worker's machine (GPU or CPU)")
    stt_compute_seconds_per_audio_second = models.DecimalField(
        max_digits=8, decimal_places=5, default=Decimal("0.05"),
        help_text="Measured: Whisper's real-time factor on that machine")
    tts_compute_seconds_per_character = models.DecimalField(
        max_digits=8, decimal_places=6, default=Decimal("0.0008"), help_text="Measured: Piper's time per character")
    llm_compute_seconds_per_1k_tokens = models.DecimalField(
        max_digits=8, decimal_places=4, default=Decimal("10"), help_text="Measured: Ollama's time per 1,000 tokens")
    # Services billed by use
    elevenlabs_per_1k_characters = models.DecimalField(max_digits=8, decimal_places=5, default=Decimal("0.10"))

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return f"Prices from {self.effective_from}"

    def compute_price(self, seconds: Decimal) -> Decimal:
        return self.compute_per_hour * seconds / Decimal(3600)


class CostEntry(models.Model):
    class Kind(models.TextChoices):
        TELEPHONY = "telephony", "Telephone minutes"
        AMD = "amd", "Answering-machine detection"
        RECORDING = "recording", "Recording"
        STT = "stt", "Speech to text"
        TTS_LOCAL = "tts_local", "Local voice"
        TTS_PREMIUM = "tts_premium", "Premium voice"
        LLM = "llm", "Language model"
        TRANSFER = "transfer", "Transfer leg minutes"

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="cost_entries")
    call = models.ForeignKey("calls.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="costs")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    units = models.DecimalField(max_digits=14, decimal_places=4)
    unit_price = models.DecimalField(max_digits=16, decimal_places=10, help_text="A local model's audio second "
                                     "or character costs fractions of a millionth of a dollar")
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
