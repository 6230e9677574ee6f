"""Where a webhook may go: a URL is resolved and every address it names must be public.

Refused: private, loopback, link-local, multicast, reserved, unspecified, shared (CGNAT) and
cloud-metadata addresses, IPv4 and IPv6 alike, including IPv4 carried inside IPv6 (mapped,
compatible, 6to4, Teredo, NAT64). The same check runs when staff save an endpoint and at every
delivery, after DNS resolution; the delivery then connects to the very address that was checked.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES lifts the address check (a CRM on the team's own network, tests);
WEBHOOK_REQUIRE_HTTPS (on in production) refuses plain http.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Also refused by the general checks below; named so that the message says what they are.
CLOUD_METADATA = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
    "169.254.170.2",  # AWS ECS task metadata
    "fd00:ec2::254",  # AWS over IPv6
    "100.100.100.200",  # Alibaba Cloud
    "192.0.0.192",  # Oracle Cloud (Python 3.11 counts it as global)
))
NAT64 = ipaddress.ip_network("64:ff9b::/96")
CHECKS = (("is_loopback", "loopback"), ("is_link_local", "link-local"), ("is_multicast", "multicast"),
          ("is_unspecified", "unspecified"), ("is_reserved", "reserved"), ("is_private", "private"))


class TargetError(Exception):
    """Why a webhook URL is not sent to; `permanent` unless it may pass later (DNS did not answer)."""

    def __init__(self, message: str, *, permanent: bool = True):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # for the Host header and TLS (SNI, certificate check)
    port: int
    path: str
    address: str  # the checked IP address the connection goes to


def resolve(url: str, *, allow_private: bool | None = None, require_https: bool | None = None) -> Target:
    """The checked target of `url`, or TargetError saying why it is refused."""
    allow_private = settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES if allow_private is None else allow_private
    require_https = settings.WEBHOOK_REQUIRE_HTTPS if require_https is None else require_https
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetError("Webhook URLs must start with https:// (or http://).")
    if require_https and parts.scheme != "https":
        raise TargetError("Webhook URLs must use https:// here: deliveries carry lead data.")
    if parts.username or parts.password:
        raise TargetError("Webhook URLs must not carry a user name or password.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise TargetError(f"The URL's port is not valid: {exc}.") from exc
    if not parts.hostname:
        raise TargetError("The URL has no host.")
    addresses = _addresses(parts.hostname, port)
    if not allow_private:
        for address in addresses:
            if reason := refusal(address):
                raise TargetError(f"{parts.hostname} is {address}, a {reason} address: webhooks go to public "
                                  "addresses only (WEBHOOK_ALLOW_PRIVATE_ADDRESSES allows others).")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, str(addresses[0]))


def refusal(address: IPAddress) -> str | None:
    """What kind of non-public address this is, or None for a public one."""
    for inner in _embedded_ipv4(address):
        if reason := refusal(inner):
            return f"{reason} (inside IPv6)"
    if address in CLOUD_METADATA:
        return "cloud-metadata"
    for attribute, reason in CHECKS:
        if getattr(address, attribute):
            return reason
    return None if address.is_global else "non-public"


def validate_webhook_url(url: str) -> None:
    """The endpoint form's check: the same rules as at delivery, as a message for staff."""
    try:
        resolve(url)
    except TargetError as exc:
        raise ValidationError(str(exc), code="webhook_target") from exc


def _addresses(host: str, port: int) -> list[IPAddress]:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetError(f"{host} does not resolve: {exc}", permanent=False) from exc
    addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in found))
    if not addresses:
        raise TargetError(f"{host} does not resolve to any address", permanent=False)
    return addresses


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    if address.version == 4:
        return []
    inner = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in NAT64 or (int(address) >> 32 == 0 and int(address) > 1):  # NAT64; IPv4-compatible ::a.b.c.d
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [ip for ip in inner if ip is not None]
