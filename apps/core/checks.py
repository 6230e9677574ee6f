"""System checks for the platform's configuration: Twilio needs our public address, and the speech models the
settings name must be where they say (`manage.py check` reports them; errors stop every command)."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core import checks

SETUP_HINT = "Run `make models` (manage.py install_models), or point the setting at the installed model."


@checks.register()
def twilio_has_a_public_address(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Twilio fetches our TwiML, posts its status callbacks and opens the media stream at PUBLIC_BASE_URL, and
    signs its callbacks with it: without it no Twilio call can be placed, nor a callback believed."""
    twilio = settings.TELEPHONY_PROVIDER == "twilio" or bool(settings.TWILIO_ACCOUNT_SID)
    if not twilio or settings.PUBLIC_BASE_URL:
        return []
    return [checks.Error(
        "Twilio is configured (TELEPHONY_PROVIDER=twilio or TWILIO_ACCOUNT_SID set) but PUBLIC_BASE_URL is empty.",
        hint="Set PUBLIC_BASE_URL to the https:// address Twilio reaches this server at, e.g. https://calls.example.com.",
        id="reautomation.E001")]


@checks.register()
def speech_models_are_installed(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A media worker refuses to start without its models; said here too, so setup shows it before any call."""
    wanted = {
        "WHISPER_MODEL_DIR": [Path(settings.WHISPER_MODEL_DIR) / "model.bin"],
        "PIPER_VOICE_PATH": [Path(settings.PIPER_VOICE_PATH), Path(f"{settings.PIPER_VOICE_PATH}.json")],
    }
    return [checks.Warning(f"{setting}: {path} does not exist; media workers cannot take calls.", hint=SETUP_HINT,
                           id="reautomation.W002")
            for setting, paths in wanted.items() for path in paths if not path.is_file()]


@checks.register()
def media_admission_is_sound(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Admission by load (media_server.load) needs a threshold in (0, 1] and a positive CPU cost per call."""
    problems = []
    if settings.MEDIA_ADMISSION not in ("load", "slots"):
        problems.append(f"MEDIA_ADMISSION is {settings.MEDIA_ADMISSION!r}: 'load' or 'slots'.")
    if not 0 < settings.MEDIA_LOAD_THRESHOLD <= 1:
        problems.append(f"MEDIA_LOAD_THRESHOLD is {settings.MEDIA_LOAD_THRESHOLD}: a share of the cores, in (0, 1].")
    if settings.MEDIA_CPU_PER_CALL <= 0:
        problems.append(f"MEDIA_CPU_PER_CALL is {settings.MEDIA_CPU_PER_CALL}: cores per call, more than 0.")
    return [checks.Error(problem, id="reautomation.E003") for problem in problems]
