"""Call results into a Google Sheet, through gspread's client for the Sheets API v4.

One flush: the spreadsheet's tabs (metadata), then one values.batchGet of what must be checked (the header,
each lead's row, the results tab's header and Call IDs), one spreadsheets.batchUpdate only when columns, rows
or the results tab must be added, and one values.batchUpdate with every cell (RAW: text stays text, never a
formula). Only columns headed by the campaign's result headers are written, and a lead's row only while it
still holds the lead's phone number; a lead whose row moved is looked up by phone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import google.auth.exceptions
import gspread
import requests

from apps.integrations.sheets.base import SheetError, cell_text
from apps.integrations.sheets.google import RETRY_STATUSES, explain, sheets_client
from apps.integrations.sheets.models import SheetWriteback
from apps.integrations.sheets.writeback import (
    IDENTITY_HEADERS,
    Batch,
    Outcome,
    Pending,
    WritebackError,
    WritebackTarget,
)
from apps.leads.models import mask_phone
from apps.leads.phones import normalize_or_none

READ_PARAMS = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}
NEW_TAB_ROWS = 1000
ROW_HEADROOM = 500  # rows added to the results tab at a time, so that growing it is rare
CALL_ID = IDENTITY_HEADERS["call_id"]


@dataclass
class _Tab:
    title: str
    sheet_id: int | None  # None: added by this flush
    rows: int
    columns: int

    def a1(self, cells: str = "") -> str:
        quoted = "'" + self.title.replace("'", "''") + "'"
        return f"{quoted}!{cells}" if cells else quoted


@dataclass
class _Plan:
    """What one flush sends: tabs to add, grid growth, then the cells."""

    new_tabs: list[_Tab] = field(default_factory=list)
    growth: list[dict] = field(default_factory=list)
    data: list[dict] = field(default_factory=list)

    def put(self, tab: _Tab, row: int, column: int, values: list[list]) -> None:
        """Cells from (row, column), both 1-based, a list per row."""
        last_row, last_column = row + len(values) - 1, column + max(len(cells) for cells in values) - 1
        self.data.append({"range": tab.a1(f"{_letters(column)}{row}:{_letters(last_column)}{last_row}"),
                          "majorDimension": "ROWS", "values": values})
        self.fit(tab, last_row, last_column)

    def fit(self, tab: _Tab, rows: int, columns: int) -> None:
        """Writing past a grid's edge is refused ("exceeds grid limits"): grow it first."""
        if tab.sheet_id is None:
            tab.rows, tab.columns = max(tab.rows, rows), max(tab.columns, columns)
            return
        if columns > tab.columns:
            self.growth.append(_append(tab, "COLUMNS", columns - tab.columns))
            tab.columns = columns
        if rows > tab.rows:
            extra = max(rows - tab.rows, ROW_HEADROOM)
            self.growth.append(_append(tab, "ROWS", extra))
            tab.rows += extra

    def structure(self) -> list[dict]:
        added = [{"addSheet": {"properties": {"title": tab.title, "gridProperties": {
            "rowCount": tab.rows, "columnCount": tab.columns}}}} for tab in self.new_tabs]
        return added + self.growth


