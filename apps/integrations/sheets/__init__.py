"""Lead sheets: read through one SheetSource interface (Google Sheets, local CSV/XLSX), and call results written
back to them after each call (`writeback`)."""
from __future__ import annotations

from apps.integrations.sheets.base import (
    SheetData,
    SheetError,
    SheetSource,
    UnreadableRow,
    check_sheet_source,
    source_for,
)

__all__ = ["SheetData", "SheetError", "SheetSource", "UnreadableRow", "check_sheet_source", "source_for"]
