"""The qualification score: weighted factors, campaign weights and thresholds."""
from __future__ import annotations

from apps.campaigns.scoring import score_lead


def facts(**values) -> dict:
    return {name: {"name": name, "value": value, "words": ""} for name, value in values.items()}


HOT_BUYER = facts(intent="buy", location="Oak Park", timeline=2, budget=450000, preapproved="yes",
                  motivation="relocating", has_agent=False)


def test_it_scores_a_buyer_who_answered_everything_well_at_100():
    score = score_lead(HOT_BUYER)
    assert score.total == 100 and score.band == "hot"
    assert sum(score.breakdown.values()) == 100


def test_a_lead_who_told_us_nothing_is_cold():
    score = score_lead({})
    assert score.total == 0 and score.band == "cold"


def test_a_far_timeline_and_an_agent_already_bring_a_lead_down_to_warm_or_cold():
    score = score_lead({**HOT_BUYER, **facts(timeline=18, has_agent=True)})
    assert score.band in ("warm", "cold") and score.total < 70
    assert score.breakdown["agent"] == 0


def test_a_seller_is_not_marked_down_for_having_no_mortgage():
    seller = facts(intent="sell", location="Elm Street", timeline=1, budget=600000, motivation="downsizing",
                   has_agent=False)
    score = score_lead(seller)
    assert "preapproved" not in score.breakdown
    assert score.total == 100


def test_campaign_weights_change_what_matters():
    partial = facts(timeline=1, preapproved="yes")
    timeline_heavy = score_lead(partial, {"timeline": 90, "budget": 2, "preapproved": 2, "motivation": 2,
                                          "location": 2, "agent": 2})
    default = score_lead(partial)
    assert timeline_heavy.total > default.total
    assert timeline_heavy.band == "hot" and default.band != "hot"


def test_thresholds_are_the_campaigns():
    score = score_lead(facts(timeline=2, budget=300000, preapproved="cash"), hot=35, warm=20)
    assert score.band == "hot"
    assert score_lead(facts(timeline=2, budget=300000, preapproved="cash"), hot=90, warm=80).band == "cold"


def test_hot_means_ready_now_and_another_agents_client_is_cold():
    ready = dict(timeline=2, budget=450000, location="Austin", motivation="relocating", has_agent=False)
    assert score_lead(facts(**ready, preapproved="yes")).band == "hot"
    assert score_lead(facts(**ready, preapproved="in_progress")).band == "hot"  # a lender at work on it
    not_financed = score_lead(facts(**ready, preapproved="no"))
    assert not_financed.band == "warm" and not_financed.total >= 70  # the points stand; the band waits for a lender
    assert score_lead(facts(**{**ready, "timeline": 8}, preapproved="cash")).band == "warm"
    assert score_lead(facts(**{**ready, "has_agent": True}, preapproved="yes")).band == "cold"


def test_a_lead_a_year_or_more_away_is_cold_whatever_else_they_said():
    engaged = facts(intent="buy", location="Oakland", budget=700000, preapproved="no", motivation="first home",
                    has_agent=False)
    assert score_lead({**engaged, **facts(timeline=24)}).band == "cold"
    assert score_lead({**engaged, **facts(timeline=12)}).band == "cold"
    assert score_lead({**engaged, **facts(timeline=9)}).band == "warm"  # within the year: still worth meeting