class GoogleWriteback(WritebackTarget):
    remote = True

    def __init__(self, key: str, worksheet: str = "", results_worksheet: str = "", lead_rows: bool = True,
                 client: gspread.Client | None = None):
        self.key = key
        self.worksheet = worksheet
        self.results_worksheet = results_worksheet
        self.lead_rows = lead_rows
        self._client = client
        self.lock_key = f"google:{key}"
        self.description = f"Google Sheet {key}"

    def write(self, batch: Batch) -> dict[int, Outcome]:
        try:
            return self._write(batch)
        except SheetError as exc:  # no usable service-account key
            raise WritebackError(str(exc), permanent=True) from exc
        except gspread.exceptions.APIError as exc:
            status = exc.response.status_code
            raise WritebackError(_api_reason(exc), permanent=status not in RETRY_STATUSES) from exc
        except google.auth.exceptions.RefreshError as exc:
            raise WritebackError(explain(exc), permanent=True) from exc
        except (gspread.exceptions.GSpreadException, google.auth.exceptions.GoogleAuthError,
                requests.RequestException) as exc:
            raise WritebackError(explain(exc)) from exc

    def _write(self, batch: Batch) -> dict[int, Outcome]:
        http = (self._client or sheets_client()).http_client
        tabs = self._tabs(http)
        leads_tab = self._leads_tab(tabs) if self.lead_rows else None
        results_tab = tabs.get(self.results_worksheet) if self.results_worksheet else None
        with_rows = _latest_per_lead([item for item in batch.items if item.sheet_row]) if leads_tab else {}
        reads = {}
        if with_rows:
            reads["header"] = leads_tab.a1("1:1")
            inside = {item.sheet_row for item in with_rows.values() if item.sheet_row <= leads_tab.rows}
            reads.update({row: leads_tab.a1(f"{row}:{row}") for row in sorted(inside)})
        if results_tab:
            reads.update({"results header": results_tab.a1("1:1"), "results ids": results_tab.a1("A:A")})
        got = self._batch_get(http, reads)
        plan = _Plan()
        rows = self._plan_lead_rows(http, leads_tab, batch, with_rows, got, plan) if with_rows else {}
        if self.results_worksheet:
            self._plan_results(results_tab, batch, got, plan)
        if plan.structure():
            http.batch_update(self.key, {"requests": plan.structure()})
        if plan.data:
            http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": plan.data})
        return {item.id: self._outcome(item, rows, leads_tab) for item in batch.items}

    # --- reading -----------------------------------------------------------------------

    def _tabs(self, http) -> dict[str, _Tab]:
        sheets = http.fetch_sheet_metadata(self.key).get("sheets", [])
        tabs = {}
        for sheet in sheets:
            props = sheet["properties"]
            grid = props.get("gridProperties", {})
            tabs[props["title"]] = _Tab(props["title"], props["sheetId"], grid.get("rowCount", 0),
                                        grid.get("columnCount", 0))
        return tabs

    def _leads_tab(self, tabs: dict[str, _Tab]) -> _Tab:
        if self.worksheet and self.worksheet not in tabs:
            raise WritebackError(f"The spreadsheet has no tab {self.worksheet!r}", permanent=True)
        if not tabs:
            raise WritebackError("The spreadsheet has no tabs", permanent=True)
        tab = tabs[self.worksheet] if self.worksheet else next(iter(tabs.values()))
        if tab.title == self.results_worksheet:
            raise WritebackError(f"The results tab {tab.title!r} is the leads' tab: name another", permanent=True)
        return tab

    def _batch_get(self, http, reads: dict) -> dict:
        if not reads:
            return {}
        answer = http.values_batch_get(self.key, list(reads.values()), params=dict(READ_PARAMS))
        return {name: found.get("values", []) for name, found in zip(reads, answer["valueRanges"], strict=True)}

    def _read(self, http, a1: str) -> list[list[str]]:
        return http.values_get(self.key, a1, params=dict(READ_PARAMS)).get("values", [])

    # --- the leads' rows -------------------------------------------------------------------

    def _plan_lead_rows(self, http, tab: _Tab, batch: Batch, with_rows: dict[int, Pending], got: dict,
                        plan: _Plan) -> dict[int, int | None]:
        """Where each lead's results go (None: its row is gone); their cells and any new headers join the plan."""
        header = [cell_text(cell) for cell in (got["header"] or [[]])[0]]
        if not any(header):
            raise WritebackError(f"The tab {tab.title!r} has no header row", permanent=True)
        phone_column = _find(header, batch.phone_header)
        if phone_column is None:
            raise WritebackError(f"The tab {tab.title!r} has no {batch.phone_header!r} column (the campaign's phone "
                                 "column): results cannot be matched to rows", permanent=True)
        columns = {name: _find(header, title) for name, title in batch.columns.items()}
        whole = None
        if missing := [name for name, column in columns.items() if column is None]:
            # New columns go after the last column used in any row, never into one we do not own.
            whole = self._read(http, tab.a1())
            free = max(len(cells) for cells in [header, *whole])
            columns.update({name: free + offset for offset, name in enumerate(missing)})
            plan.put(tab, 1, free + 1, [[batch.columns[name] for name in missing]])
        rows = {}
        for lead_id, item in with_rows.items():
            cells = (got.get(item.sheet_row) or [[]])[0]
            rows[lead_id] = item.sheet_row if _holds(cells, phone_column, item.phone, batch.region) else None
        if None in rows.values():  # rows moved (sorted, inserted, deleted): find those leads by phone
            by_phone = _rows_by_phone(whole or self._read(http, tab.a1(f"{_letters(phone_column + 1)}:"
                                                                        f"{_letters(phone_column + 1)}")),
                                      phone_column if whole else 0, batch.region)
            rows.update({lead_id: by_phone.get(with_rows[lead_id].phone) for lead_id, row in rows.items()
                         if row is None})
        for lead_id, row in rows.items():
            if row is not None:
                values = with_rows[lead_id].row_values
                for first, run in _runs({columns[name]: values.get(name, "") for name in columns}):
                    plan.put(tab, row, first + 1, [run])
        return rows

    def _outcome(self, item: Pending, rows: dict[int, int | None], leads_tab: _Tab | None) -> Outcome:
        if leads_tab is not None and item.sheet_row:
            row = rows.get(item.lead_id)
            if row is not None:
                return Outcome(SheetWriteback.Status.DONE, sheet_row=row)
            also = f" (the {self.results_worksheet!r} tab has them)" if self.results_worksheet else ""
            return Outcome(SheetWriteback.Status.FAILED, error=(
                f"Row {item.sheet_row} of {leads_tab.title!r} no longer holds this lead's number "
                f"({mask_phone(item.phone)}) and no other row does: the results were not written to the sheet{also}."))
        if self.results_worksheet:
            return Outcome(SheetWriteback.Status.DONE)
        return Outcome(SheetWriteback.Status.SKIPPED, error="The lead is not from the sheet (added by hand or by the "
                                                            "API) and the campaign has no results tab.")

    # --- the results tab ------------------------------------------------------------------

    def _plan_results(self, tab: _Tab | None, batch: Batch, got: dict, plan: _Plan) -> None:
        """One row per call at the end of the results tab; calls already there (a replay) are not added again."""
        wanted = batch.results_header()
        if tab is None:
            tab = _Tab(self.results_worksheet, None, NEW_TAB_ROWS, len(wanted))
            plan.new_tabs.append(tab)
            header, ids = [], []
        else:
            header = [cell_text(cell) for cell in (got["results header"] or [[]])[0]]
            ids = [cell_text(cells[0]) if cells else "" for cells in got["results ids"]]
            if header and header[0] != CALL_ID:
                raise WritebackError(f"The first column of the {tab.title!r} tab must stay {CALL_ID!r}: it is how a "
                                     "call is never written twice", permanent=True)
        if missing := [title for title in wanted if title not in header]:
            plan.put(tab, 1, len(header) + 1, [missing])
            header = header + missing
        present = set(ids[1:])
        new = [item for item in batch.items if str(item.call_id) not in present]
        if new:
            first_row = max(len(ids), 1) + 1
            plan.put(tab, first_row, 1, [_laid_out(batch, item, header) for item in new])


