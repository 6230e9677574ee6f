"""The agent the media server talks to: understands each lead turn, runs the LangGraph, speaks the reply.

Understanding is by rules (media_server.agent.understanding) and, when Ollama is configured and the
rules found nothing, by a JSON-schema extraction with a 500 ms deadline. The graph decides what to
do and says it from templates; when Ollama is up, conversational replies are reworded by it and
streamed sentence by sentence, and a late or failed first token falls back to the template at
once. Sentences that carry legal or booking weight (the AI disclosure, opt-out, read-backs) are
always the templates' own words. Every decision is stored as an AgentStep, and the call's facts,
score and objections are kept on the Call as the call goes.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import asdict
from zoneinfo import ZoneInfo

from django.utils import timezone

from media_server.agent.checkpoint import RedisCheckpointSaver
from media_server.agent.facts import FACT_NAMES, INTENTS, OBJECTIONS, Understanding
from media_server.agent.graph import AgentGraph, CallState
from media_server.agent.interface import AgentOutput, CallContext, Handover, Hangup, LeadTurn, Say
from media_server.agent.llm import usage_sink
from media_server.agent.understanding import understand
from media_server.dbthread import run_db

log = logging.getLogger(__name__)

DEFAULT_ZONE = "America/New_York"
# A turn is checkpointed once, when the graph has finished with it: a turn is all or nothing, and
# one Redis write per turn instead of one per node keeps the decision well inside 20 ms.
DURABILITY = "exit"
REMEMBERED_CALLS = 1000  # what this process keeps in memory per call; the checkpoint has the rest
# What Ollama is asked to fill in when the rules understood nothing (format= JSON schema).
EXTRACTION_SCHEMA = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": list(INTENTS)},
        "objection": {"type": "string", "enum": ["", *OBJECTIONS]},
        "facts": {"type": "object", "properties": {
            "intent": {"type": "string", "enum": ["buy", "sell", "both", "rent"]},
            "location": {"type": "string"}, "budget": {"type": "integer"}, "motivation": {"type": "string"},
            "has_agent": {"type": "boolean"}, "timeline": {"type": "integer"}, "bedrooms": {"type": "integer"},
            "preapproved": {"type": "string", "enum": ["yes", "no", "in_progress", "cash"]},
        }},
    },
    "required": ["intent", "facts"],
}
EXTRACTION_PROMPT = ("You read one thing a person said on a phone call with a real estate assistant and return "
                     "JSON only. The assistant had asked about: {expecting}. timeline is months until they move; "
                     "budget is US dollars. Leave out facts they did not say.")
REPLY_PROMPT = ("You are {agent}, an automated assistant (an AI) calling for {company}, a real estate team, "
                "speaking on the phone with {lead}. Be warm, brief and honest; never invent prices, homes or "
                "availability. Answer in at most two short spoken sentences, no lists, no markdown. Keep the "
                "meaning of the draft you are given and end with its question if it has one.")


# What a low-confidence transcript may still be taken at its word for: an answer with facts in it (a
# synthetic or accented voice often scores low while its words are exact), or a request that costs the
# lead nothing to honour. A bare "yes" to a booking read-back is not among them: that is asked again.
_SAFE_WHEN_UNSURE = frozenset({"opt_out", "other_language", "wrong_number", "voicemail", "is_robot", "who_is_this"})


def _plain_enough(understood: Understanding) -> bool:
    if understood.intent in _SAFE_WHEN_UNSURE:
        return True
    return any(fact.name != "slot_choice" for fact in understood.facts) and understood.intent != "unclear"


def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or DEFAULT_ZONE)


class Actions:
    """What the conversation does in the world: the do-not-call list, callbacks, free slots, bookings."""

    def _now(self, state: CallState) -> dt.datetime:
        return dt.datetime.fromisoformat(state["now"]).astimezone(_zone(state.get("lead_tz")))

    def opt_out(self, state: CallState) -> None:
        from apps.leads.models import DoNotCall
        from apps.leads.services import add_to_do_not_call

        add_to_do_not_call(state["phone"], reason=f"Asked on call #{state['call_id']}", source=DoNotCall.Source.OPT_OUT)

    def stop_calling(self, state: CallState, invalid: bool = False) -> None:
        from apps.leads.services import stop_calling

        stop_calling(state["lead_id"], invalid=invalid)

    def schedule_callback(self, state: CallState, at: dt.datetime) -> None:
        from apps.leads.services import schedule_callback

        schedule_callback(state["lead_id"], at)

    def callback_time(self, state: CallState, when: dict) -> dt.datetime:
        """The moment to call back: the time named, or the first callable moment of the range named."""
        now = self._now(state)
        zone = now.tzinfo
        start = dt.datetime.fromisoformat(when["start"]).astimezone(zone)
        opens, closes = (dt.time.fromisoformat(t) for t in (state.get("window") or ["08:00", "21:00"]))
        if when.get("day_start"):
            opens = max(opens, dt.time.fromisoformat(when["day_start"]))
        at = max(start, now + dt.timedelta(minutes=15))
        for _ in range(8):  # the first day whose window is still open
            day_open = at.replace(hour=opens.hour, minute=opens.minute, second=0, microsecond=0)
            day_close = at.replace(hour=closes.hour, minute=closes.minute, second=0, microsecond=0)
            if at < day_open:
                return day_open
            if at < day_close - dt.timedelta(minutes=15):
                return at.replace(second=0, microsecond=0)
            at = (at + dt.timedelta(days=1)).replace(hour=0, minute=0)
        return start

    def speak_time(self, state: CallState, at: dt.datetime) -> str:
        from apps.calls.scheduling import speak_slot

        return speak_slot(at, _zone(state.get("lead_tz")), now=self._now(state))

    def free_slots(self, state: CallState, when: dict | None) -> list[dict]:
        from apps.calls.scheduling import free_slots
        from apps.campaigns.models import Campaign

        campaign = Campaign.objects.get(pk=state["campaign_id"])
        zone = _zone(state.get("lead_tz"))
        kwargs = {}
        if when:
            start = dt.datetime.fromisoformat(when["start"])
            end = dt.datetime.fromisoformat(when["end"])
            if when.get("exact"):
                end = start + dt.timedelta(minutes=campaign.appointment_minutes)
            kwargs["within"] = (start, end)
            kwargs["day_start"] = dt.time.fromisoformat(when["day_start"]) if when.get("day_start") else None
            kwargs["day_end"] = dt.time.fromisoformat(when["day_end"]) if when.get("day_end") else None
        slots = free_slots(campaign, after=self._now(state), count=2, lead_tz=zone, **kwargs)
        return [{"starts_at": s.starts_at.astimezone(dt.UTC).isoformat(),
                 "ends_at": s.ends_at.astimezone(dt.UTC).isoformat(),
                 "agent_id": s.agent_id, "agent_name": s.agent_name} for s in slots]

    def book(self, state: CallState, slot: dict) -> dict | None:
        from apps.calls.models import Call
        from apps.calls.scheduling import Slot, SlotTaken, book_appointment

        call = Call.objects.select_related("lead").get(pk=state["call_id"])
        chosen = Slot(starts_at=dt.datetime.fromisoformat(slot["starts_at"]),
                      ends_at=dt.datetime.fromisoformat(slot["ends_at"]),
                      agent_id=slot["agent_id"], agent_name=slot["agent_name"])
        try:
            appointment = book_appointment(lead=call.lead, call=call, slot=chosen, lead_tz=state.get("lead_tz", ""),
                                           notes=_notes(state.get("facts") or {}),
                                           now=dt.datetime.fromisoformat(state["now"]))  # the clock that offered it
        except SlotTaken:
            log.info("call %s: slot %s was taken meanwhile", state["call_id"], slot["starts_at"])
            return None
        return {"id": appointment.pk, "starts_at": slot["starts_at"], "agent_name": slot["agent_name"]}


def _notes(facts: dict) -> str:
    return "; ".join(f"{name}: {fact['value']}" + (f" (\"{fact['words']}\")" if fact.get("words") else "")
                     for name, fact in facts.items())


def initial_state(call_id: int, now: dt.datetime) -> CallState:
    """What the graph needs to know about the call, the lead and the campaign before the first word."""
    from apps.calls.models import Call, HumanAgent

    call = Call.objects.select_related("lead", "campaign").get(pk=call_id)
    lead, campaign = call.lead, call.campaign
    zone = lead.time_zone or (HumanAgent.objects.filter(campaigns=campaign, is_active=True)
                              .values_list("time_zone", flat=True).first()) or DEFAULT_ZONE
    return {
        "call_id": call.pk, "lead_id": lead.pk, "campaign_id": campaign.pk, "phone": lead.phone, "lead_tz": zone,
        "persona": {"agent_name": campaign.agent_name, "company_name": campaign.company_name,
                    "callback_number": campaign.callback_number, "lead_name": lead.name},
        "consent": {"source": lead.consent_source, "at": lead.consent_at.isoformat() if lead.consent_at else ""},
        "lead_email": lead.email,
        "scoring": {"weights": campaign.score_weights, "hot": campaign.hot_threshold, "warm": campaign.warm_threshold},
        "window": [f"{campaign.window_start:%H:%M}", f"{campaign.window_end:%H:%M}"],
        "answered_by": call.answered_by, "voicemail_message": campaign.voicemail_message,
        "now": now.astimezone(dt.UTC).isoformat(), "turn_number": 0, "turn": None,
        "facts": dict(lead.facts or {}), "asked": {}, "objections": {}, "offered": [], "chosen": None,
        "appointment": None, "callback_at": None, "disposition": "", "soft_exit": False, "tries": 0,
        "agent": "", "expecting": "", "question": "", "hangup": "", "replies": [], "handovers": [],
    }


class Orchestrator:
    """media_server.agent.interface.Agent, backed by the LangGraph in media_server.agent.graph."""

    def __init__(self, *, clock=None, checkpointer=None, brain=...):
        from media_server.agent.llm import brain_from_settings

        self.clock = clock or timezone.now
        self.brain = brain_from_settings() if brain is ... else brain
        self.graph = AgentGraph(Actions(), checkpointer or RedisCheckpointSaver()).graph
        self._calls: dict[int, tuple[str, str, int]] = {}  # call id → (what we asked, lead zone, turns taken)
        self._background: set[asyncio.Task] = set()

    def warm_up(self) -> None:
        """Load what the first turn would otherwise wait for (dateparser's tables), at worker start."""
        from media_server.agent.when import warm_up

        warm_up()

    async def settle(self) -> None:
        """Wait for the records still being written (tests, and the chat command before it exits)."""
        while self._background:
            await asyncio.gather(*self._background, return_exceptions=True)

    @staticmethod
    def config(call_id: int) -> dict:
        return {"configurable": {"thread_id": f"call-{call_id}"}}

    def state(self, call_id: int) -> dict:
        """The call's graph state as checkpointed (what a restarted worker resumes from)."""
        return self.graph.get_state(self.config(call_id)).values

    # --- the Agent interface -----------------------------------------------------------

    async def greeting(self, context: CallContext) -> AsyncIterator[AgentOutput]:
        result = await run_db(self._greet, context.call_id)
        async for output in self._speak(result, context, None, mode="rules"):
            yield output

    async def respond(self, turn: LeadTurn, context: CallContext) -> AsyncIterator[AgentOutput]:
        started = time.perf_counter()
        tokens: list = []
        usage_sink.set(tokens)  # this task's model usage, charged to this call
        expecting, zone, _ = self._calls.get(context.call_id) or await run_db(self._recall, context)
        now = self.clock().astimezone(_zone(zone))
        # A language other than English is only ever set when Whisper was sure of it (the call's first
        # words): that the words themselves came out garbled does not make the lead speak English.
        other_language = not (turn.language or "en").lower().startswith("en")
        understood = understand(turn.text, now=now, dtmf=turn.dtmf, expecting=expecting, language=turn.language)
        if not turn.usable and not turn.dtmf and not other_language and not _plain_enough(understood):
            understood = Understanding(intent="repeat", unsure=understood.intent)
        mode = "rules"
        if self.brain is not None and understood.intent == "unclear" and turn.text.strip():
            if await self._extract(context.call_id, turn.text, expecting, understood):
                mode = "llm"
        result = await run_db(self._decide, context.call_id, turn, understood, now)
        result["decide_ms"] = (time.perf_counter() - started) * 1000
        result["llm_usage"] = tokens
        async for output in self._speak(result, context, turn, mode=mode):
            yield output

    # --- deciding (worker thread) ------------------------------------------------------

    def _greet(self, call_id: int) -> dict:
        config = self.config(call_id)
        if self.graph.get_state(config).values.get("turn_number"):
            state = {"turn": None, "now": self.clock().astimezone(dt.UTC).isoformat(), "replies": _reset(),
                     "handovers": _reset(), "hangup": "", "answered_by": _answered_by(call_id)}
        else:
            state = initial_state(call_id, self.clock())
        result = self.graph.invoke(state, config, durability=DURABILITY)
        self._remember(call_id, result)
        return result

    def _remember(self, call_id: int, result: dict) -> None:
        self._calls[call_id] = (result.get("expecting", ""), result.get("lead_tz", ""), result.get("turn_number") or 0)
        if len(self._calls) > REMEMBERED_CALLS:  # calls the lead hung up never say goodbye here: forget the oldest
            self._calls.pop(next(iter(self._calls)))
        if result.get("hangup"):
            self._calls.pop(call_id, None)  # the call is over; its checkpoint stays for analysis

    def _recall(self, context: CallContext) -> tuple[str, str, int]:
        """What this process does not remember (a restarted worker), from the checkpoint."""
        values = self.state(context.call_id)
        return values.get("expecting", ""), values.get("lead_tz", ""), values.get("turn_number") or 0

    def _decide(self, call_id: int, turn: LeadTurn, understood: Understanding, now: dt.datetime) -> dict:
        config = self.config(call_id)
        remembered = self._calls.get(call_id)
        number = (remembered[2] if remembered else self.state(call_id).get("turn_number") or 0) + 1
        understanding = asdict(understood)
        if understood.when is not None:
            understanding["when"] = _when_dict(understood.when)
        answered_by, wrap_up = _call_now(call_id, now)
        result = self.graph.invoke({
            "turn": {"text": turn.text, "dtmf": turn.dtmf, "usable": turn.usable}, "turn_number": number,
            "answered_by": answered_by,  # machine detection may have answered since the last turn
            "wrap_up": wrap_up,
            "understanding": understanding, "now": now.astimezone(dt.UTC).isoformat(),
            "replies": _reset(), "handovers": _reset(), "hangup": "", "free_reply": True,
        }, config, durability=DURABILITY)
        self._remember(call_id, result)
        return result

    async def _extract(self, call_id: int, text: str, expecting: str, understood: Understanding) -> bool:
        """Ask Ollama what the rules could not tell; its answer is checked against our own vocabulary."""
        from media_server.agent.facts import Fact

        found = await self.brain.extract(EXTRACTION_PROMPT.format(expecting=expecting or "nothing yet"), text,
                                         EXTRACTION_SCHEMA, call_id=call_id)
        if not found:
            return False
        if found.get("intent") in INTENTS:
            understood.intent = found["intent"]
        if found.get("objection") in OBJECTIONS:
            understood.objection = found["objection"]
        for name, value in (found.get("facts") or {}).items():
            if name in FACT_NAMES and value not in (None, ""):
                understood.facts.append(Fact(name, value, words=text[:80]))
        if understood.facts and understood.intent == "unclear":
            understood.intent = "inform"
        return True

    # --- speaking ----------------------------------------------------------------------

    async def _speak(self, result: dict, context: CallContext, turn: LeadTurn | None,
                     mode: str) -> AsyncIterator[AgentOutput]:
        context.facts = {name: fact.get("value") for name, fact in (result.get("facts") or {}).items()}
        for from_agent, to_agent, reason in result.get("handovers") or []:
            yield Handover(from_agent, to_agent, reason)
        said: list[str] = []
        if self.brain is not None and result.get("free_reply") and turn is not None and result.get("replies"):
            try:
                async for sentence in self._reworded(result, context, turn):
                    said.append(sentence)
                    if len(said) == 1:
                        mode = "llm"
                    yield Say(sentence)
            except Exception as exc:  # noqa: BLE001 - any LLM trouble: the template says it, no dead air
                log.info("call %s: LLM reply unavailable (%s), templates used", context.call_id,
                         type(exc).__name__)
        if not said:
            for sentence in result.get("replies") or []:
                said.append(sentence)
                yield Say(sentence)
        if turn is not None:
            self._keep(self._record(result, turn, " ".join(said), mode))
        if result.get("hangup"):
            yield Hangup(result["hangup"])

    async def _reworded(self, result: dict, context: CallContext, turn: LeadTurn) -> AsyncIterator[str]:
        persona = result.get("persona") or {}
        system = REPLY_PROMPT.format(agent=persona.get("agent_name", context.agent_name),
                                     company=persona.get("company_name", context.company_name),
                                     lead=context.lead_name or "a lead")
        draft = " ".join(result["replies"])
        messages = [{"role": "user", "content": f"The lead said: {turn.text}\nDraft reply: {draft}"}]
        async with aclosing(self.brain.reply(system, messages, call_id=context.call_id)) as sentences:
            async for sentence in sentences:
                yield sentence

    def _keep(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _record(self, result: dict, turn: LeadTurn, reply: str, mode: str) -> None:
        from apps.calls import live

        try:
            await run_db(record_step, result, turn, reply, mode)
        except Exception:  # noqa: BLE001 - a lost record must not end the call
            log.exception("call %s: could not store the agent step", result.get("call_id"))
            return
        score = result.get("score") or {}  # the score so far, to the live-calls page (never raises)
        await live.apublish("score", result["call_id"], score=score.get("total"), band=score.get("band", ""),
                            agent=result.get("agent", ""))


def _answered_by(call_id: int) -> str:
    from apps.calls.models import Call

    return Call.objects.filter(pk=call_id).values_list("answered_by", flat=True).first() or ""


def _call_now(call_id: int, now: dt.datetime) -> tuple[str, bool]:
    """Who answered (machine detection may have spoken since the last turn), and whether the call must
    wrap up: a turn from now it would cost more than the campaign's per-call cap."""
    from apps.calls.models import Call
    from apps.costs.services import projected_call_cost

    call = Call.objects.select_related("campaign").get(pk=call_id)
    cap = call.campaign.budget_per_call
    return call.answered_by, bool(cap) and projected_call_cost(call, now) >= cap


def _reset():
    from langgraph.types import Overwrite

    return Overwrite([])


def _when_dict(when) -> dict:
    return {"start": when.start.isoformat(), "end": when.end.isoformat(), "exact": when.exact, "words": when.words,
            "day_start": when.day_start.isoformat() if when.day_start else None,
            "day_end": when.day_end.isoformat() if when.day_end else None}


def record_step(result: dict, turn: LeadTurn, reply: str, mode: str) -> None:
    """One AgentStep row, and the call's running facts, score and objections."""
    from apps.calls.models import AgentStep, Call
    from apps.costs.models import CostEntry
    from apps.costs.services import record_cost

    understanding = result.get("understanding") or {}
    score = result.get("score") or {}
    AgentStep.objects.update_or_create(call_id=result["call_id"], number=result.get("turn_number", 0), defaults={
        "lead_text": turn.text, "dtmf": turn.dtmf, "intent": understanding.get("intent", ""),
        "objection": understanding.get("objection", ""), "route": result.get("agent", ""),
        "new_facts": result.get("new_facts") or {}, "score": score.get("total"), "reply": reply, "mode": mode,
        "decide_ms": round(result.get("decide_ms", 0)),
    })
    tokens = sum(u.prompt_tokens + u.completion_tokens for u in result.get("llm_usage") or [])
    if tokens:
        record_cost(result["call_id"], CostEntry.Kind.LLM, tokens, campaign_id=result.get("campaign_id"))
    Call.objects.filter(pk=result["call_id"]).update(
        facts=result.get("facts") or {}, score=score.get("total"), score_band=score.get("band", ""),
        score_breakdown=score.get("breakdown") or {}, objections=result.get("objections") or {},
        disposition=result.get("disposition") or "",
        callback_at=dt.datetime.fromisoformat(result["callback_at"]) if result.get("callback_at") else None,
    )
