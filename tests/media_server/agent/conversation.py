"""Typed conversations with the real agent (graph, rules, Redis checkpoints) acting on the database (the call
domain a live call hands it), as a lead on the phone."""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field

from apps.calls.conversation import DjangoCallDomain
from apps.calls.models import Call, CallStatus, HumanAgent, WorkingHours
from media_server.agent.interface import CallContext, Handover, Hangup, LeadTurn, Say, Transfer
from media_server.agent.orchestrator import Orchestrator

# Wednesday 25 November 2026, 10:30 in Chicago (16:30 UTC).
NOW = dt.datetime(2026, 11, 25, 16, 30, tzinfo=dt.UTC)


def add_human_agents(campaign) -> tuple[HumanAgent, HumanAgent]:
    """Jordan in New York (Mon–Fri 9–17) and Sam in Los Angeles (Mon–Sat 10–18)."""
    jordan = HumanAgent.objects.create(name="Jordan Lee", email="jordan@example.com", time_zone="America/New_York")
    sam = HumanAgent.objects.create(name="Sam Rivera", email="sam@example.com", time_zone="America/Los_Angeles")
    for agent, days, start, end in ((jordan, range(5), dt.time(9), dt.time(17)),
                                    (sam, range(6), dt.time(10), dt.time(18))):
        agent.campaigns.add(campaign)
        WorkingHours.objects.bulk_create(WorkingHours(agent=agent, weekday=day, start=start, end=end) for day in days)
    return jordan, sam


def start_call(lead) -> Call:
    return Call.objects.create(lead=lead, campaign=lead.campaign, status=CallStatus.IN_PROGRESS, provider="simulated",
                               answered_at=NOW)


@dataclass
class Conversation:
    call: Call
    now: dt.datetime = NOW
    agent: Orchestrator | None = None
    said: list[str] = field(default_factory=list)  # everything the agent said, in order
    handovers: list[tuple[str, str]] = field(default_factory=list)
    hangup: str = ""
    transfers: list[tuple[str, str]] = field(default_factory=list)  # (reason, human) the agent put the lead through

    def __post_init__(self):
        self.agent = self.agent or Orchestrator(domain=DjangoCallDomain(), clock=lambda: self.now, brain=None)
        campaign = self.call.campaign
        self.context = CallContext(call_id=self.call.pk, lead_name=self.call.lead.name,
                                   agent_name=campaign.agent_name, company_name=campaign.company_name,
                                   callback_number=campaign.callback_number, lead_state=self.call.lead.state)

    def greet(self) -> str:
        return self._run(self.agent.greeting(self.context))

    def say(self, text: str = "", dtmf: str = "", usable: bool = True, language: str = "en", event: str = "",
            over: str | None = None) -> str:
        """The lead says `text` (or the pipeline reports `event`); returns what the agent answered (all its
        sentences). `over`: they said it over the agent's last reply, having heard only these words of it."""
        assert not self.hangup, f"the call already ended ({self.hangup})"
        turn = LeadTurn(text, dtmf=dtmf, usable=usable, language=language, event=event,
                        interrupted_agent=over is not None, heard=over)
        return self._run(self.agent.respond(turn, self.context))

    def cut(self, text: str) -> str:
        """The lead says `text` and talks over the reply after its first sentence (a barge-in stops the pipeline
        reading the agent's outputs there); returns the sentence they heard."""
        assert not self.hangup, f"the call already ended ({self.hangup})"

        async def first() -> str:
            outputs = self.agent.respond(LeadTurn(text), self.context)
            try:
                async for output in outputs:
                    if isinstance(output, Say):
                        return output.text
            finally:
                await outputs.aclose()
                await self.agent.settle()
            return ""

        heard = asyncio.run(first())
        self.said.append(heard)
        return heard

    def talk_over_the_thinking(self, text: str) -> None:
        """The lead says `text` and goes on talking while the agent decides its answer: the pipeline cancels the
        reply before a word of it is said (the decision itself is made all the same)."""
        assert not self.hangup, f"the call already ended ({self.hangup})"

        async def cancelled() -> None:
            task = asyncio.ensure_future(anext(self.agent.respond(LeadTurn(text), self.context)))
            await asyncio.sleep(0)  # under way: deciding on the database thread
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            for _ in range(1000):  # the decision lands on its own, and is recorded
                if self.agent._background:
                    break
                await asyncio.sleep(0.01)
            await self.agent.settle()

        asyncio.run(cancelled())

    def _run(self, outputs) -> str:
        async def collect() -> list[str]:
            lines = []
            async for output in outputs:
                if isinstance(output, Say):
                    lines.append(output.text)
                elif isinstance(output, Handover):
                    self.handovers.append((output.from_agent, output.to_agent))
                elif isinstance(output, Hangup):
                    self.hangup = output.reason
                elif isinstance(output, Transfer):
                    self.transfers.append((output.reason, output.human))
            await self.agent.settle()
            return lines

        lines = asyncio.run(collect())
        self.said.extend(lines)
        return " ".join(lines)
