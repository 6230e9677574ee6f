"""One delivery is never sent twice at once, and none is lost with a worker: an attempt claims its delivery,
and beat queues again the deliveries a dead worker held (a real Celery worker process, killed mid-attempt)."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.services import claim_lifetime, deliver, emit, redeliver_due
from tests.integrations.webhooks.test_webhooks import Receiver
from tests.local_server import serving
from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[3]


class HoldingReceiver(Receiver):
    """Holds its first request until released (an attempt in flight); answers 200 to the rest."""

    def __init__(self):
        super().__init__()
        self.holding = threading.Event()
        self.release = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    receiver: HoldingReceiver

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.receiver.lock:
            first = not self.receiver.received
            self.receiver.received.append({"valid": self.receiver.verify(self.headers, body),
                                           "delivery": self.headers["X-REAutomation-Delivery"]})
        if first:
            self.receiver.holding.set()
            self.receiver.release.wait(60)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def crm(transactional_db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the CRM here is on 127.0.0.1
    receiver = HoldingReceiver()
    with serving(receiver, _Handler, "receiver", stopping=receiver.release) as running:
        running.endpoint = WebhookEndpoint.objects.create(url=f"{running.base_url}/hooks")
        running.secret = running.endpoint.secret
        yield running


def test_a_second_message_for_a_delivery_in_flight_sends_nothing(crm):
    [delivery_id] = emit("lead.opted_out", {"phone": "+12125550134", "reason": "asked"})
    first = threading.Thread(target=_deliver_in_thread, args=(delivery_id,))
    first.start()
    assert crm.holding.wait(10)
    assert deliver(delivery_id) is None  # a redelivered message, or beat: another worker got there first
    crm.release.set()
    first.join(10)
    assert len(crm.received) == 1 and crm.received[0]["valid"]
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.claimed_at) == ("delivered", 1, None)


def _deliver_in_thread(delivery_id: int) -> None:
    try:
        deliver(delivery_id)
    finally:
        connections.close_all()


def test_beat_queues_again_what_a_dead_attempt_held_but_not_an_attempt_in_flight(crm):
    crm.release.set()  # no holding in this test
    [held, lost, fresh] = [emit("call.completed", {"call": {"id": n}})[0] for n in (1, 2, 3)]
    now = timezone.now()
    long_ago = now - claim_lifetime() - dt.timedelta(seconds=1)
    WebhookDelivery.objects.filter(pk=held).update(next_attempt_at=long_ago, claimed_at=now - dt.timedelta(seconds=5))
    WebhookDelivery.objects.filter(pk=lost).update(next_attempt_at=long_ago)  # its message never reached Redis
    assert redeliver_due() == [lost]  # `held` is in flight as far as anyone can tell; `fresh` is queued already
    WebhookDelivery.objects.filter(pk=held).update(claimed_at=long_ago)  # its worker died long ago
    assert sorted(redeliver_due()) == [held, lost]
    assert deliver(held) is None and WebhookDelivery.objects.get(pk=held).status == "delivered"


@contextmanager
def celery_worker_process(log: Path, **env: str):
    """`celery worker` on the postcall queue, against the test database and Redis."""
    from django.conf import settings

    db = connection.settings_dict
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONUNBUFFERED": "1",
                   "DATABASE_URL": f"sqlite:///{db['NAME']}" if db["ENGINE"].endswith("sqlite3") else
                   f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                   f"/{db['NAME']}",
                   "REDIS_URL": settings.REDIS_URL, "DJANGO_SECRET_KEY": settings.SECRET_KEY,
                   "WEBHOOK_SECRET_KEY": settings.WEBHOOK_SECRET_KEY, **env}
    environment.pop("CELERY_BROKER_URL", None)
    command = [sys.executable, "-m", "celery", "-A", "config.celery_app", "worker", "-Q", "postcall", "--pool",
               "solo", "-n", f"webhooks-{uuid.uuid4().hex[:8]}@%h", "--without-mingle", "--without-gossip"]
    with log.open("a") as output:
        worker = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield worker
    finally:
        if worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def test_a_delivery_whose_worker_was_killed_mid_attempt_is_sent_by_beat(crm, settings, tmp_path):
    from config.celery_app import app

    settings.WEBHOOK_TIMEOUT_SECONDS = 30  # the held attempt is still within its limit when the worker dies
    app.control.purge()
    log = tmp_path / "worker.log"
    worker_env = {"WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "1", "WEBHOOK_TIMEOUT_SECONDS": "30"}
    with celery_worker_process(log, **worker_env) as worker:
        [delivery_id] = emit("appointment.booked", {"lead": {"phone": "+13125550142"}})
        assert crm.holding.wait(60), log.read_text()[-3000:]
        worker.send_signal(signal.SIGKILL)  # mid-attempt: the receiver has the request, no answer went back
        worker.wait(10)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts) == ("pending", 1) and delivery.claimed_at is not None
    assert redeliver_due() == []  # the claim is fresh: for all anyone knows, the attempt is still going

    # Time passes beyond what an attempt can last (the claim is moved back instead of waiting it out).
    WebhookDelivery.objects.filter(pk=delivery_id).update(
        claimed_at=delivery.claimed_at - claim_lifetime(), next_attempt_at=delivery.next_attempt_at - claim_lifetime())
    with celery_worker_process(log, **worker_env):  # the worker came back; its old message stays unacked
        app.send_task("workers.postcall.redeliver_due_webhooks", queue="postcall")  # what beat sends
        try:
            wait_for(lambda: WebhookDelivery.objects.get(pk=delivery_id).status == "delivered", 60,
                     what="the delivery to be sent again")
        except AssertionError as exc:
            raise AssertionError(log.read_text()[-3000:]) from exc
    assert [got["delivery"] for got in crm.received] == [str(delivery.event_id)] * 2  # the same id: dedupable
    assert all(got["valid"] for got in crm.received)
    assert WebhookDelivery.objects.get(pk=delivery_id).attempts == 2
