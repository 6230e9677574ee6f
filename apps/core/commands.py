"""Helpers shared by management commands."""
from __future__ import annotations

import argparse
import datetime as dt


def iso_date(text: str) -> dt.date:
    """An argparse `type=` for a day given as YYYY-MM-DD (the command names the option in its error)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: give the date as YYYY-MM-DD") from None
