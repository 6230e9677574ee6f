"""Queueing Celery tasks by name, so domain code never imports workers/ (imports run one way).

The name is the task's registered name (`workers.<queue>.<task>`, set explicitly on each `@shared_task`);
the routes of CELERY_TASK_ROUTES match it, so a task goes to the same queue as with `.delay()`.
"""
from __future__ import annotations

from typing import Any

from celery import current_app
from celery.result import AsyncResult


def enqueue(name: str, args: tuple | list = (), kwargs: dict[str, Any] | None = None, **options) -> AsyncResult:
    """Send task `name` to its queue; `options` are apply_async's (countdown, eta, queue…).

    `send_task` ignores CELERY_TASK_ALWAYS_EAGER, unlike `.delay()`: nothing here runs tasks eagerly (the
    tests that need a task run start a real worker thread, the `celery_worker` fixture), so every message
    goes to the broker, as it does in production.
    """
    return current_app.send_task(name, args=list(args), kwargs=kwargs or {}, **options)
