"""Whether a call is recorded, and whether the greeting says so (issue 17.2).

Where every party to a call must consent to its recording (apps.compliance.state_rules: the all-party-consent
states binding the call, or no state we can tell), the greeting says the call is recorded, in the same sentence
as the AI disclosure, in fixed words no language model rewrites. A campaign may say so on every call, or instead
not record those calls at all (then no audio is kept).
"""
from __future__ import annotations

from dataclasses import dataclass

from apps.campaigns.models import Campaign, RecordingPolicy
from apps.compliance.state_rules import records_in_all_party_consent_state
from apps.leads.models import Lead


@dataclass(frozen=True)
class RecordingDecision:
    record: bool  # keep the call's audio
    notice: bool  # the greeting says the call is recorded


def recording_decision(lead: Lead, campaign: Campaign) -> RecordingDecision:
    every_party = records_in_all_party_consent_state(lead)
    if campaign.recording == RecordingPolicy.ALWAYS:
        return RecordingDecision(record=True, notice=True)
    if campaign.recording == RecordingPolicy.SKIP:
        return RecordingDecision(record=not every_party, notice=False)
    return RecordingDecision(record=True, notice=every_party)
