"""Webhooks go to public addresses only: staff cannot save an endpoint on a private, loopback, link-local,
multicast, reserved or cloud-metadata address, deliveries check the address again after DNS, redirects are
not followed, https checks the certificate of the URL's name, and production refuses plain http."""
from __future__ import annotations

import datetime as dt
import ssl
import subprocess
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.test import Client

from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.services import deliver, emit
from tests.config.test_production_settings import COMPLETE, ROOT
from tests.integrations.webhooks.test_webhooks import Receiver
from tests.integrations.webhooks.test_webhooks import _Handler as ReceiverHandler
from tests.local_server import serving

PUBLIC = "https://93.184.215.14/hooks"  # a public address written as one: no DNS needed to check it

REFUSED = [
    ("http://127.0.0.1:6379/", "loopback"),  # the shared Redis
    ("http://localhost:8000/hooks", "loopback"),  # after DNS
    ("http://2130706433/", "loopback"),  # 127.0.0.1 as a number, after DNS
    ("http://[::1]:8000/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback (inside IPv6)"),
    ("http://[2002:7f00:1::]/", "loopback (inside IPv6)"),  # 6to4
    ("http://169.254.169.254/latest/meta-data/iam/", "cloud-metadata"),
    ("http://[::ffff:169.254.169.254]/", "cloud-metadata (inside IPv6)"),
    ("http://[64:ff9b::a9fe:a9fe]/", "cloud-metadata (inside IPv6)"),  # NAT64
    ("http://[fd00:ec2::254]/", "cloud-metadata"),
    ("http://100.100.100.200/", "cloud-metadata"),
    ("http://192.0.0.192/", "cloud-metadata"),
    ("http://169.254.10.1/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://10.1.2.3/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.0.10/", "private"),
    ("http://[fc00::5]/", "private"),
    ("http://100.64.0.1/", "non-public"),  # carrier-grade NAT
    ("http://0.0.0.0:8000/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://224.0.0.251/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
]


def _refusal(url: str) -> str:
    with pytest.raises(ValidationError) as refused:
        WebhookEndpoint(url=url).full_clean()
    return " ".join(refused.value.message_dict["url"])


@pytest.mark.parametrize(("url", "kind"), REFUSED)
def test_an_endpoint_on_a_non_public_address_cannot_be_saved(db, url, kind):
    message = _refusal(url)
    assert f"a {kind} address: webhooks go to public addresses only" in message


def test_a_public_endpoint_can_be_saved(db):
    WebhookEndpoint(url=PUBLIC).full_clean()


def test_the_admin_form_says_why_it_refuses_the_metadata_address(superuser):
    client = Client()
    client.force_login(superuser)
    response = client.post("/admin/webhooks/webhookendpoint/add/", {
        "url": "http://169.254.169.254/latest/meta-data/", "description": "CRM", "events": '["call.completed"]',
        "is_active": "on"})
    assert response.status_code == 200 and "a cloud-metadata address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_private_addresses_are_allowed_when_the_operator_says_so(db, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # a CRM on the team's own network
    WebhookEndpoint(url="http://192.168.0.10:8080/hooks").full_clean()


def test_plain_http_is_refused_where_https_is_required(db, settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True
    assert "must use https://" in _refusal(PUBLIC.replace("https://", "http://"))
    WebhookEndpoint(url=PUBLIC).full_clean()


def test_production_requires_https():
    code = ("import django; django.setup(); from django.conf import settings; "
            "print(settings.WEBHOOK_REQUIRE_HTTPS, settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES)")
    environment = {**COMPLETE, "DJANGO_SETTINGS_MODULE": "config.settings.production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True False"


@pytest.fixture
def crm(db):
    with serving(Receiver(), ReceiverHandler, "receiver") as running:
        yield running


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_delivery_to_a_non_public_address_is_refused_after_dns_and_nothing_is_sent(crm, host):
    port = crm.base_url.rsplit(":", 1)[1]
    WebhookEndpoint.objects.create(url=f"http://{host}:{port}/hooks")  # saved before the check, or DNS changed
    [delivery_id] = emit("call.completed", {"call": {"id": 1}})
    assert deliver(delivery_id) is None  # not retried: trying again cannot help
    assert crm.received == []
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "failed" and delivery.response_code is None
    assert delivery.last_error.startswith(f"refused: {host} is 127.0.0.1, a loopback address")


class Redirecting(BaseHTTPRequestHandler):
    receiver: Receiver

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.receiver.received.append({"redirected": True})
        self.send_response(307)
        self.send_header("Location", self.receiver.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_redirect_is_not_followed(crm, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True  # both receivers are on 127.0.0.1
    redirecting = Receiver()
    redirecting.location = f"{crm.base_url}/internal-admin"
    with serving(redirecting, Redirecting, "receiver") as first:
        WebhookEndpoint.objects.create(url=f"{first.base_url}/hooks")
        [delivery_id] = emit("call.completed", {"call": {"id": 1}})
        deliver(delivery_id)
    assert len(redirecting.received) == 1 and crm.received == []
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.response_code == 307 and delivery.status == "pending"
    assert delivery.last_error == f"HTTP 307: redirects are not followed (Location: {crm.base_url}/internal-admin)"


def _self_signed(tmp_path, name: str) -> tuple[str, str]:
    """A certificate for `name` that no CA vouches for, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_path), str(key_path)


def test_https_checks_the_certificate_of_the_name_while_connecting_to_the_checked_address(db, settings, tmp_path):
    settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
    crm, names_asked = Receiver(), []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*_self_signed(tmp_path, "localhost"))
    context.sni_callback = lambda sock, name, ctx: names_asked.append(name)

    class TLSServer(ThreadingHTTPServer):
        def get_request(self):
            sock, address = super().get_request()
            return context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    with serving(crm, ReceiverHandler, "receiver", server_class=TLSServer):
        port = crm.base_url.rsplit(":", 1)[1]
        WebhookEndpoint.objects.create(url=f"https://localhost:{port}/hooks")
        [delivery_id] = emit("call.completed", {"call": {"id": 1}})
        deliver(delivery_id)
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert names_asked == ["localhost"]  # SNI carries the URL's name; the socket went to the checked 127.0.0.1
    assert "CERTIFICATE_VERIFY_FAILED" in delivery.last_error and crm.received == []
