"""The agent the media server talks to: understands each lead turn, runs the LangGraph, speaks the reply.

Understanding is by rules (media_server.agent.understanding) and, when Ollama is configured and the
rules found nothing, by a JSON-schema extraction with a 500 ms deadline. The graph decides what to
do and says it from templates; when Ollama is up, conversational replies are reworded by it and
streamed sentence by sentence, and a late or failed first token falls back to the template at
once. Sentences that carry legal or booking weight (the AI disclosure, opt-out, read-backs) are
always the templates' own words. What the conversation does in the world (the do-not-call list,
callbacks, free slots, bookings) and every decision kept (with the call's facts, score and objections)
go through the CallDomain the agent is handed (media_server.agent.domain): the database's on a live
call and in `chat`, an in-memory one in tests. The lead's score is yielded with each reply.
"""
from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import AsyncIterator
from contextlib import aclosing
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone
from langgraph.types import Overwrite

from media_server.agent.checkpoint import RedisCheckpointSaver
from media_server.agent.domain import CallDomain
from media_server.agent.facts import FACT_NAMES, INTENTS, OBJECTIONS, Fact, Understanding
from media_server.agent.graph import AgentGraph, CallState
from media_server.agent.interface import AgentOutput, CallContext, Handover, Hangup, LeadTurn, Say, Score, Transfer
from media_server.agent.llm import brain_from_settings, usage_sink
from media_server.agent.places import warm_up as load_gazetteer
from media_server.agent.understanding import understand
from media_server.agent.when import warm_up as load_date_tables

log = logging.getLogger(__name__)

DEFAULT_ZONE = "America/New_York"
# A turn is checkpointed once, when the graph has finished with it: a turn is all or nothing, and
# one Redis write per turn instead of one per node keeps the decision well inside 20 ms.
DURABILITY = "exit"
REMEMBERED_CALLS = 1000  # what this process keeps in memory per call; the checkpoint has the rest
# What the LLM is asked to fill in when the rules understood nothing (a JSON schema: every intent, objection
# and fact the rules know).
EXTRACTION_SCHEMA = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": list(INTENTS)},
        "objection": {"type": "string", "enum": ["", *OBJECTIONS]},
        "facts": {"type": "object", "properties": {
            "intent": {"type": "string", "enum": ["buy", "sell", "both", "rent"]},
            "location": {"type": "string"}, "budget": {"type": "integer"}, "budget_high": {"type": "integer"},
            "motivation": {"type": "string"},
            "has_agent": {"type": "boolean"}, "timeline": {"type": "integer"}, "bedrooms": {"type": "integer"},
            "preapproved": {"type": "string", "enum": ["yes", "no", "in_progress", "cash"]},
        }},
    },
    "required": ["intent", "facts"],
}
EXTRACTION_PROMPT = ("You read what a person just said on a phone call with a real estate assistant and return "
                     "JSON only. The conversation so far:\n{history}\nThe assistant had just asked about: "
                     "{expecting}. timeline is months until they move; budget is US dollars (budget_high the top of "
                     "a range). Leave out facts they did not say; a wrong fact is worse than a missing one.")
HISTORY_TURNS = 3  # what the LLM reads of the conversation before the lead's last words
# What a lead says over the agent's goodbye that is still acted on (the rest hears the goodbye again): a request
# to be left alone is honoured whenever it is made.
HEARD_AFTER_GOODBYE = frozenset({"opt_out", "wrong_number"})
# Intents that end or redirect a call are the rules' to decide; the model may add an opt-out (a lead is then
# never called again on its word, the safe side) but never ends a call as a wrong number, a machine, another
# language, and never takes an opt-out away (it is only asked when the rules found nothing at all).
_MODEL_MAY_NOT_SAY = frozenset({"wrong_number", "voicemail", "other_language", "is_robot"})
MAX_LLM_SENTENCES = 2  # the reply prompt asks for two; a model that rambles is cut there
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


def initial_state(opening: dict, now: dt.datetime) -> CallState:
    """The graph's state before the first word: what the domain knows of the call, the lead and the campaign
    (CallDomain.opening_state), and a conversation not yet begun."""
    return {
        **opening, "lead_tz": opening.get("lead_tz") or DEFAULT_ZONE,
        "now": now.astimezone(dt.UTC).isoformat(), "turn_number": 0, "turn": None,
        "facts": dict(opening.get("facts") or {}), "asked": {}, "objections": {}, "offered": [], "chosen": None,
        "appointment": None, "callback_at": None, "disposition": "", "soft_exit": False, "tries": 0,
        "agent": "", "expecting": "", "question": "", "hangup": "", "replies": [], "handovers": [],
    }


