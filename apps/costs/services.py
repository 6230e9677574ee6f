"""Cost verbs: price a unit of spending from the price table, write it to the ledger, total it; tier switches
and the premium voice's budget.

Entries are written as usage happens (audio seconds when an utterance is transcribed, characters when
a reply is spoken, tokens when the model answers, minutes when the call ends) and are estimates until
a provider's billed price replaces them (`reconcile_telephony_price`).

The premium voice's budget (`Campaign.budget_premium_voice`, blank: no cap) is a *daily* allowance
(UTC day, like `budget_daily`): what the campaign's tts_premium rows spent today counts against it, so
hot leads late in a campaign still get the premium voice, and a busy day cannot spend next week's.
A call escalates only while the budget has room for PREMIUM_REST_OF_CALL_CHARACTERS more, and drops
back to the local voice once less than PREMIUM_LOW_CHARACTERS (about one reply) is left.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone

from apps.costs.models import CostEntry, PriceTable, TierEscalationEvent

Kind = CostEntry.Kind
MICRO = Decimal("0.000001")  # amounts: a millionth of a dollar
UNIT = Decimal("0.0000000001")  # unit prices: finer, or a second of local speech would round to nothing
UNITS = Decimal("0.0001")  # what CostEntry.units keeps
SPEECH = (Kind.TTS_LOCAL, Kind.TTS_PREMIUM)
# The premium voice's budget, in characters at the day's ElevenLabs price (module docstring).
PREMIUM_REST_OF_CALL_CHARACTERS = 1000  # a hot lead's remaining minute or two of agent speech
PREMIUM_LOW_CHARACTERS = 300  # about one reply


def prices_on(day: dt.date | None = None) -> PriceTable:
    """The prices in effect on `day` (today by default); the defaults when the table is empty."""
    day = day or timezone.now().date()
    return PriceTable.objects.filter(effective_from__lte=day).first() or PriceTable(effective_from=day)


def unit_price(kind: str, prices: PriceTable) -> Decimal:
    """The price of one unit of `kind`: a started minute, a call, an audio second, a character, a token."""
    return {
        Kind.TELEPHONY: prices.telephony_per_minute + prices.media_stream_per_minute,
        Kind.AMD: prices.amd_per_call,
        Kind.RECORDING: prices.recording_per_minute,
        Kind.STT: prices.compute_price(prices.stt_compute_seconds_per_audio_second),
        Kind.TTS_LOCAL: prices.compute_price(prices.tts_compute_seconds_per_character),
        Kind.TTS_PREMIUM: prices.elevenlabs_per_1k_characters / 1000,
        Kind.LLM: prices.compute_price(prices.llm_compute_seconds_per_1k_tokens) / 1000,
        Kind.TRANSFER: prices.telephony_per_minute,  # a plain call to the human's phone: no media stream
    }[kind]


def record_cost(call_id: int, kind: str, units: float | Decimal, *, campaign_id: int | None = None,
                prices: PriceTable | None = None) -> CostEntry | None:
    """One ledger row for `units` of `kind` spent on a call, priced now. Nothing for zero units."""
    units = Decimal(str(units))
    if units <= 0:
        return None
    if campaign_id is None:
        from apps.calls.models import Call

        campaign_id = Call.objects.values_list("campaign_id", flat=True).get(pk=call_id)
    price = unit_price(kind, prices or prices_on()).quantize(UNIT)
    return CostEntry.objects.create(campaign_id=campaign_id, call_id=call_id, kind=kind, units=units,
                                    unit_price=price, amount=(units * price).quantize(MICRO))


def record_usage(call_id: int, usage: dict[str, float | Decimal], *, campaign_id: int,
                 prices: PriceTable) -> list[CostEntry]:
    """A turn's usage of a live call, several kinds at once (one insert): the pipeline's speech rows."""
    entries = []
    for kind, amount in usage.items():
        units = Decimal(str(amount)).quantize(UNITS)
        if units <= 0:
            continue
        price = unit_price(kind, prices).quantize(UNIT)
        entries.append(CostEntry(campaign_id=campaign_id, call_id=call_id, kind=kind, units=units, unit_price=price,
                                 amount=(units * price).quantize(MICRO)))
    return CostEntry.objects.bulk_create(entries)


def record_call_end(call) -> list[CostEntry]:
    """The telephone network's part once a call has ended: started minutes, machine detection, recording.

    Written once per call (a replayed end changes nothing). A call that never connected costs nothing.
    """
    if call.answered_at is None or CostEntry.objects.filter(call=call, kind=Kind.TELEPHONY).exists():
        return []
    seconds = call.duration_seconds
    if seconds is None and call.ended_at:
        seconds = int((call.ended_at - call.answered_at).total_seconds())
    minutes = max(1, math.ceil((seconds or 0) / 60))  # billed per started minute
    prices = prices_on(call.answered_at.date())
    entries = [record_cost(call.pk, Kind.TELEPHONY, minutes, campaign_id=call.campaign_id, prices=prices)]
    if call.provider == "twilio" and settings.TWILIO_MACHINE_DETECTION:
        entries.append(record_cost(call.pk, Kind.AMD, 1, campaign_id=call.campaign_id, prices=prices))
    if call.provider == "twilio" and settings.TWILIO_RECORD_CALLS:
        entries.append(record_cost(call.pk, Kind.RECORDING, minutes, campaign_id=call.campaign_id, prices=prices))
    return [entry for entry in entries if entry is not None]


def reconcile_telephony_price(call_id: int, billed: str | Decimal) -> bool:
    """Twilio's billed price for the call's minutes (its `price`, negative: money out) replaces our estimate."""
    amount = abs(Decimal(str(billed))).quantize(MICRO, rounding=ROUND_HALF_UP)
    with transaction.atomic():
        entry = CostEntry.objects.select_for_update().filter(call_id=call_id, kind=Kind.TELEPHONY).first()
        if entry is None or not entry.is_estimate:
            return False
        entry.amount, entry.is_estimate = amount, False
        entry.unit_price = (amount / entry.units).quantize(UNIT) if entry.units else amount
        entry.save(update_fields=["amount", "unit_price", "is_estimate"])
    return True


def projected_call_cost(call, now: dt.datetime, ahead_seconds: int = 60) -> Decimal:
    """What the call will have cost a turn from now: the ledger so far (speech and tokens are written as
    they happen), the minutes it will have used (the telephone network's entry is only written when the
    call ends), and one more turn like the costliest so far: its transcription, its reply's speech (a
    reply is one row per voice tier, so a premium reply weighs what it costs) and its tokens."""
    ledger = CostEntry.objects.filter(call=call).aggregate(  # one query per turn
        total=Sum("amount"), telephony=Count("id", filter=Q(kind=Kind.TELEPHONY)),
        stt=Max("amount", filter=Q(kind=Kind.STT)), speech=Max("amount", filter=Q(kind__in=SPEECH)),
        llm=Max("amount", filter=Q(kind=Kind.LLM)))
    spent = ledger["total"] or Decimal(0)
    spent += sum((ledger[kind] or Decimal(0) for kind in ("stt", "speech", "llm")), Decimal(0))
    if call.answered_at and not ledger["telephony"]:
        elapsed = max(0, int((now - call.answered_at).total_seconds()))
        minutes = math.ceil((elapsed + ahead_seconds) / 60)
        spent += minutes * unit_price(Kind.TELEPHONY, prices_on(call.answered_at.date()))
    return spent


def call_cost(call_id: int) -> Decimal:
    return CostEntry.objects.filter(call_id=call_id).aggregate(total=Sum("amount"))["total"] or Decimal(0)


def record_tier_switch(call_id: int, from_tier: str, to_tier: str, reason: str,
                       score: int | None = None) -> TierEscalationEvent:
    return TierEscalationEvent.objects.create(call_id=call_id, from_tier=from_tier, to_tier=to_tier,
                                              reason=reason[:300], score=score)


# --- the premium voice's budget ------------------------------------------------------------------


@dataclass(frozen=True)
class VoicePlan:
    """What a live call's voice needs to know of its campaign."""

    campaign_id: int
    voice_tier: str  # apps.campaigns.models.VoiceTier
    premium_budget: Decimal | None  # per UTC day; None: no cap


def voice_plan(call_id: int) -> VoicePlan:
    from apps.calls.models import Call

    campaign_id, tier, budget = Call.objects.values_list(
        "campaign_id", "campaign__voice_tier", "campaign__budget_premium_voice").get(pk=call_id)
    return VoicePlan(campaign_id, tier, budget)


def premium_voice_spent(campaign_id: int, now: dt.datetime | None = None) -> Decimal:
    """What the campaign's premium voice has cost today (UTC)."""
    day_start = (now or timezone.now()).astimezone(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return CostEntry.objects.filter(campaign_id=campaign_id, kind=Kind.TTS_PREMIUM, created_at__gte=day_start
                                    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)


def premium_voice_room(plan: VoicePlan, characters: int, now: dt.datetime | None = None) -> tuple[bool, Decimal | None]:
    """Whether today's premium-voice budget still pays for `characters` more, and what is left of it
    (None: the campaign set no premium budget, so it always does)."""
    if plan.premium_budget is None:
        return True, None
    now = now or timezone.now()
    left = plan.premium_budget - premium_voice_spent(plan.campaign_id, now)
    needed = characters * unit_price(Kind.TTS_PREMIUM, prices_on(now.date()))
    return left >= needed, left.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
