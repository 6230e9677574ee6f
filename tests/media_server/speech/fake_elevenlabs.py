"""A local ElevenLabs: streamed speech with character timestamps (POST v1/text-to-speech/{id}/stream/with-timestamps).

Requests from the real `elevenlabs` client land here over HTTP on 127.0.0.1; the server checks what ElevenLabs
checks (the xi-api-key header, the voice in the path, the output format, a JSON body with text and model_id),
answers with ElevenLabs' error documents, and streams newline-delimited JSON: each line a slice of the text as
base64 8 kHz μ-law audio (a tone, as long as the slice takes to say at CHARS_PER_SECOND) with its character
alignment. Every request is recorded with the audio sent back. Switches make the next request fail (401, 429,
500), stall before its first byte, or break off after some lines (connection closed, or gone quiet).
"""
from __future__ import annotations

import base64
import json
import math
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from tests.local_server import serving

PATH = re.compile(r"/v1/text-to-speech/([^/]+)/stream/with-timestamps")
OUTPUT_FORMAT = "ulaw_8000"
SAMPLE_RATE = 8000
CHARS_PER_SECOND = 12  # about how fast a voice speaks
ERRORS = {
    401: ("invalid_api_key", "Invalid API key"),
    429: ("too_many_concurrent_requests", "Too many concurrent requests. Your current subscription is "
                                          "associated with a maximum of 2 concurrent requests."),
    500: ("internal_server_error", "An internal server error occurred. Please try again later."),
}


def error_document(status: int, code: str = "", message: str = "") -> dict:
    default_code, default_message = ERRORS.get(status, ("bad_request", "Bad request"))
    return {"detail": {"status": code or default_code, "message": message or default_message}}


def _ulaw(sample: int) -> int:
    """G.711 μ-law byte of one PCM16 sample (the classic biased-segment encoder)."""
    sign = 0x80 if sample < 0 else 0
    magnitude = min(abs(sample), 32635) + 0x84
    exponent = min(max(magnitude.bit_length() - 8, 0), 7)
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | exponent << 4 | mantissa) & 0xFF


# One period of a 400 Hz tone at 8 kHz (20 samples), μ-law: the fake's voice.
TONE_PERIOD = bytes(_ulaw(round(6000 * math.sin(2 * math.pi * n / 20))) for n in range(20))


