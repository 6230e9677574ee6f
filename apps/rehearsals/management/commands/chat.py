"""`manage.py chat <campaign-slug>`: talk to the campaign's agent by typing, as a lead would on the phone.

The same graph, persona, scoring and booking as a live call: a rehearsal lead (a fictional 555
number, never dialled) gets a Call row, the agent's steps, facts and any appointment are stored,
and the post-call analysis runs at the end. Type `#9` (any `#digits`) to press keys.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.calls.analytics import analyse_call
from apps.calls.conversation import DjangoCallDomain
from apps.calls.lifecycle import finish_call
from apps.calls.models import LIVE_CALL_STATUSES, Call, CallStatus
from apps.campaigns.services import campaign_for_command
from apps.leads.models import Lead, LeadStatus
from media_server.agent.interface import CallContext, Handover, Hangup, LeadTurn, Say, make_agent

REHEARSAL_PHONE = "+12025550100"  # 555-01xx numbers are fictional; the lead is never dialled


class Command(BaseCommand):
    help = "Talk to a campaign's agent by typing; the conversation is stored like a call's."
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="campaign slug")
        parser.add_argument("--lead", type=int, help="talk as this lead (id) instead of the rehearsal lead")
        parser.add_argument("--time-zone", default="America/New_York", help="the rehearsal lead's zone")
        parser.add_argument("--now", help="pretend it is this moment (ISO 8601), e.g. to rehearse slot offers")

    def handle(self, *args, campaign: str, lead: int | None, time_zone: str, now: str | None, **options):
        found = campaign_for_command(campaign)
        the_lead = self._lead(found, lead, time_zone)
        clock = _fixed_clock(now) if now else timezone.now
        # A rehearsal that crashed must not block the next one (one live call per lead).
        Call.objects.filter(lead=the_lead, provider="chat", status__in=LIVE_CALL_STATUSES).update(
            status=CallStatus.CANCELED, outcome="abandoned", ended_at=timezone.now())
        call = Call.objects.create(lead=the_lead, campaign=found, status=CallStatus.IN_PROGRESS, provider="chat",
                                   answered_at=clock(), placed_at=clock())
        self.stdout.write(self.style.MIGRATE_HEADING(
            f"Call #{call.pk} with {found.agent_name} of {found.company_name}. Type as the lead; #9 presses 9; "
            "an empty line or Ctrl-D hangs up."))
        reason = asyncio.run(self._converse(call, clock, options.get("stdin") or sys.stdin))
        finish_call(call.pk, CallStatus.COMPLETED, outcome="completed")
        result = analyse_call(call.pk)
        call.refresh_from_db()
        self.stdout.write(self.style.MIGRATE_HEADING(f"Call ended: {reason}"))
        self.stdout.write(f"Disposition: {result['disposition']}; score {call.score} ({call.score_band or '—'})")
        self.stdout.write(f"Summary: {call.summary}")

    def _lead(self, campaign, lead_id: int | None, time_zone: str) -> Lead:
        if lead_id is not None:
            found = Lead.objects.filter(pk=lead_id, campaign=campaign).first()
            if found is None:
                raise CommandError(f"No lead #{lead_id} in campaign {campaign.slug!r}")
            return found
        lead, _ = Lead.objects.update_or_create(
            campaign=campaign, phone=REHEARSAL_PHONE,
            defaults={"name": "Rehearsal Lead", "time_zone": time_zone, "status": LeadStatus.CALLED,
                      "next_attempt_at": None, "consent_source": "a rehearsal", "facts": {}},
        )
        return lead

    async def _converse(self, call: Call, clock, stdin) -> str:
        agent = make_agent(domain=DjangoCallDomain())  # what it decides is stored, as on a live call
        if hasattr(agent, "clock"):
            agent.clock = clock
        campaign, lead = call.campaign, call.lead
        context = CallContext(call_id=call.pk, lead_name=lead.name, agent_name=campaign.agent_name,
                              company_name=campaign.company_name, callback_number=campaign.callback_number,
                              lead_state=lead.state)
        ended = await self._show(agent.greeting(context), campaign.agent_name)
        while ended is None:
            self.stdout.write("> ", ending="")
            self.stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line.strip():
                if hasattr(agent, "settle"):
                    await agent.settle()
                return "the lead hung up"
            text, dtmf = (("", line.strip()[1:]) if line.strip().startswith("#") else (line.strip(), ""))
            ended = await self._show(agent.respond(LeadTurn(text, dtmf=dtmf), context), campaign.agent_name)
        if hasattr(agent, "settle"):
            await agent.settle()
        return ended

    async def _show(self, outputs, agent_name: str) -> str | None:
        async for output in outputs:
            if isinstance(output, Say):
                self.stdout.write(f"{agent_name}: {output.text}")
            elif isinstance(output, Handover):
                self.stdout.write(self.style.HTTP_INFO(f"  [{output.from_agent or 'start'} → {output.to_agent}: "
                                                       f"{output.reason}]"))
            elif isinstance(output, Hangup):
                return output.reason
        return None


def _fixed_clock(now: str):
    try:
        start = dt.datetime.fromisoformat(now)
    except ValueError:
        raise CommandError(f"--now: not an ISO 8601 moment: {now!r}") from None
    if timezone.is_naive(start):
        raise CommandError("--now needs a UTC offset, e.g. 2026-12-01T10:00:00-05:00")
    return lambda: start
