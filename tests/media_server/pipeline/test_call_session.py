"""A call through CallSession's pipeline in-process: real DSP, Silero and Smart Turn; the lead's voice
from espeak-ng on a real-time line; STT, TTS and Twilio faked at their wires (fakes.py)."""
from __future__ import annotations

import asyncio
import json
import wave

import numpy as np
import pytest

from apps.calls.models import AgentTransition, Call, CallStatus, Turn
from apps.core.dbthread import run_db
from apps.leads.models import LeadStatus
from media_server.agent.interface import CallContext, Handover, Hangup, LeadTurn, Say
from media_server.session import CallSession
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import (
    FakeTwilio,
    Line,
    NoWords,
    ScriptedSTT,
    ToneVoice,
    dtmf,
    espeak,
    media,
    stop,
)
from tests.media_server.scripted_agent import LONG_REPLY
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)
GREETING = "Hi, this is Alex from Sunrise Realty, an automated assistant."
SAY_GREETING = (Say(GREETING),)


class Agent:
    """Says its lines; keeps every lead turn it was asked to answer."""

    def __init__(self, greeting=SAY_GREETING, reply=lambda turn: [Say(f"You said {turn.text}")]):
        self._greeting, self._reply = list(greeting), reply
        self.turns: list[LeadTurn] = []

    async def greeting(self, context):
        for output in self._greeting:
            yield output

    async def respond(self, turn, context):
        self.turns.append(turn)
        for output in self._reply(turn):
            yield output


@pytest.fixture
def call(active_campaign, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    lead = make_lead(active_campaign, "+12125550166", status=LeadStatus.IN_CALL, attempts=1, name="Maria")
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS,
                               provider="simulated", provider_call_id="SIMpipe")


def make_session(call, agent, stt=None, voice=None, hang_up=None, record=True) -> tuple[CallSession, FakeTwilio]:
    twilio = FakeTwilio()
    context = CallContext(call.pk, "Maria", "Alex", "Sunrise Realty", "+12125550100", record=record)
    session = CallSession(call.pk, "MZ1", twilio.send, context, agent, stt or ScriptedSTT(), voice or ToneVoice(),
                          hang_up)
    twilio.session = session
    return session, twilio


def rows(call) -> list[tuple[str, str, bool]]:
    return list(Turn.objects.filter(call=call).order_by("sequence").values_list("speaker", "text", "interrupted"))


def test_it_greets_when_the_hello_ends_and_does_not_answer_the_hello(call, settings):
    settings.GREETING_SILENCE_SECONDS = 10
    agent = Agent()

    async def run():
        session, twilio = make_session(call, agent, ScriptedSTT("Hello?"))
        await session.start()
        line = Line(session).start()
        await until(lambda: line.chunk >= 15)  # 300 ms of silence on the line
        line.say(espeak("Hello?"))
        await line.speech_done.wait()
        hello_ended = asyncio.get_running_loop().time()
        await until(lambda: twilio.events("mark"))  # the greeting was played
        await session.end("test over")
        return twilio.events("media")[0]["at"] - hello_ended

    greeted_after = asyncio.run(run())
    assert greeted_after < settings.GREETING_SILENCE_SECONDS / 2  # the hello brought it, not the silence
    assert agent.turns == []
    assert rows(call) == [("lead", "Hello?", False), ("agent", GREETING, False)]


class TimedVoice(ToneVoice):
    """A tone voice that notes when it was asked to render each sentence."""

    def __init__(self):
        super().__init__()
        self.asked: list[tuple[str, float]] = []

    async def speak(self, sentence: str):
        self.asked.append((sentence, asyncio.get_running_loop().time()))
        async for audio in super().speak(sentence):
            yield audio


class CountingAgent(Agent):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.greetings = 0

    async def greeting(self, context):
        self.greetings += 1
        async for output in super().greeting(context):
            yield output


@pytest.mark.parametrize("verdict", ["", "machine_start"], ids=["person", "verdict-changed"])
def test_the_greeting_is_decided_and_rendered_while_the_lead_says_hello(call, settings, verdict):
    """The greeting's first sentence is in the voice before the hello ends, so it plays at once however loaded
    the worker is then; a machine detection verdict that arrives in between has the greeting decided again."""
    settings.GREETING_SILENCE_SECONDS = 10
    agent, voice = CountingAgent(), TimedVoice()

    async def run():
        session, twilio = make_session(call, agent, ScriptedSTT("Hello?"), voice=voice)
        await session.start()
        line = Line(session).start()
        await until(lambda: line.chunk >= 15)
        if verdict:
            await session.answered_by(verdict)
        line.say(espeak("Hello?"))
        await line.speech_done.wait()
        hello_ended = asyncio.get_running_loop().time()
        await until(lambda: twilio.events("mark"))
        await session.end("test over")
        return hello_ended

    hello_ended = asyncio.run(run())
    rendered = [at for sentence, at in voice.asked if sentence == GREETING]
    assert len(rendered) == 1  # once: what was rendered ahead is what played
    assert (rendered[0] < hello_ended) is True  # before the lead had finished saying hello
    assert agent.greetings == (2 if verdict else 1)
    assert rows(call)[-1] == ("agent", GREETING, False)


