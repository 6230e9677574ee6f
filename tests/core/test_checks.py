"""System checks with ids: Twilio without our public address is an error, a missing speech model a warning, an
admission-by-load setting that cannot work an error."""
from __future__ import annotations

from django.core.checks import run_checks
from django.test import override_settings

OURS = ("reautomation.E001", "reautomation.W002", "reautomation.E003")


def our_ids() -> list[str]:
    return sorted(message.id for message in run_checks() if message.id in OURS)


def test_it_finds_nothing_wrong_with_the_test_settings():
    assert our_ids() == []


@override_settings(TELEPHONY_PROVIDER="twilio", TWILIO_ACCOUNT_SID="AC123", PUBLIC_BASE_URL="")
def test_it_refuses_twilio_without_a_public_address():
    assert our_ids() == ["reautomation.E001"]


@override_settings(TELEPHONY_PROVIDER="simulated", TWILIO_ACCOUNT_SID="AC123", PUBLIC_BASE_URL="")
def test_twilio_credentials_alone_need_a_public_address_too():
    """Any campaign may choose Twilio when its account is set, whatever the default provider."""
    assert our_ids() == ["reautomation.E001"]


@override_settings(TELEPHONY_PROVIDER="twilio", TWILIO_ACCOUNT_SID="AC123", PUBLIC_BASE_URL="https://calls.example.com")
def test_twilio_with_a_public_address_is_fine():
    assert our_ids() == []


def test_it_warns_of_each_missing_model_file(tmp_path):
    with override_settings(WHISPER_MODEL_DIR=tmp_path / "whisper-base", PIPER_VOICE_PATH=tmp_path / "voice.onnx"):
        messages = [message for message in run_checks() if message.id == "reautomation.W002"]
    named = " ".join(message.msg for message in messages)
    assert len(messages) == 3  # model.bin, the voice and the voice's .json
    assert "WHISPER_MODEL_DIR" in named and "PIPER_VOICE_PATH" in named and str(tmp_path / "voice.onnx.json") in named


@override_settings(MEDIA_ADMISSION="cpu", MEDIA_LOAD_THRESHOLD=1.5, MEDIA_CPU_PER_CALL=0)
def test_it_refuses_admission_settings_that_cannot_work():
    messages = [message.msg for message in run_checks() if message.id == "reautomation.E003"]
    assert len(messages) == 3 and "MEDIA_ADMISSION" in messages[0] and "MEDIA_LOAD_THRESHOLD" in messages[1]
