"""Abandoned calls (47 CFR 64.1200(a)(7); the FTC's 16 CFR 310.4(b)(4) reads the same): a call a person answers
and nobody speaks to within two seconds of their greeting. Each one must hear a short recorded message with who
is calling and a number to call back, and a campaign may abandon no more than 3 % of the calls answered by a
person, measured over 30 days. Over that, the campaign does not dial (apps.calls.dialing) and says why."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q

from apps.calls.models import Call
from apps.compliance.registry import registry_block_reason

LIMIT = 0.03
WINDOW = dt.timedelta(days=30)
SPEAK_WITHIN = dt.timedelta(seconds=2)


@dataclass(frozen=True)
class AbandonmentRate:
    answered: int  # calls a person answered in the window
    abandoned: int

    @property
    def rate(self) -> float:
        return self.abandoned / self.answered if self.answered else 0.0

    @property
    def over_limit(self) -> bool:
        return self.rate > LIMIT

    def __str__(self) -> str:
        return f"{self.rate:.1%} of {self.answered} calls answered by a person in the last 30 days abandoned"


def abandonment_rates(campaign_ids, now: dt.datetime) -> dict[int, AbandonmentRate]:
    """Each campaign's rate over the 30 days before `now`, in one query."""
    rows = (Call.objects.filter(campaign_id__in=list(campaign_ids), answered_at__gte=now - WINDOW,
                                direction=Call.Direction.OUTBOUND,
                                answered_at__lte=now)
            .exclude(answered_by__startswith="machine")
            .values("campaign_id")
            .annotate(answered=Count("id"), abandoned=Count("id", filter=Q(abandoned_at__isnull=False))))
    rates = {row["campaign_id"]: AbandonmentRate(row["answered"], row["abandoned"]) for row in rows}
    return {campaign_id: rates.get(campaign_id, AbandonmentRate(0, 0)) for campaign_id in campaign_ids}


def abandonment_rate(campaign_id: int, now: dt.datetime) -> AbandonmentRate:
    return abandonment_rates([campaign_id], now)[campaign_id]


def why_not_dialling(rate: AbandonmentRate) -> str | None:
    """The campaign-page reason the dialer holds a campaign back, or None."""
    if rate.over_limit:
        return f"abandonment rate {rate.rate:.1%} over the last 30 days is above the 3 % limit"
    return None


def campaign_hold(campaign, now: dt.datetime) -> str | None:
    """Why compliance holds a whole campaign back now (the dial tick and the campaign page ask the same): a
    national registry copy missing or over 31 days old where the campaign requires one, or too many abandoned
    calls. The abandonment limit protects people: calls on the simulated network (rehearsals, the demo) ring
    nobody, so they are counted and shown but never hold a campaign."""
    if reason := registry_block_reason(campaign, now):
        return reason
    if _rings_people(campaign):
        return why_not_dialling(abandonment_rate(campaign.pk, now))
    return None


def _rings_people(campaign) -> bool:
    return (campaign.telephony_provider or settings.TELEPHONY_PROVIDER) != "simulated"
