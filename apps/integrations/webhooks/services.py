"""Webhook events out: one signed JSON POST per subscribed endpoint, retried with backoff for up to 24 hours.

Each delivery is `{"id", "type", "created_at", "data"}` with the headers
  X-REAutomation-Event: <type>
  X-REAutomation-Delivery: <id>            (the same on every attempt: receivers drop duplicates by it)
  X-REAutomation-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
Receivers recompute the HMAC over the timestamp, a dot and the raw body, compare in constant time,
and refuse timestamps more than five minutes old (replays).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)
GIVE_UP_AFTER = dt.timedelta(hours=24)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def emit(event: str, data: dict) -> list[int]:
    """Queue `event` for every active endpoint subscribed to it; delivered after the transaction commits."""
    created = []
    for endpoint in WebhookEndpoint.objects.filter(is_active=True):
        if event not in (endpoint.events or []):
            continue
        delivery = WebhookDelivery(endpoint=endpoint, event=event, payload={}, next_attempt_at=timezone.now())
        delivery.payload = {"id": str(delivery.event_id), "type": event, "created_at": timezone.now().isoformat(),
                            "data": json.loads(json.dumps(data, cls=DjangoJSONEncoder))}
        delivery.save()
        created.append(delivery.pk)
    if created:
        transaction.on_commit(lambda: _queue(created))
    return created


def _queue(delivery_ids: list[int]) -> None:
    from workers.postcall import deliver_webhook

    for delivery_id in delivery_ids:
        try:
            deliver_webhook.delay(delivery_id)
        except Exception:  # noqa: BLE001 - the row stays pending; redeliver_due picks it up
            log.exception("webhook delivery %s could not be queued", delivery_id)


def deliver(delivery_id: int) -> float | None:
    """One attempt. Returns seconds until the next attempt, or None when done (delivered or given up)."""
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status != WebhookDelivery.Status.PENDING:
        return None
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    stamp = int(time.time())
    headers = {"Content-Type": "application/json", "User-Agent": "REAutomation-Webhooks/1",
               "X-REAutomation-Event": delivery.event, "X-REAutomation-Delivery": str(delivery.event_id),
               "X-REAutomation-Signature": sign(delivery.endpoint.secret, stamp, body)}
    delivery.attempts += 1
    try:
        response = requests.post(delivery.endpoint.url, data=body, headers=headers,
                                 timeout=settings.WEBHOOK_TIMEOUT_SECONDS, allow_redirects=False)
        delivery.response_code = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.last_error = "" if ok else f"HTTP {response.status_code}: {response.text[:200]}"
    except requests.RequestException as exc:
        ok, delivery.response_code = False, None
        delivery.last_error = f"{type(exc).__name__}: {exc}"[:500]
    now = timezone.now()
    wait = None
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = WebhookDelivery.Status.DELIVERED, now, None
    else:
        wait = min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1), 3600)
        if now + dt.timedelta(seconds=wait) - delivery.created_at > GIVE_UP_AFTER:
            delivery.status, delivery.next_attempt_at, wait = WebhookDelivery.Status.FAILED, None, None
        else:
            delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
    delivery.save(update_fields=["attempts", "response_code", "last_error", "status", "delivered_at",
                                 "next_attempt_at"])
    log.info("webhook %s %s → %s: %s", delivery.pk, delivery.event, delivery.endpoint_id,
             delivery.status if ok or wait is None else f"retry in {wait} s")
    return wait


def redeliver(deliveries) -> int:
    """Staff asked to send these again (the same id: receivers that saw it already can drop it)."""
    ids = list(deliveries.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(status=WebhookDelivery.Status.PENDING,
                                                      next_attempt_at=timezone.now(), last_error="")
    transaction.on_commit(lambda: _queue(ids))
    return len(ids)
