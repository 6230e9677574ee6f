"""SimulatedTelephony.place_call: a dial request for the running network, else the scripted events as before."""
from __future__ import annotations

from unittest import mock

import pytest
import redis
from django.conf import settings

from apps.calls.models import Call, CallStatus
from apps.integrations.telephony import TelephonyError
from apps.integrations.telephony.simulated import (
    DIAL_STREAM,
    NETWORK_ALIVE_KEY,
    PERSONA_FOR_BEHAVIOUR,
    SimulatedTelephony,
)
from apps.leads.models import LeadStatus
from tests.conftest import make_lead


@pytest.fixture
def client():
    return redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)


@pytest.fixture
def network_alive(client):
    client.set(NETWORK_ALIVE_KEY, "{}", ex=5)


def placed(campaign, outcome: str, phone: str = "+12025550111") -> Call:
    lead = make_lead(campaign, phone, status=LeadStatus.QUEUED, attempts=1, name="Maria Lopez",
                     extra={"Simulated outcome": outcome} if outcome else {})
    return Call.objects.create(lead=lead, campaign=campaign, status=CallStatus.DIALING, provider="simulated")


@pytest.fixture
def scripted_events():
    with mock.patch("apps.integrations.telephony.simulated.enqueue", autospec=True) as enqueue:
        yield enqueue


def test_with_a_live_network_it_sends_a_dial_request_and_schedules_no_scripted_events(
        campaign, client, network_alive, scripted_events):
    call = placed(campaign, "hot_buyer")
    sid = SimulatedTelephony().place_call(call)
    [(_, request)] = client.xrange(DIAL_STREAM)
    assert request["call_id"] == str(call.pk) and request["sid"] == sid and sid.startswith("SIM")
    assert (request["persona"], request["lead_name"], request["to"]) == ("hot_buyer", "Maria Lopez", "+12025550111")
    assert float(request["requested_at"]) > 0
    assert not scripted_events.called
    assert SimulatedTelephony().find_call(call).status == "queued"


@pytest.mark.parametrize(("outcome", "persona"), [("busy", "line_busy"), ("No answer", "ring_out"),
                                                  ("voicemail", "voicemail"), ("answer", "hot_buyer"),
                                                  ("opt_out", "opt_out"), ("Spanish", "spanish")])
def test_an_old_behaviour_name_is_played_by_its_persona(campaign, client, network_alive, outcome, persona):
    SimulatedTelephony().place_call(placed(campaign, outcome))
    [(_, request)] = client.xrange(DIAL_STREAM)
    assert request["persona"] == persona


def test_a_lead_without_a_stated_outcome_gets_the_persona_of_its_numbers_behaviour(campaign, client, network_alive):
    SimulatedTelephony().place_call(placed(campaign, ""))
    [(_, request)] = client.xrange(DIAL_STREAM)
    assert request["persona"] in PERSONA_FOR_BEHAVIOUR.values()


def test_a_sheet_naming_no_persona_file_gets_the_persona_of_its_numbers_behaviour(campaign, client, network_alive):
    SimulatedTelephony().place_call(placed(campaign, "Hot buyr"))
    [(_, request)] = client.xrange(DIAL_STREAM)
    assert request["persona"] in PERSONA_FOR_BEHAVIOUR.values()


def test_a_persona_file_of_the_personas_directory_is_played_by_its_name(
        campaign, client, network_alive, settings, tmp_path):
    (tmp_path / "first_time_buyer.yaml").write_text("name: first_time_buyer\n")
    settings.SIMULATED_PERSONAS_DIR = tmp_path
    SimulatedTelephony().place_call(placed(campaign, "First time buyer"))
    [(_, request)] = client.xrange(DIAL_STREAM)
    assert request["persona"] == "first_time_buyer"


def test_without_a_network_it_scripts_the_status_events_as_before(campaign, client, scripted_events):
    call = placed(campaign, "busy")
    sid = SimulatedTelephony().place_call(call)
    assert client.xlen(DIAL_STREAM) == 0
    scripted_events.assert_called_once_with("workers.dialer.simulated_call_event", args=[call.pk, sid, "busy", {}],
                                            countdown=1 * settings.SIMULATED_TELEPHONY_SECONDS_PER_STEP)


def test_an_invalid_number_is_refused_with_or_without_the_network(campaign, client, network_alive):
    with pytest.raises(TelephonyError) as refused:
        SimulatedTelephony().place_call(placed(campaign, "invalid"))
    assert refused.value.invalid_number and client.xlen(DIAL_STREAM) == 0


def test_hanging_up_a_network_call_tells_the_network(campaign, client, network_alive):
    call = placed(campaign, "hot_buyer")
    call.provider_call_id = SimulatedTelephony().place_call(call)
    SimulatedTelephony().hang_up(call)
    assert client.exists(f"simtel:hangup:{call.provider_call_id}")
    assert SimulatedTelephony().find_call(call).status == "completed"