def test_after_a_machines_beep_the_message_is_left_whatever_the_line_carries(call, settings):
    """Nobody talks over a message left on a machine: the beep's tail or the room the machine records neither cuts the
    message (it cut it twice, and the machine stopped recording before it was ever said whole) nor gets an answer."""
    settings.GREETING_SILENCE_SECONDS = 60
    agent = Agent(greeting=(), reply=lambda turn: [Say(LONG_REPLY)])

    async def run():
        session, twilio = make_session(call, agent, ScriptedSTT("beeeep"))
        await session.start()
        line = Line(session).start()
        await until(lambda: line.chunk >= 15)
        await session.answered_by("machine_end_beep")
        await until(lambda: twilio.events("media"))  # the message has begun
        line.say(espeak("beeeep hello hello"))
        await line.speech_done.wait()
        await until(lambda: twilio.events("mark"), timeout=20)  # the message's sentence played to its end
        await session.end("test over")
        line.stop()
        return twilio

    twilio = asyncio.run(run())
    assert twilio.events("clear") == []  # never cut
    assert agent.turns == [LeadTurn("")]  # the message's own turn, nothing answered after it
    assert [row for row in rows(call) if row[0] == "agent"] == [("agent", LONG_REPLY, False)]


async def said_hello(call, agent) -> tuple[CallSession, FakeTwilio]:
    """A session whose lead has just said "Hello?" down the line."""
    session, twilio = make_session(call, agent, ScriptedSTT("Hello?"))
    await session.start()
    line = Line(session).start()
    await until(lambda: line.chunk >= 15)
    line.say(espeak("Hello?"))
    await line.speech_done.wait()
    return session, twilio


def test_a_greeting_later_than_2_seconds_after_the_hello_counts_the_call_as_abandoned(call, settings):
    """An overloaded worker that greets late has abandoned the call (47 CFR 64.1200(a)(7)): the lead hears at once
    who is calling, our number and that 9 stops our calls, the call is counted for the campaign's 3 % limit, and
    it goes on with the greeting."""
    settings.GREETING_SILENCE_SECONDS = 10

    class SlowAgent(Agent):
        async def greeting(self, context):
            await asyncio.sleep(2.5)  # a worker too busy to answer in time
            yield Say(GREETING)

    async def run():
        session, twilio = await said_hello(call, SlowAgent())
        await until(lambda: len(twilio.events("mark")) >= 4, timeout=30)  # the message's three sentences, the greeting
        counted = Call.objects.filter(pk=call.pk, abandoned_at__isnull=False).exists
        for _ in range(500):  # written on the database thread, soon after the greeting's first audio
            if await run_db(counted):
                break
            await asyncio.sleep(0.02)
        metrics = session.records.metrics
        await session.end("test over")
        return metrics

    metrics = asyncio.run(run())
    assert metrics["identified_ms"] >= 1500 and metrics["greeting_ms"] < metrics["identified_ms"] + 2500
    call.refresh_from_db()
    assert call.abandoned_at is not None and call.status == CallStatus.IN_PROGRESS  # counted; the call goes on
    said = Turn.objects.get(call=call, speaker="agent").text
    assert said.startswith("This is Sunrise Realty, calling about your home inquiry.") and "press nine" in said
    assert said.endswith(GREETING)


def test_a_greeting_in_time_plays_no_identification_message(call, settings):
    settings.GREETING_SILENCE_SECONDS = 10

    async def run():
        session, twilio = await said_hello(call, Agent())
        await until(lambda: twilio.events("mark"), timeout=30)
        await asyncio.sleep(2)  # past the moment the message would have played
        metrics = session.records.metrics
        await session.end("test over")
        return metrics

    metrics = asyncio.run(run())
    assert "identified_ms" not in metrics
    call.refresh_from_db()
    assert call.abandoned_at is None
    assert Turn.objects.get(call=call, speaker="agent").text == GREETING


