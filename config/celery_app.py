"""The Celery application: settings come from Django (CELERY_*), tasks from workers/."""
from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")  # unconfigured: refuses to start

app = Celery("reautomation")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()  # per-app tasks.py; the queue workers are listed in CELERY_IMPORTS
