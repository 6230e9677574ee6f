"""Calls and what happened in them: transcript turns, agent hand-overs, appointments."""
from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class CallStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    DIALING = "dialing", "Dialing"
    RINGING = "ringing", "Ringing"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    NO_ANSWER = "no_answer", "No answer"
    BUSY = "busy", "Busy"
    VOICEMAIL = "voicemail", "Voicemail"
    FAILED = "failed", "Failed"
    CANCELED = "canceled", "Canceled"


LIVE_CALL_STATUSES = (CallStatus.QUEUED, CallStatus.DIALING, CallStatus.RINGING, CallStatus.IN_PROGRESS)
FINAL_CALL_STATUSES = (CallStatus.COMPLETED, CallStatus.NO_ANSWER, CallStatus.BUSY, CallStatus.VOICEMAIL,
                       CallStatus.FAILED, CallStatus.CANCELED)
# How far along a call is; status updates never move a call backwards (out-of-order callbacks).
CALL_STATUS_RANK = {CallStatus.QUEUED: 0, CallStatus.DIALING: 1, CallStatus.RINGING: 2, CallStatus.IN_PROGRESS: 3,
                    **{status: 4 for status in FINAL_CALL_STATUSES}}


class Call(models.Model):
    class Direction(models.TextChoices):
        OUTBOUND = "outbound", "We called the lead"
        INBOUND = "inbound", "The lead called us"

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="calls")
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="calls")
    status = models.CharField(max_length=20, choices=CallStatus.choices, default=CallStatus.QUEUED)
    outcome = models.CharField(max_length=30, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    provider_call_id = models.CharField(max_length=64, blank=True)
    provider_status = models.CharField(max_length=20, blank=True, help_text="The provider's last reported status")
    answered_by = models.CharField(max_length=30, blank=True, help_text="human or machine_*, from machine detection")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.OUTBOUND)
    attempt = models.PositiveSmallIntegerField(default=1, help_text="Which attempt on this lead (0: the lead called)")
    created_at = models.DateTimeField(auto_now_add=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    recording = models.FileField(upload_to="recordings/%Y/%m/", blank=True)
    summary = models.TextField(blank=True)
    disposition = models.CharField(max_length=30, blank=True, help_text="What the conversation came to")
    score = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Qualification score 0–100")
    score_band = models.CharField(max_length=10, blank=True, help_text="hot, warm or cold")
    score_breakdown = models.JSONField(default=dict, blank=True, help_text="Points per qualification factor")
    facts = models.JSONField(default=dict, blank=True, help_text="What the lead told us, with the words it came from")
    objections = models.JSONField(default=dict, blank=True, help_text="Objections met, with how often")
    callback_at = models.DateTimeField(null=True, blank=True, help_text="When the lead asked to be called back")
    error = models.TextField(blank=True)
    metrics = models.JSONField(default=dict, blank=True, help_text="Per-turn latencies of the live pipeline (ms)")
    abandoned_at = models.DateTimeField(
        null=True, blank=True, help_text="A person answered and the agent did not speak within 2 seconds of their "
        "hello (47 CFR 64.1200(a)(7)): the identification message played instead")
    purged_at = models.DateTimeField(
        null=True, blank=True, help_text="When its recording and transcript were deleted (the campaign's retention, "
        "or the lead's erasure); the outcome, disposition, score and costs stay")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # The database itself guarantees that no lead is ever dialled twice at once.
            models.UniqueConstraint(
                fields=["lead"], condition=Q(status__in=LIVE_CALL_STATUSES), name="call_one_live_call_per_lead"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status"], name="call_campaign_status"),
            models.Index(fields=["provider_call_id"], name="call_provider_id"),
            models.Index(fields=["campaign", "answered_at"], name="call_campaign_answered"),
            # The daily retention purge: a campaign's ended calls not purged yet, the oldest first.
            models.Index(fields=["campaign", "ended_at"], condition=Q(purged_at__isnull=True),
                         name="call_retention_due"),
        ]

    def __str__(self) -> str:
        return f"Call #{self.pk} ({self.status})"


class Turn(models.Model):
    class Speaker(models.TextChoices):
        AGENT = "agent", "Agent"
        LEAD = "lead", "Lead"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="turns")
    sequence = models.PositiveIntegerField()
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField()
    start_ms = models.PositiveIntegerField(help_text="Offset from the call's answer, milliseconds")
    end_ms = models.PositiveIntegerField()
    stt_confidence = models.FloatField(null=True, blank=True)
    language = models.CharField(max_length=10, blank=True)
    interrupted = models.BooleanField(default=False)

    class Meta:
        ordering = ["call", "sequence"]
        constraints = [models.UniqueConstraint(fields=["call", "sequence"], name="turn_unique_sequence")]

    def __str__(self) -> str:
        return f"{self.speaker}: {self.text[:60]}"


class AgentTransition(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="agent_transitions")
    from_agent = models.CharField(max_length=40, blank=True)
    to_agent = models.CharField(max_length=40)
    reason = models.CharField(max_length=200, blank=True)
    at_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_agent or 'start'} → {self.to_agent}"


