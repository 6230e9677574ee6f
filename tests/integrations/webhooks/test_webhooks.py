"""Signed webhooks to a real local HTTP receiver: signature, retries with backoff, giving up, redelivery."""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.utils import timezone

from apps.integrations.webhooks.admin import WebhookDeliveryAdmin
from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.services import deliver, emit
from tests.conftest import make_lead
from tests.local_server import serving
from tests.media_server.agent.conversation import Conversation, add_human_agents, start_call
from tests.waiting import wait_for


class Receiver:
    """A CRM's webhook endpoint: checks the signature as the README tells receivers to, answers as scripted."""

    def __init__(self, secret: str = ""):
        self.secret = secret
        self.received: list[dict] = []
        self.answers: list[int] = []  # statuses to answer, in order (then 200)
        self.lock = threading.Lock()

    def verify(self, headers, body: bytes) -> bool:
        parts = dict(part.split("=", 1) for part in headers.get("X-REAutomation-Signature", "").split(","))
        expected = hmac.new(self.secret.encode(), f"{parts.get('t')}.".encode() + body, hashlib.sha256).hexdigest()
        fresh = abs(time.time() - int(parts.get("t", 0))) < 300
        return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


class _Handler(BaseHTTPRequestHandler):
    receiver: Receiver

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.receiver.lock:
            status = self.receiver.answers.pop(0) if self.receiver.answers else 200
            self.receiver.received.append({"valid": self.receiver.verify(self.headers, body),
                                           "event": self.headers["X-REAutomation-Event"],
                                           "delivery": self.headers["X-REAutomation-Delivery"],
                                           "body": json.loads(body), "status": status})
        self.send_response(status)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the CRM here is on 127.0.0.1
    with serving(Receiver(), _Handler, "receiver") as running:
        endpoint = WebhookEndpoint.objects.create(url=f"{running.base_url}/hooks", description="CRM")
        running.secret = endpoint.secret
        running.endpoint = endpoint
        yield running


def test_a_delivery_is_signed_and_the_receiver_can_check_it(receiver):
    [delivery_id] = emit("lead.opted_out", {"phone": "+12125550134", "reason": "asked on a call"})
    assert deliver(delivery_id) is None
    [got] = receiver.received
    assert got["valid"] and got["event"] == "lead.opted_out"
    assert got["body"]["type"] == "lead.opted_out" and got["body"]["id"] == got["delivery"]
    assert got["body"]["data"] == {"phone": "+12125550134", "reason": "asked on a call"}
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 200)


def test_a_forged_signature_fails_the_receivers_check(receiver):
    receiver.secret = "whsec_someone_else"
    [delivery_id] = emit("call.completed", {"call": {"id": 1}})
    deliver(delivery_id)
    assert receiver.received[0]["valid"] is False


def test_failures_are_retried_with_backoff_then_delivered_with_the_same_id(receiver, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.answers = [500, 503]
    [delivery_id] = emit("call.started", {"call": {"id": 7}})
    assert deliver(delivery_id) == 30
    assert deliver(delivery_id) is None  # not due yet: an early message (a duplicate) sends nothing
    assert len(receiver.received) == 1
    assert deliver(_due_now(delivery_id)) == 60  # doubles
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "pending" and delivery.last_error.startswith("HTTP 503")
    assert deliver(_due_now(delivery_id)) is None
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "delivered"
    assert len({got["delivery"] for got in receiver.received}) == 1  # one id: the receiver can drop repeats


def _due_now(delivery_id: int) -> int:
    """The backoff has passed."""
    WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=timezone.now())
    return delivery_id


def test_it_gives_up_after_24_hours_and_staff_can_redeliver(receiver, superuser):
    receiver.answers = [500]
    [delivery_id] = emit("call.started", {"call": {"id": 8}})
    WebhookDelivery.objects.filter(pk=delivery_id).update(created_at=timezone.now() - dt.timedelta(hours=24))
    assert deliver(delivery_id) is None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.response_code) == ("failed", 500)
    request = RequestFactory().post("/")
    request.user = superuser
    request._messages = type("Messages", (), {"add": lambda *a, **k: None})()
    WebhookDeliveryAdmin(WebhookDelivery, site).redeliver_selected(request, WebhookDelivery.objects.filter(
        pk=delivery_id))
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "pending"
    deliver(delivery_id)
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "delivered"


def test_an_endpoint_gets_only_the_events_it_asked_for(receiver):
    receiver.endpoint.events = ["appointment.booked"]
    receiver.endpoint.save()
    assert emit("call.completed", {}) == []
    assert len(emit("appointment.booked", {})) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.celery_worker
def test_a_booked_call_fires_its_events_through_the_postcall_queue(celery_worker, receiver, campaign):
    add_human_agents(campaign)
    lead = make_lead(campaign, "+13125550142", time_zone="America/Chicago", name="Dana")
    talk = Conversation(start_call(lead))
    talk.greet()
    for line in ("sure", "we're looking to buy", "Oak Park", "in three months", "four fifty", "we're pre-approved",
                 "we're relocating for work", "no agent", "the first one"):
        talk.say(line)
    wait_for(lambda: receiver.received, timeout=20, what="the webhook to arrive")
    [got] = receiver.received
    assert got["valid"] and got["event"] == "appointment.booked"
    assert got["body"]["data"]["lead"]["phone"] == "+13125550142"
    assert got["body"]["data"]["appointment"]["agent"] in ("Jordan Lee", "Sam Rivera")
