"""Whisper starts at the lead's first short pause, while the rest of the turn's silence is waited out:
the draft's text is used when the lead said nothing more, and thrown away when they went on."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest

from apps.calls.models import Call, CallStatus
from media_server.agent.interface import CallContext
from media_server.pipeline.frames import LeadAudioFrame, LeadTranscriptFrame, VoiceScoreFrame
from media_server.pipeline.records import CallRecords
from media_server.pipeline.turns import EndOfTurn, Transcription
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import Heard, ScriptedSTT, tone
from tests.media_server.pipeline.harness import Running
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)


class SlowSTT(ScriptedSTT):
    """Takes `seconds` per utterance and hears the number of samples it was given."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    async def atranscribe(self, audio, sample_rate, language="en"):
        await asyncio.sleep(self.seconds)
        self.utterances.append(audio)
        return Heard(f"{audio.size} samples")


def lead_talks(voiced_ms: list[int], quiet_ms: list[int]):
    """32 ms windows of voice then quiet, as VoiceActivity sends them: the audio, then its score."""
    frames = []
    for voiced, quiet in zip(voiced_ms, quiet_ms, strict=True):
        for ms, score, level in ((voiced, 0.9, 8000), (quiet, 0.0, 0)):
            for _ in range(ms // 32):
                samples = tone(0.032, rate=16000, level=level) if level else np.zeros(512, dtype=np.int16)
                frames += [LeadAudioFrame(audio=samples.tobytes(), sample_rate=16000, num_channels=1),
                           VoiceScoreFrame(score)]
    return frames


def run(stt, frames, call, settings) -> tuple[list[LeadTranscriptFrame], list[dict]]:
    settings.END_OF_TURN_SILENCE_MS = 640
    records = CallRecords(call.pk)
    context = CallContext(call.pk, "Maria", "Alex", "Sunrise Realty", "+12125550100", language="en")

    async def talk():
        async with Running(EndOfTurn(records.now_ms), Transcription(stt, context, records)) as r:
            for frame in frames:
                await r.push(frame)
                await asyncio.sleep(0.032)  # real time: the draft's Whisper runs while the silence goes on
            await until(lambda: r.collector.of(LeadTranscriptFrame), timeout=10)
            return r.collector.of(LeadTranscriptFrame)

    return asyncio.run(talk()), records.metrics["turns"]


@pytest.fixture(autouse=True)
def turns_end_by_silence(monkeypatch):
    """Smart Turn may end a turn at its first pause; here the silence decides, as it does for the
    simulated leads' espeak-ng voices (the model hears them as unfinished)."""
    async def unfinished(audio):
        return False

    monkeypatch.setattr("media_server.dsp.turn.sounds_finished", unfinished)


@pytest.fixture
def call(active_campaign):
    lead = make_lead(active_campaign, "+12125550156")
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS)


def test_a_turn_that_ends_after_its_pause_uses_the_draft_begun_at_the_pause(call, settings):
    stt = SlowSTT(seconds=0.4)  # Whisper's time: less than the 440 ms of silence still to wait after the pause
    [heard], [turn] = run(stt, lead_talks([640], [960]), call, settings)
    assert len(stt.utterances) == 1  # one transcription, begun at the pause
    assert turn["stt_ms"] < 400  # less than Whisper's own time: done while the silence was waited out


def test_a_lead_who_goes_on_after_a_short_pause_is_transcribed_whole(call, settings):
    stt = SlowSTT(seconds=0.1)
    [heard], _ = run(stt, lead_talks([640, 320], [256, 960]), call, settings)
    first_pause, second_pause = stt.utterances  # the first draft was stale: the lead went on
    assert second_pause.size > first_pause.size + 320 * 16
    assert heard.text == f"{second_pause.size} samples"  # the words after the first pause too


class QueuedSTT(SlowSTT):
    """Whisper busy with other calls: each utterance waits its turn; a cancelled one is never heard."""

    def __init__(self, seconds: float):
        super().__init__(seconds)
        self.cancelled = 0

    async def atranscribe(self, audio, sample_rate, language="en"):
        try:
            return await super().atranscribe(audio, sample_rate, language)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


def test_a_draft_made_stale_by_the_lead_going_on_is_withdrawn_before_the_model_spends_time_on_it(call, settings):
    stt = QueuedSTT(seconds=0.6)  # a queue longer than the lead's pause
    [heard], _ = run(stt, lead_talks([640, 320], [256, 960]), call, settings)
    assert stt.cancelled == 1 and len(stt.utterances) == 1  # only the whole turn was heard
    assert heard.text == f"{stt.utterances[0].size} samples"


def test_a_new_turns_draft_never_cancels_the_draft_a_queued_turn_still_needs(call, settings):
    """Three short turns while Whisper is slow: the second turn's final waits behind the first's, and the third
    turn's draft arrives meanwhile; each turn still uses its own draft, and nothing is transcribed twice."""
    settings.END_OF_TURN_SILENCE_MS = 640
    stt = QueuedSTT(seconds=4.0)  # (the frames go at half real time: 64 ms of push per 32 ms window)
    records = CallRecords(call.pk)
    context = CallContext(call.pk, "Maria", "Alex", "Sunrise Realty", "+12125550100", language="en")

    async def talk():
        async with Running(EndOfTurn(records.now_ms), Transcription(stt, context, records)) as r:
            for frame in lead_talks([160, 160, 160], [704, 704, 704]):
                await r.push(frame)
                await asyncio.sleep(0.032)
            await until(lambda: len(r.collector.of(LeadTranscriptFrame)) == 3, timeout=25)
            return r.collector.of(LeadTranscriptFrame)

    heard = asyncio.run(talk())
    assert [t.utterance for t in heard] == [1, 2, 3]
    assert stt.cancelled == 0 and len(stt.utterances) == 3  # one Whisper pass per turn: the drafts, each used