class AgentStep(models.Model):
    """One decision of the agent: what it understood from a lead turn, where it routed it, what it said."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="agent_steps")
    number = models.PositiveIntegerField()
    lead_text = models.TextField(blank=True)
    dtmf = models.CharField(max_length=20, blank=True)
    intent = models.CharField(max_length=30, blank=True)
    objection = models.CharField(max_length=30, blank=True)
    route = models.CharField(max_length=40, blank=True, help_text="The agent that handled the turn")
    new_facts = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    reply = models.TextField(blank=True)
    mode = models.CharField(max_length=10, blank=True, help_text="rules, or llm when Ollama helped")
    decide_ms = models.PositiveIntegerField(default=0, help_text="Time to decide the reply, milliseconds")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="agentstep_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}: {self.intent} → {self.route}"


class HumanAgent(models.Model):
    """A real estate agent that leads are booked with."""

    name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    time_zone = models.CharField(max_length=64, default="America/New_York", help_text="IANA zone of the working hours")
    campaigns = models.ManyToManyField("campaigns.Campaign", blank=True, related_name="human_agents")
    is_active = models.BooleanField(default=True)
    takes_transfers = models.BooleanField(
        "taking live transfers", default=False,
        help_text="Hot leads may be put through to this person's phone now, inside their working hours (flip it on "
                  "the live-calls page too)")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    agent = models.ForeignKey(HumanAgent, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["agent", "weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=models.F("end")), name="workinghours_start_before_end"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class Transfer(models.Model):
    """A live transfer: the lead on hold while humans are rung one after another (TransferLeg), until one takes the
    call (connected: lead and human joined, the AI gone) or none does (returned: the AI is back and books)."""

    class Reason(models.TextChoices):
        ASKED = "asked", "The lead asked for a person"
        HOT = "hot", "A hot lead, with someone free"

    class Status(models.TextChoices):
        WAITING = "waiting", "Lead on hold"
        CONNECTED = "connected", "Connected to a person"
        RETURNED = "returned", "Nobody took it: the AI came back"
        UNAVAILABLE = "unavailable", "Nobody was free: a meeting offered instead"
        LEAD_LEFT = "lead_left", "The lead hung up on hold"

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="transfers")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    human = models.ForeignKey(HumanAgent, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfers",
                              help_text="Who took the call")
    summary = models.TextField(blank=True, help_text="What the human heard before taking the call")
    requested_at = models.DateTimeField(help_text="When the lead was put on hold")
    connected_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When the hold ended (connected, or AI back)")
    wait_ms = models.PositiveIntegerField(null=True, blank=True, help_text="How long the lead was on hold")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(fields=["call"], condition=Q(status="waiting"), name="transfer_one_hold_per_call"),
        ]

    def __str__(self) -> str:
        return f"Transfer of call #{self.call_id} ({self.status})"

    @property
    def conference(self) -> str:
        """The conference room the lead and the human meet in."""
        return f"transfer-{self.pk}"


class TransferLeg(models.Model):
    """One human rung for a transfer: their phone rings, they hear the summary, and press 1 (or not)."""

    class Status(models.TextChoices):
        DIALING = "dialing", "Dialing"
        RINGING = "ringing", "Ringing"
        WHISPER = "whisper", "Hearing the summary"
        ACCEPTED = "accepted", "Took the call"
        DECLINED = "declined", "Passed"
        NO_ANSWER = "no_answer", "No answer"
        FAILED = "failed", "Could not be rung"
        CANCELED = "canceled", "Called off (the lead left or another took it)"

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="legs")
    human = models.ForeignKey(HumanAgent, on_delete=models.PROTECT, related_name="transfer_legs")
    position = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DIALING)
    provider_call_id = models.CharField(max_length=64, blank=True)
    placed_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["transfer", "position"]
        indexes = [models.Index(fields=["provider_call_id"], name="transferleg_provider_id")]

    def __str__(self) -> str:
        return f"{self.human} ({self.status})"


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CANCELLED = "cancelled", "Cancelled"
        COMPLETED = "completed", "Completed"

    lead = models.ForeignKey("leads.Lead", on_delete=models.CASCADE, related_name="appointments")
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    agent = models.ForeignKey(HumanAgent, null=True, blank=True, on_delete=models.PROTECT, related_name="appointments",
                              help_text="The human agent who meets the lead")
    lead_time_zone = models.CharField(max_length=64, blank=True, help_text="The zone the time was agreed in")
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True, help_text="The calendar invite's UID")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.BOOKED)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "status"], name="appointment_time")]
        constraints = [
            # Two calls can never book the same agent at the same time (the service also checks overlaps).
            models.UniqueConstraint(fields=["agent", "starts_at"], condition=Q(status="booked"),
                                    name="appointment_one_booking_per_agent_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.lead} at {self.starts_at:%Y-%m-%d %H:%M}"


class SlotHold(models.Model):
    """A time a live call has put to its lead (offered, proposed or read back) and not yet booked: while the
    hold lasts no other call offers or books it, so a lead who says "the first one" is not told it has just
    been taken. Released when the call books, offers other times or ends; `expires_at` bounds a hold a
    crashed process never released."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="slot_holds")
    agent = models.ForeignKey(HumanAgent, on_delete=models.CASCADE, related_name="slot_holds")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["agent", "starts_at"], name="slothold_agent_start")]

    def __str__(self) -> str:
        return f"call {self.call_id} holds {self.agent_id} at {self.starts_at:%Y-%m-%d %H:%M}"
