from __future__ import annotations

from django.apps import AppConfig


class SheetsConfig(AppConfig):
    name = "apps.integrations.sheets"
    label = "sheets"
    verbose_name = "Sheet write-back"
