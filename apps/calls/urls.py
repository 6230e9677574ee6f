"""Telephony callbacks (Twilio posts here), the staff-only live-calls page, and the staff-only recording and
calendar-invite downloads."""
from __future__ import annotations

from django.urls import path

from apps.calls import views

urlpatterns = [
    path("telephony/twilio/status/<int:call_id>", views.twilio_status, name="twilio-status"),
    path("telephony/twilio/amd/<int:call_id>", views.twilio_amd, name="twilio-amd"),
    path("telephony/twilio/sms", views.twilio_sms, name="twilio-sms"),
    path("telephony/twilio/voice", views.twilio_voice, name="twilio-voice"),
    path("telephony/twilio/voice/status", views.twilio_voice_status, name="twilio-voice-status"),
    path("telephony/twilio/transfer/<int:leg_id>/whisper", views.transfer_whisper, name="twilio-transfer-whisper"),
    path("telephony/twilio/transfer/<int:leg_id>/answer", views.transfer_answer, name="twilio-transfer-answer"),
    path("telephony/twilio/transfer/<int:leg_id>/status", views.transfer_status, name="twilio-transfer-status"),
    path("live/", views.live_calls, name="live-calls"),
    path("live/transfers/<int:agent_id>", views.switch_transfers, name="switch-transfers"),
    path("calls/<int:call_id>/recording.wav", views.call_recording, name="call-recording"),
    path("appointments/<int:appointment_id>/invite.ics", views.appointment_ics, name="appointment-ics"),
]
