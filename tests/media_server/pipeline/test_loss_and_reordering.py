"""Packets arriving shuffled, twice, or never: the call's own stages (built by media_server.pipeline.build)
still give the recording and the turn detector one 20 ms frame per packet Twilio sent, in order, each lost
packet concealed without a click, and the call's metrics count what was lost."""
from __future__ import annotations

import asyncio
import random

import numpy as np
import pytest

from apps.calls.models import Call, CallStatus
from media_server.dsp.chain import FRAME_SAMPLES
from media_server.dsp.jitter import JitterStats
from media_server.pipeline.frames import PacketFrame
from media_server.recording import StereoRecorder
from media_server.speech.audio import pcm16_to_ulaw
from tests.conftest import make_lead
from tests.media_server.pipeline.fakes import Silent, call_pipeline, tone
from tests.media_server.pipeline.harness import Running

pytestmark = pytest.mark.django_db(transaction=True)
FRAMES = [pcm16_to_ulaw(frame) for frame in tone(4.0, hz=300).reshape(-1, FRAME_SAMPLES)]  # 4 s, 200 packets
CALL_GOES_ON = 20  # packets after the test's, so that the jitter buffer lets the last of them out


@pytest.fixture
def call(active_campaign, settings):
    settings.GREETING_SILENCE_SECONDS = 3600
    lead = make_lead(active_campaign, "+12125550182")
    return Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.IN_PROGRESS)


def recorded(call, order: list[int]) -> tuple[np.ndarray, JitterStats]:
    """FRAMES sent in `order` (by index), one every 20 ms, to the call's pipeline; the lead's channel of the
    recording for those packets, and the jitter buffer's counts."""
    recorder = StereoRecorder()
    built = call_pipeline(call.pk, agent=Silent(), recorder=recorder)
    after = [len(FRAMES) + i for i in range(CALL_GOES_ON)]

    async def send():
        async with Running(*built.stages):
            for position, index in enumerate(order + after):
                payload = FRAMES[index] if index < len(FRAMES) else b"\xff" * FRAME_SAMPLES
                await built.line.receive(PacketFrame(index + 1, payload, 20 * index, 20 * position))

    asyncio.run(send())
    stats = built.jitter.buffer.stats
    lead, _ = recorder.channels()
    assert lead.size >= len(FRAMES) * FRAME_SAMPLES, "packets went missing from the recording"
    return lead[: len(FRAMES) * FRAME_SAMPLES], stats


def max_step(signal: np.ndarray) -> float:
    return float(np.max(np.abs(np.diff(signal.astype(np.float64)))))


def shuffled(order: list[int], every: int, seed: int) -> list[int]:
    """Neighbours swapped now and then, as a network does."""
    order = list(order)
    for i in range(random.Random(seed).randrange(every), len(order) - 1, every):
        order[i], order[i + 1] = order[i + 1], order[i]
    return order


def test_shuffled_and_repeated_packets_are_heard_as_if_they_came_in_order(call):
    in_order, _ = recorded(call, list(range(len(FRAMES))))
    repeated = [i for i in range(len(FRAMES)) for _ in range(2 if i % 10 == 0 else 1)]

    out, stats = recorded(call, shuffled(repeated, every=7, seed=1))

    assert np.array_equal(out, in_order)
    assert stats.reordered > 0 and stats.duplicates == len(range(0, len(FRAMES), 10)) and stats.lost == 0


def test_lost_packets_are_concealed_without_clicks_and_the_stream_keeps_its_length(call):
    in_order, _ = recorded(call, list(range(len(FRAMES))))
    rng = random.Random(3)
    kept = [i for i in range(len(FRAMES)) if rng.random() > 0.05]

    out, stats = recorded(call, shuffled(kept, every=9, seed=3))

    assert stats.lost == len(FRAMES) - len(kept) > 0  # one 20 ms frame for each packet sent, lost or not
    assert max_step(out) <= max_step(in_order) * 1.5  # no sample-to-sample jump beyond the line's own
    lost = [i for i in range(len(FRAMES)) if i not in kept]
    concealed = np.concatenate([out[i * FRAME_SAMPLES:(i + 1) * FRAME_SAMPLES] for i in lost])
    assert np.abs(concealed.astype(np.float64)).mean() > 0.3 * np.abs(in_order.astype(np.float64)).mean()  # filled
