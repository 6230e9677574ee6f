"""What the agent asks of the world it calls in: the call's opening facts, and the actions a conversation takes.

The agent decides; a CallDomain is handed to it and does. A live call and `manage.py chat` hand it
the database's (apps.calls.conversation.DjangoCallDomain); a test may hand it one that only
remembers what it was asked. The agent runs each turn's graph, which calls the blocking methods, through the
domain's own `run` (the Django domain: on the database thread, apps.core.dbthread), so an implementation may
block on its database and the agent knows nothing of where; `state` is the graph's CallState
(media_server.agent.graph): ids, the lead's zone, `now`, the facts so far.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol, TypeVar

T = TypeVar("T")


class CallDomain(Protocol):
    async def run(self, work: Callable[..., T], *args, **kwargs) -> T:
        """Run `work(*args, **kwargs)` (a turn of the graph, which calls the methods below) where this domain may
        block, and wait for it without blocking the event loop."""

    # --- before and between turns -------------------------------------------------------

    def opening_state(self, call_id: int) -> dict:
        """What the graph must know before the first word: call_id, lead_id, campaign_id, phone, lead_tz ("" when
        unknown), persona (agent_name, company_name, callback_number, lead_name), consent (source, at ISO),
        lead_email, scoring (weights, hot, warm), answered_by, voicemail_message and the lead's known facts."""

    def answered_by(self, call_id: int) -> str:
        """Machine detection's verdict so far: "", human, machine_start, machine_end_beep, ..."""

    def call_now(self, call_id: int, now: dt.datetime) -> tuple[str, bool]:
        """Who answered, and whether the call must wrap up: a turn from now it would pass its cost cap."""

    # --- what the conversation does -----------------------------------------------------

    def opt_out(self, state: dict) -> None:
        """The lead asked never to be called again: their number goes on the do-not-call list."""

    def stop_calling(self, state: dict, invalid: bool = False) -> None:
        """No more calls to this lead (`invalid`: a wrong number)."""

    def callback_time(self, state: dict, when: dict) -> dt.datetime:
        """The moment to promise a callback for `when` (start, end, exact, day_start, day_end): when the dialer
        will call."""

    def schedule_callback(self, state: dict, at: dt.datetime) -> None:
        """The dialer calls the lead back at `at`, not before."""

    def cancel_appointment(self, state: dict, appointment_id: int) -> bool:
        """Cancel the lead's own booked appointment; whether it was cancelled."""

    def transfer_offer(self, state: dict) -> str | None:
        """The person a live transfer would ring first now (a name), or None when nobody can take a call."""

    def nobody_free(self, state: dict, reason: str) -> None:
        """Keep that the lead asked for a person (`reason`: asked) when nobody could take the call."""

    def speak_time(self, state: dict, at: dt.datetime) -> str:
        """`at` as the agent says it, in the lead's zone: "tomorrow at 10:30 AM"."""

    def free_slots(self, state: dict, when: dict | None) -> list[dict]:
        """Up to two free appointment slots (starts_at, ends_at ISO UTC, agent_id, agent_name), within `when`."""

    def hold_slots(self, state: dict, slots: list[dict]) -> None:
        """The times the agent now puts to the lead (offered, proposed, read back), in place of those it put
        before: no other call is offered them or books them while this call may still say yes."""

    def book(self, state: dict, slot: dict) -> dict | None:
        """Book `slot` (one free_slots gave): {id, starts_at, agent_name}, or None when it was taken meanwhile."""

    # --- after each turn ----------------------------------------------------------------

    def record_step(self, result: dict, *, lead_text: str, dtmf: str, reply: str, mode: str,
                    llm_tokens: int) -> None:
        """Keep one decision (`result`: the graph's state after the turn) with the call's running facts, score,
        objections, disposition and callback, and the LLM tokens it used."""

    async def show_score(self, call_id: int, score: int | None, band: str, agent: str) -> None:
        """Tell staff watching the call the score so far (from the event loop; never raises)."""
