"""Telephone networks behind one interface: Twilio for real calls, a simulated network offline."""
from __future__ import annotations

from apps.integrations.telephony.base import ProviderCall, Telephony, TelephonyError, telephony

__all__ = ["ProviderCall", "Telephony", "TelephonyError", "telephony"]
