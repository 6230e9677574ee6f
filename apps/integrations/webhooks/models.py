"""Webhooks: endpoints staff register for events, and every delivery with its attempts (the delivery log)."""
from __future__ import annotations

import secrets
import uuid

from django.db import models

from apps.integrations.webhooks.sealed import seal, unseal
from apps.integrations.webhooks.targets import validate_webhook_url

EVENTS = (
    ("call.started", "A lead answered"),
    ("call.completed", "A call ended"),
    ("call.transferred", "A lead was put through to a person"),
    ("lead.qualified", "A lead was qualified (hot or warm)"),
    ("appointment.booked", "An appointment was booked"),
    ("lead.opted_out", "A lead asked not to be called"),
    ("budget.exhausted", "A campaign stopped dialling: its budget is spent"),
)


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def new_sealed_secret() -> str:
    return seal(new_secret())


def all_events() -> list[str]:
    return [name for name, _ in EVENTS]


class WebhookEndpoint(models.Model):
    url = models.URLField(max_length=500, validators=[validate_webhook_url],
                          help_text="https://… on a public address — receives a signed JSON POST per event")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=all_events, help_text="Which events: " + ", ".join(n for n, _ in EVENTS))
    # The signing secret, sealed (see sealed.py); `secret` opens it. Shown to staff once, when it is made.
    sealed_secret = models.TextField(default=new_sealed_secret, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]

    def __str__(self) -> str:
        return self.description or self.url

    @property
    def secret(self) -> str:
        """Signs each delivery (see the README); raises sealed.SecretUnreadable if the key changed."""
        return unseal(self.sealed_secret)

    @secret.setter
    def secret(self, value: str) -> None:
        self.sealed_secret = seal(value)

    def rotate_secret(self) -> str:
        """A new signing secret, saved; returned so that staff can see it this once."""
        self.secret = new_secret()
        self.save(update_fields=["sealed_secret"])
        return self.secret


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=EVENTS)
    event_id = models.UUIDField(default=uuid.uuid4, editable=False, help_text="The same for every attempt")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Set while an attempt is in flight; a claim older than an attempt can last is a dead worker's.
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"
