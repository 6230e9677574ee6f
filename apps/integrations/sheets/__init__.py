"""Lead sheets: one SheetSource interface, a Google Sheets reader and a local CSV/XLSX reader."""
from __future__ import annotations

from apps.integrations.sheets.base import SheetData, SheetError, SheetSource, source_for

__all__ = ["SheetData", "SheetError", "SheetSource", "source_for"]
