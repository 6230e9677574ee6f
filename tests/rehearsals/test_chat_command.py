"""`manage.py chat`: staff rehearse a campaign's script by typing, with the real graph, persona and booking."""
from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from apps.calls.models import AgentStep, Appointment, Call
from apps.leads.models import DoNotCall
from tests.media_server.agent.conversation import add_human_agents

pytestmark = pytest.mark.django_db(transaction=True)


def chat(campaign, *lines: str, now="2026-11-25T10:30:00-06:00") -> str:
    out = io.StringIO()
    call_command("chat", campaign.slug, "--now", now, "--time-zone", "America/Chicago",
                 stdin=io.StringIO("".join(f"{line}\n" for line in lines)), stdout=out)
    return out.getvalue()


def test_a_rehearsal_books_an_appointment_and_reports_it(campaign):
    add_human_agents(campaign)
    out = chat(campaign, "sure", "we want to buy", "Oak Park", "in two months", "around 400k",
               "we're pre-approved", "we're relocating for work", "no agent", "the second one")
    assert "automated assistant" in out
    assert "Disposition: appointment" in out
    call = Call.objects.get(provider="chat")
    assert Appointment.objects.filter(call=call).count() == 1
    assert AgentStep.objects.filter(call=call).count() == 9  # the time picked is booked at once
    assert call.summary and call.status == "completed"


def test_pressing_9_in_a_rehearsal_opts_the_rehearsal_number_out(campaign):
    out = chat(campaign, "#9")
    assert "Disposition: opted_out" in out
    assert DoNotCall.objects.active().filter(phone="+12025550100").exists()


def test_an_empty_line_hangs_up_and_a_second_rehearsal_can_start(campaign):
    chat(campaign, "")
    out = chat(campaign, "who is this", "")
    assert "the lead hung up" in out and "Sunrise Realty" in out
    assert Call.objects.filter(provider="chat").count() == 2


def test_an_unknown_campaign_is_named_in_the_error(campaign):
    with pytest.raises(CommandError, match="spring"):
        call_command("chat", "nope", stdin=io.StringIO(""), stdout=io.StringIO())
