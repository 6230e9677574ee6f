"""Telephony callbacks (Twilio posts here)."""
from __future__ import annotations

from django.urls import path

from apps.calls import views

urlpatterns = [
    path("telephony/twilio/status/<int:call_id>", views.twilio_status, name="twilio-status"),
    path("telephony/twilio/amd/<int:call_id>", views.twilio_amd, name="twilio-amd"),
    path("calls/<int:call_id>/recording.wav", views.call_recording, name="call-recording"),
]
