"""The agent with Ollama at the wire: better words when it answers, the templates at once when it does not."""
from __future__ import annotations

import time

import pytest

from apps.calls.conversation import DjangoCallDomain
from apps.calls.models import AgentStep
from apps.leads.models import DoNotCall
from media_server.agent.llm import CircuitBreaker, OllamaBrain
from media_server.agent.orchestrator import Orchestrator
from tests.conftest import make_lead
from tests.media_server.agent.conversation import NOW, Conversation, add_human_agents, start_call
from tests.media_server.agent.fake_ollama import running_fake_ollama

pytestmark = pytest.mark.django_db(transaction=True)
MODEL = "llama3.2:3b"


@pytest.fixture
def fake():
    with running_fake_ollama(models={MODEL}) as fake:
        yield fake


def talk_with(fake, campaign, first_token_ms=2000) -> Conversation:
    add_human_agents(campaign)
    lead = make_lead(campaign, "+13125550142", time_zone="America/Chicago", name="Dana Whitfield")
    brain = OllamaBrain(fake.base_url, MODEL, first_token_ms=first_token_ms, timeout_s=4.0,
                        breaker=CircuitBreaker(3, 30), cache=None, cache_ttl_s=60)
    talk = Conversation(start_call(lead), agent=Orchestrator(domain=DjangoCallDomain(), clock=lambda: NOW, brain=brain))
    talk.greet()
    return talk


def test_ollama_rewords_a_conversational_reply_and_the_step_says_so(fake, campaign):
    talk = talk_with(fake, campaign)
    fake.answer_next(text="Wonderful, thanks for making the time! Are you hoping to buy, sell, or maybe both?")
    reply = talk.say("sure go ahead")
    assert reply == "Wonderful, thanks for making the time! Are you hoping to buy, sell, or maybe both?"
    chat = [r for r in fake.requests if r.path == "/api/chat"][-1]
    assert chat.streamed and "automated assistant" in chat.messages[0]["content"]
    assert "sure go ahead" in chat.messages[-1]["content"]  # the lead's words and the draft go to the model
    assert AgentStep.objects.get(call=talk.call, number=1).mode == "llm"


def test_a_late_first_token_falls_back_to_the_template_without_waiting(fake, campaign):
    talk = talk_with(fake, campaign, first_token_ms=300)
    fake.answer_next(text="Too late to matter.", first_token_delay=5)
    started = time.monotonic()
    reply = talk.say("sure go ahead")
    assert time.monotonic() - started < 2.5
    assert "buy" in reply and "Too late" not in reply
    assert AgentStep.objects.get(call=talk.call, number=1).mode == "rules"


def test_legal_sentences_are_never_reworded(fake, campaign):
    talk = talk_with(fake, campaign)
    fake.answer_next(text="Sure thing, bye!")
    reply = talk.say("stop calling me")
    assert "list" in reply and talk.hangup
    assert not [r for r in fake.requests if r.path == "/api/chat" and r.streamed]
    assert DoNotCall.objects.active().filter(phone="+13125550142").exists()


def test_ollama_understands_what_the_rules_could_not(fake, campaign):
    talk = talk_with(fake, campaign)
    talk.say("sure")
    fake.answer_next(json={"intent": "inform", "objection": "", "facts": {"intent": "buy",
                                                                          "motivation": "growing family"}})
    fake.answer_next(text="A yard for the kids, got it. What area are you looking in?")
    talk.say("hmm the kids would kill for a yard honestly")  # nothing the rules know
    facts = talk.agent.state(talk.call.pk)["facts"]
    assert facts["intent"]["value"] == "buy" and facts["motivation"]["value"] == "growing family"
    extraction = next(r for r in fake.requests if r.path == "/api/chat" and not r.streamed)
    assert extraction.body["format"]["required"] == ["intent", "facts"]