def tone(seconds: float) -> bytes:
    size = round(seconds * SAMPLE_RATE)
    return (TONE_PERIOD * (size // len(TONE_PERIOD) + 1))[:size]


@dataclass
class Recorded:
    method: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    body: dict
    api_key: str
    status: int = 0
    voice_id: str = ""
    audio: bytes = b""  # what the answer carried, decoded, in order (only what was actually sent)
    lines: int = 0  # NDJSON lines sent

    @property
    def text(self) -> str:
        return self.body.get("text", "")

    @property
    def output_format(self) -> str | None:
        values = self.query.get("output_format")
        return values[0] if values else None


@dataclass
class Plan:
    """What the next request gets instead of a whole, prompt answer."""

    status: int = 0  # an error answer ...
    code: str = ""  # ... with this detail status and message (ElevenLabs' own by default)
    message: str = ""
    stall_seconds: float = 0  # before the first byte
    after_lines: int | None = None  # break off after this many lines ...
    close: bool = True  # ... by closing the connection (else by going quiet for stall_seconds)


@dataclass
class FakeElevenLabs:
    api_key: str
    voices: set[str]
    models: set[str] = field(default_factory=lambda: {"eleven_flash_v2_5", "eleven_turbo_v2_5",
                                                      "eleven_multilingual_v2"})
    chars_per_line: int = 16  # how much text each NDJSON line covers
    base_url: str = ""
    requests: list[Recorded] = field(default_factory=list)
    _plan: list[Plan] = field(default_factory=list)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # --- set-up, from tests ---------------------------------------------------

    def fail_next(self, status: int, code: str = "", message: str = "") -> None:
        """The next request answers `status` with ElevenLabs' error document (401, 429, 500, ...)."""
        with self._lock:
            self._plan.append(Plan(status=status, code=code, message=message))

    def stall_next(self, seconds: float = 30) -> None:
        """The next request gets no byte at all for `seconds` (or until the server stops), then its answer."""
        with self._lock:
            self._plan.append(Plan(stall_seconds=seconds))

    def break_next(self, after_lines: int, *, close: bool = True, seconds: float = 30) -> None:
        """The next answer stops after `after_lines` lines: the connection closes (`close`), or it goes
        quiet for `seconds` (or until the server stops) and then sends the rest."""
        with self._lock:
            self._plan.append(Plan(after_lines=after_lines, close=close, stall_seconds=0 if close else seconds))

    # --- what happened, for assertions ---------------------------------------------

    @property
    def speech_requests(self) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if PATH.fullmatch(r.path)]

    # --- the API ------------------------------------------------------------------

    def check(self, record: Recorded) -> tuple[int, dict] | None:
        """An error answer for the request, or None when it may be spoken."""
        if not (record.api_key and secrets.compare_digest(record.api_key, self.api_key)):
            return 401, error_document(401)
        match = PATH.fullmatch(record.path)
        if record.method != "POST" or match is None:
            return 404, {"detail": "Not Found"}
        record.voice_id = match[1]
        if record.voice_id not in self.voices:
            return 404, error_document(404, "voice_not_found", f"A voice with voice_id {record.voice_id} "
                                                               "was not found.")
        if record.output_format != OUTPUT_FORMAT:
            return 400, error_document(400, "invalid_output_format",
                                       f"This fake speaks {OUTPUT_FORMAT} only, not {record.output_format}")
        if not isinstance(record.body.get("text"), str) or not record.body["text"].strip():
            return 422, {"detail": [{"type": "missing", "loc": ["body", "text"], "msg": "Field required"}]}
        if record.body.get("model_id") not in self.models:
            return 400, error_document(400, "model_not_found", f"Model {record.body.get('model_id')} not found")
        return None

    def lines(self, text: str) -> Iterator[tuple[dict, bytes]]:
        """The answer's lines: a slice of the text each, with its audio and alignment."""
        started = 0.0
        for offset in range(0, len(text), self.chars_per_line):
            characters = list(text[offset:offset + self.chars_per_line])
            audio = tone(len(characters) / CHARS_PER_SECOND)
            starts = [started + i / CHARS_PER_SECOND for i in range(len(characters))]
            alignment = {"characters": characters, "character_start_times_seconds": starts,
                         "character_end_times_seconds": [s + 1 / CHARS_PER_SECOND for s in starts]}
            started += len(characters) / CHARS_PER_SECOND
            yield {"audio_base64": base64.b64encode(audio).decode(), "alignment": alignment,
                   "normalized_alignment": alignment}, audio

    def next_plan(self) -> Plan:
        with self._lock:
            return self._plan.pop(0) if self._plan else Plan()

    def wait(self, seconds: float) -> None:
        self._stopping.wait(seconds)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # chunked answers, kept-alive connections, as the real API
    server_version = "ElevenLabs"
    timeout = 10  # an idle kept-alive connection ends
    fake: FakeElevenLabs

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("POST")

    def do_GET(self) -> None:  # noqa: N802
        self._serve("GET")

    def _serve(self, method: str) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:
            body = {}
        record = Recorded(method=method, path=unquote(url.path), query=parse_qs(url.query, keep_blank_values=True),
                          body=body if isinstance(body, dict) else {}, api_key=self.headers.get("xi-api-key", ""))
        with self.fake._lock:
            self.fake.requests.append(record)
        plan = self.fake.next_plan() if PATH.fullmatch(record.path) else Plan()
        refused = self.fake.check(record)
        if refused is None and plan.status:
            refused = plan.status, error_document(plan.status, plan.code, plan.message)
        if plan.stall_seconds and plan.after_lines is None:
            self.fake.wait(plan.stall_seconds)
        try:
            if refused:
                self._answer_error(record, *refused)
            else:
                self._stream(record, plan)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client stopped listening

    def _answer_error(self, record: Recorded, status: int, body: dict) -> None:
        record.status = status
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _stream(self, record: Recorded, plan: Plan) -> None:
        record.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", secrets.token_hex(16))
        self.end_headers()
        for line, audio in self.fake.lines(record.text):
            if plan.after_lines is not None and record.lines == plan.after_lines:
                if plan.close:  # no terminating chunk: the client sees the body cut short
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.fake.wait(plan.stall_seconds)
            self._chunk(json.dumps(line).encode() + b"\n")
            record.audio += audio
            record.lines += 1
        self._chunk(b"")

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass  # quiet: the request log is on FakeElevenLabs


class _Server(ThreadingHTTPServer):
    block_on_close = False  # a kept-alive connection's thread must not hold up the end of a test


@contextmanager
def running_fake_elevenlabs(api_key: str, voices: set[str], **options) -> Iterator[FakeElevenLabs]:
    """A FakeElevenLabs served on 127.0.0.1 at a free port for the duration of the block."""
    fake = FakeElevenLabs(api_key=api_key, voices=set(voices), **options)
    with serving(fake, _Handler, "fake", server_class=_Server, stopping=fake._stopping):
        yield fake
