"""Call recordings play in the admin for staff who may see calls, and for nobody else."""
from __future__ import annotations

import numpy as np
import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from apps.calls.models import Call, CallStatus
from media_server.recording import StereoRecorder
from tests.conftest import make_lead


@pytest.fixture
def recorded_call(active_campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    lead = make_lead(active_campaign, "+12125550166")
    call = Call.objects.create(lead=lead, campaign=active_campaign, status=CallStatus.COMPLETED)
    recorder = StereoRecorder()
    recorder.add(np.full(160, 1000, dtype=np.int16), np.zeros(160, dtype=np.int16))
    Call.objects.filter(pk=call.pk).update(recording=recorder.save(call.pk))
    return call


def test_staff_who_may_see_calls_get_the_recording_and_a_player(client, manager, recorded_call):
    client.force_login(manager)
    response = client.get(reverse("call-recording", args=[recorded_call.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    page = client.get(reverse("admin:calls_call_change", args=[recorded_call.pk])).content.decode()
    assert f'src="{reverse("call-recording", args=[recorded_call.pk])}"' in page


def test_nobody_else_gets_it(client, recorded_call):
    url = reverse("call-recording", args=[recorded_call.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(User.objects.create_user("clerk", password="pw-clerk-1", is_staff=True))
    assert client.get(url).status_code == 403
