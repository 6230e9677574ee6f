"""The rehearsals app: its management commands (`simulated_network`, `rehearse`, `bench_voice`); no models."""
from __future__ import annotations

from django.apps import AppConfig


class RehearsalsConfig(AppConfig):
    name = "apps.rehearsals"
    label = "rehearsals"
