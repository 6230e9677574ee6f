"""The `dialer` queue: dial ticks (beat, per campaign), placing calls, the simulated network's
events, and the sweeper that reconciles calls that went quiet."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.calls import dialing, lifecycle, sweeper
from apps.integrations.telephony import TelephonyError, telephony


@shared_task(name="workers.dialer.dial_tick", acks_late=True)
def dial_tick(campaign_id: int) -> dict:
    """Safe to repeat: a redelivered tick finds the leads already claimed and claims others or none."""
    result = dialing.dial_tick(campaign_id)
    return {"calls": result.calls, "reason": result.reason}


@shared_task(name="workers.dialer.place_call", bind=True, acks_late=True, max_retries=None)
def place_call(self, call_id: int) -> str:
    try:
        return dialing.place_call(call_id)
    except TelephonyError as exc:
        if self.request.retries >= settings.CALL_PLACE_RETRIES:
            # Never placed (the provider was down or refused us): the lead keeps its attempt.
            lifecycle.release_call(call_id, f"gave up placing the call: {exc}")
            return f"released after {self.request.retries} retries: {exc}"
        raise self.retry(exc=exc, countdown=settings.CALL_PLACE_RETRY_SECONDS * 2**self.request.retries) from exc


@shared_task(name="workers.dialer.simulated_call_event", acks_late=True)
def simulated_call_event(call_id: int, provider_call_id: str, status: str, fields: dict) -> bool:
    """One status event of the simulated network, applied as a Twilio callback would be."""
    duration = int(fields["CallDuration"]) if "CallDuration" in fields else None
    telephony("simulated").record_event(provider_call_id, call_id, status, duration)
    return lifecycle.record_call_event(call_id, provider_call_id, status, duration=duration,
                                      answered_by=fields.get("AnsweredBy", ""), provider="simulated")


@shared_task(name="workers.dialer.sweep_stale_calls", acks_late=True)
def sweep_stale_calls() -> dict:
    return sweeper.sweep_stale_calls()
