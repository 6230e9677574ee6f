"""What of the stack a rehearsal needs is not running: the simulated network, a media worker, a Celery worker
for the dialer and postcall queues, and the web server; each problem says how to start what is missing."""
from __future__ import annotations

import json

import httpx
import redis
from celery import current_app
from django.conf import settings

from apps.calls.slots import SlotRegistry
from apps.core.redis import redis_client
from apps.integrations.telephony.simulated import NETWORK_ALIVE_KEY


def missing_services(web_url: str | None = None) -> list[str]:
    """What is not running, each with how to start it; empty when the whole stack is up."""
    problems = []
    client = redis_client(decode=True)
    try:
        alive = client.get(NETWORK_ALIVE_KEY)
    except redis.RedisError as exc:
        return [f"Redis at {settings.REDIS_URL} does not answer ({exc}): start redis-server, or set REDIS_URL"]
    if alive is None:
        problems.append("the simulated network: start `python manage.py simulated_network` "
                        f"(it calls the web server at {settings.SIMULATED_NETWORK_WEB_URL})")
    else:
        web_url = web_url or json.loads(alive).get("web_url")
    if not SlotRegistry().live_workers():
        problems.append("a media worker: start `python manage.py media_worker --slots 2`")
    if problem := _celery_problem():
        problems.append(problem)
    if problem := _web_problem(web_url or settings.SIMULATED_NETWORK_WEB_URL):
        problems.append(problem)
    return problems


def _celery_problem() -> str | None:
    try:
        queues = current_app.control.inspect(timeout=2.0).active_queues() or {}
    except Exception as exc:  # noqa: BLE001 - the broker itself is down: say so
        return f"a Celery worker (the broker did not answer: {exc})"
    served = {queue["name"] for worker in queues.values() for queue in worker}
    wanted = [name for name in ("dialer", "postcall") if name not in served]
    if wanted:
        return (f"a Celery worker for the queue(s) {', '.join(wanted)}: start "
                "`celery -A config.celery_app worker -Q dialer,postcall`")
    return None


def _web_problem(web_url: str) -> str | None:
    try:
        response = httpx.get(web_url.rstrip("/") + "/healthz", timeout=5)
    except httpx.HTTPError as exc:
        return f"the web server at {web_url} ({exc.__class__.__name__}): start `daphne config.asgi:application`"
    if response.status_code != 200:
        return f"the web server at {web_url} answers /healthz with {response.status_code}"
    return None
