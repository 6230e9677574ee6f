"""Staff review a call in the admin: its score with the breakdown, the facts in the lead's words, each decision."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import make_lead
from tests.media_server.agent.conversation import Conversation, add_human_agents, start_call

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_call_page_shows_the_score_breakdown_facts_and_every_decision(client, superuser, campaign):
    add_human_agents(campaign)
    lead = make_lead(campaign, "+13125550142", time_zone="America/Chicago", name="Dana")
    talk = Conversation(start_call(lead))
    talk.greet()
    for text in ("sure", "we're looking to buy", "Oak Park", "in three months", "four fifty",
                 "I'm busy right now call me tomorrow at 3"):
        talk.say(text)
    client.force_login(superuser)
    page = client.get(reverse("admin:calls_call_change", args=[talk.call.pk])).content.decode()
    talk.call.refresh_from_db()
    assert f"{talk.call.score} / 100 ({talk.call.score_band})" in page
    assert "timeline" in page and "<q>four fifty</q>" in page and "$450,000" in page
    assert "agent decisions" in page.lower() and ">busy<" in page and ">qualification<" in page
    lead_page = client.get(reverse("admin:leads_lead_change", args=[lead.pk])).content.decode()
    assert "Qualification (from calls)" in lead_page
