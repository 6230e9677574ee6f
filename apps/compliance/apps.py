from __future__ import annotations

from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    """The rules above the federal floor: state calling rules, the national Do Not Call registry, the evidence
    each dial was made on. The dialer (apps.leads.eligibility, apps.calls.dialing) asks; this app answers."""

    name = "apps.compliance"
    label = "compliance"
