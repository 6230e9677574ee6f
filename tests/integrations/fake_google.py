"""A local stand-in for Google: the OAuth2 token endpoint (JWT-bearer grant) and Sheets API v4, in their wire formats.

Requests from the real google-auth and gspread clients land here over HTTP on 127.0.0.1; the server checks
what Google checks (the JWT's signature and claims, the Bearer token and its scope, sharing, the A1 range and
the grid limits), answers with Google's JSON shapes and records every request so tests can assert how the
sheet was read and written. Reads: spreadsheets.get (metadata), values.get, values.batchGet. Writes:
values.batchUpdate and spreadsheets.batchUpdate (addSheet, appendDimension), each applied whole or not at all.
"""
from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.local_server import serving

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
# The audience a grant's JWT must name: Google's token endpoint, whatever URL the JWT is posted to.
TOKEN_AUDIENCES = {"https://oauth2.googleapis.com/token", "https://accounts.google.com/o/oauth2/token"}
SHEETS_SCOPES = {"https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/spreadsheets.readonly"}
MISSING_CREDENTIALS = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other "
    "valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
INVALID_CREDENTIALS = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid "
    "authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project."
)
ERROR_STATUSES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE",
}
FAILURE_MESSAGES = {
    429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service "
         "'sheets.googleapis.com' for consumer 'project_number:123456789012'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
WRITE_FAILURES = {
    429: "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user' of service "
         "'sheets.googleapis.com' for consumer 'project_number:123456789012'.",
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}
# What Google's front end sends when it, not the API, fails: an HTML page, not JSON.
GFE_502_PAGE = (
    "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title>"
    "<p><b>502.</b> <ins>That's an error.</ins><p>The server encountered a temporary error. "
    "<ins>That's all we know.</ins>"
)


@cache
def rsa_key(name: str = "service-account") -> rsa.RSAPrivateKey:
    """A throw-away RSA key, one per name for the whole test session."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def a1_sheet_name(title: str) -> str:
    return title if re.fullmatch(r"[A-Za-z0-9_]+", title) else "'" + title.replace("'", "''") + "'"


@dataclass
class Worksheet:
    title: str
    rows: list[list[str]]
    sheet_id: int
    row_count: int
    column_count: int

    def properties(self, index: int) -> dict:
        return {"sheetId": self.sheet_id, "title": self.title, "index": index, "sheetType": "GRID",
                "gridProperties": {"rowCount": self.row_count, "columnCount": self.column_count}}


@dataclass
class Spreadsheet:
    key: str
    title: str
    tabs: list[Worksheet]
    readers: set[str] | None  # service-account e-mails it is shared with; None: everyone
    editors: set[str] | None = None  # of those, the ones that may edit it; None: every reader


@dataclass
class Recorded:
    method: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    authorization: str
    status: int = 0
    body: dict | None = None  # a write's JSON body


@dataclass
class Grant:
    token: str
    client_email: str
    scopes: set[str]


@dataclass
class FakeGoogle:
    """The state behind the server: spreadsheets, service accounts, issued tokens, switches and the request log."""

    base_url: str = ""
    spreadsheets: dict[str, Spreadsheet] = field(default_factory=dict)
    accounts: dict[str, rsa.RSAPublicKey] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    reject_grants: bool = False  # the token endpoint answers invalid_grant, as for a deleted or revoked key
    # Per coming values.get: None answers it, a status fails it, "expire" first forgets every issued token.
    _values_plan: list[int | str | None] = field(default_factory=list)
    # Per coming write: None applies it; (status, applied) fails it, after applying it when `applied`.
    _write_plan: list[tuple[int, bool] | None] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def token_uri(self) -> str:
        return self.base_url + "/token"

    # --- set-up, from tests ---------------------------------------------------

    def add_spreadsheet(self, key: str, tabs: dict[str, list[list[str]]], title: str = "Leads",
                        row_count: int | None = None, shared_with: set[str] | None = None,
                        column_count: int | None = None, editors: set[str] | None = None) -> Spreadsheet:
        """A spreadsheet with one worksheet per tab; grids are at least 1000 × 26 cells, as new Google sheets are."""
        worksheets = []
        for sheet_id, (tab, rows) in enumerate(tabs.items()):
            width = max((len(row) for row in rows), default=0)
            worksheets.append(Worksheet(title=tab, rows=[list(row) for row in rows], sheet_id=sheet_id * 1_000_003,
                                        row_count=row_count or max(1000, len(rows)),
                                        column_count=column_count or max(26, width)))
        self.spreadsheets[key] = Spreadsheet(key=key, title=title, tabs=worksheets, readers=shared_with,
                                             editors=editors)
        return self.spreadsheets[key]

    def tab(self, key: str, title: str) -> Worksheet:
        return next(tab for tab in self.spreadsheets[key].tabs if tab.title == title)

    def cells(self, key: str, title: str) -> list[list[str]]:
        """The tab as a person sees it: text cells, without trailing empty cells and rows."""
        rows = [["" if cell is None else str(cell) for cell in row] for row in self.tab(key, title).rows]
        for row in rows:
            while row and row[-1] == "":
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    def record(self, key: str, title: str, row: int) -> dict[str, str]:
        """One row as header → cell (empty cells left out)."""
        rows = self.cells(key, title)
        cells = rows[row - 1] if row <= len(rows) else []
        return {name: cell for name, cell in zip(rows[0], cells, strict=False) if cell}

    def fail_next_writes(self, count: int, status: int = 429, after: int = 0, applied: bool = False) -> None:
        """After `after` more answered writes, the next `count` fail with `status`. `applied`: Google made the
        change but the answer was lost on the way (a 503 from the front end, a timeout)."""
        with self._lock:
            self._write_plan.extend([None] * after + [(status, applied)] * count)

    def service_account_info(self, key_name: str = "service-account", email: str = "") -> dict:
        """The JSON key file Google hands out for a service account, registered here under its public key."""
        key = rsa_key(key_name)
        email = email or f"{key_name}@reautomation-test.iam.gserviceaccount.com"
        self.accounts.setdefault(email, key.public_key())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        return {
            "type": "service_account",
            "project_id": "reautomation-test",
            "private_key_id": secrets.token_hex(20),
            "private_key": pem.decode(),
            "client_email": email,
            "client_id": str(100000000000000000000 + secrets.randbelow(10**20)),
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": self.token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email}",
            "universe_domain": "googleapis.com",
        }

    def fail_next_values(self, count: int, status: int = 429, after: int = 0) -> None:
        """After `after` more answered values.get requests, the next `count` fail with `status`.

        429/500/503 come as Google's JSON errors; 502 as the HTML page of Google's front end.
        """
        with self._lock:
            self._values_plan.extend([None] * after + [status] * count)

    def expire_tokens(self, after: int = 0) -> None:
        """After `after` more answered values.get requests, every access token issued so far stops working."""
        with self._lock:
            self._values_plan.extend([None] * after + ["expire"])

    # --- what happened, for assertions ---------------------------------------------

    @property
    def values_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.method == "GET" and "/values/" in r.path]

    @property
    def token_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/token"]

    @property
    def api_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path.startswith("/v4/")]

    @property
    def value_writes(self) -> list[Recorded]:
        """values.batchUpdate requests, answered or not."""
        return [r for r in self.requests if r.method == "POST" and r.path.endswith("/values:batchUpdate")]

    @property
    def structure_writes(self) -> list[Recorded]:
        """spreadsheets.batchUpdate requests (tabs, rows and columns)."""
        return [r for r in self.requests if r.method == "POST" and re.fullmatch(r"/v4/spreadsheets/[^/]+:batchUpdate",
                                                                                 r.path)]

    def read_ranges(self) -> list[str]:
        return [r.path.split("/values/", 1)[1] for r in self.values_requests]

    # --- the token endpoint --------------------------------------------------------

    def token(self, form: dict[str, list[str]]) -> tuple[int, dict]:
        grant_type = form.get("grant_type", [""])[0]
        if grant_type != JWT_BEARER:
            return 400, {"error": "unsupported_grant_type", "error_description": f"Invalid grant_type: {grant_type}"}
        if self.reject_grants:
            return 400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}
        try:
            claims = self._verified_claims(form.get("assertion", [""])[0])
        except LookupError as exc:
            return 400, {"error": "invalid_grant", "error_description": str(exc)}
        scopes = set(claims.get("scope", "").split())
        if not scopes:
            return 400, {"error": "invalid_scope", "error_description": "Invalid OAuth scope or ID token audience "
                                                                        "provided."}
        grant = Grant(token="ya29.fake-" + secrets.token_urlsafe(32), client_email=claims["iss"], scopes=scopes)
        with self._lock:
            self.grants[grant.token] = grant
        return 200, {"access_token": grant.token, "expires_in": 3599, "token_type": "Bearer"}

    def _verified_claims(self, assertion: str) -> dict:
        """The JWT's claims once its RS256 signature and times check out; LookupError says why not."""
        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            header, claims = json.loads(_b64decode(header_b64)), json.loads(_b64decode(payload_b64))
            signature = _b64decode(signature_b64)
        except ValueError:
            raise LookupError("Invalid JWT: Token must be a short-lived token and in a reasonable timeframe") from None
        public_key = self.accounts.get(claims.get("iss", ""))
        if public_key is None:
            raise LookupError("Invalid grant: account not found")
        if header.get("alg") != "RS256":
            raise LookupError("Invalid JWT Signature.")
        try:
            public_key.verify(signature, f"{header_b64}.{payload_b64}".encode(), padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise LookupError("Invalid JWT Signature.") from None
        if claims.get("aud") not in TOKEN_AUDIENCES:
            raise LookupError("Invalid JWT: Failed audience check. The right audience is "
                              "https://oauth2.googleapis.com/token")
        now = time.time()
        if not claims.get("iat", now + 600) - 300 <= now < claims.get("exp", 0) <= now + 3900:
            raise LookupError("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable "
                              "timeframe. Check your iat and exp values in the JWT claim.")
        return claims

    # --- Sheets API v4 -----------------------------------------------------------

    def sheets_api(self, path: str, authorization: str, query: dict[str, list[str]] | None = None
                   ) -> tuple[int, dict | str]:
        match = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(?:/values/([^/]+)|/values(:batchGet))?", path)
        if match is None:
            return _error(404, f"Method not found: {unquote(path)}")
        reads_values = match[2] is not None or match[3] is not None
        with self._lock:
            if reads_values and self._values_plan and self._values_plan[0] == "expire":
                self._values_plan.pop(0)
                self.grants.clear()
        spreadsheet, refusal = self._authorized(match[1], authorization, write=False)
        if refusal is not None:
            return refusal
        if not reads_values:
            return 200, self._metadata(spreadsheet)
        with self._lock:
            failure = self._values_plan.pop(0) if self._values_plan else None
        if failure == 502:
            return 502, GFE_502_PAGE
        if failure is not None:
            return _error(failure, FAILURE_MESSAGES.get(failure, "Backend Error"))
        if match[3] is None:
            return self._values(spreadsheet, unquote(match[2]))
        return self._batch_get(spreadsheet, (query or {}).get("ranges", []))

    def _authorized(self, key: str, authorization: str, write: bool) -> tuple[Spreadsheet | None, tuple | None]:
        """The spreadsheet when the Bearer token may read (or edit) it; else Google's refusal."""
        grant = self.grants.get(authorization.removeprefix("Bearer ")) if authorization.startswith("Bearer ") else None
        if grant is None:
            return None, _error(401, INVALID_CREDENTIALS if authorization else MISSING_CREDENTIALS)
        allowed = {"https://www.googleapis.com/auth/spreadsheets"} if write else SHEETS_SCOPES
        if not grant.scopes & allowed:
            return None, _error(403, "Request had insufficient authentication scopes.")
        spreadsheet = self.spreadsheets.get(unquote(key))
        if spreadsheet is None:
            return None, _error(404, "Requested entity was not found.")
        if spreadsheet.readers is not None and grant.client_email not in spreadsheet.readers:
            return None, _error(403, "The caller does not have permission")
        if write and spreadsheet.editors is not None and grant.client_email not in spreadsheet.editors:
            return None, _error(403, "The caller does not have permission")
        return spreadsheet, None

    def _metadata(self, spreadsheet: Spreadsheet) -> dict:
        return {
            "spreadsheetId": spreadsheet.key,
            "properties": {"title": spreadsheet.title, "locale": "en_US", "autoRecalc": "ON_CHANGE",
                           "timeZone": "America/New_York"},
            "sheets": [{"properties": tab.properties(index)} for index, tab in enumerate(spreadsheet.tabs)],
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.key}/edit",
        }

    def _values(self, spreadsheet: Spreadsheet, a1: str) -> tuple[int, dict]:
        parsed = _parse_a1(a1, spreadsheet)
        if parsed is None:
            return _error(400, f"Unable to parse range: {a1}")
        tab, (first_row, last_row, first_col, last_col) = parsed
        last_row, last_col = last_row or tab.row_count, last_col or tab.column_count
        if last_row > tab.row_count or last_col > tab.column_count:
            return _error(400, f"Range ({a1}) exceeds grid limits. Max rows: {tab.row_count}, "
                               f"max columns: {tab.column_count}")
        values = []
        for row in tab.rows[first_row - 1:last_row]:
            cells = ["" if cell is None else str(cell) for cell in row[first_col - 1:last_col]]
            while cells and cells[-1] == "":
                cells.pop()  # Google leaves out trailing empty cells…
            values.append(cells)
        while values and not values[-1]:
            values.pop()  # …and trailing empty rows
        answer = {"range": f"{a1_sheet_name(tab.title)}!{_column_letters(first_col)}{first_row}:"
                           f"{_column_letters(last_col)}{last_row}", "majorDimension": "ROWS"}
        if values:
            answer["values"] = values  # an empty range has no "values" key at all
        return 200, answer


    def _batch_get(self, spreadsheet: Spreadsheet, ranges: list[str]) -> tuple[int, dict]:
        if not ranges:
            return _error(400, "Must specify at least one range.")
        found = []
        for a1 in ranges:
            status, answer = self._values(spreadsheet, a1)
            if status != 200:
                return status, answer
            found.append(answer)
        return 200, {"spreadsheetId": spreadsheet.key, "valueRanges": found}

    # --- Sheets API v4: writes ------------------------------------------------------------

    def sheets_write(self, path: str, authorization: str, body: dict) -> tuple[int, dict | str]:
        match = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(/values)?:batchUpdate", path)
        if match is None:
            return _error(404, f"Method not found: {unquote(path)}")
        spreadsheet, refusal = self._authorized(match[1], authorization, write=True)
        if refusal is not None:
            return refusal
        with self._lock:
            failure = self._write_plan.pop(0) if self._write_plan else None
            if failure is not None and not failure[1]:
                return _error(failure[0], WRITE_FAILURES.get(failure[0], "Backend Error"))
            if match[2]:
                status, answer = self._values_batch_update(spreadsheet, body)
            else:
                status, answer = self._batch_update(spreadsheet, body)
        if failure is not None and status == 200:  # applied, but the answer is lost
            return (502, GFE_502_PAGE) if failure[0] == 502 else _error(failure[0], WRITE_FAILURES.get(
                failure[0], "Backend Error"))
        return status, answer

    def _values_batch_update(self, spreadsheet: Spreadsheet, body: dict) -> tuple[int, dict]:
        """spreadsheets.values.batchUpdate: every range checked first, then all written (or none)."""
        option = body.get("valueInputOption")
        if option not in ("RAW", "USER_ENTERED"):
            return _error(400, "'valueInputOption' is required but not specified" if option is None
                          else f'Invalid value at \'value_input_option\' ("{option}")')
        writes = []
        for index, value_range in enumerate(body.get("data") or []):
            checked = self._checked_write(spreadsheet, value_range, index)
            if isinstance(checked[0], int):
                return checked
            writes.append(checked)
        responses, rows, columns, cells = [], set(), set(), 0
        for tab, first_row, first_col, values in writes:
            written = _write_cells(tab, first_row, first_col, values)
            rows |= {(tab.title, row) for row, _ in written}
            columns |= {(tab.title, col) for _, col in written}
            cells += len(written)
            last_row = first_row + len(values) - 1
            last_col = first_col + max((len(row) for row in values), default=1) - 1
            responses.append({"spreadsheetId": spreadsheet.key,
                              "updatedRange": f"{a1_sheet_name(tab.title)}!{_column_letters(first_col)}{first_row}:"
                                              f"{_column_letters(last_col)}{last_row}",
                              "updatedRows": len({row for row, _ in written}),
                              "updatedColumns": len({col for _, col in written}), "updatedCells": len(written)})
        return 200, {"spreadsheetId": spreadsheet.key, "totalUpdatedRows": len(rows),
                     "totalUpdatedColumns": len(columns), "totalUpdatedCells": cells,
                     "totalUpdatedSheets": len({title for title, _ in rows}), "responses": responses}

    def _checked_write(self, spreadsheet: Spreadsheet, value_range: dict, index: int) -> tuple:
        """(tab, first row, first column, values), or Google's error for a range it would refuse."""
        a1, values = value_range.get("range", ""), value_range.get("values") or []
        if value_range.get("majorDimension", "ROWS") != "ROWS":
            return _error(400, "this fake writes ROWS only")
        parsed = _parse_a1(a1, spreadsheet)
        if parsed is None:
            return _error(400, f"Unable to parse range: {a1}")
        tab, (first_row, last_row, first_col, last_col) = parsed
        single_cell = ":" not in a1.rpartition("!")[2]
        height = len(values)
        width = max((len(row) for row in values), default=0)
        if not single_cell:
            if last_row and height > last_row - first_row + 1:
                return _error(400, f"Requested writing within range [{a1}], but tried writing to row "
                                   f"[{last_row + 1}]")
            if last_col and width > last_col - first_col + 1:
                return _error(400, f"Requested writing within range [{a1}], but tried writing to column "
                                   f"[{_column_letters(last_col + 1)}]")
        if first_row + height - 1 > tab.row_count or first_col + width - 1 > tab.column_count:
            return _error(400, f"Range ({a1}) exceeds grid limits. Max rows: {tab.row_count}, "
                               f"max columns: {tab.column_count}")
        for row in values:
            for cell in row:
                if cell is not None and not isinstance(cell, str | int | float | bool):
                    return _error(400, f"Invalid data[{index}]: Invalid values: {json.dumps(cell)[:60]}")
        return tab, first_row, first_col, values

    def _batch_update(self, spreadsheet: Spreadsheet, body: dict) -> tuple[int, dict]:
        """spreadsheets.batchUpdate with addSheet and appendDimension requests, applied together or not at all."""
        requests = body.get("requests") or []
        titles = {tab.title for tab in spreadsheet.tabs}
        for index, request in enumerate(requests):
            kind = next(iter(request), "")
            if kind == "addSheet":
                title = request["addSheet"].get("properties", {}).get("title", "")
                if title in titles:
                    return _error(400, f'Invalid requests[{index}].addSheet: A sheet with the name "{title}" already '
                                       "exists. Please enter another name.")
                titles.add(title)
            elif kind == "appendDimension":
                spec = request["appendDimension"]
                if spec.get("dimension") not in ("ROWS", "COLUMNS") or int(spec.get("length", 0)) < 1:
                    return _error(400, f"Invalid requests[{index}].appendDimension: length must be positive")
                if not any(tab.sheet_id == spec.get("sheetId") for tab in spreadsheet.tabs) and not any(
                        "addSheet" in r for r in requests[:index]):
                    return _error(400, f"Invalid requests[{index}].appendDimension: No grid with id: "
                                       f"{spec.get('sheetId')}")
            else:
                return _error(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{index}]'")
        replies = []
        for request in requests:
            if "addSheet" in request:
                props = request["addSheet"].get("properties", {})
                grid = props.get("gridProperties", {})
                tab = Worksheet(title=props["title"], rows=[], sheet_id=max(t.sheet_id for t in spreadsheet.tabs) + 7,
                                row_count=grid.get("rowCount", 1000), column_count=grid.get("columnCount", 26))
                spreadsheet.tabs.append(tab)
                replies.append({"addSheet": {"properties": tab.properties(len(spreadsheet.tabs) - 1)}})
            else:
                spec = request["appendDimension"]
                tab = next(t for t in spreadsheet.tabs if t.sheet_id == spec["sheetId"])
                if spec["dimension"] == "ROWS":
                    tab.row_count += int(spec["length"])
                else:
                    tab.column_count += int(spec["length"])
                replies.append({})
        return 200, {"spreadsheetId": spreadsheet.key, "replies": replies}


def _write_cells(tab: Worksheet, first_row: int, first_col: int, values: list[list]) -> list[tuple[int, int]]:
    """Writes the values (None skips a cell, as Google does); the (row, column) of each cell written."""
    written = []
    for row_offset, row_values in enumerate(values):
        row_number = first_row + row_offset
        while len(tab.rows) < row_number:
            tab.rows.append([])
        cells = tab.rows[row_number - 1]
        for col_offset, value in enumerate(row_values):
            if value is None:
                continue
            column = first_col + col_offset
            while len(cells) < column:
                cells.append("")
            cells[column - 1] = ("TRUE" if value else "FALSE") if isinstance(value, bool) else (
                str(int(value)) if isinstance(value, float) and value.is_integer() else str(value))
            written.append((row_number, column))
    return written


def _error(code: int, message: str) -> tuple[int, dict]:
    return code, {"error": {"code": code, "message": message, "status": ERROR_STATUSES.get(code, "UNKNOWN")}}


def _parse_a1(a1: str, spreadsheet: Spreadsheet) -> tuple[Worksheet, tuple[int, int, int, int]] | None:
    """The worksheet and (first row, last row, first column, last column) of an A1 range; 0 = to the grid's end."""
    tabs = {tab.title: tab for tab in spreadsheet.tabs}
    if a1.startswith("'"):
        match = re.fullmatch(r"'((?:[^']|'')+)'(?:!(.+))?", a1)
        if match is None:
            return None
        title, cells = match[1].replace("''", "'"), match[2] or ""
    elif "!" in a1:
        title, cells = a1.split("!", 1)
    elif a1 in tabs:
        title, cells = a1, ""
    else:
        title, cells = spreadsheet.tabs[0].title, a1
    tab = tabs.get(title)
    if tab is None:
        return None
    if not cells:
        return tab, (1, 0, 1, 0)
    start, _, end = cells.partition(":")
    end = end or start
    refs = [re.fullmatch(r"([A-Z]*)([0-9]*)", ref) for ref in (start, end)]
    if None in refs or any(ref.group() == "" for ref in refs):
        return None
    (start_col, start_row), (end_col, end_row) = (ref.groups() for ref in refs)
    if bool(start_col) != bool(end_col) or bool(start_row) != bool(end_row):
        return None
    first_row, last_row = (int(start_row), int(end_row)) if start_row else (1, 0)
    first_col, last_col = (_column_number(start_col), _column_number(end_col)) if start_col else (1, 0)
    if first_row < 1 or (last_row and last_row < first_row) or (last_col and last_col < first_col):
        return None
    return tab, (first_row, last_row, first_col, last_col)


class _Handler(BaseHTTPRequestHandler):
    server_version = "ESF"
    google: FakeGoogle

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        url = urlsplit(self.path)
        record = self._record("GET", url)
        status, body = self.google.sheets_api(url.path, self.headers.get("Authorization", ""), parse_qs(url.query))
        self._answer(record, status, body)

    def do_POST(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        record = self._record("POST", url)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if url.path == "/token":
            status, body = self.google.token(parse_qs(raw))
        elif record.path.startswith("/v4/"):
            try:
                record.body = json.loads(raw or "{}")
            except ValueError:
                status, body = _error(400, "Invalid JSON payload received.")
            else:
                status, body = self.google.sheets_write(record.path, self.headers.get("Authorization", ""),
                                                        record.body)
        else:
            status, body = _error(404, "Method not found.")
        self._answer(record, status, body)

    def _record(self, method: str, url) -> Recorded:
        record = Recorded(method=method, path=unquote(url.path), query=parse_qs(url.query),
                          authorization=self.headers.get("Authorization", ""))
        with self.google._lock:
            self.google.requests.append(record)
        return record

    def _answer(self, record: Recorded, status: int, body: dict | str) -> None:
        record.status = status
        if isinstance(body, str):
            payload, content_type = body.encode(), "text/html; charset=UTF-8"
        else:
            payload, content_type = json.dumps(body).encode(), "application/json; charset=UTF-8"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args) -> None:  # noqa: A002
        pass  # quiet: the request log is on FakeGoogle


@contextmanager
def running_fake_google() -> Iterator[FakeGoogle]:
    """A FakeGoogle served on 127.0.0.1 at a free port for the duration of the block."""
    with serving(FakeGoogle(), _Handler, "google") as google:
        yield google
