"""The agent decides on its own and acts only through the CallDomain it is handed: here one that keeps in memory
what it was asked, with no database at all (pytest-django refuses every query of a test without its mark) and
in-memory checkpoints. It yields its score of the lead before each reply's first sentence."""
from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from media_server.agent.interface import CallContext, Hangup, LeadTurn, Say, Score
from media_server.agent.orchestrator import Orchestrator

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 11, 25, 10, 30, tzinfo=CHICAGO)  # a Wednesday
CALL_ID, LEAD_ID, PHONE = 41, 7, "+13125550142"
MONDAY_AT_9 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=CHICAGO)
SLOTS = [{"starts_at": f"2026-11-26T{hour}:00:00+00:00", "ends_at": f"2026-11-26T{hour}:30:00+00:00",
          "agent_id": 1, "agent_name": "Jordan Lee"} for hour in (16, 20)]


class RememberingDomain:
    """A CallDomain with no world behind it: the call's opening facts are fixed, and every action is remembered."""

    def __init__(self):
        self.asked: list[tuple] = []
        self.steps: list[dict] = []
        self.shown: list[tuple[int | None, str]] = []

    def opening_state(self, call_id: int) -> dict:
        return {"call_id": call_id, "lead_id": LEAD_ID, "campaign_id": 3, "phone": PHONE, "lead_tz": "America/Chicago",
                "persona": {"agent_name": "Alex", "company_name": "Sunrise Realty", "callback_number": "",
                            "lead_name": "Dana Whitfield"},
                "consent": {"source": "the Zillow inquiry form", "at": ""}, "lead_email": "",
                "scoring": {"weights": None, "hot": 70, "warm": 40}, "answered_by": "", "voicemail_message": "",
                "facts": {}}

    def answered_by(self, call_id: int) -> str:
        return ""

    def call_now(self, call_id: int, now: dt.datetime) -> tuple[str, bool]:
        return "", False

    def opt_out(self, state: dict) -> None:
        self.asked.append(("opt_out", state["phone"]))

    def stop_calling(self, state: dict, invalid: bool = False) -> None:
        self.asked.append(("stop_calling", state["lead_id"], invalid))

    def callback_time(self, state: dict, when: dict) -> dt.datetime:
        self.asked.append(("callback_time", when["start"]))
        return MONDAY_AT_9  # say, the campaign does not call at weekends

    def schedule_callback(self, state: dict, at: dt.datetime) -> None:
        self.asked.append(("schedule_callback", state["lead_id"], at))

    def speak_time(self, state: dict, at: dt.datetime) -> str:
        return f"{at.astimezone(CHICAGO):%A} at {at.astimezone(CHICAGO):%-I %p}"

    def free_slots(self, state: dict, when: dict | None) -> list[dict]:
        self.asked.append(("free_slots", when))
        return SLOTS

    def hold_slots(self, state: dict, slots: list[dict]) -> None:
        self.asked.append(("hold", [slot["starts_at"] for slot in slots]))

    def book(self, state: dict, slot: dict) -> dict | None:
        self.asked.append(("book", slot["starts_at"]))
        return {"id": 1, "starts_at": slot["starts_at"], "agent_name": slot["agent_name"]}

    def record_step(self, result: dict, **step) -> None:
        self.steps.append({"number": result["turn_number"], "score": (result.get("score") or {}).get("total"),
                           "disposition": result.get("disposition"), **step})

    async def run(self, work, *args, **kwargs):
        return work(*args, **kwargs)

    async def show_score(self, call_id: int, score: int | None, band: str, agent: str) -> None:
        self.shown.append((score, band))


class Talk:
    """A call with the agent, the lead typing; `replies` keeps every reply's outputs in order."""

    def __init__(self, domain: RememberingDomain):
        self.agent = Orchestrator(domain=domain, clock=lambda: NOW.astimezone(dt.UTC), checkpointer=InMemorySaver(),
                                  brain=None)
        self.context = CallContext(CALL_ID, "Dana Whitfield", "Alex", "Sunrise Realty", "")
        self.replies: list[list] = []
        self._run(self.agent.greeting(self.context))

    def say(self, text: str) -> str:
        outputs = self._run(self.agent.respond(LeadTurn(text), self.context))
        return " ".join(output.text for output in outputs if isinstance(output, Say))

    def _run(self, outputs) -> list:
        async def collect() -> list:
            said = [output async for output in outputs]
            await self.agent.settle()
            return said

        said = asyncio.run(collect())
        self.replies.append(said)
        return said


@pytest.fixture
def domain() -> RememberingDomain:
    return RememberingDomain()


def test_a_hot_buyer_is_scored_with_every_reply_and_books_through_the_domain(domain):
    talk = Talk(domain)
    for line in ("yeah sure I have a minute", "we're looking to buy", "somewhere around Oak Park",
                 "in about three months", "four fifty", "yes we're pre-approved", "we're relocating for work",
                 "no we don't have an agent"):
        talk.say(line)
    booked = talk.say("the first one works")

    assert "Jordan Lee" in booked and isinstance(talk.replies[-1][-1], Hangup)
    # the times offered were held for this call from the offer on, the one picked booked
    holds = [entry for entry in domain.asked if entry[0] in ("hold", "book")]
    assert holds == [("hold", [slot["starts_at"] for slot in SLOTS]), ("book", SLOTS[0]["starts_at"])]
    scores = [reply[0] for reply in talk.replies[1:]]  # every reply after the greeting opens with the score
    assert all(isinstance(score, Score) for score in scores)
    assert scores[0] == Score(0, "cold") and scores[-1].band == "hot" and scores[-1].value >= 70
    assert [score.value for score in scores] == sorted(score.value for score in scores)  # facts only add up
    assert [step["score"] for step in domain.steps] == [score.value for score in scores]
    assert domain.shown[-1] == (scores[-1].value, "hot")
    assert domain.steps[-1]["disposition"] == "appointment" and domain.steps[-1]["lead_text"] == "the first one works"


def test_an_opt_out_is_asked_of_the_domain_and_ends_the_call(domain):
    talk = Talk(domain)
    talk.say("yeah")
    talk.say("stop calling me")

    assert domain.asked == [("opt_out", PHONE)]
    assert isinstance(talk.replies[-1][-1], Hangup) and domain.steps[-1]["disposition"] == "opted_out"


def test_a_callback_is_promised_for_the_moment_the_domain_gives(domain):
    talk = Talk(domain)
    reply = talk.say("I'm busy, can you call me back sunday at 10")

    assert "Monday at 9 AM" in reply
    assert domain.asked == [("callback_time", "2026-11-29T10:00:00-06:00"), ("schedule_callback", LEAD_ID, MONDAY_AT_9)]
    assert domain.steps[-1]["disposition"] == "callback"
