"""Settings for building the Docker image: `collectstatic` with production's static storage, needing no secret.

The image's static files must be collected with the storage production serves them with (hashed names listed
in a manifest, compressed): collected any other way, every admin page fails on the missing manifest. These
settings hold no secret key and allow no host, so nothing can be served with them by mistake.
"""
from __future__ import annotations

from config.settings.base import *  # noqa: F403
from config.settings.base import DEFAULT_STORAGE

DEBUG = False
ALLOWED_HOSTS: list[str] = []
# Production imports this very dict: the files are always collected with the storage that serves them.
STORAGES = {
    "default": DEFAULT_STORAGE,  # recordings: the disk, or RECORDINGS_S3_BUCKET (base)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
