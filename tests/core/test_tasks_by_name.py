"""Domain code queues Celery tasks by name (apps.core.tasks.enqueue), never importing workers/: every name it
sends must be a task the workers register, and goes to the queue its name routes to."""
from __future__ import annotations

import ast
import json
import uuid
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from apps.campaigns.services import DIAL_TASK
from apps.campaigns.services import IMPORT_TASK as SCHEDULED_IMPORT_TASK
from apps.core.redis import redis_client
from apps.core.tasks import enqueue
from apps.leads.import_runs import IMPORT_TASK

APPS = Path(__file__).resolve().parents[2] / "apps"


def names_enqueued() -> set[str]:
    """The task names written into an `enqueue(...)` call anywhere in apps/."""
    names = set()
    for path in APPS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "enqueue"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                names.add(node.args[0].value)
    return names


def registered() -> set[str]:
    current_app.loader.import_default_modules()  # CELERY_IMPORTS: the workers' modules, as a worker loads them
    return set(current_app.tasks)


def test_every_task_the_domain_sends_is_registered_by_a_worker():
    sent = names_enqueued() | {IMPORT_TASK, SCHEDULED_IMPORT_TASK, DIAL_TASK}
    assert len(sent) >= 8  # place_call, analyse_call, reconcile_call_price, record_sheet_writeback, …
    assert sent - registered() == set()


@pytest.mark.parametrize("name", sorted(names_enqueued()))
def test_a_task_sent_by_name_goes_to_its_queue(name):
    route = current_app.amqp.router.route({}, name, args=(), kwargs={})
    assert route["queue"].name == name.split(".")[1]  # workers.<queue>.<task>


def test_enqueue_puts_the_message_on_the_broker_for_its_queue():
    broker = redis_client(url=settings.CELERY_BROKER_URL)
    marker = uuid.uuid4().hex
    enqueue("workers.postcall.deliver_webhook", args=(marker,), countdown=3600)  # not due: no worker runs it
    ours = [raw for raw in broker.lrange("postcall", 0, -1) if marker in json.loads(raw)["headers"]["argsrepr"]]
    for raw in ours:
        broker.lrem("postcall", 0, raw)
    [raw] = ours
    headers = json.loads(raw)["headers"]
    assert headers["task"] == "workers.postcall.deliver_webhook" and headers["eta"] is not None
