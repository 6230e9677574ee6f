"""A local Ollama: POST /api/chat, streamed (NDJSON, a token a line) or whole, and GET /api/tags, /api/version.

Requests from the real `ollama` client land here over HTTP on 127.0.0.1. The server checks what Ollama checks
(a JSON body, a model it has, messages with roles) and answers with Ollama's documents: `{"error": "..."}` with
the status on failure; a streamed chat as one line per token `{"model", "created_at", "message": {"role":
"assistant", "content": token}, "done": false}` and a last line with `"done": true`, `done_reason` and the
counters (`prompt_eval_count`, `eval_count`, durations in nanoseconds); a whole chat (`"stream": false`) as one
such object holding all the content. A request with a `format` is answered with the scripted JSON.

Every request is recorded, with how many tokens went out and whether the client hung up; `events` is an ordering
record the tests write into too. Scripted answers (`answer_next`) can fail with a status, wait before the first
token or between tokens, hang, go quiet or cut the connection after some tokens, or hold until the test lets go.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import select
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.local_server import serving

VERSION = "0.6.5"
HOLD_LIMIT_S = 5  # a held answer goes on by itself after this long, so a broken test fails instead of hanging


def tokens_of(text: str) -> list[str]:
    """The text as a model streams it: words with their leading space, punctuation apart ("4", ".", "5")."""
    return re.findall(r"\s*\w+|\s*[^\w\s]", text)


@dataclass
class Answer:
    """What a chat request gets."""

    text: str = "Sure, I can help with that. What area are you looking in?"
    json: dict | None = None  # the content for requests with a `format`
    status: int = 0  # an error answer {"error": error} with this status
    error: str = "internal server error"
    first_token_delay: float = 0  # before the first token (a whole answer: before it all)
    token_delay: float = 0  # between tokens
    hang: bool = False  # no byte at all until the server stops (or the client hangs up)
    stall_after: int | None = None  # after this many tokens: quiet until the server stops
    cut_after: int | None = None  # after this many tokens: the connection closes, the body cut short
    hold_after: int | None = None  # after this many tokens: wait for `release` (at most HOLD_LIMIT_S)
    release: threading.Event = field(default_factory=threading.Event)
    prompt_eval_count: int | None = None  # counters on the last line (by default: words in, tokens out)
    eval_count: int | None = None


@dataclass
class Recorded:
    method: str
    path: str
    body: dict
    status: int = 0
    tokens_sent: int = 0
    finished: bool = False  # the last line (done: true) or the whole answer went out
    client_gone: threading.Event = field(default_factory=threading.Event)  # the client closed the connection

    @property
    def model(self) -> str | None:
        return self.body.get("model")

    @property
    def messages(self) -> list[dict]:
        return self.body.get("messages") or []

    @property
    def streamed(self) -> bool:
        return self.body.get("stream", True)  # Ollama streams unless told not to


@dataclass
class FakeOllama:
    models: set[str] = field(default_factory=lambda: {"llama3.2:3b"})
    default: Answer = field(default_factory=Answer)
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    events: list[str] = field(default_factory=list)
    _plan: list[Answer] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # --- set-up, from tests ---------------------------------------------------

    def answer_next(self, answer: Answer | None = None, **fields) -> Answer:
        """The next chat request gets this answer (then the next scripted one, then `default`)."""
        answer = answer or Answer(**fields)
        with self._lock:
            self._plan.append(answer)
        return answer

    def note(self, event: str) -> None:
        with self._lock:
            self.events.append(event)

    # --- what happened, for assertions ---------------------------------------------

    @property
    def chats(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == "/api/chat"]

    # --- the API ------------------------------------------------------------------

    def next_answer(self) -> Answer:
        with self._lock:
            return self._plan.pop(0) if self._plan else self.default

    def refusal(self, record: Recorded, raw: bytes) -> tuple[int, str] | None:
        """Ollama's error for a chat request it cannot run, or None."""
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, "invalid character in request body"
        if not isinstance(body, dict):
            return 400, "json: cannot unmarshal request body"
        record.body = body
        if not body.get("model"):
            return 400, "model is required"
        if body["model"] not in self.models:
            return 404, f'model "{body["model"]}" not found, try pulling it first'
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(isinstance(m, dict) and m.get("role") for m in messages):
            return 400, "messages must have a role"
        return None

    def content(self, record: Recorded, answer: Answer) -> str:
        if record.body.get("format") and answer.json is not None:
            return json.dumps(answer.json)
        return answer.text

    def counters(self, record: Recorded, answer: Answer, tokens: int, started: float) -> dict:
        words = sum(len(str(m.get("content", "")).split()) for m in record.messages)
        took = int((time.monotonic() - started) * 1e9)
        return {"done_reason": "stop", "total_duration": took, "load_duration": 1_200_000,
                "prompt_eval_count": answer.prompt_eval_count if answer.prompt_eval_count is not None else words,
                "prompt_eval_duration": 2_500_000,
                "eval_count": answer.eval_count if answer.eval_count is not None else tokens,
                "eval_duration": took}

    def tags(self) -> dict:
        return {"models": [{"name": name, "model": name, "modified_at": "2025-01-15T10:00:00.000000Z",
                            "size": 2019393189, "digest": hashlib.sha256(name.encode()).hexdigest(),
                            "details": {"parent_model": "", "format": "gguf", "family": "llama",
                                        "families": ["llama"], "parameter_size": "3.2B",
                                        "quantization_level": "Q4_K_M"}}
                           for name in sorted(self.models)]}


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked streams and kept-alive connections, as Ollama
    timeout = 10  # an idle kept-alive connection ends
    fake: FakeOllama
    _record: Recorded  # the request being answered

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        record = self._record = Recorded(method=method, path=self.path.split("?")[0], body={})
        with self.fake._lock:
            self.fake.requests.append(record)
        try:
            if (method, record.path) == ("GET", "/api/version"):
                self._json(record, 200, {"version": VERSION})
            elif (method, record.path) == ("GET", "/api/tags"):
                self._json(record, 200, self.fake.tags())
            elif (method, record.path) == ("GET", "/"):
                self._text(record, 200, "Ollama is running")
            elif (method, record.path) == ("POST", "/api/chat"):
                self._chat(record, raw)
            else:
                self._text(record, 404, "404 page not found")
        except (BrokenPipeError, ConnectionResetError):
            record.client_gone.set()
            self.close_connection = True

    def _chat(self, record: Recorded, raw: bytes) -> None:
        started = time.monotonic()
        refused = self.fake.refusal(record, raw)
        if refused:
            self._json(record, refused[0], {"error": refused[1]})
            return
        answer = self.fake.next_answer()
        if answer.hang:
            self._pause(None)
            self.close_connection = True
            return
        if answer.status:
            self._json(record, answer.status, {"error": answer.error})
            return
        tokens = tokens_of(self.fake.content(record, answer))
        if not self._pause(answer.first_token_delay):
            return
        if not record.streamed:
            if not self._pause(answer.token_delay * len(tokens)):
                return
            self._json(record, 200, self._line(record, "".join(tokens), done=True)
                       | self.fake.counters(record, answer, len(tokens), started))
            record.finished = True
            return
        self._stream(record, answer, tokens, started)

    def _stream(self, record: Recorded, answer: Answer, tokens: list[str], started: float) -> None:
        record.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Date", self.date_time_string())
        self.end_headers()
        for index, token in enumerate(tokens):
            if index == answer.stall_after:
                self._pause(None)
                self.close_connection = True
                return
            if index == answer.cut_after:
                self.wfile.flush()  # no terminating chunk: the client sees the body cut short
                self.close_connection = True
                return
            if index == answer.hold_after:
                self._pause(HOLD_LIMIT_S, until=answer.release)
            if index and not self._pause(answer.token_delay):
                return
            self._chunk(self._line(record, token, done=False))
            record.tokens_sent += 1
            self.fake.note(f"token {index + 1} sent")
        # noted as it goes out, not after: a client that reads it may finish (and a test look at the events) before
        # this thread is scheduled again
        self.fake.note("last line sent")
        self._chunk(self._line(record, "", done=True) | self.fake.counters(record, answer, len(tokens), started))
        record.finished = True
        self._chunk(None)

    def _pause(self, seconds: float | None, until: threading.Event | None = None) -> bool:
        """Waits `seconds` (None: until the server stops), less if `until` is set or the server stops;
        False when the client hung up meanwhile (the request's `client_gone` is set)."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while not self.fake._stopping.is_set() and not (until is not None and until.is_set()):
            left = 0.05 if deadline is None else min(0.05, deadline - time.monotonic())
            if left <= 0:
                break
            readable, _, _ = select.select([self.connection], [], [], left)
            if readable:
                try:
                    gone = self.connection.recv(1, socket.MSG_PEEK) == b""
                except OSError:
                    gone = True
                if gone:
                    self._record.client_gone.set()
                    self.close_connection = True
                    return False
                time.sleep(left)
        return True

    def _line(self, record: Recorded, content: str, done: bool) -> dict:
        return {"model": record.model, "created_at": _now(), "message": {"role": "assistant", "content": content},
                "done": done}

    def _chunk(self, line: dict | None) -> None:
        data = b"" if line is None else json.dumps(line).encode() + b"\n"
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _json(self, record: Recorded, status: int, body: dict) -> None:
        self._send(record, status, "application/json; charset=utf-8", json.dumps(body).encode())

    def _text(self, record: Recorded, status: int, text: str) -> None:
        self._send(record, status, "text/plain; charset=utf-8", text.encode())

    def _send(self, record: Recorded, status: int, content_type: str, payload: bytes) -> None:
        record.status = status
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass  # quiet: the request log is on FakeOllama


class _Server(ThreadingHTTPServer):
    block_on_close = False  # a kept-alive or hanging connection's thread must not hold up the end of a test

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is part of the tests
            super().handle_error(request, client_address)


@contextmanager
def running_fake_ollama(**options) -> Iterator[FakeOllama]:
    """A FakeOllama served on 127.0.0.1 at a free port for the duration of the block."""
    fake = FakeOllama(**options)
    with serving(fake, _Handler, "fake", server_class=_Server, stopping=fake._stopping):
        yield fake
