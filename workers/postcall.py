"""The `postcall` queue: what happens after a call ends (analysis now; sheet writeback and webhooks later)."""
from __future__ import annotations

from celery import shared_task

from apps.calls.analytics import analyse_call as analyse


@shared_task(name="workers.postcall.analyse_call", acks_late=True)
def analyse_call(call_id: int) -> dict:
    return analyse(call_id)
