"""Fixtures of the compliance tests."""
from __future__ import annotations

import pytest

from tests.conftest import make_lead

NOT_ON_IT = "+12125550103"  # a 212 number no registry file in these tests lists


@pytest.fixture
def requiring(active_campaign, settings):
    """An active campaign that requires the registry, with one callable 212 lead."""
    settings.MEDIA_SLOTS_TOTAL = 10
    active_campaign.require_registry = True
    active_campaign.save()
    make_lead(active_campaign, NOT_ON_IT)
    return active_campaign
