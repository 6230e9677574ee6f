"""Small read-only renderings shared by admin pages: the facts a lead gave, a score's breakdown."""
from __future__ import annotations

from django.utils.html import format_html, format_html_join


def facts_table(facts: dict | None) -> str:
    """Each fact with its value and the lead's own words."""
    if not facts:
        return "—"
    rows = format_html_join("", "<tr><th>{}</th><td>{}</td><td><q>{}</q></td></tr>", (
        (name.replace("_", " "), _value(fact.get("value"), fact.get("high")), fact.get("words", ""))
        for name, fact in facts.items()))
    return format_html('<table class="facts">{}</table>', rows)


def breakdown_table(score: int | None, band: str, breakdown: dict | None) -> str:
    if score is None:
        return "—"
    rows = format_html_join("", "<tr><th>{}</th><td>{}</td></tr>",
                            ((name.replace("_", " "), points) for name, points in (breakdown or {}).items()))
    return format_html('<strong>{} / 100 ({})</strong><table class="score">{}</table>', score, band or "—", rows)


def _value(value, high) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1000:
        return f"${value:,}" + (f"–${high:,}" if high else "")
    return str(value)
