"""Fixtures shared by the integration tests: the local Google (OAuth token endpoint and Sheets v4)."""
from __future__ import annotations

import pytest

from tests.integrations.fake_google import running_fake_google


@pytest.fixture
def google(no_proxy):
    with running_fake_google() as fake:
        yield fake
