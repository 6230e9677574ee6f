"""A local stand-in for Twilio's REST API (2010-04-01 Calls: create, fetch, list, update) and its callback forms.

Requests from the real `twilio` client land here over HTTP on 127.0.0.1; the server checks what Twilio checks
(HTTP Basic auth with the account SID and auth token, the account in the path, To/From and the call's
instructions), answers with Twilio's JSON shapes and error documents, and records every request so tests can
assert what was sent. Switches make the next create fail with a given Twilio error, or answer too late.
"""
from __future__ import annotations

import base64
import datetime as dt
import email.utils
import itertools
import json
import math
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from tests.local_server import serving

API = "/2010-04-01"
E164 = re.compile(r"\+[1-9][0-9]{6,14}")
FINAL_STATUSES = {"completed", "busy", "failed", "no-answer", "canceled"}
ERROR_MESSAGES = {
    20003: "Authenticate",
    20500: "An internal server error has occurred",
    20503: "Service Unavailable",
    20429: "Too Many Requests",
    21211: "Invalid 'To' Phone Number",
    21215: "Account not authorized to call this number. Perhaps you need to enable some international "
           "permissions: https://www.twilio.com/console/voice/calls/geo-permissions/low-risk",
}
TWILIO_CODE_FOR_STATUS = {401: 20003, 404: 20404, 429: 20429, 500: 20500, 503: 20503}


def rfc2822(moment: dt.datetime) -> str:
    """Twilio's date format in resources and callbacks: 'Tue, 02 Dec 2026 15:30:00 +0000'."""
    return email.utils.format_datetime(moment.astimezone(dt.UTC))