def test_a_keypress_is_a_turn_and_a_handover_is_recorded(call, settings):
    settings.GREETING_SILENCE_SECONDS = 0.3
    agent = Agent(reply=lambda turn: [Handover("conversation", "keypad", "a key was pressed"),
                                      Say(f"You pressed {turn.dtmf}.")])
    voice = ToneVoice()

    async def run():
        session, twilio = make_session(call, agent, voice=voice)
        await session.start()
        line = Line(session).start()
        await until(lambda: twilio.events("mark"))
        greeted_at = twilio.events("media")[0]["at"]
        await session.feed(dtmf("1"))
        await until(lambda: len(twilio.events("mark")) == 2)
        await session.end("test over")
        line.stop()
        return greeted_at - session.started

    greeted_after = asyncio.run(run())
    assert greeted_after >= 0.3  # a silent line is greeted after GREETING_SILENCE_SECONDS
    assert agent.turns == [LeadTurn("", dtmf="1")]
    assert voice.spoken == [GREETING, "You pressed one."]  # as it is spoken
    assert rows(call) == [("agent", GREETING, False), ("agent", "You pressed one.", False)]
    assert AgentTransition.objects.filter(call=call, from_agent="conversation", to_agent="keypad").exists()


def test_talking_over_the_agent_stops_it_sends_clear_and_cuts_its_turn_to_what_was_played(call, settings):
    settings.GREETING_SILENCE_SECONDS = 0.3
    agent = Agent(greeting=[Say(LONG_REPLY)], reply=lambda turn: [])

    async def run():
        session, twilio = make_session(call, agent, ScriptedSTT("Wait, stop please."))
        await session.start()
        line = Line(session).start()
        await until(lambda: twilio.media_frames() >= 60)
        line.say(espeak("Wait, stop please."))
        await until(lambda: twilio.events("clear"), timeout=3)  # how soon: tests/benchmarks/test_live_call_latency
        played = twilio.media_frames()
        await until(lambda: agent.turns)  # "wait, stop please" reached the agent
        await until(lambda: session.playback.idle)  # what was queued of the cut reply has been dealt with
        await session.end("test over")
        line.stop()
        return played, twilio.media_frames() - played

    played, after_clear = asyncio.run(run())
    assert after_clear == 0
    speaker, text, interrupted = rows(call)[0]
    assert speaker == "agent" and interrupted
    assert LONG_REPLY.startswith(text) and len(text) < len(LONG_REPLY) / 2
    assert abs(len(text.split()) - played / 5) <= 1  # ToneVoice: five 20 ms frames a word
    assert agent.turns[0].interrupted_agent and agent.turns[0].text == "Wait, stop please."
    assert agent.turns[0].heard == text  # the agent knows what of its reply (its AI disclosure, say) was heard


def test_a_goodbye_cut_by_a_sound_with_no_words_in_it_still_ends_the_call(call, settings, monkeypatch):
    # The hang-up queued behind a cut goodbye is not dropped with it: with no words from the lead for the agent
    # to answer (its answer would end the call itself), the line goes down a moment after the cut.
    monkeypatch.setattr("media_server.pipeline.outbound.HANGUP_AFTER_CUT_SECONDS", 0.5)
    settings.GREETING_SILENCE_SECONDS = 0.3
    agent = Agent(greeting=[Say(LONG_REPLY), Hangup("the agent said goodbye")])
    hung_up = []

    async def run():
        session, twilio = make_session(call, agent, NoWords(), hang_up=lambda: _note(hung_up, twilio))
        await session.start()
        line = Line(session).start()
        await until(lambda: twilio.media_frames() >= 60)
        line.say(espeak("Mm hmm."))
        await until(lambda: twilio.events("clear"), timeout=3)
        await asyncio.wait_for(session.ended.wait(), 10)
        await until(lambda: hung_up)
        line.stop()
        return session

    session = asyncio.run(run())
    assert session.playback.hangup_reason == "the agent said goodbye" and agent.turns == []
    [(speaker, text, interrupted)] = rows(call)
    assert speaker == "agent" and interrupted and len(text) < len(LONG_REPLY)


def test_a_goodbye_said_again_is_heard_out_whatever_the_lead_says_over_it(call, settings):
    settings.GREETING_SILENCE_SECONDS = 0.3
    agent = Agent(greeting=[Say(LONG_REPLY, final=True), Hangup("the agent said goodbye")])
    hung_up = []

    async def run():
        session, twilio = make_session(call, agent, ScriptedSTT("Okay okay bye."),
                                       hang_up=lambda: _note(hung_up, twilio))
        await session.start()
        line = Line(session).start()
        await until(lambda: twilio.media_frames() >= 60)
        line.say(espeak("Okay okay bye."))
        await asyncio.wait_for(session.ended.wait(), 30)
        await until(lambda: hung_up)
        line.stop()
        return twilio

    twilio = asyncio.run(run())
    assert not twilio.events("clear")  # never cut
    assert ("agent", LONG_REPLY, False) in rows(call)  # played to its end, then the line went down


