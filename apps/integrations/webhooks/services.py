"""Webhook events out: one signed JSON POST per subscribed endpoint, retried with backoff for up to 24 hours.

Each delivery is `{"id", "type", "created_at", "data"}` with the headers
  X-REAutomation-Event: <type>
  X-REAutomation-Delivery: <id>            (the same on every attempt: receivers drop duplicates by it)
  X-REAutomation-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
Receivers recompute the HMAC over the timestamp, a dot and the raw body, compare in constant time,
and refuse timestamps more than five minutes old (replays).

An attempt claims its delivery first (a conditional update), so a redelivered message, a retry and
beat's safety net (`redeliver_due`) never send one delivery twice at the same time; a claim older
than an attempt can last belongs to a dead worker, and beat queues that delivery again.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import time

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.core.tasks import enqueue
from apps.integrations.webhooks import transport
from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.sealed import SecretUnreadable

log = logging.getLogger(__name__)
GIVE_UP_AFTER = dt.timedelta(hours=24)
CLAIM_MARGIN = dt.timedelta(seconds=20)  # beyond the attempt's own limit: database writes, scheduling
EARLY_SLACK = dt.timedelta(seconds=5)  # a retry's message may run a moment before next_attempt_at
REDELIVER_BATCH = 500  # deliveries beat queues again per run


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
    for delivery_id in delivery_ids:
        try:
            enqueue("workers.postcall.deliver_webhook", args=[delivery_id])
        except Exception:  # noqa: BLE001 - the row stays pending; redeliver_due picks it up
            log.exception("webhook delivery %s could not be queued", delivery_id)


def claim_lifetime() -> dt.timedelta:
    """How long an attempt may hold its claim: the whole-attempt limit plus a margin."""
    return dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS) + CLAIM_MARGIN


def _unclaimed(now: dt.datetime):
    """Pending deliveries no live attempt holds."""
    return WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - claim_lifetime()))


def claim(delivery_id: int) -> dt.datetime | None:
    """Take the delivery for one attempt if it is pending, due and not in flight: the claim's time, or None."""
    now = timezone.now()
    updated = _unclaimed(now).filter(pk=delivery_id).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + EARLY_SLACK)
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    if updated != 1:
        return None  # delivered, given up, not due yet, or another worker got there first
    return now


def deliver(delivery_id: int) -> float | None:
    """One attempt. Returns seconds until the next attempt, or None when done (delivered, given up, or
    not this caller's to make: another attempt holds the delivery, or it is not due)."""
    claimed_at = claim(delivery_id)
    if claimed_at is None:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    ok, permanent = _attempt(delivery)
    wait = _outcome(delivery, ok, permanent)
    if not _record(delivery, claimed_at):
        log.warning("webhook %s: the attempt outlived its claim; the attempt that took over records", delivery.pk)
        return None
    log.info("webhook %s %s → %s: %s", delivery.pk, delivery.event, delivery.endpoint_id,
             delivery.status if ok or wait is None else f"retry in {wait} s")
    return wait


def _attempt(delivery: WebhookDelivery) -> tuple[bool, bool]:
    """POST the delivery once and note the answer on it: (delivered?, failed for good?)."""
    delivery.response_code = None
    try:
        body, headers = _signed(delivery)
        answer = transport.post(delivery.endpoint.url, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    except SecretUnreadable as exc:
        delivery.last_error = str(exc)[:500]
        return False, True
    except transport.TransportError as exc:
        delivery.last_error = str(exc)[:500]
        return False, exc.permanent
    delivery.response_code = answer.status
    ok = 200 <= answer.status < 300
    delivery.last_error = "" if ok else _describe(answer)
    return ok, False


def _signed(delivery: WebhookDelivery) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "REAutomation-Webhooks/1",
               "X-REAutomation-Event": delivery.event, "X-REAutomation-Delivery": str(delivery.event_id),
               "X-REAutomation-Signature": sign(delivery.endpoint.secret, int(time.time()), body)}
    return body, headers


def _describe(answer: transport.Answer) -> str:
    """What staff see of a failed answer: its status and a short excerpt, never the whole body."""
    if 300 <= answer.status < 400:
        return f"HTTP {answer.status}: redirects are not followed (Location: {answer.location})"[:500]
    return f"HTTP {answer.status}: {answer.excerpt[:200]}"


def _outcome(delivery: WebhookDelivery, ok: bool, permanent: bool) -> float | None:
    """Set the delivery's status after an attempt; seconds until the next attempt, or None."""
    now = timezone.now()
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = WebhookDelivery.Status.DELIVERED, now, None
        return None
    wait = min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** (delivery.attempts - 1), 3600)
    if permanent or now + dt.timedelta(seconds=wait) - delivery.created_at > GIVE_UP_AFTER:
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
        return None
    delivery.next_attempt_at = now + dt.timedelta(seconds=wait)
    return wait


def _record(delivery: WebhookDelivery, claimed_at: dt.datetime) -> bool:
    """Save the attempt's outcome and release the claim, if the claim is still this attempt's."""
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, claimed_at=claimed_at).update(
        response_code=delivery.response_code, last_error=delivery.last_error, status=delivery.status,
        delivered_at=delivery.delivered_at, next_attempt_at=delivery.next_attempt_at, claimed_at=None)
    return updated == 1


def redeliver_due(now: dt.datetime | None = None) -> list[int]:
    """Beat's safety net: queue again the deliveries whose message was lost (never queued, or held by a
    worker that died): pending, due longer ago than an attempt can last, and held by no live attempt."""
    now = now or timezone.now()
    due = _unclaimed(now).filter(next_attempt_at__lte=now - claim_lifetime()).order_by("next_attempt_at")
    ids = list(due.values_list("pk", flat=True)[:REDELIVER_BATCH])
    _queue(ids)
    return ids


def redeliver(deliveries) -> int:
    """Staff asked to send these again (the same id: receivers that saw it already can drop it)."""
    ids = list(deliveries.values_list("pk", flat=True))
    WebhookDelivery.objects.filter(pk__in=ids).update(status=WebhookDelivery.Status.PENDING,
                                                      next_attempt_at=timezone.now(), last_error="")
    transaction.on_commit(lambda: _queue(ids))
    return len(ids)
