"""The Telephony interface the dialer uses, its error type, and the provider chosen by settings."""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string


class TelephonyError(Exception):
    """A provider refused or failed. `permanent`: retrying cannot help; `invalid_number`: the
    number itself cannot be called (the lead is marked invalid)."""

    def __init__(self, message: str, *, permanent: bool = False, invalid_number: bool = False,
                 maybe_placed: bool = False):
        super().__init__(message)
        self.permanent = permanent or invalid_number
        self.invalid_number = invalid_number
        # The request may have reached the provider (a timeout): look the call up before retrying.
        self.maybe_placed = maybe_placed


@dataclass(frozen=True)
class ProviderCall:
    """A call as the provider knows it."""

    provider_call_id: str
    status: str  # Twilio's vocabulary: queued, initiated, ringing, in-progress, completed, busy, ...
    duration_seconds: int | None = None
    price: str | None = None


class Telephony(ABC):
    name: str

    @abstractmethod
    def place_call(self, call) -> str:
        """Start dialling the call's lead; returns the provider's call id. Raises TelephonyError."""

    @abstractmethod
    def hang_up(self, call) -> None:
        """End the call if it is still ringing or connected."""

    @abstractmethod
    def find_call(self, call) -> ProviderCall | None:
        """The provider's record of this call: by id when we have one, else by number and time
        (for a request whose answer was lost). None when the provider never placed it."""

    # --- live transfers (apps.calls.transfers) ---

    @abstractmethod
    def dial_human(self, leg) -> str:
        """Ring a human agent for a transfer leg: on answer the provider fetches our whisper TwiML (the summary
        and "press 1"), and reports the leg's progress to its status webhook. Returns the leg's provider id."""

    @abstractmethod
    def join_conference(self, call, room: str) -> None:
        """Move the lead's live call off its media stream into the transfer's conference `room` (the AI leaves)."""

    @abstractmethod
    def end_leg(self, leg) -> None:
        """Stop ringing (or hang up) a human's leg that is no longer wanted."""


PROVIDERS = {
    "simulated": "apps.integrations.telephony.simulated.SimulatedTelephony",
    "twilio": "apps.integrations.telephony.twilio.TwilioTelephony",
}


@lru_cache(maxsize=4)
def _provider(name: str) -> Telephony:
    return import_string(PROVIDERS[name])()


def telephony(name: str | None = None) -> Telephony:
    return _provider(name or settings.TELEPHONY_PROVIDER)
