"""/metrics: Prometheus exposition of calls, live calls, media slots, latencies, queues and cost, protected."""
from __future__ import annotations

from decimal import Decimal

import pytest
from prometheus_client.parser import text_string_to_metric_families

from apps.calls.models import AgentStep, Call, CallStatus
from apps.calls.slots import SlotRegistry
from apps.costs.models import CostEntry
from tests.conftest import make_lead

pytestmark = pytest.mark.django_db


def scrape(client, **headers) -> dict:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    return {sample.name + str(sorted(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.content.decode()) for sample in family.samples}


@pytest.fixture
def calls(campaign):
    done = Call.objects.create(lead=make_lead(campaign, "+12125550101"), campaign=campaign,
                               status=CallStatus.COMPLETED, outcome="completed",
                               metrics={"turns": [{"endpoint_ms": 224, "stt_ms": 180, "voice_to_voice_ms": 640},
                                                  {"stt_ms": 220, "tts_ms": 60, "voice_to_voice_ms": 1700}]})
    Call.objects.create(lead=make_lead(campaign, "+12125550102"), campaign=campaign, status=CallStatus.IN_PROGRESS)
    AgentStep.objects.create(call=done, number=1, decide_ms=7)
    CostEntry.objects.create(campaign=campaign, call=done, kind="telephony", units=2, unit_price=Decimal("0.018"),
                             amount=Decimal("0.036"))
    SlotRegistry().register("worker-a", slots=4, device="cpu", channel="media:in:worker-a")
    return done


def test_it_exposes_what_operators_watch(client, calls):
    metrics = scrape(client)
    assert metrics["reautomation_calls_total[('campaign', 'spring'), ('outcome', 'completed')]"] == 1
    assert metrics["reautomation_live_calls[('campaign', 'spring')]"] == 1
    assert metrics["reautomation_media_slots[('state', 'free')]"] == 4
    assert metrics["reautomation_voice_to_voice_ms_bucket[('le', '1000')]"] == 1
    assert metrics["reautomation_voice_to_voice_ms_count[]"] == 2
    assert metrics["reautomation_agent_decide_ms_bucket[('le', '10')]"] == 1
    assert metrics["reautomation_endpoint_ms_count[]"] == 1 and metrics["reautomation_tts_ms_count[]"] == 1
    assert metrics["reautomation_stt_ms_count[]"] == 2
    assert metrics["reautomation_queue_length[('queue', 'postcall')]"] >= 0
    assert metrics["reautomation_cost_per_call_usd[]"] == pytest.approx(0.036)


def test_a_token_protects_it_when_set(client, calls, settings):
    settings.METRICS_TOKEN = "s3cret-scraper"
    assert client.get("/metrics").status_code == 401
    assert scrape(client, HTTP_AUTHORIZATION="Bearer s3cret-scraper")


def test_without_a_token_only_this_machine_is_answered(client, calls):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


@pytest.mark.parametrize(("header", "value"), [("HTTP_X_FORWARDED_FOR", "203.0.113.9"),
                                               ("HTTP_FORWARDED", "for=203.0.113.9;proto=https"),
                                               ("HTTP_X_REAL_IP", "203.0.113.9")])
def test_without_a_token_a_request_a_proxy_passed_on_is_not_from_this_machine(client, calls, header, value):
    # Behind the TLS proxy on this host every client arrives from 127.0.0.1: the proxy's headers give it away.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", **{header: value}).status_code == 403


def test_without_a_token_this_machine_itself_is_answered(client, calls):
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 200
