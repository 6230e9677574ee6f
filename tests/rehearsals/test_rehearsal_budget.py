"""The per-call cost cap ends a call before it is exceeded: a rehearsal (real daphne, Celery, media worker and
simulated network, as in test_rehearsal.py) of the long-winded persona, whose rambling answers would keep the
call going, with a cap of $0.04 a call.

What the cap can honestly guarantee: at every lead turn the agent projects the call's cost a turn (60 s)
ahead — the ledger so far (speech rows are written as they happen), the telephone minutes it will have
started, and one more turn like the costliest so far — and wraps up (a callback tomorrow, goodbye, hang up)
once that reaches the cap. The previous turn's projection was under the cap, so the call ends under it as
long as its last exchange takes less than the 60 s looked ahead; only what that last exchange itself spent
on speech and tokens can pass it. Telephone minutes are billed per started minute at $0.018, so a $0.04
cap allows two: the agent must wrap up after a minute of talk, before the third minute starts.

Select it with `-k rehearsal` (about two and a half minutes on two cores).
"""
from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum

from apps.calls.models import AgentStep, Call, CallStatus, Turn
from apps.costs.models import CostEntry
from tests.rehearsals.test_rehearsal import rehearsal_stack, team_campaign  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]
CAP = Decimal("0.037")  # the first exchange costs ~0.03, each later one ~0.001: hit mid-qualification
WRAP_UP = "to pick this up"  # the agent's wrap-up at the cap (media_server.agent.replies "wrap_up")


def test_a_rehearsal_with_a_small_cap_wraps_the_long_winded_lead_up_before_the_cap(
        rehearsal_stack, celery_worker, team_campaign):  # noqa: F811
    # The rehearsal carries its campaign's per-call cap onto the shadow campaign, as it does its persona and hours.
    team_campaign.budget_per_call = CAP
    team_campaign.save(update_fields=["budget_per_call"])
    out = StringIO()
    try:
        call_command("rehearse", team_campaign.slug, "--personas", "long_winded", "--concurrency", "1",
                     "--timeout", "150", "--json", stdout=out)
    except CommandError as exc:
        pytest.fail(f"{exc}\n{out.getvalue()}\n{(rehearsal_stack['logs'] / 'media.log').read_text()[-3000:]}")
    [row] = json.loads(out.getvalue())["calls"]
    call = Call.objects.get(pk=row["call_id"])
    assert call.campaign.budget_per_call == CAP and call.status == CallStatus.COMPLETED

    # Ended by the agent's wrap-up: its last decision, its last words, a callback booked for tomorrow.
    steps = list(AgentStep.objects.filter(call=call).order_by("number"))
    assert len(steps) >= 3, [step.reply for step in steps]  # a conversation, not a first-turn hang-up
    assert WRAP_UP in steps[-1].reply, [(step.intent, step.reply) for step in steps]
    assert not any(WRAP_UP in step.reply for step in steps[:-1])
    last_said = Turn.objects.filter(call=call, speaker=Turn.Speaker.AGENT).order_by("sequence").last()
    assert WRAP_UP in last_said.text
    assert row["disposition"] == "callback" and call.callback_at is not None

    # Under the cap, but for what the last exchange spent on speech and tokens.
    entries = CostEntry.objects.filter(call=call)
    total = entries.aggregate(total=Sum("amount"))["total"]
    assert Decimal(row["cost"]) == total.quantize(Decimal("0.0001"))
    assert {kind for kind in entries.values_list("kind", flat=True)} >= {"telephony", "stt", "tts_local"}
    last_exchange = entries.filter(created_at__gt=steps[-2].created_at).exclude(kind="telephony").aggregate(
        total=Sum("amount"))["total"] or Decimal(0)
    assert total <= CAP + last_exchange, (total, last_exchange)
    minutes = entries.get(kind="telephony").units
    assert minutes == 2, "wrapped up after a minute of talk, before a third minute started"
    assert total <= CAP  # with local models the last exchange costs thousandths of a cent
