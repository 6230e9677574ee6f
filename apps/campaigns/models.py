"""Campaigns: where leads come from, when and how often they may be called, and who the agent is."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from apps.campaigns.scoring import default_score_weights
from apps.integrations.sheets.base import SheetError, check_sheet_source

# The legal floor for every campaign (TCPA): calls only between 08:00 and 21:00 lead-local time.
LEGAL_WINDOW = (dt.time(8, 0), dt.time(21, 0))
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DEFAULT_COLUMN_MAPPING = {
    "name": "Name",
    "phone": "Phone",
    "address": "Address",
    "notes": "Notes",
}
# Lead fields a sheet column may feed; phone is the only one a sheet must have.
MAPPABLE_FIELDS = (
    "name", "phone", "email", "address", "state", "postal_code", "notes", "consent_source", "consent_at",
)


# What a call writes back to its lead's sheet row: result → the column header it goes under.
DEFAULT_WRITEBACK_COLUMNS = {
    "status": "Call Status",
    "last_called": "Last Called",
    "outcome": "Outcome",
    "score": "Score",
    "band": "Band",
    "appointment": "Appointment",
    "callback": "Callback",
    "summary": "Summary",
}


# What a new campaign may spend until a superuser says otherwise: $0.10 a call (about five minutes at the price
# table's $0.018 a minute for the line and its media stream) and $25 a UTC day (250 calls at their cap).
DEFAULT_BUDGET_PER_CALL = Decimal("0.10")
DEFAULT_BUDGET_DAILY = Decimal("25.00")


def default_column_mapping() -> dict:
    return dict(DEFAULT_COLUMN_MAPPING)


def default_writeback_columns() -> dict:
    return dict(DEFAULT_WRITEBACK_COLUMNS)


def default_retry_minutes() -> dict:
    """Minutes to wait before the next attempt, by the outcome of the last one."""
    return {"no_answer": 240, "busy": 30, "voicemail": 1440, "failed": 60, "callback": 0}


class VoiceTier(models.TextChoices):
    LOCAL = "local", "Local voice (Piper) only"
    ESCALATE = "escalate", "Local, premium (ElevenLabs) for hot leads"
    PREMIUM = "premium", "Premium (ElevenLabs) throughout"


class RecordingPolicy(models.TextChoices):
    """Calls are recorded. Where every party must consent (some states), the greeting says so, in the same breath
    as the AI disclosure; a team may instead not record those calls at all."""

    DISCLOSE = "disclose", "Record; say so where every party must consent (or the state is unknown)"
    ALWAYS = "always", "Record; say so on every call"
    SKIP = "skip", "Do not record calls where every party must consent (or the state is unknown)"


class TransferPolicy(models.TextChoices):
    NEVER = "never", "Never: the agent books a meeting"
    ON_REQUEST = "on_request", "When the lead asks for a person"
    HOT_OR_REQUEST = "hot_or_request", "When the lead asks, or is hot and someone is free"


class Campaign(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    is_active = models.BooleanField(
        "active", default=False, help_text="Only active campaigns dial. New campaigns start paused."
    )

    # Where leads come from.
    sheet_source = models.CharField(
        max_length=500, blank=True,
        help_text="A Google Sheets URL or key, or a path to a .csv/.xlsx file on the server",
    )
    sheet_worksheet = models.CharField(max_length=200, blank=True, help_text="Tab name; blank = first tab")
    column_mapping = models.JSONField(
        default=default_column_mapping,
        help_text='Lead field → sheet column header, e.g. {"phone": "Phone Number", "name": "Full Name"}',
    )
    default_region = models.CharField(
        max_length=2, default="US", help_text="Country assumed for numbers written without +country code"
    )
    require_consent = models.BooleanField(
        default=True, help_text="Call only leads whose sheet row records consent (source and date)"
    )
    require_registry = models.BooleanField(
        "require the national Do Not Call registry", default=False,
        help_text="Dial only while a registry copy at most 31 days old covers every area code of the leads "
                  "(uploaded under Compliance). Numbers on any copy are skipped either way, unless the lead "
                  "recorded express consent (source and date).")

    # What goes back to the sheet after each call.
    writeback_enabled = models.BooleanField(
        "write results back", default=True,
        help_text="After each call, write its results to the lead's row (Google Sheets; the service account "
                  "needs edit access) or to <file>.results.csv next to a CSV/XLSX sheet")
    writeback_columns = models.JSONField(
        default=default_writeback_columns, blank=True,
        help_text="Result → sheet column header; missing columns are added after the last used column, and only "
                  "these columns are ever written. Results: " + ", ".join(DEFAULT_WRITEBACK_COLUMNS)
                  + ". Leave one out to not write it.")
    results_worksheet = models.CharField(
        max_length=100, blank=True,
        help_text="Google Sheets: a tab (created if missing) that gets one row per call; blank = none")

    # Schedules (kept in step with django-celery-beat rows on save).
    import_every_minutes = models.PositiveIntegerField(default=15)
    dial_every_seconds = models.PositiveIntegerField(default=30)

    # When calls may happen, lead-local time; never outside LEGAL_WINDOW.
    window_start = models.TimeField(default=LEGAL_WINDOW[0])
    window_end = models.TimeField(default=LEGAL_WINDOW[1])
    weekday_windows = models.JSONField(
        default=dict, blank=True,
        help_text='Narrower windows by weekday, e.g. {"sat": ["10:00", "17:00"], "sun": null} (null = no calls)',
    )

    # Retries and concurrency.
    max_attempts = models.PositiveSmallIntegerField(default=6)
    retry_minutes = models.JSONField(default=default_retry_minutes, help_text="Minutes before retrying, by outcome")
    max_concurrent_calls = models.PositiveSmallIntegerField(default=2)

    # Budgets (US dollars). Only superusers change them. Every campaign caps each call and its day or its total
    # (clean() refuses a campaign without); new campaigns start with DEFAULT_BUDGET_PER_CALL and DEFAULT_BUDGET_DAILY.
    budget_per_call = models.DecimalField(max_digits=8, decimal_places=4, default=DEFAULT_BUDGET_PER_CALL)
    budget_daily = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, default=DEFAULT_BUDGET_DAILY,
        help_text="Per UTC day; blank only when a total budget is set")
    budget_total = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                       help_text="For the campaign's whole life; blank = only the daily budget")
    budget_premium_voice = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)

    # The voice and the persona the lead hears.
    voice_tier = models.CharField(max_length=10, choices=VoiceTier.choices, default=VoiceTier.ESCALATE)
    agent_name = models.CharField(max_length=100, default="Alex")
    company_name = models.CharField(max_length=200, default="Sunrise Realty")
    callback_number = models.CharField(max_length=30, blank=True)
    recording = models.CharField(
        max_length=10, choices=RecordingPolicy.choices, default=RecordingPolicy.DISCLOSE,
        help_text="The greeting's recording notice is fixed wording, never rephrased by a language model.")

    telephony_provider = models.CharField(
        max_length=20, blank=True, choices=[("", "The server's default (TELEPHONY_PROVIDER)"),
                                            ("simulated", "Simulated network (rehearsals: no real phone rings)"),
                                            ("twilio", "Twilio")],
        help_text="Rehearsal campaigns always use the simulated network, whatever the server's default")
    voicemail_message = models.TextField(
        blank=True, help_text="Left on answering machines; blank = the agent's name, the company and the callback "
                              "number. Keep it short.")

    # Qualification: how a lead is scored, and how long a meeting with a human agent lasts.
    score_weights = models.JSONField(default=default_score_weights,
                                     help_text="Points per factor: timeline, budget, preapproved, motivation, "
                                               "location, agent (no agent yet); normalised to 100")
    hot_threshold = models.PositiveSmallIntegerField(default=70, help_text="Score at or above which a lead is hot")
    warm_threshold = models.PositiveSmallIntegerField(default=40, help_text="Score at or above which a lead is warm")
    appointment_minutes = models.PositiveSmallIntegerField(default=30)
    answers_inbound = models.BooleanField(
        "new callers join this campaign", default=False,
        help_text="A caller who is not yet a lead of any campaign becomes a lead of this one and is qualified (one "
                  "campaign at most). Known leads who call back are answered in their own campaign.")
    transfer_policy = models.CharField(
        "live transfer", max_length=15, choices=TransferPolicy.choices, default=TransferPolicy.ON_REQUEST,
        help_text="When the agent puts the lead through to a human agent who is taking live transfers now (their "
                  "phone, inside their working hours); with nobody free it books a meeting instead")

    # Privacy: how long a call's recording and transcript are kept (the daily purge, apps.calls.retention).
    retention_days = models.PositiveIntegerField(
        "keep recordings and transcripts (days)", null=True, blank=True, validators=[MinValueValidator(1)],
        help_text="Days after a call ends before its recording, transcript and the lead's quoted words are deleted "
                  "(daily, at 04:15 UTC); the outcome, disposition, score and costs stay. Blank = keep forever.")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answers_inbound"], condition=models.Q(answers_inbound=True),
                                               name="campaign_one_inbound")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if "phone" not in (self.column_mapping or {}):
            errors["column_mapping"] = 'The mapping must name the sheet column for "phone".'
        unknown = set(self.column_mapping or {}) - set(MAPPABLE_FIELDS)
        if unknown:
            errors["column_mapping"] = f"Unknown lead fields: {', '.join(sorted(unknown))}"
        try:
            check_sheet_source(self.sheet_source)  # a file outside SHEETS_LOCAL_DIR is refused here, and at import
        except SheetError as exc:
            errors["sheet_source"] = str(exc)
        if not (LEGAL_WINDOW[0] <= self.window_start < self.window_end <= LEGAL_WINDOW[1]):
            errors["window_end"] = "The calling window must lie within 08:00–21:00 and start before it ends."
        try:
            self.windows_by_weekday()
        except ValueError as exc:
            errors["weekday_windows"] = str(exc)
        unknown_outcomes = set(self.retry_minutes or {}) - set(default_retry_minutes())
        if unknown_outcomes:
            errors["retry_minutes"] = f"Unknown outcomes: {', '.join(sorted(unknown_outcomes))}"
        unknown_factors = set(self.score_weights or {}) - set(default_score_weights())
        if unknown_factors:
            errors["score_weights"] = f"Unknown factors: {', '.join(sorted(unknown_factors))}"
        elif any(not isinstance(v, int | float) or v < 0 for v in (self.score_weights or {}).values()):
            errors["score_weights"] = "Weights must be numbers of at least 0."
        if not self.warm_threshold < self.hot_threshold <= 100:
            errors["hot_threshold"] = "The warm threshold must be below the hot threshold, both at most 100."
        if problem := self._writeback_problem():
            errors["writeback_columns"] = problem
        if self.results_worksheet and self.results_worksheet.strip().casefold() == (
                self.sheet_worksheet or "").strip().casefold():
            errors["results_worksheet"] = "The results tab must not be the tab the leads are imported from."
        errors.update(self._budget_problems())
        if errors:
            raise ValidationError(errors)

    def _budget_problems(self) -> dict[str, str]:
        """A campaign caps what each call costs, and what a day or its whole life costs: never unlimited."""
        problems = {}
        if not self.budget_per_call or Decimal(self.budget_per_call) <= 0:
            problems["budget_per_call"] = "Every call needs a cap above $0 (the agent wraps up before passing it)."
        for name in ("budget_daily", "budget_total"):
            value = getattr(self, name)
            if value is not None and Decimal(value) <= 0:
                problems[name] = "A budget must be above $0 (pause the campaign to stop its calls)."
        if self.budget_daily is None and self.budget_total is None:
            problems["budget_daily"] = ("A superuser must set a daily or a total budget: without one the campaign's "
                                     "spending has no limit.")
        return problems

    def _writeback_problem(self) -> str:
        """Why the write-back columns would not work, or would overwrite a column the import reads."""
        columns = self.writeback_columns or {}
        if not isinstance(columns, dict):
            return 'Expected {"result": "Column header", …}.'
        unknown = set(columns) - set(DEFAULT_WRITEBACK_COLUMNS)
        if unknown:
            return f"Unknown results: {', '.join(sorted(unknown))}"
        headers = [header.strip() for header in columns.values() if isinstance(header, str)]
        if len(headers) != len(columns) or "" in headers:
            return "Every result needs a column header (leave a result out to not write it)."
        if len({header.casefold() for header in headers}) != len(headers):
            return "Two results cannot share a column."
        imported = {str(header).strip().casefold() for header in (self.column_mapping or {}).values()}
        if clash := [header for header in headers if header.casefold() in imported]:
            return f"These columns are read by the import and are never written: {', '.join(clash)}"
        return ""

    def windows_by_weekday(self) -> dict[str, tuple[dt.time, dt.time] | None]:
        """The calling window for each weekday (None = no calls), each within the campaign window."""
        windows: dict[str, tuple[dt.time, dt.time] | None] = {}
        overrides = self.weekday_windows or {}
        unknown = set(overrides) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"Unknown weekdays {sorted(unknown)}; use {', '.join(WEEKDAYS)}")
        for day in WEEKDAYS:
            if day not in overrides:
                windows[day] = (self.window_start, self.window_end)
            elif overrides[day] is None:
                windows[day] = None
            else:
                windows[day] = _parse_window(day, overrides[day], self.window_start, self.window_end)
        return windows


def _parse_window(day: str, value, floor: dt.time, ceiling: dt.time) -> tuple[dt.time, dt.time]:
    try:
        start, end = (dt.time.fromisoformat(part) for part in value)
    except (TypeError, ValueError):
        raise ValueError(f'{day}: expected ["HH:MM", "HH:MM"] or null, got {value!r}') from None
    if not (floor <= start < end <= ceiling):
        raise ValueError(f"{day}: {value[0]}–{value[1]} must lie within the campaign window "
                         f"{floor:%H:%M}–{ceiling:%H:%M}")
    return start, end