class Orchestrator:
    """media_server.agent.interface.Agent, backed by the LangGraph in media_server.agent.graph; `domain` does
    what it decides (media_server.agent.domain.CallDomain)."""

    def __init__(self, *, domain: CallDomain, clock=None, checkpointer=None, brain=...):
        self.domain = domain
        self.clock = clock or timezone.now
        self.brain = brain_from_settings() if brain is ... else brain
        self.graph = AgentGraph(domain, checkpointer or RedisCheckpointSaver()).graph
        self._calls: dict[int, tuple[str, str, int]] = {}  # call id → (what we asked, lead zone, turns taken)
        self._history: dict[int, list[str]] = {}  # call id → the last lines said, for the LLM to read
        self._ended: dict[int, _Ending] = {}  # call id → how the agent ended it, and what is left to say
        self._background: set[asyncio.Task] = set()

    def warm_up(self) -> None:
        """Load what the first turn would otherwise wait for (dateparser's tables, the gazetteer, the English word
        frequencies that read a dropped g or another language), at worker start."""
        load_date_tables()
        load_gazetteer()
        understand("we're throwin around the idea of buyin somethin", now=self.clock())

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
        result = await self.domain.run(self._greet, context.call_id)
        async with aclosing(self._speak(result, context, None, mode="rules")) as outputs:
            async for output in outputs:
                yield output

    async def respond(self, turn: LeadTurn, context: CallContext) -> AsyncIterator[AgentOutput]:
        started = time.perf_counter()
        tokens: list = []
        usage_sink.set(tokens)  # this task's model usage, charged to this call
        remembered = self._calls.get(context.call_id)
        if remembered is None and context.call_id not in self._ended:
            remembered = await self.domain.run(self._recall, context)
        ended = context.call_id in self._ended
        expecting, zone, _ = (self._ended[context.call_id].where if ended else remembered)
        now = self.clock().astimezone(_zone(zone))
        understood, mode = await self.read(turn, expecting=expecting, now=now, call_id=context.call_id,
                                           state=context.lead_state)
        if ended and understood.intent not in HEARD_AFTER_GOODBYE:
            async for output in self._closing(context.call_id):
                yield output
            return
        # The decision stands once taken, even when the lead cuts in while it is being made (the reply task is
        # cancelled then): it is recorded when it is done, said or not, so no call back or booking goes unstored.
        deciding = asyncio.ensure_future(self.domain.run(self._decide, context.call_id, turn, understood, now))
        try:
            result = await asyncio.shield(deciding)
        except asyncio.CancelledError:
            deciding.add_done_callback(lambda done: self._unsaid(done, turn, mode))
            raise
        result["decide_ms"] = (time.perf_counter() - started) * 1000
        result["llm_usage"] = tokens
        async with aclosing(self._speak(result, context, turn, mode=mode)) as outputs:  # cut: closed, and recorded
            async for output in outputs:
                yield output

    async def read(self, turn: LeadTurn, *, expecting: str, now: dt.datetime,
                   call_id: int | None = None, state: str = "") -> tuple[Understanding, str]:
        """What the lead's turn means, and who read it ("rules" or "llm"): the same reading on a call, in
        `manage.py understand` and in `manage.py eval_agent`. `state`: the lead's own (their address)."""
        # A language other than English is only ever set when Whisper was sure of it (the call's first
        # words): that the words themselves came out garbled does not make the lead speak English.
        other_language = not (turn.language or "en").lower().startswith("en")
        understood = understand(turn.text, now=now, dtmf=turn.dtmf, expecting=expecting, language=turn.language,
                                state=state)
        if not turn.usable and not turn.dtmf and not other_language and not _plain_enough(understood):
            understood = Understanding(intent="repeat", unsure=understood.intent)
        mode = "rules"
        unread = understood.intent == "unclear" or understood.intent == "inform" and not understood.facts
        if self.brain is not None and unread and turn.text.strip():  # the model reads what the rules could not
            if await self._extract(call_id, turn.text, expecting, understood):
                mode = "llm"
        if call_id is not None:
            history = self._history.setdefault(call_id, [])
            history.append(f"Lead: {turn.text}")
            del history[:-2 * HISTORY_TURNS]
        return understood, mode

    async def _closing(self, call_id: int) -> AsyncIterator[AgentOutput]:
        """A turn after the agent decided to hang up: the lead talked over its last reply (a barge-in cut it, and
        its hang-up with it), or spoke while it played. Nothing is decided again (a booked call would book again;
        only HEARD_AFTER_GOODBYE is): the last reply is said once more, as they did not hear it, then the call
        ends; a second cut just ends it."""
        ended = self._ended[call_id]
        ended.said_again += 1
        if ended.said_again == 1:  # heard out this time: talking over it again would leave them without it
            for sentence in ended.replies:
                yield Say(sentence, final=True)
            if ended.unsaid is not None:  # its decision was recorded with nothing said: now it has been
                result, turn, mode = ended.unsaid
                self._keep(self._record(result, turn, " ".join(ended.replies), mode))
        yield Hangup(ended.reason)

    # --- deciding (worker thread) ------------------------------------------------------

    def _greet(self, call_id: int) -> dict:
        config = self.config(call_id)
        if self.graph.get_state(config).values.get("turn_number"):
            state = {"turn": None, "now": self.clock().astimezone(dt.UTC).isoformat(), "replies": _reset(),
                     "handovers": _reset(), "hangup": "", "answered_by": self.domain.answered_by(call_id)}
        else:
            state = initial_state(self.domain.opening_state(call_id), self.clock())
        result = self.graph.invoke(state, config, durability=DURABILITY)
        self._remember(call_id, result)
        return result

    def _remember(self, call_id: int, result: dict) -> None:
        self._calls[call_id] = _where(result)
        if len(self._calls) > REMEMBERED_CALLS:  # calls the lead hung up never say goodbye here: forget the oldest
            self._calls.pop(next(iter(self._calls)))
        if result.get("replies"):
            history = self._history.setdefault(call_id, [])
            history.append("Assistant: " + " ".join(result["replies"]))
            del history[:-2 * HISTORY_TURNS]
        if len(self._history) > REMEMBERED_CALLS:
            self._history.pop(next(iter(self._history)))
        if not result.get("hangup"):
            self._ended.pop(call_id, None)  # a call resumed after its end was decided (a restarted worker)
        else:
            self._calls.pop(call_id, None)  # the call is over; its checkpoint stays for analysis
            self._history.pop(call_id, None)
            self._ended[call_id] = _Ending.of(result)
            if len(self._ended) > REMEMBERED_CALLS:
                self._ended.pop(next(iter(self._ended)))

    def _recall(self, context: CallContext) -> tuple[str, str, int]:
        """What this process does not remember (a restarted worker), from the checkpoint."""
        values = self.state(context.call_id)
        if values.get("hangup") and values.get("turn_number"):  # it ended the call (on another worker, or forgotten)
            self._ended[context.call_id] = _Ending.of(values)
        return _where(values)

    def _decide(self, call_id: int, turn: LeadTurn, understood: Understanding, now: dt.datetime) -> dict:
        config = self.config(call_id)
        remembered = self._calls.get(call_id)
        number = (remembered[2] if remembered else self.state(call_id).get("turn_number") or 0) + 1
        understanding = asdict(understood)
        for name in ("when", "time_offered"):
            if getattr(understood, name) is not None:
                understanding[name] = _when_dict(getattr(understood, name))
        answered_by, wrap_up = self.domain.call_now(call_id, now)
        result = self.graph.invoke({
            "turn": {"text": turn.text, "dtmf": turn.dtmf, "usable": turn.usable, "event": turn.event,
                     "interrupted": turn.interrupted_agent, "heard": turn.heard},
            "turn_number": number, "transfer_now": None,
            "answered_by": answered_by,  # machine detection may have answered since the last turn
            "wrap_up": wrap_up,
            "understanding": understanding, "now": now.astimezone(dt.UTC).isoformat(),
            "handovers": _reset(), "hangup": "", "free_reply": True,  # take_turn moves the last replies to spoken
        }, config, durability=DURABILITY)
        self._remember(call_id, result)
        return result

    async def _extract(self, call_id: int, text: str, expecting: str, understood: Understanding) -> bool:
        """Ask Ollama what the rules could not tell; its answer is checked against our own vocabulary."""
        history = "\n".join(self._history.get(call_id, [])[-2 * HISTORY_TURNS:]) or "(just started)"
        prompt = EXTRACTION_PROMPT.format(history=history, expecting=expecting or "nothing yet")
        found = await self.brain.extract(prompt, text, EXTRACTION_SCHEMA, call_id=call_id)
        if not found:
            return False
        if found.get("intent") in INTENTS and found["intent"] not in _MODEL_MAY_NOT_SAY:
            understood.intent = found["intent"]
        if found.get("objection") in OBJECTIONS:
            understood.objection = found["objection"]
        facts = found.get("facts") or {}
        for name, value in facts.items():
            if name in FACT_NAMES and value not in (None, ""):
                high = facts.get("budget_high") if name == "budget" else None
                high = high if isinstance(high, int) else None
                understood.facts.append(Fact(name, value, words=text[:80], high=high))
        if understood.facts and understood.intent == "unclear":
            understood.intent = "inform"
        return True

    # --- speaking ----------------------------------------------------------------------

    async def _speak(self, result: dict, context: CallContext, turn: LeadTurn | None,
                     mode: str) -> AsyncIterator[AgentOutput]:
        context.facts = {name: fact.get("value") for name, fact in (result.get("facts") or {}).items()}
        if score := result.get("score"):  # before the first sentence: the voice may change with it
            yield Score(score["total"], score["band"])
        for from_agent, to_agent, reason in result.get("handovers") or []:
            yield Handover(from_agent, to_agent, reason)
        said: list[str] = []
        try:
            # a disclosure said again leads the reply: the LLM rewords none of it
            free = result.get("free_reply") and not result.get("disclosed_now")
            if self.brain is not None and free and turn is not None and result.get("replies"):
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
        finally:  # spoken in full, or cut by the lead (the pipeline closes the reply): recorded with what was said
            if turn is not None:
                self._keep(self._record(result, turn, " ".join(said), mode))
        if transfer := result.get("transfer_now"):
            yield Transfer(transfer["reason"], transfer["human"])
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
            count = 0
            async for sentence in sentences:
                yield sentence
                count += 1
                if count >= MAX_LLM_SENTENCES:
                    return

    def _keep(self, coroutine) -> None:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _unsaid(self, deciding: asyncio.Future, turn: LeadTurn, mode: str) -> None:
        """A decision whose reply was cancelled before a word of it was said: on record all the same."""
        if not deciding.cancelled() and deciding.exception() is None:
            result = deciding.result()
            if (ended := self._ended.get(result.get("call_id"))) is not None:
                ended.unsaid = (result, turn, mode)  # the closing turn says it, and records it said
            self._keep(self._record(result, turn, "", mode))

    async def _record(self, result: dict, turn: LeadTurn, reply: str, mode: str) -> None:
        tokens = sum(u.prompt_tokens + u.completion_tokens for u in result.get("llm_usage") or [])
        try:
            await self.domain.run(self.domain.record_step, result, lead_text=turn.text, dtmf=turn.dtmf, reply=reply,
                         mode=mode, llm_tokens=tokens)
        except Exception:  # noqa: BLE001 - a lost record must not end the call
            log.exception("call %s: could not store the agent step", result.get("call_id"))
            return
        score = result.get("score") or {}  # the score so far, to the live-calls page (never raises)
        await self.domain.show_score(result["call_id"], score.get("total"), score.get("band", ""),
                                     result.get("agent", ""))


def _where(state: dict) -> tuple[str, str, int]:
    """Where a call stands: what we asked, the lead's zone, turns taken."""
    return state.get("expecting", ""), state.get("lead_tz", ""), state.get("turn_number") or 0


@dataclass
class _Ending:
    """A call the agent decided to end."""

    reason: str  # the hang-up's
    replies: list[str]  # its last reply's sentences
    where: tuple[str, str, int]  # _where() when it ended
    said_again: int = 0  # turns the lead took after it
    unsaid: tuple | None = None  # (result, lead turn, mode): the decision, when its reply was cancelled unsaid

    @classmethod
    def of(cls, state: dict) -> _Ending:
        return cls(state["hangup"], list(state.get("replies") or []), _where(state))


def _reset():
    return Overwrite([])


def _when_dict(when) -> dict:
    return {"start": when.start.isoformat(), "end": when.end.isoformat(), "exact": when.exact, "words": when.words,
            "day_start": when.day_start.isoformat() if when.day_start else None,
            "day_end": when.day_end.isoformat() if when.day_end else None,
            "around": when.around.isoformat() if when.around else None, "ruled_out_only": when.ruled_out_only}
