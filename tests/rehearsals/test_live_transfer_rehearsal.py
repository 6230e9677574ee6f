"""Live transfers end to end on the simulated network: real daphne, Celery, media worker and network process. A lead
who asks for a person is held (music, never silence), an on-call human's phone rings, they hear the summary and
press 1, and the two are joined while the AI leaves; a human who passes brings the AI back to book; with nobody
taking transfers the lead is offered a meeting at once. Outcomes are asserted in the database. (A lead calling back
after our voicemail: tests/rehearsals/test_rehearsal.py.)

Select it with `-k rehearsal` (about three minutes on two cores)."""
from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.calls.models import AgentTransition, Appointment, Call, HumanAgent, Transfer, Turn, WorkingHours
from apps.costs.models import CostEntry
from tests.rehearsals.test_rehearsal import rehearsal_stack  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


@pytest.fixture
def transfer_campaign(active_campaign):
    """Jordan books meetings around the clock; Riley and Casey are on call for live transfers (no hours: the switch
    decides), so a lead asking while the other is on a transfer still finds someone free."""
    jordan = HumanAgent.objects.create(name="Jordan Lee", time_zone="UTC")
    jordan.campaigns.add(active_campaign)
    WorkingHours.objects.bulk_create(WorkingHours(agent=jordan, weekday=day, start=dt.time(0, 0),
                                                  end=dt.time(23, 59)) for day in range(7))
    riley = HumanAgent.objects.create(name="Riley Chen", time_zone="UTC", phone="+12025550188", takes_transfers=True)
    riley.campaigns.add(active_campaign)
    casey = HumanAgent.objects.create(name="Casey Brooks", time_zone="UTC", phone="+12025550189",
                                      takes_transfers=True)
    casey.campaigns.add(active_campaign)
    return active_campaign


@pytest.mark.timeout(600)  # three persona calls of a minute or more, the third after the others, on a loaded box
def test_a_lead_is_put_through_a_pass_brings_the_ai_back_and_nobody_free_books_at_once(
        rehearsal_stack, celery_worker, transfer_campaign):  # noqa: F811
    out = StringIO()
    try:
        call_command("rehearse", transfer_campaign.slug, "--personas",
                     "asks_for_a_person,transfer_declined,nobody_free", "--concurrency", "2", "--timeout", "360",
                     "--json", stdout=out)
    except CommandError as exc:
        logs = rehearsal_stack["logs"]
        pytest.fail(f"{exc}\n{out.getvalue()}\n{(logs / 'network.log').read_text()[-4000:]}\n"
                    f"{(logs / 'media.log').read_text()[-4000:]}")
    report = json.loads(out.getvalue())
    calls = {row["persona"]: row for row in report["calls"]}
    assert report["all_met"], calls

    put_through = Call.objects.get(pk=calls["asks_for_a_person"]["call_id"])
    transfer = Transfer.objects.get(call=put_through)
    assert transfer.status == "connected" and transfer.reason == "asked"
    human = transfer.human.name
    assert put_through.disposition == "transferred" and put_through.status == "completed"
    assert transfer.summary.startswith("Live transfer from") and "Chris Walker" in transfer.summary
    assert AgentTransition.objects.filter(call=put_through, to_agent=f"human: {human}").exists()
    held = Turn.objects.filter(call=put_through, speaker="agent", text__contains="[hold music]")
    assert held.exists()  # the lead heard music on hold, not silence
    assert CostEntry.objects.filter(call=put_through, kind=CostEntry.Kind.TRANSFER).exists()
    assert 0 < calls["asks_for_a_person"]["transfer"]["connect_ms"] < 30_000  # "yes" → the human's first word

    came_back = Call.objects.get(pk=calls["transfer_declined"]["call_id"])
    passed = Transfer.objects.get(call=came_back)
    assert passed.status == "returned" and {leg.status for leg in passed.legs.all()} == {"declined"}
    assert Appointment.objects.filter(call=came_back, status="booked", agent__name="Jordan Lee").exists()
    said = " ".join(Turn.objects.filter(call=came_back, speaker="agent").values_list("text", flat=True))
    assert "couldn't" in said  # the AI is back, says so, and offers times

    nobody = Call.objects.get(pk=calls["nobody_free"]["call_id"])
    unavailable = Transfer.objects.get(call=nobody)
    assert unavailable.status == "unavailable" and unavailable.legs.count() == 0  # nobody rung: no hold
    assert Appointment.objects.filter(call=nobody, status="booked").exists()
    assert HumanAgent.objects.get(name="Riley Chen").campaigns.filter(pk=put_through.campaign_id).exists()
