"""Cost verbs: record what a call's voice tier did (the ledger itself lands with cost control)."""
from __future__ import annotations

from apps.costs.models import TierEscalationEvent


def record_tier_switch(call_id: int, from_tier: str, to_tier: str, reason: str,
                       score: int | None = None) -> TierEscalationEvent:
    return TierEscalationEvent.objects.create(call_id=call_id, from_tier=from_tier, to_tier=to_tier,
                                              reason=reason[:300], score=score)