def test_sentences_are_spoken_as_the_agent_yields_them(call, settings):
    settings.GREETING_SILENCE_SECONDS = 0.2
    release = asyncio.Event()

    class SlowAgent(Agent):
        async def greeting(self, context):
            yield Say("First things first.")
            await release.wait()  # the rest of the reply does not exist yet
            yield Say("Then the rest.")

    async def run():
        session, twilio = make_session(call, SlowAgent())
        await session.start()
        line = Line(session).start()
        await until(lambda: twilio.events("mark"))  # the first sentence is heard in full
        release.set()
        await until(lambda: len(twilio.events("mark")) == 2)
        await session.end("test over")
        line.stop()

    asyncio.run(run())
    assert rows(call) == [("agent", "First things first. Then the rest.", False)]


def test_the_agent_hangs_up_after_its_goodbye_is_played(call, settings, tmp_path):
    settings.GREETING_SILENCE_SECONDS = 0.2
    agent = Agent(greeting=[Say("Thank you, goodbye."), Hangup("the lead said goodbye")])
    hung_up = []

    async def run():
        session, twilio = make_session(call, agent, hang_up=lambda: _note(hung_up, twilio))
        await session.start()
        line = Line(session).start()
        await asyncio.wait_for(session.ended.wait(), 10)
        await until(lambda: hung_up)
        line.stop()
        return twilio

    twilio = asyncio.run(run())
    at, frames = hung_up[0]
    assert frames == twilio.media_frames() == 15  # all three words, five frames each, then the line goes down
    assert at - twilio.events("media")[-1]["at"] >= 0.3
    assert rows(call) == [("agent", "Thank you, goodbye.", False)]
    call.refresh_from_db()
    assert call.metrics["lost_frames"] == 0 and "turns" in call.metrics
    with wave.open(str(tmp_path / call.recording.name)) as recording:
        stereo = np.frombuffer(recording.readframes(recording.getnframes()), dtype="<i2").reshape(-1, 2)
    agent_channel = stereo[:, 1]
    # The recording's agent channel (and the echo canceller's far end) is the audio as played.
    assert np.array_equal(agent_channel[agent_channel != 0], twilio.audio()[twilio.audio() != 0])


def test_a_call_the_campaign_does_not_record_keeps_no_audio(call, settings, tmp_path):
    """An all-party-consent state the campaign chose not to record (apps.compliance.recording)."""
    settings.GREETING_SILENCE_SECONDS = 0.2

    async def run():
        session, twilio = make_session(call, Agent(greeting=[Say("Thank you, goodbye."), Hangup("done")]),
                                       record=False)
        await session.start()
        line = Line(session).start()
        await asyncio.wait_for(session.ended.wait(), 10)
        line.stop()
        return twilio

    twilio = asyncio.run(run())
    assert twilio.media_frames() > 0  # the call went on as usual
    call.refresh_from_db()
    assert not call.recording and not list(tmp_path.rglob("*.wav"))
    assert rows(call) == [("agent", "Thank you, goodbye.", False)]  # what was said is still in the transcript


async def _note(hung_up, twilio) -> None:
    hung_up.append((asyncio.get_running_loop().time(), twilio.media_frames()))


def test_a_stop_ends_everything_at_once_and_keeps_the_records(call, settings, tmp_path):
    settings.GREETING_SILENCE_SECONDS = 0.2
    agent = Agent(greeting=[Say(LONG_REPLY)])

    async def run():
        session, twilio = make_session(call, agent)
        await session.start()
        line = Line(session).start()
        await until(lambda: twilio.media_frames() >= 20)
        await session.feed(stop())
        assert session.ended.is_set()
        sent = twilio.media_frames()
        await asyncio.sleep(0.5)  # not a wait for something: 25 frame slots in which nothing more may be sent
        line.stop()
        return twilio.media_frames() - sent

    assert asyncio.run(run()) == 0
    call.refresh_from_db()
    assert call.recording.name.endswith(f"call-{call.pk}.wav")
    assert [speaker for speaker, _, _ in rows(call)] == ["agent"]


def test_malformed_messages_are_counted_and_skipped(call, settings):
    settings.GREETING_SILENCE_SECONDS = 0.2

    async def run():
        session, twilio = make_session(call, Agent())
        await session.start()
        for text in ("not json", json.dumps({"event": "dance"}), media(1, b"\xff" * 100), dtmf("x")):
            await session.feed(text)
        line = Line(session).start()
        await until(lambda: twilio.events("mark"))  # the call goes on
        await session.end("test over")
        line.stop()
        return session.malformed

    assert asyncio.run(run()) == 4
    call.refresh_from_db()
    assert call.metrics["malformed_frames"] == 4
