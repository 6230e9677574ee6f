"""The qualification score: 0–100 from weighted LPMAMA factors, with the campaign's hot/warm/cold thresholds.

Each factor earns a share (0–1) of its weight from the facts the lead gave; a factor that does not
apply (pre-approval for a lead who only sells) leaves the total, so the score stays out of 100.
Unknown facts earn nothing: a lead who told us little is not hot. Hot also means ready now (moving within
three months and, for a buyer, pre-approved, paying cash, or with a pre-approval under way); a lead a year or more
away, or with an agent of their own, is cold.
Pure Python: the agent scores each turn with it, the post-call analysis the whole call, and a campaign's
defaults come from here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MOTIVATION_STRONG = {"relocating", "growing family", "downsizing", "upsizing", "divorce", "inherited", "retiring",
                     "first home"}


def default_score_weights() -> dict:
    """Points each qualification factor can add to the 0–100 score (normalised to 100)."""
    return {"timeline": 25, "budget": 15, "preapproved": 20, "motivation": 15, "location": 10, "agent": 15}


@dataclass
class Score:
    total: int
    band: str  # hot | warm | cold
    breakdown: dict[str, float] = field(default_factory=dict)  # points per factor

    def as_dict(self) -> dict:
        return {"total": self.total, "band": self.band, "breakdown": self.breakdown}


def _value(facts: dict, name: str):
    fact = facts.get(name)
    return None if fact is None else fact.get("value")


def factor_shares(facts: dict) -> dict[str, float | None]:
    """How much of each factor the lead earned, 0–1; None where the factor does not apply."""
    timeline = _value(facts, "timeline")
    preapproved = _value(facts, "preapproved")
    has_agent = _value(facts, "has_agent")
    motivation = _value(facts, "motivation")
    intent = _value(facts, "intent")
    shares: dict[str, float | None] = {
        "timeline": None if timeline is None else
        1.0 if timeline <= 3 else 0.7 if timeline <= 6 else 0.35 if timeline <= 12 else 0.1,
        "budget": None if _value(facts, "budget") is None else 1.0,
        "preapproved": {"yes": 1.0, "cash": 1.0, "in_progress": 0.5, "no": 0.0}.get(preapproved, None),
        "motivation": None if not motivation else 1.0 if motivation in MOTIVATION_STRONG else 0.6,
        "location": None if not _value(facts, "location") else 1.0,
        "agent": None if has_agent is None else 0.0 if has_agent else 1.0,
    }
    for name, share in shares.items():
        if share is None:
            shares[name] = 0.0
    if intent == "sell":
        shares["preapproved"] = None  # sellers need no mortgage
    return shares


def score_lead(facts: dict, weights: dict | None = None, *, hot: int = 70, warm: int = 40) -> Score:
    weights = {**default_score_weights(), **(weights or {})}
    shares = factor_shares(facts)
    applicable = {name: float(weights[name]) for name, share in shares.items() if share is not None}
    scale = 100.0 / (sum(applicable.values()) or 1.0)
    breakdown = {name: round(weight * scale * shares[name], 1) for name, weight in applicable.items()}
    total = max(0, min(100, round(sum(breakdown.values()))))
    band = "hot" if total >= hot else "warm" if total >= warm else "cold"
    if _value(facts, "has_agent") is True:
        band = "cold"  # another agent's client is not ours to pursue, however ready they are
    elif band == "hot" and not _ready_now(facts):
        band = "warm"
    elif band == "warm" and (_value(facts, "timeline") or 0) >= 12:
        band = "cold"  # a year or more away: nurtured, not met
    return Score(total, band, breakdown)


def _ready_now(facts: dict) -> bool:
    """Hot means ready to move now: within three months and, for a buyer, pre-approved, paying cash, or with a lender
    at work on it (a buyer who has not started is warm: the meeting would wait on the bank)."""
    timeline = _value(facts, "timeline")
    if timeline is None or timeline > 3:
        return False
    return _value(facts, "intent") == "sell" or _value(facts, "preapproved") in ("yes", "cash", "in_progress")
