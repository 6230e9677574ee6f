"""/healthz: database and Redis reachability, 200 when both answer, 503 otherwise."""
from __future__ import annotations

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


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


def healthz(request):
    checks = {"database": _check_database(), "redis": _check_redis()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "degraded", **checks}, status=200 if healthy else 503)
