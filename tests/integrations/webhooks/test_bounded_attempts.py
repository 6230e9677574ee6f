"""One delivery attempt is bounded as a whole at the wire: a receiver that trickles its answer a byte at a
time is cut off at WEBHOOK_TIMEOUT_SECONDS, and of a huge error body only a small excerpt is ever read."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler

import pytest

from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.services import deliver, emit
from apps.integrations.webhooks.transport import EXCERPT_BYTES
from tests.local_server import serving

HUGE = 64 * 1024 * 1024


class SlowCRM:
    """Answers as scripted by `mode`: the status line a byte at a time, an error body a byte at a time,
    or an error body of 64 MB; counts what it managed to hand to the network."""

    def __init__(self, mode: str):
        self.mode = mode
        self.stopping = threading.Event()
        self.sent = 0
        self.done = threading.Event()


class _Handler(BaseHTTPRequestHandler):
    crm: SlowCRM

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.close_connection = True
        try:
            getattr(self, f"_{self.crm.mode}")()
        except OSError:
            pass  # the client hung up: what these tests want
        finally:
            self.crm.done.set()

    def _trickle_status(self):
        answer = b"HTTP/1.1 200 OK\r\n" + b"X-Padding: slow\r\n" * 6 + b"Content-Length: 0\r\n\r\n"
        self._trickle(answer)

    def _trickle_body(self):
        self.wfile.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 100\r\n\r\n")
        self._trickle(b"e" * 100)

    def _huge_body(self):
        self.send_response(500)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(HUGE))
        self.end_headers()
        chunk = b"x" * 65536
        while self.crm.sent < HUGE and not self.crm.stopping.is_set():
            self.wfile.write(chunk)
            self.crm.sent += len(chunk)

    def _trickle(self, data: bytes):
        for byte in data:
            if self.crm.stopping.wait(0.2):
                return
            self.wfile.write(bytes([byte]))
            self.crm.sent += 1

    def log_message(self, *args):
        pass


@pytest.fixture
def slow_crm(request, db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # the CRM here is on 127.0.0.1
    settings.WEBHOOK_TIMEOUT_SECONDS = 1.0
    crm = SlowCRM(request.param)
    with serving(crm, _Handler, "crm", stopping=crm.stopping) as running:
        WebhookEndpoint.objects.create(url=f"{running.base_url}/hooks")
        yield running


@pytest.mark.parametrize("slow_crm", ["trickle_status"], indirect=True)
def test_it_gives_up_on_a_receiver_that_trickles_its_answer_at_the_limit(slow_crm):
    [delivery_id] = emit("call.completed", {"call": {"id": 1}})
    started = time.monotonic()
    wait = deliver(delivery_id)
    took = time.monotonic() - started
    assert took < 2.0, f"the attempt took {took:.1f} s with a 1 s limit"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "pending" and wait is not None  # tried again later, like any failure
    assert "no answer within 1 s" in delivery.last_error


@pytest.mark.parametrize("slow_crm", ["trickle_body"], indirect=True)
def test_a_trickled_error_body_is_cut_at_the_limit_and_its_start_kept(slow_crm):
    [delivery_id] = emit("call.completed", {"call": {"id": 2}})
    started = time.monotonic()
    deliver(delivery_id)
    assert time.monotonic() - started < 2.0
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.response_code == 500 and delivery.last_error.startswith("HTTP 500: eee")
    assert len(delivery.last_error) < len("HTTP 500: ") + 100


@pytest.mark.parametrize("slow_crm", ["huge_body"], indirect=True)
def test_a_huge_error_body_is_never_read_beyond_a_small_excerpt(slow_crm):
    [delivery_id] = emit("call.completed", {"call": {"id": 3}})
    deliver(delivery_id)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.response_code == 500
    assert delivery.last_error == "HTTP 500: " + "x" * 200  # what staff see: a short excerpt
    assert slow_crm.done.wait(10), "the receiver was still sending 10 s after the attempt ended"
    # Closed after EXCERPT_BYTES: the receiver got as far as the kernel's socket buffers, not 64 MB.
    assert EXCERPT_BYTES <= 4096 and slow_crm.sent < 16 * 1024 * 1024, slow_crm.sent


def test_a_dns_lookup_that_hangs_counts_against_the_same_limit(db, settings, monkeypatch):
    """The resolver answers after 3 s; the attempt (1 s limit) gives up at 1 s, and the failure says why."""
    import socket

    settings.WEBHOOK_TIMEOUT_SECONDS = 1
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # it resolves, late, to 127.0.0.1
    real = socket.getaddrinfo

    def slow_resolver(host, *args, **kwargs):
        if host == "slow-dns.example":
            time.sleep(3)
        return real("127.0.0.1", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow_resolver)
    WebhookEndpoint.objects.create(url="https://slow-dns.example/hook")
    [delivery_id] = emit("call.completed", {"call": {"id": 1}})
    started = time.monotonic()
    wait = deliver(delivery_id)
    took = time.monotonic() - started
    assert took < 2.0, f"the attempt took {took:.1f} s with a 1 s limit"
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "pending" and wait is not None
    assert "the DNS lookup did not finish" in delivery.last_error