def error_document(status: int, code: int | None = None, message: str = "") -> dict:
    code = code or TWILIO_CODE_FOR_STATUS.get(status, 20001)
    return {"code": code, "message": message or ERROR_MESSAGES.get(code, "Bad request"),
            "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


def _formatted(number: str) -> str:
    """Twilio's display form of a number: '(212) 555-0134' for North America, else as given."""
    if re.fullmatch(r"\+1[0-9]{10}", number):
        return f"({number[2:5]}) {number[5:8]}-{number[8:]}"
    return number


@dataclass
class Recorded:
    method: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    form: dict[str, list[str]]  # a multi-dict: StatusCallbackEvent is sent once per event
    authorization: str
    status: int = 0

    def value(self, name: str) -> str | None:
        values = self.form.get(name) or self.query.get(name)
        return values[0] if values else None


@dataclass
class TwilioCall:
    """One call resource, as Twilio keeps it."""

    sid: str
    account_sid: str
    to: str
    from_: str
    date_created: dt.datetime
    status: str = "queued"
    order: int = 0  # creation order: date_created has second resolution
    date_updated: dt.datetime | None = None
    start_time: dt.datetime | None = None  # empty until the call leaves Twilio's queue and is dialled
    end_time: dt.datetime | None = None
    duration: int | None = None
    answered_by: str | None = None
    form: dict[str, list[str]] = field(default_factory=dict)  # what created it

    def resource(self) -> dict:
        uri = f"{API}/Accounts/{self.account_sid}/Calls/{self.sid}"
        ended = self.status in FINAL_STATUSES
        return {
            "account_sid": self.account_sid,
            "annotation": None,
            "answered_by": self.answered_by,
            "api_version": "2010-04-01",
            "caller_name": None,
            "date_created": rfc2822(self.date_created),
            "date_updated": rfc2822(self.date_updated or self.date_created),
            "direction": "outbound-api",
            "duration": str(self.duration) if ended and self.duration is not None else None,
            "end_time": rfc2822(self.end_time) if self.end_time else None,
            "forwarded_from": None,
            "from": self.from_,
            "from_formatted": _formatted(self.from_),
            "group_sid": None,
            "parent_call_sid": None,
            "phone_number_sid": "PN" + self.sid[2:],
            "price": f"-{0.014 * math.ceil(self.duration / 60):.5f}" if ended and self.duration else None,
            "price_unit": "USD",
            "queue_time": "0",
            "sid": self.sid,
            "start_time": rfc2822(self.start_time) if self.start_time else None,
            "status": self.status,
            "subresource_uris": {name: f"{uri}/{name}.json" for name in
                                 ("notifications", "recordings", "payments", "events", "streams", "transcriptions")},
            "to": self.to,
            "to_formatted": _formatted(self.to),
            "trunk_sid": None,
            "uri": uri + ".json",
        }


@dataclass
class CreateFailure:
    status: int  # 0: no error, only a late answer
    code: int | None
    message: str
    after_creating: bool  # Twilio created the call before failing (or before its answer was lost)
    hang_seconds: float  # answer only this late (past the client's timeout), or when the server stops


@dataclass
class FakeTwilio:
    """The state behind the server: the account, its calls, switches and the request log."""

    account_sid: str
    auth_token: str
    numbers: set[str]  # the account's phone numbers: the only allowed From values
    base_url: str = ""
    calls: dict[str, TwilioCall] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    # Calls wait in Twilio's calls-per-second queue: they stay queued, with no start time, until advance().
    cps_backlog: bool = False
    _create_plan: list[CreateFailure] = field(default_factory=list)
    _order: itertools.count = field(default_factory=itertools.count)
    _stopping: threading.Event = field(default_factory=threading.Event)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    # --- set-up, from tests ---------------------------------------------------

    def fail_next_create(self, status: int, code: int | None = None, message: str = "", *,
                         after_creating: bool = False) -> None:
        """The next create answers Twilio's error document (400 with `code`, 500 with 20500, ...);
        `after_creating`: the call was created all the same, as when Twilio fails after queueing it."""
        with self._lock:
            self._create_plan.append(CreateFailure(status, code, message, after_creating, 0))

    def hang_next_create(self, *, after_creating: bool = True, seconds: float = 30) -> None:
        """The next create is answered only after `seconds` (past the client's timeout): the answer is lost."""
        with self._lock:
            self._create_plan.append(CreateFailure(0, None, "", after_creating, seconds))

    def add_call(self, to: str, from_: str, *, status: str = "completed", created: dt.datetime | None = None,
                 duration: int | None = None) -> TwilioCall:
        """A call the account already has (an earlier attempt, say)."""
        created = (created or dt.datetime.now(dt.UTC)).replace(microsecond=0)
        call = self._new_call(to, from_, {}, created)
        call.status, call.start_time, call.duration = status, created, duration
        if status in FINAL_STATUSES:
            call.end_time = created + dt.timedelta(seconds=duration or 0)
        return call

    def advance(self, sid: str, status: str, *, duration: int | None = None, answered_by: str | None = None) -> None:
        """What the telephone network did to the call since: ringing, in-progress, completed, busy, ..."""
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        with self._lock:
            call = self.calls[sid]
            call.status, call.date_updated = status, now
            call.start_time = call.start_time or now
            if duration is not None:
                call.duration = duration
            if answered_by is not None:
                call.answered_by = answered_by
            if status in FINAL_STATUSES:
                call.end_time = now

    # --- what happened, for assertions ---------------------------------------------

    def requests_to(self, method: str, suffix: str) -> list[Recorded]:
        """Requests whose path ends with `suffix` ('/Calls.json' for creates and lists)."""
        with self._lock:
            return [r for r in self.requests if r.method == method and r.path.endswith(suffix)]

    @property
    def create_requests(self) -> list[Recorded]:
        return self.requests_to("POST", "/Calls.json")

    @property
    def list_requests(self) -> list[Recorded]:
        return self.requests_to("GET", "/Calls.json")

    # --- the API ------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict, form: dict, authorization: str) -> tuple[int, dict]:
        if not self._authenticated(authorization):
            return 401, error_document(401)
        match = re.fullmatch(rf"{API}/Accounts/([^/]+)/Calls(?:/([^/]+))?\.json", path)
        if match is None or match[1] != self.account_sid:
            return self._not_found(path)
        if match[2] is None:
            if method == "POST":
                return self.create_call(form)
            return self.list_calls(path, query)
        with self._lock:
            call = self.calls.get(match[2])
        if call is None:
            return self._not_found(path)
        if method == "POST":
            return self.update_call(call, form)
        return 200, call.resource()

    def _authenticated(self, authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            return False
        return secrets.compare_digest(f"{user}:{password}", f"{self.account_sid}:{self.auth_token}")

    def _not_found(self, path: str) -> tuple[int, dict]:
        return 404, error_document(404, 20404, f"The requested resource {path} was not found")

    def create_call(self, form: dict[str, list[str]]) -> tuple[int, dict]:
        to, from_ = (form.get(name, [""])[0] for name in ("To", "From"))
        if not to:
            return 400, error_document(400, 21201, "No 'To' number is specified")
        if not from_:
            return 400, error_document(400, 21603, "A 'From' phone number is required.")
        if not E164.fullmatch(to):
            return 400, error_document(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if from_ not in self.numbers:
            return 400, error_document(400, 21210, f"Source phone number provided, {from_}, is not yet verified "
                                                   "for your account.")
        if not any(form.get(name) for name in ("Url", "Twiml", "ApplicationSid")):
            return 400, error_document(400, 21205, "Url parameter is required.")
        with self._lock:
            failure = self._create_plan.pop(0) if self._create_plan else None
        answer = None
        if failure is None or failure.after_creating:
            call = self._new_call(to, from_, form, dt.datetime.now(dt.UTC).replace(microsecond=0))
            answer = call.resource()  # queued
            if not self.cps_backlog:  # dialled at once: ringing, with a start time
                self.advance(call.sid, "ringing")
        if failure and failure.hang_seconds:
            self._stopping.wait(failure.hang_seconds)
        if failure and failure.status:
            return failure.status, error_document(failure.status, failure.code, failure.message)
        if answer is None:  # lost on the way in: whatever comes back, nobody is listening any more
            return 503, error_document(503)
        return 201, answer

    def _new_call(self, to: str, from_: str, form: dict, created: dt.datetime) -> TwilioCall:
        with self._lock:
            call = TwilioCall(sid="CA" + secrets.token_hex(16), account_sid=self.account_sid, to=to, from_=from_,
                              date_created=created, order=next(self._order), form=form)
            self.calls[call.sid] = call
        return call

    def list_calls(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict]:
        one = {name: values[0] for name, values in query.items()}
        try:
            after, before, on = (_moment(one.get(name)) for name in ("StartTime>", "StartTime<", "StartTime"))
            size, page = int(one.get("PageSize", 50)), int(one.get("Page", 0))
        except ValueError as exc:
            return 400, error_document(400, 20001, str(exc))
        with self._lock:
            found = sorted(self.calls.values(), key=lambda c: (c.date_created, c.order), reverse=True)
        found = [c for c in found
                 if one.get("To", c.to) == c.to and one.get("From", c.from_) == c.from_
                 and one.get("Status", c.status) == c.status
                 and _starts(c.start_time, after=after, before=before, on=on)]
        filters = {name: value for name, value in one.items() if name not in ("Page", "PageSize", "PageToken")}

        def uri(number: int) -> str:
            return f"{path}?{urlencode({**filters, 'PageSize': size, 'Page': number})}"

        chosen = found[page * size:(page + 1) * size]
        return 200, {
            "calls": [c.resource() for c in chosen],
            "end": page * size + max(len(chosen) - 1, 0),
            "first_page_uri": uri(0),
            "next_page_uri": uri(page + 1) if len(found) > (page + 1) * size else None,
            "page": page,
            "page_size": size,
            "previous_page_uri": uri(page - 1) if page else None,
            "start": page * size,
            "uri": uri(page),
        }

    def update_call(self, call: TwilioCall, form: dict[str, list[str]]) -> tuple[int, dict]:
        status = form.get("Status", [""])[0]
        if status not in ("", "completed", "canceled"):
            return 400, error_document(400, 21218, f"Invalid Status: {status}")
        if call.status in FINAL_STATUSES:
            return 400, error_document(400, 21220, "Call is not in-progress. Cannot redirect.")
        if status == "completed" and call.status == "in-progress":
            talked = dt.datetime.now(dt.UTC) - (call.start_time or call.date_created)
            self.advance(call.sid, "completed", duration=int(talked.total_seconds()))
        elif status in ("completed", "canceled") and call.status in ("queued", "ringing"):
            self.advance(call.sid, "canceled", duration=0)  # ended before anyone answered
        return 200, call.resource()

def _moment(value: str | None) -> tuple[dt.datetime, bool] | None:
    """A StartTime filter: a date (YYYY-MM-DD, whole day) or a date-time (as the Python client sends it)."""
    if value is None:
        return None
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC), True
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"Invalid StartTime: {value}")
    return moment, False


def _starts(start: dt.datetime | None, *, after, before, on) -> bool:
    """Twilio's StartTime filters (>= for StartTime>, <= for StartTime<); a call not yet dialled has no start."""
    if not (after or before or on):
        return True
    if start is None:
        return False
    day = dt.timedelta(days=1)
    if after and start < after[0]:
        return False
    if before and start > (before[0] + day if before[1] else before[0]):
        return False
    return not on or on[0] <= start < on[0] + (day if on[1] else dt.timedelta(seconds=1))


# --- Twilio's callbacks to us -------------------------------------------------------

def status_callback(account_sid: str, call_sid: str, status: str, *, to: str, from_: str, sequence: int = 0,
                    sent: dt.datetime | None = None, duration: int | None = None) -> dict[str, str]:
    """The form Twilio posts to a StatusCallback for one call-progress event."""
    form = {
        "AccountSid": account_sid, "ApiVersion": "2010-04-01", "CallSid": call_sid, "CallStatus": status,
        "Called": to, "Caller": from_, "CallbackSource": "call-progress-events", "Direction": "outbound-api",
        "From": from_, "To": to, "SequenceNumber": str(sequence),
        "Timestamp": rfc2822(sent or dt.datetime.now(dt.UTC)),
    }
    if duration is not None:
        form.update(CallDuration=str(duration), Duration=str(-(-duration // 60)))
    return form


def amd_callback(account_sid: str, call_sid: str, answered_by: str, detection_ms: int = 4200) -> dict[str, str]:
    """The form Twilio posts to an AsyncAmdStatusCallback: who (or what) answered."""
    return {"AccountSid": account_sid, "CallSid": call_sid, "AnsweredBy": answered_by,
            "MachineDetectionDuration": str(detection_ms)}


class _Handler(BaseHTTPRequestHandler):
    server_version = "Twilio"
    twilio: FakeTwilio

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._serve("GET", {})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        self._serve("POST", parse_qs(self.rfile.read(length).decode(), keep_blank_values=True))

    def _serve(self, method: str, form: dict[str, list[str]]) -> None:
        url = urlsplit(self.path)
        record = Recorded(method=method, path=unquote(url.path), query=parse_qs(url.query, keep_blank_values=True),
                          form=form, authorization=self.headers.get("Authorization", ""))
        with self.twilio._lock:
            self.twilio.requests.append(record)
        status, body = self.twilio.handle(method, record.path, record.query, form, record.authorization)
        record.status = status
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Twilio-Request-Id", "RQ" + secrets.token_hex(16))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a lost answer)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass  # quiet: the request log is on FakeTwilio


@contextmanager
def running_fake_twilio(account_sid: str, auth_token: str, numbers: set[str]) -> Iterator[FakeTwilio]:
    """A FakeTwilio served on 127.0.0.1 at a free port for the duration of the block."""
    twilio = FakeTwilio(account_sid=account_sid, auth_token=auth_token, numbers=set(numbers))
    with serving(twilio, _Handler, "twilio", stopping=twilio._stopping):
        yield twilio
