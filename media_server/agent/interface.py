"""What the pipeline and the agent say to each other.

The pipeline hands the agent each finished lead turn (text, confidence, language, DTMF) with
the call's context; the agent answers with things to say, one sentence at a time as soon as it
has them, and may end the call. The implementation is chosen by settings.MEDIA_AGENT.
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class LeadTurn:
    text: str
    confidence: float = 1.0
    language: str = "en"
    usable: bool = True  # False: low confidence or no speech; ask the lead to repeat
    dtmf: str = ""  # keypad digits pressed since the last turn
    interrupted_agent: bool = False


@dataclass
class CallContext:
    call_id: int
    lead_name: str
    agent_name: str
    company_name: str
    callback_number: str
    language: str = "en"
    facts: dict = field(default_factory=dict)  # what the agent learnt, for the next turns


@dataclass(frozen=True)
class Say:
    text: str


@dataclass(frozen=True)
class Hangup:
    reason: str = "conversation finished"


@dataclass(frozen=True)
class Handover:
    """The agent moved the conversation to another specialist (stored as an AgentTransition)."""

    from_agent: str
    to_agent: str
    reason: str = ""


AgentOutput = Say | Hangup | Handover


class Agent(Protocol):
    async def greeting(self, context: CallContext) -> AsyncIterator[AgentOutput]:
        """The opening: who is calling, from which company, and that this is an automated assistant."""

    async def respond(self, turn: LeadTurn, context: CallContext) -> AsyncIterator[AgentOutput]:
        """The reply to one lead turn."""


def make_agent(path: str | None = None) -> Agent:
    return import_string(path or settings.MEDIA_AGENT)()