def _api_reason(exc: gspread.exceptions.APIError) -> str:
    status = exc.response.status_code
    if status == 403:
        return "The service account may not edit this spreadsheet: share it with the account's e-mail as an editor"
    return explain(exc)


def _append(tab: _Tab, dimension: str, length: int) -> dict:
    return {"appendDimension": {"sheetId": tab.sheet_id, "dimension": dimension, "length": length}}


def _letters(column: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _find(header: list[str], title: str) -> int | None:
    """A header's 0-based column: exact, else ignoring case and surrounding spaces (as the import matches)."""
    if not title.strip():
        return None
    if title in header:
        return header.index(title)
    folded = [cell.strip().casefold() for cell in header]
    wanted = title.strip().casefold()
    return folded.index(wanted) if wanted and wanted in folded else None


def _holds(cells: list, column: int, phone: str, region: str) -> bool:
    return column < len(cells) and normalize_or_none(cell_text(cells[column]), region) == phone


def _rows_by_phone(rows: list[list], column: int, region: str) -> dict[str, int]:
    """E.164 → the first row (1-based, below the header) with that number, as the import keeps the first."""
    found: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if column < len(cells) and (phone := normalize_or_none(cell_text(cells[column]), region)):
            found.setdefault(phone, number)
    return found


def _latest_per_lead(items: list[Pending]) -> dict[int, Pending]:
    """A lead called twice in one batch: its row shows the later call."""
    latest: dict[int, Pending] = {}
    for item in sorted(items, key=lambda item: item.call_id):
        latest[item.lead_id] = item
    return latest


def _runs(cells: dict[int, object]) -> list[tuple[int, list]]:
    """Cells by 0-based column → (first column, values) for each run of adjacent columns."""
    runs: list[tuple[int, list]] = []
    for column in sorted(cells):
        if runs and runs[-1][0] + len(runs[-1][1]) == column:
            runs[-1][1].append(cells[column])
        else:
            runs.append((column, [cells[column]]))
    return runs


def _laid_out(batch: Batch, item: Pending, header: list[str]) -> list:
    by_title = dict(zip(batch.results_header(), batch.results_row(item), strict=True))
    return [by_title.get(title, "") for title in header]
