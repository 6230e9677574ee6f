"""A failure inside a stage never raises into the audio path: it goes up the pipeline as an
ErrorFrame (the session logs it) and the call carries on with the next turn."""
from __future__ import annotations

import asyncio

import numpy as np
import pytest
from pipecat.frames.frames import ErrorFrame

from apps.calls.models import Call, CallStatus, Turn
from media_server.agent.interface import CallContext
from media_server.pipeline.frames import LeadTranscriptFrame, UtteranceFrame
from media_server.pipeline.records import CallRecords
from media_server.pipeline.turns import Transcription
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import ScriptedSTT
from tests.media_server.pipeline.harness import Running
from tests.waiting import until

pytestmark = pytest.mark.django_db(transaction=True)


class FlakySTT(ScriptedSTT):
    """Fails on its first utterance, then hears its script."""

    async def atranscribe(self, audio, sample_rate, language="en"):
        if not self.utterances:
            self.utterances.append(audio)
            raise RuntimeError("the model fell over")
        return await super().atranscribe(audio, sample_rate, language)


def test_a_failed_transcription_is_an_error_frame_and_the_next_turn_is_heard(active_campaign):
    lead = make_lead(active_campaign, "+12125550155")
    call = Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS)
    context = CallContext(call.pk, "Maria", "Alex", "Sunrise Realty", "+12125550100")
    speech = np.zeros(16000, dtype=np.int16)

    async def run():
        async with Running(Transcription(FlakySTT("Yes, I am still looking."), context, CallRecords(call.pk))) as r:
            await r.push(UtteranceFrame(speech, 16000, 1, 1000), UtteranceFrame(speech, 16000, 2, 3000))
            await until(lambda: r.collector.of(LeadTranscriptFrame))
            await until(lambda: [frame for frame in r.upstream if isinstance(frame, ErrorFrame)])
            return r.collector.of(LeadTranscriptFrame), [f for f in r.upstream if isinstance(f, ErrorFrame)]

    transcripts, errors = asyncio.run(run())
    assert "the model fell over" in errors[0].error
    assert [(t.text, t.utterance, t.end_ms) for t in transcripts] == [("Yes, I am still looking.", 2, 3000)]
    assert list(Turn.objects.filter(call=call).values_list("speaker", "text", "start_ms", "end_ms")) == [
        ("lead", "Yes, I am still looking.", 2000, 3000)]
