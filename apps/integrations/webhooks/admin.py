"""Webhook admin: endpoints (their signing secret shown read-only) and the delivery log with a redeliver action."""
from __future__ import annotations

from django.contrib import admin, messages

from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.services import redeliver


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "description", "events", "is_active", "created_at")
    list_filter = ("is_active",)
    readonly_fields = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "event", "endpoint", "status", "attempts", "response_code", "last_error",
                    "delivered_at", "next_attempt_at")
    list_filter = ("status", "event", "endpoint")
    readonly_fields = ("endpoint", "event", "event_id", "payload", "status", "attempts", "response_code",
                       "last_error", "created_at", "delivered_at", "next_attempt_at")
    actions = ("redeliver_selected",)

    def has_add_permission(self, request):
        return False

    @admin.action(description="Redeliver selected deliveries")
    def redeliver_selected(self, request, queryset):
        count = redeliver(queryset)
        self.message_user(request, f"{count} deliveries queued again.", messages.SUCCESS)
