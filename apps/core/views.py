"""/healthz: database and Redis reachability (200 when both answer, 503 otherwise) and the media workers'
heartbeats; /metrics: Prometheus."""
from __future__ import annotations

import hmac

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any driver error means "not reachable"
        return f"error: {exc.__class__.__name__}"


def _check_redis() -> str:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return "ok"
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"


def _media_workers() -> dict:
    """Each media worker with a live heartbeat: its device, slots, free slots, whether it drains."""
    from media_server.slots import SlotRegistry

    try:
        return SlotRegistry().live_workers()
    except redis.RedisError:
        return {}


def healthz(request):
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(value == "ok" for value in checks.values())
    workers = _media_workers() if checks["redis"] == "ok" else {}
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks, "media_workers": workers},
                        status=200 if healthy else 503)


def metrics(request):
    """Prometheus exposition. With METRICS_TOKEN set, a `Authorization: Bearer <token>` is required;
    without it, only requests from this machine are answered (bind the scraper locally or set a token)."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    from apps.core.metrics import ReautomationCollector

    token = settings.METRICS_TOKEN
    if token:
        if not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
            return JsonResponse({"error": "a bearer token is required"}, status=401)
    elif request.META.get("REMOTE_ADDR") not in ("127.0.0.1", "::1"):
        return JsonResponse({"error": "metrics are served to this machine only (or set METRICS_TOKEN)"}, status=403)
    registry = CollectorRegistry()
    registry.register(ReautomationCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
