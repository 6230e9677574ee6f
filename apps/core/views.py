"""/healthz: database and Redis reachability (200 when both answer, 503 otherwise) and the media workers'
heartbeats; /metrics: Prometheus."""
from __future__ import annotations

import hmac

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse

from apps.calls.slots import SlotRegistry
from apps.core.redis import redis_client

# Headers a proxy adds: a request carrying one came from elsewhere, whatever its REMOTE_ADDR says.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto", "X-Real-IP", "Via")


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as exc:  # any driver error means "not reachable"
        return f"error: {exc.__class__.__name__}"


def _check_redis() -> str:
    try:
        client = redis_client(socket_timeout=1, connect_timeout=1)
        client.ping()
        return "ok"
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"


def _media_workers() -> dict:
    """Each media worker with a live heartbeat: its device, slots, free slots, whether it drains."""
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


def _made_on_this_machine(request) -> bool:
    """From loopback and passed on by no proxy: behind a same-host proxy every client arrives from 127.0.0.1."""
    if request.META.get("REMOTE_ADDR") not in ("127.0.0.1", "::1"):
        return False
    return not any(header in request.headers for header in PROXY_HEADERS)


def metrics(request):
    """Prometheus exposition. With METRICS_TOKEN set (production requires it), `Authorization: Bearer <token>`
    is required; without it, only requests made on this machine itself are answered."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

    from apps.core.metrics import ReautomationCollector

    token = settings.METRICS_TOKEN
    if token:
        if not hmac.compare_digest(request.headers.get("Authorization", ""), f"Bearer {token}"):
            return JsonResponse({"error": "a bearer token is required"}, status=401)
    elif not _made_on_this_machine(request):
        return JsonResponse({"error": "metrics are served to this machine only (or set METRICS_TOKEN)"}, status=403)
    registry = CollectorRegistry()
    registry.register(ReautomationCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
