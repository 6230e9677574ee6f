"""One webhook POST (HTTP/1.1 over http.client) to a checked, pinned address, bounded as a whole.

The connection goes to the IP address `targets.resolve` checked (no second DNS lookup, so no
rebinding), with the URL's host name in the Host header and, for https, in SNI and the certificate
check. The attempt has one wall-clock deadline for connect, TLS, send and the answer: a timer cuts
the socket when it passes, wherever the attempt is blocked, so a receiver that trickles a byte at a
time cannot hold a worker. Redirects are not followed (a 3xx is a failed attempt), and of an error
answer's body at most EXCERPT_BYTES are read; then the connection is closed unread.
"""
from __future__ import annotations

import concurrent.futures
import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from functools import lru_cache

from requests import certs

from apps.integrations.webhooks.targets import Target, TargetError, resolve

EXCERPT_BYTES = 1024  # of an error answer's body: read for display, the rest is never read


class TransportError(Exception):
    """The attempt got no HTTP answer; `permanent` when trying again cannot help."""

    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class Answer:
    status: int
    excerpt: str = ""  # the start of an error answer's body (at most EXCERPT_BYTES)
    location: str = ""  # a redirect's Location, shown, never followed


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Answer:
    """POST `body` to `url` if its addresses pass `targets.resolve`; the whole attempt (DNS included)
    ends within `timeout` seconds."""
    deadline = Deadline(timeout)
    looking_up = _resolver().submit(resolve, url)
    try:
        target = looking_up.result(timeout=deadline.left())
    except TargetError as exc:
        raise TransportError(f"refused: {exc}" if exc.permanent else str(exc), permanent=exc.permanent) from exc
    except concurrent.futures.TimeoutError as exc:  # the lookup goes on in its thread, and is dropped when done
        raise TransportError(f"no answer within {timeout:g} s (the limit for a whole attempt): the DNS lookup "
                             "did not finish") from exc
    connection = _connection(target, deadline)
    try:
        with deadline:
            return _exchange(connection, target, body, headers, deadline)
    except (OSError, http.client.HTTPException) as exc:
        if deadline.fired or deadline.left() <= 0:
            raise TransportError(f"no answer within {timeout:g} s (the limit for a whole attempt)") from exc
        raise TransportError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
        deadline.release()


@lru_cache(maxsize=1)
def _resolver() -> concurrent.futures.ThreadPoolExecutor:
    """Where DNS lookups run, so an attempt can stop waiting for one (getaddrinfo cannot be interrupted); a few
    threads, so lookups stuck on a dead resolver cannot pile up without bound."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=4, thread_name_prefix="webhook-dns")


def _exchange(connection, target: Target, body: bytes, headers: dict[str, str], deadline: Deadline) -> Answer:
    connection.request("POST", target.path, body=body, headers=headers)
    response = connection.getresponse()
    if 200 <= response.status < 300:
        return Answer(response.status)
    location = (response.getheader("Location") or "")[:200]
    return Answer(response.status, _excerpt(response, deadline), location)


def _excerpt(response: http.client.HTTPResponse, deadline: Deadline) -> str:
    """At most EXCERPT_BYTES of the body, chunk by chunk, until the deadline."""
    data = b""
    while len(data) < EXCERPT_BYTES and deadline.left() > 0:
        try:
            chunk = response.read1(EXCERPT_BYTES - len(data))
        except (OSError, http.client.HTTPException):
            break  # cut at the deadline, or a broken body: the status is the answer
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", errors="replace")


class Deadline:
    """The attempt's wall-clock limit; once it passes, the watched socket is shut down under any blocked call."""

    def __init__(self, seconds: float):
        self.at = time.monotonic() + seconds
        self.fired = False
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._timer: threading.Timer | None = None

    def left(self) -> float:
        return max(self.at - time.monotonic(), 0.0)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._socket = sock.dup()  # shutdown acts on the connection, whichever descriptor names it
            if self.fired:
                self._shutdown()

    def cut(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def release(self) -> None:
        self._stop_timer()
        with self._lock:
            if self._socket is not None:
                self._socket.close()
                self._socket = None

    def _shutdown(self) -> None:
        if self._socket is not None:
            try:
                self._socket.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass  # already closed by the other side

    def __enter__(self) -> Deadline:
        self._timer = threading.Timer(self.left(), self.cut)  # what is left: DNS may have taken some
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop_timer()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


class _Pinned:
    """Connects to the checked address, not to whatever the host name resolves to now."""

    address: str
    deadline: Deadline

    def connect(self) -> None:
        if self.deadline.left() <= 0:
            raise TimeoutError("the attempt's time ran out before connecting")
        sock = socket.create_connection((self.address, self.port), min(self.timeout, self.deadline.left()))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.deadline.watch(sock)
        self.sock = self._wrap(sock)

    def _wrap(self, sock: socket.socket) -> socket.socket:
        return sock


class _PinnedHTTP(_Pinned, http.client.HTTPConnection):
    pass


class _PinnedHTTPS(_Pinned, http.client.HTTPSConnection):
    def _wrap(self, sock: socket.socket) -> socket.socket:
        return self._context.wrap_socket(sock, server_hostname=self.host)


def _connection(target: Target, deadline: Deadline) -> http.client.HTTPConnection:
    timeout = deadline.left()  # each socket operation, within the deadline the timer keeps
    if target.scheme == "https":
        connection = _PinnedHTTPS(target.host, target.port, timeout=timeout, context=_tls_context())
    else:
        connection = _PinnedHTTP(target.host, target.port, timeout=timeout)
    connection.address, connection.deadline = target.address, deadline
    return connection


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certs.where())  # the CA bundle `requests` trusts
