"""Webhook admin: endpoints (the signing secret shown once, when made; masked after) and the delivery log
with a redeliver action."""
from __future__ import annotations

from django.contrib import admin, messages
from django.db import models

from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.sealed import SecretUnreadable
from apps.integrations.webhooks.services import redeliver

SHOWN_ONCE = "copy it to the receiving side now: it is not shown again"


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "description", "events", "is_active", "created_at")
    list_filter = ("is_active",)
    fields = ("url", "description", "events", "is_active", "signing_secret")
    readonly_fields = ("signing_secret",)
    actions = ("rotate_secrets",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # "crm.example.com/hooks" is https

    @admin.display(description="Signing secret")
    def signing_secret(self, obj: WebhookEndpoint) -> str:
        if obj.pk is None:
            return "Made when you save, and shown once then."
        try:
            ending = obj.secret[-4:]
        except SecretUnreadable:
            return "Unreadable (the key it was sealed with is gone): rotate it."
        return f"whsec_…{ending} (shown only when made; “Rotate signing secret” makes a new one)"

    def save_model(self, request, obj: WebhookEndpoint, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(request, f"Signing secret for {obj.url}: {obj.secret} — {SHOWN_ONCE}.",
                              messages.WARNING)

    @admin.action(description="Rotate signing secret (the old one stops working)", permissions=["change"])
    def rotate_secrets(self, request, queryset):
        for endpoint in queryset:
            self.message_user(request, f"New signing secret for {endpoint.url}: {endpoint.rotate_secret()} — "
                              f"{SHOWN_ONCE}.", messages.WARNING)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "endpoint", "status", "attempts", "response_code", "last_error",
                    "delivered_at", "next_attempt_at")
    list_filter = ("status", "event", "endpoint")
    readonly_fields = ("endpoint", "event", "event_id", "payload", "status", "attempts", "response_code",
                       "last_error", "created_at", "delivered_at", "next_attempt_at", "claimed_at")
    actions = ("redeliver_selected",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Redeliver selected deliveries")
    def redeliver_selected(self, request, queryset):
        count = redeliver(queryset)
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)
