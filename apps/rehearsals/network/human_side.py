"""A human agent's phone on the simulated network, rung for a live transfer, played as Twilio plays a call whose
instructions are a URL: status callbacks to the leg's webhook, the whisper TwiML fetched on answer, its <Gather>
answered with a key after the summary has been heard, and the conference room joined when the answer says <Dial>
<Conference>. What the human does comes from the lead's persona (`transfer.humans`, by the order they are rung).

In the room the two sides meet through Redis (`simtel:room:<room>:lead|human|first_word|ended`): the human speaks
first once the lead is in (the moment the lead's report measures to), and the lead ends the call after its talk.
"""
from __future__ import annotations

import asyncio
import logging
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from apps.integrations.telephony.simulated import HANGUP_KEY
from apps.rehearsals.network.twilio_side import signed_post, status_form, voice_form

log = logging.getLogger(__name__)
ROOM_KEY = "simtel:room:{room}:{what}"  # lead / human (joined at, time.time()), first_word, ended
ROOM_TTL_SECONDS = 3600
ANSWER_AFTER_SECONDS = 2.0  # a person picks up after a ring or two
WORDS_PER_SECOND = 2.8  # how fast <Say> reads the summary
WAIT_FOR_LEAD_SECONDS = 15.0
SAID_FIRST = "Hi, this is {name}, thanks for holding."


@dataclass(frozen=True)
class HumanDial:
    call_id: int
    leg_id: int
    sid: str
    to: str
    name: str
    position: int
    persona: str
    whisper_path: str
    status_path: str
    ring_timeout: float

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> HumanDial:
        return cls(call_id=int(fields["call_id"]), leg_id=int(fields["leg_id"]), sid=fields["sid"], to=fields["to"],
                   name=fields.get("lead_name", ""), position=int(fields.get("position") or 1),
                   persona=fields["persona"], whisper_path=fields["whisper_path"], status_path=fields["status_path"],
                   ring_timeout=float(fields.get("ring_timeout") or 20))


def room_key(room: str, what: str) -> str:
    return ROOM_KEY.format(room=room, what=what)


class HumanLeg:
    """One human's phone for one transfer: rings, maybe answers, hears, presses, joins."""

    def __init__(self, dial: HumanDial, does: str, network, talk_seconds: float):
        self.dial, self.does, self.network, self.talk_seconds = dial, does, network, talk_seconds
        self.sequence = 0
        self.heard = ""

    async def run(self) -> None:
        await self._status("ringing")
        if self.does == "no_answer":
            called_off = await self._hung_up_within(self.dial.ring_timeout)
            await self._status("canceled" if called_off else "no-answer", 0)
            return
        if await self._hung_up_within(ANSWER_AFTER_SECONDS):
            await self._status("canceled", 0)
            return
        answered = time.monotonic()
        await self._status("in-progress")
        try:
            await self._follow(await self._fetch(self._url(self.dial.whisper_path), {}))
        finally:
            await self._status("completed", max(1, round(time.monotonic() - answered)))

    async def _follow(self, document: ET.Element | None) -> None:
        """Do what the TwiML says, as Twilio would: hear a Gather's <Say> and answer it, join a conference."""
        while document is not None:
            gather = document.find("Gather")
            if gather is not None:
                said = " ".join(say.text or "" for say in gather.findall("Say"))
                self.heard = said
                if await self._hung_up_within(len(said.split()) / WORDS_PER_SECOND):
                    return
                digits = "1" if self.does == "accept" else "2"
                document = await self._fetch(gather.get("action", ""), {"Digits": digits})
                continue
            conference = document.find("Dial/Conference")
            if conference is not None:
                for say in document.findall("Say"):
                    await asyncio.sleep(len((say.text or "").split()) / WORDS_PER_SECOND)
                await self._in_room(conference.text or "")
            return

    async def _in_room(self, room: str) -> None:
        """In the room: speak first as soon as the lead is in, then stay until the room ends."""
        redis = self.network.redis
        await redis.set(room_key(room, "human"), f"{time.time():.3f}", ex=ROOM_TTL_SECONDS)
        deadline = time.monotonic() + WAIT_FOR_LEAD_SECONDS
        while not await redis.exists(room_key(room, "lead")):
            if time.monotonic() > deadline:
                log.warning("simulated human %s: the lead never joined room %s", self.dial.name, room)
                return
            await asyncio.sleep(0.05)
        await redis.set(room_key(room, "first_word"), f"{time.time():.3f}", ex=ROOM_TTL_SECONDS)
        log.info("simulated human %s: %s", self.dial.name, SAID_FIRST.format(name=self.dial.name))
        until = time.monotonic() + 600
        while not await redis.exists(room_key(room, "ended")) and time.monotonic() < until:
            await asyncio.sleep(0.2)

    async def _hung_up_within(self, seconds: float) -> bool:
        """Whether the platform calls the leg off (SimulatedTelephony.end_leg) within `seconds`."""
        key, until = HANGUP_KEY.format(sid=self.dial.sid), time.monotonic() + seconds
        while time.monotonic() < until:
            if await self.network.redis.exists(key):
                return True
            await asyncio.sleep(0.1)
        return False

    def _url(self, path: str) -> str:
        return self.network.web_url.rstrip("/") + path

    async def _fetch(self, url: str, fields: dict[str, str]) -> ET.Element | None:
        """POST a voice webhook (the call's URL, a Gather's action) and read the TwiML it answers."""
        form = voice_form(self.dial.sid, self.dial.to, "in-progress", **fields)
        response = await signed_post(self.network, url, form, f"transfer leg {self.dial.leg_id}")
        if response is None or response.status_code != 200:
            return None
        try:
            return ET.fromstring(response.text)  # noqa: S314 (the platform's own TwiML, as Twilio reads it)
        except ET.ParseError:
            log.warning("simulated transfer leg %s: unreadable TwiML %r", self.dial.leg_id, response.text[:200])
            return None

    async def _status(self, status: str, duration: int | None = None) -> None:
        form = status_form(self.dial.sid, self.dial.to, status, self.sequence, duration)
        self.sequence += 1
        await signed_post(self.network, self._url(self.dial.status_path), form, f"transfer leg {self.dial.leg_id}")
