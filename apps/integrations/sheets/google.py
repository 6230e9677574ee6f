"""Google Sheets through gspread (Sheets API v4), read in blocks of rows with a service account."""
from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import google.auth.exceptions
import gspread
import requests
from django.conf import settings
from google.auth.transport.requests import AuthorizedSession
from google.oauth2.service_account import Credentials
from requests.adapters import HTTPAdapter

from apps.integrations.sheets.base import SheetData, SheetError, SheetSource, cell_text

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
GOOGLE_SHEETS_HOST = "https://sheets.googleapis.com"
RETRY_STATUSES = {408, 429, 500, 502, 503, 504}


class _RedirectAdapter(HTTPAdapter):
    """Sends requests meant for sheets.googleapis.com to another base URL (tests, proxies)."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request, **kwargs):
        request.url = self.base_url + request.url[len(GOOGLE_SHEETS_HOST):]
        return super().send(request, **kwargs)


def load_credentials(raw: str) -> Credentials:
    """Service-account credentials from the key's JSON text or a path to the key file."""
    if not raw:
        raise SheetError("GOOGLE_SERVICE_ACCOUNT_JSON is not set: Google Sheets imports need a service account")
    text = raw
    if not raw.lstrip().startswith("{"):
        try:
            text = Path(raw).read_text()
        except OSError as exc:
            raise SheetError(f"Cannot read the service-account key file: {exc.strerror}") from None
    try:
        return Credentials.from_service_account_info(json.loads(text), scopes=SCOPES)
    except (ValueError, KeyError) as exc:
        raise SheetError(f"The service-account key is not valid: {exc}") from None


def sheets_client(api_url: str | None = None, credentials: Credentials | None = None) -> gspread.Client:
    credentials = credentials or load_credentials(settings.GOOGLE_SERVICE_ACCOUNT_JSON)
    session = AuthorizedSession(credentials)
    api_url = (api_url or settings.GOOGLE_SHEETS_API_URL).rstrip("/")
    if api_url != GOOGLE_SHEETS_HOST:
        session.mount(GOOGLE_SHEETS_HOST, _RedirectAdapter(api_url))
    client = gspread.Client(auth=credentials, session=session)
    client.set_timeout((5, 60))
    return client


def explain(exc: Exception) -> str:
    """A sentence for staff about why Google could not be read."""
    if isinstance(exc, google.auth.exceptions.RefreshError):
        return f"Google rejected the service-account credentials ({exc.args[0] if exc.args else exc})"
    if isinstance(exc, google.auth.exceptions.TransportError):
        # Raised while fetching an access token, before any Sheets API call.
        return f"Cannot reach Google's sign-in (token) endpoint: {exc.__class__.__name__}"
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        host = urlsplit(settings.GOOGLE_SHEETS_API_URL).netloc
        return f"Cannot reach the Google Sheets API ({host}): {exc.__class__.__name__}"
    if isinstance(exc, gspread.exceptions.SpreadsheetNotFound):
        return "Spreadsheet not found: check the URL or key"
    if isinstance(exc, gspread.exceptions.APIError):
        status = exc.response.status_code  # exc.code is -1 when Google answers with an HTML page
        if status == 403:
            return "The service account may not read this spreadsheet: share it with the account's e-mail"
        if status == 404:
            return "Spreadsheet not found: check the URL or key"
        message = exc.error.get("message", "") if exc.code != -1 else exc.response.reason
        return f"Google Sheets API error {status}: {str(message)[:200]}"
    return f"{exc.__class__.__name__}: {exc}"


class GoogleSheetSource(SheetSource):
    block_rows = 5000
    max_retries = 5
    retry_backoff_seconds = 2.0

    def __init__(self, key: str, worksheet: str = "", client: gspread.Client | None = None):
        self.key = key
        self.worksheet = worksheet
        self._client = client
        self.description = f"Google Sheet {key}" + (f" [{worksheet}]" if worksheet else "")

    @contextmanager
    def open(self) -> Iterator[SheetData]:
        try:
            client = self._client or sheets_client()
            spreadsheet = client.open_by_key(self.key)
            sheet = spreadsheet.worksheet(self.worksheet) if self.worksheet else spreadsheet.get_worksheet(0)
            header_block = self._values(spreadsheet, sheet.title, 1, 1)
        except gspread.exceptions.WorksheetNotFound:
            raise SheetError(f"The spreadsheet has no tab {self.worksheet!r}") from None
        except PermissionError as exc:  # gspread's open_by_key turns a 403 APIError into the built-in PermissionError
            raise SheetError(explain(exc.__cause__ or exc)) from exc
        except (gspread.exceptions.GSpreadException, google.auth.exceptions.GoogleAuthError,
                requests.RequestException) as exc:
            raise SheetError(explain(exc)) from exc
        if not header_block:
            raise SheetError("The sheet is empty: no header row")
        header = [cell_text(cell) for cell in header_block[0]]
        yield SheetData(header=header, rows=self._rows(spreadsheet, sheet.title, sheet.row_count))

    def _rows(self, spreadsheet, title: str, row_count: int) -> Iterator[tuple[int, list[str]]]:
        first = 2
        while first <= row_count:
            last = min(first + self.block_rows - 1, row_count)
            try:
                block = self._values(spreadsheet, title, first, last)
            except (gspread.exceptions.GSpreadException, google.auth.exceptions.GoogleAuthError,
                    requests.RequestException) as exc:
                raise SheetError(explain(exc)) from exc
            for offset, row in enumerate(block):
                yield first + offset, [cell_text(cell) for cell in row]
            first = last + 1

    def _values(self, spreadsheet, title: str, first: int, last: int) -> list[list]:
        """One values.get of whole rows first..last, retried with backoff on 429 and 5xx."""
        quoted = "'" + title.replace("'", "''") + "'"
        params = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}
        for attempt in range(self.max_retries + 1):
            try:
                return spreadsheet.values_get(f"{quoted}!{first}:{last}", params=params).get("values", [])
            except gspread.exceptions.APIError as exc:
                # The HTTP status, not exc.code: that is -1 when the body is not JSON (a front-end 502 page).
                if exc.response.status_code not in RETRY_STATUSES or attempt == self.max_retries:
                    raise
                time.sleep(self.retry_backoff_seconds * 2**attempt)
        raise AssertionError("unreachable")
