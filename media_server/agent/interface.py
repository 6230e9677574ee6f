"""What the pipeline and the agent say to each other.

The pipeline hands the agent each finished lead turn (text, confidence, language, DTMF) with
the call's context; the agent answers with its score of the lead, then things to say, one
sentence at a time as soon as it has them, and may end the call. The implementation is chosen
by settings.MEDIA_AGENT and is handed the CallDomain it acts on (media_server.agent.domain).
"""
from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from media_server.agent.domain import CallDomain


@dataclass(frozen=True)
class LeadTurn:
    text: str
    confidence: float = 1.0
    language: str = "en"
    usable: bool = True  # False: low confidence or no speech; ask the lead to repeat
    dtmf: str = ""  # keypad digits pressed since the last turn
    interrupted_agent: bool = False
    heard: str | None = None  # the lead cut the agent's reply: what they heard of it ("" nothing, None unknown)
    event: str = ""  # not words but news: "transfer_returned" (the lead was on hold and no person took the call)


@dataclass
class CallContext:
    call_id: int
    lead_name: str
    agent_name: str
    company_name: str
    callback_number: str
    language: str = "en"
    facts: dict = field(default_factory=dict)  # what the agent learnt, for the next turns
    record: bool = True  # keep the call's audio (False: an all-party-consent state the campaign does not record)
    inbound: bool = False  # the lead called us: answered with the greeting at once, not after their hello
    lead_state: str = ""  # the lead's two-letter state (their address): the likeliest state of a town misheard


@dataclass(frozen=True)
class Say:
    text: str
    final: bool = False  # played to its end whatever the lead says over it (a goodbye said a second time)


@dataclass(frozen=True)
class Hangup:
    reason: str = "conversation finished"


@dataclass(frozen=True)
class Transfer:
    """Put the lead through to a person now (after the sentences before it): the pipeline holds the lead while
    humans are rung (apps.calls.transfers), and hands the agent a "transfer_returned" turn if none takes it."""

    reason: str  # asked, or hot
    human: str  # who is rung first


@dataclass(frozen=True)
class Handover:
    """The agent moved the conversation to another specialist (stored as an AgentTransition)."""

    from_agent: str
    to_agent: str
    reason: str = ""


@dataclass(frozen=True)
class Score:
    """The agent's score of the lead after taking in a turn (0–100, `band` hot, warm or cold by the campaign's
    thresholds); yielded before the reply's first sentence."""

    value: int
    band: str


AgentOutput = Say | Hangup | Handover | Score | Transfer


class Agent(Protocol):
    async def greeting(self, context: CallContext) -> AsyncIterator[AgentOutput]:
        """The opening: who is calling, from which company, and that this is an automated assistant."""

    async def respond(self, turn: LeadTurn, context: CallContext) -> AsyncIterator[AgentOutput]:
        """The reply to one lead turn."""


def make_agent(path: str | None = None, *, domain: CallDomain | None = None) -> Agent:
    """The agent settings.MEDIA_AGENT (or `path`) names, built with `domain=` when one is given."""
    agent_class = import_string(path or settings.MEDIA_AGENT)
    return agent_class() if domain is None else agent_class(domain=domain)
