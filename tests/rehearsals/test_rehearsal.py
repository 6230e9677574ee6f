"""`manage.py rehearse` end to end: real daphne, a Celery worker, a media worker and the simulated network
process call persona leads with real audio; the outcomes land in the database as a real campaign's would.

Select it with `-k rehearsal` (about three minutes on two cores).
"""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from io import StringIO

import pytest
import redis
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.calls.models import Appointment, Call, CallStatus, HumanAgent, Turn, WorkingHours
from apps.calls.slots import SlotRegistry
from apps.compliance.state_rules import records_in_all_party_consent_state
from apps.integrations.sheets.writeback import results_path
from apps.integrations.telephony.simulated import NETWORK_ALIVE_KEY
from apps.leads.models import DoNotCall
from apps.rehearsals.probing import missing_services
from tests.integrations.webhooks.test_webhooks import receiver  # noqa: F401, F811 (a fixture)
from tests.media_server.live_stack import ROOT, _listening, database_url, free_port
from tests.waiting import wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]
VOICEMAIL = ("Hi, this is Alex from Sunrise Realty about your home inquiry. Please call us back at "
             "two one two, five five five, zero one hundred. Goodbye.")


@pytest.fixture
def rehearsal_stack(tmp_path):
    """daphne, a media worker and the simulated network, against the test database and Redis."""
    port = free_port()
    web_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url(),
           "REDIS_URL": settings.REDIS_URL, "MEDIA_ROOT": str(tmp_path), "PYTHONUNBUFFERED": "1",
           "SIMULATED_NETWORK_WEB_URL": web_url}
    env.pop("MEDIA_AGENT", None)
    commands = {
        "web": [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        "media": [sys.executable, "manage.py", "media_worker", "--slots", "2"],
        "network": [sys.executable, "manage.py", "simulated_network"],
    }
    logs = {name: (tmp_path / f"{name}.log").open("w") for name in commands}
    processes = {name: subprocess.Popen(command, cwd=ROOT, env=env, stdout=logs[name], stderr=subprocess.STDOUT)
                 for name, command in commands.items()}
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        try:
            wait_for(lambda: SlotRegistry().live_workers() and client.exists(NETWORK_ALIVE_KEY) and _listening(port),
                     timeout=90, what="daphne, the media worker and the simulated network", every=0.2)
        except AssertionError as exc:
            output = "\n".join(f"--- {name}.log\n{(tmp_path / f'{name}.log').read_text()}" for name in commands)
            raise AssertionError(f"{exc}\n{output}") from None
        yield {"web_url": web_url, "logs": tmp_path}
    finally:  # stopped even when one of them never came up
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def team_campaign(active_campaign):
    """The campaign to rehearse: its own voicemail message, and a human agent free around the clock."""
    active_campaign.voicemail_message = VOICEMAIL
    active_campaign.callback_number = "+12125550100"
    active_campaign.save()
    agent = HumanAgent.objects.create(name="Jordan Lee", time_zone="UTC")
    agent.campaigns.add(active_campaign)
    WorkingHours.objects.bulk_create(WorkingHours(agent=agent, weekday=day, start=dt.time(0, 0),
                                                  end=dt.time(23, 59)) for day in range(7))
    return active_campaign


def test_rehearse_refuses_to_start_without_the_stack_and_says_what_is_missing(team_campaign):
    with pytest.raises(CommandError) as refused:
        call_command("rehearse", team_campaign.slug, "--personas", "hot_buyer", stdout=StringIO())
    message = str(refused.value)
    assert "simulated_network" in message and "media_worker" in message and "Celery worker" in message


@pytest.mark.timeout(600)  # four calls (the voicemail's call back waits for the voicemail), two at a time
def test_a_rehearsal_books_the_hot_buyer_blocks_the_opt_out_and_leaves_a_voicemail_the_lead_calls_back(
        rehearsal_stack, celery_worker, team_campaign, receiver, sheet_path):  # noqa: F811
    assert missing_services() == []
    out = StringIO()
    try:
        call_command("rehearse", team_campaign.slug, "--personas", "hot_buyer,opt_out,voicemail_callback",
                     "--concurrency", "2", "--timeout", "320", "--json", stdout=out)
    except CommandError as exc:
        pytest.fail(f"{exc}\n{out.getvalue()}\n{(rehearsal_stack['logs'] / 'network.log').read_text()[-3000:]}")
    report = json.loads(out.getvalue())
    calls = {row["persona"]: row for row in report["calls"]}
    assert report["all_met"] and set(calls) == {"hot_buyer", "opt_out", "voicemail_callback"}

    hot = Call.objects.get(pk=calls["hot_buyer"]["call_id"])
    assert hot.campaign.slug == f"{team_campaign.slug}-rehearsal" and hot.provider == "simulated"
    assert hot.campaign.voicemail_message == VOICEMAIL and hot.campaign.telephony_provider == "simulated"
    assert Appointment.objects.filter(lead=hot.lead, status=Appointment.Status.BOOKED,
                                      agent__name="Jordan Lee").exists()
    assert calls["hot_buyer"]["v2v_ms"] and calls["hot_buyer"]["v2v_p50_ms"] > 0  # measured at the phone

    greeting = _opening_heard(hot)
    # the recording notice follows the lead's state (the zone, and so the area code, depends on the hour the
    # rehearsal runs: D.C. needs one party's consent, Illinois every party's)
    all_party = records_in_all_party_consent_state(hot.lead)
    assert "automated assistant" in greeting and ("recorded line" in greeting) == all_party

    opted_out = Call.objects.get(pk=calls["opt_out"]["call_id"])
    assert DoNotCall.objects.active().filter(phone=opted_out.lead.phone, source=DoNotCall.Source.OPT_OUT).exists()

    called_back = Call.objects.get(pk=calls["voicemail_callback"]["call_id"])  # the persona's outcome: its call back
    voicemail = Call.objects.get(lead=called_back.lead, direction=Call.Direction.OUTBOUND)
    assert voicemail.status == CallStatus.VOICEMAIL and voicemail.answered_by == "machine_end_beep"
    said = list(Turn.objects.filter(call=voicemail, speaker=Turn.Speaker.AGENT).values_list("text", flat=True))
    assert any("call us back" in text.lower() for text in said), said  # the message left after the beep
    # ... and the lead rang the number it named: answered as a returning lead (inbound), greeted by name, booked.
    assert called_back.direction == Call.Direction.INBOUND and called_back.provider == "simulated"
    greeting = Turn.objects.filter(call=called_back, speaker=Turn.Speaker.AGENT).order_by("sequence").first().text
    assert "back" in greeting and "Jamie" in greeting, greeting
    assert Appointment.objects.filter(call=called_back, status=Appointment.Status.BOOKED).exists()

    # The results went out as a real campaign's would: signed webhooks to the CRM, rows beside the sheet.
    wanted = {"appointment.booked", "lead.opted_out", "call.completed"}
    results = results_path(sheet_path, rehearsal=True)

    def gone_out() -> bool:
        delivered = wanted <= {got["event"] for got in receiver.received}
        return delivered and results.exists() and str(hot.pk) in {row["Call ID"] for row in _rows(results)}

    wait_for(gone_out, timeout=60, what=f"the webhooks {sorted(wanted)} and the hot buyer's result row", every=0.2)
    assert all(got["valid"] for got in receiver.received), receiver.received
    rows = {row["Call ID"]: row for row in _rows(results)}
    assert rows[str(hot.pk)]["Outcome"] and rows[str(hot.pk)]["Appointment"], rows  # the booking, in the lead's zone


def test_a_lead_in_a_state_where_every_party_must_consent_hears_the_call_is_recorded(
        rehearsal_stack, celery_worker, team_campaign):
    out = StringIO()
    try:
        call_command("rehearse", team_campaign.slug, "--personas", "opt_out", "--state", "CA", "--timeout", "150",
                     "--json", stdout=out)
    except CommandError as exc:
        pytest.fail(f"{exc}\n{out.getvalue()}\n{(rehearsal_stack['logs'] / 'network.log').read_text()[-3000:]}")
    [row] = json.loads(out.getvalue())["calls"]
    call = Call.objects.get(pk=row["call_id"])
    assert call.lead.state == "CA"
    greeting = _opening_heard(call)
    # The AI disclosure's sentence says it (after the identification message, if a loaded worker greeted late).
    assert any("automated assistant" in sentence and "on a recorded line" in sentence
               for sentence in greeting.split(". ")), greeting


def _opening_heard(call) -> str:
    """What the lead heard of the agent up to its first reply they heard to its end: the greeting, or (when the
    lead talked over it) what they heard of it and the reply that followed, which must disclose the AI then."""
    heard = []
    for turn in Turn.objects.filter(call=call, speaker=Turn.Speaker.AGENT).order_by("sequence"):
        heard.append(turn.text)
        if not turn.interrupted:
            break
    return " ".join(heard)


def _rows(path) -> list[dict]:
    with path.open(newline="", encoding="utf-8-sig") as handle:  # a BOM, for spreadsheet programs
        return list(csv.DictReader(handle))
