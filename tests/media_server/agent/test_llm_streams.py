"""How both LLM clients stream a reply, each at the wire of its own fake server (Ollama's NDJSON, the
OpenAI-compatible SSE): the first sentence is handed over before the rest is written, and when the stream breaks
or stalls after it, the sentence already said stands, the rest is dropped and the failure counts against the
breaker."""
from __future__ import annotations

import asyncio
import time

import pytest

from media_server.agent.llm import CircuitBreaker, OllamaBrain, OpenAICompatibleBrain
from tests.media_server.agent.fake_ollama import running_fake_ollama, tokens_of
from tests.media_server.agent.fake_openai import running_fake_openai
from tests.media_server.agent.test_llm import LEAD, SYSTEM

APIS = {"ollama": (running_fake_ollama, OllamaBrain, "llama3.2:3b"),
        "openai": (running_fake_openai, OpenAICompatibleBrain, "qwen2.5-3b-instruct")}
TEXT = "Great, Elm Street is a lovely area. When would you like to move? I can send some numbers."


@pytest.fixture(params=sorted(APIS))
def server(request):
    running, brain_class, model = APIS[request.param]
    with running(models={model}) as fake:
        yield fake, lambda **options: brain_class(fake.base_url, model, **({
            "first_token_ms": 2000, "timeout_s": 4.0, "breaker": CircuitBreaker(3, 30), "cache": None,
            "cache_ttl_s": 60} | options))


async def said(brain) -> list[str]:
    return [sentence async for sentence in brain.reply(SYSTEM, LEAD)]


def test_the_first_sentence_is_handed_over_before_the_reply_is_written(server):
    fake, brain = server
    text = "Thanks for picking up, Dana. Are you still thinking about selling this spring?"
    answer = fake.answer_next(text=text, hold_after=tokens_of(text).index(".") + 2)  # the rest waits for us

    async def listen():
        sentences = []
        async for sentence in brain(timeout_s=8).reply(SYSTEM, LEAD):
            fake.note(f"consumer got: {sentence}")
            answer.release.set()
            sentences.append(sentence)
        return sentences

    assert asyncio.run(listen()) == ["Thanks for picking up, Dana.",
                                     "Are you still thinking about selling this spring?"]
    assert fake.events.index("consumer got: Thanks for picking up, Dana.") < fake.events.index("last line sent")


def test_a_stream_cut_after_a_sentence_ends_the_reply_there(server):
    fake, brain = server
    fake.answer_next(text=TEXT, cut_after=tokens_of(TEXT).index(".") + 3)
    the_brain = brain()

    assert asyncio.run(said(the_brain)) == ["Great, Elm Street is a lovely area."]
    assert the_brain.breaker.failures == 1


def test_a_stream_gone_quiet_ends_the_reply_at_the_overall_deadline(server):
    fake, brain = server
    fake.answer_next(text=TEXT, stall_after=tokens_of(TEXT).index(".") + 3)
    the_brain = brain(timeout_s=1.0)
    started = time.monotonic()

    assert asyncio.run(said(the_brain)) == ["Great, Elm Street is a lovely area."]
    assert time.monotonic() - started < 3
    assert fake.chats[0].client_gone.wait(2)
    assert the_brain.breaker.failures == 1
