"""The `postcall` queue: what happens after a call ends (analysis now; sheet writeback and webhooks later)."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.calls.analytics import analyse_call as analyse


@shared_task(name="workers.postcall.analyse_call", acks_late=True)
def analyse_call(call_id: int) -> dict:
    return analyse(call_id)


@shared_task(name="workers.postcall.reconcile_call_price", bind=True, acks_late=True, max_retries=None)
def reconcile_call_price(self, call_id: int) -> str:
    """Twilio prices a call a little after it ends: ask until the price is there (or give up, keeping the estimate)."""
    from apps.calls.models import Call
    from apps.costs.services import reconcile_telephony_price
    from apps.integrations.telephony import TelephonyError, telephony

    call = Call.objects.get(pk=call_id)
    try:
        found = telephony("twilio").find_call(call)
    except TelephonyError as exc:
        found, error = None, str(exc)
    else:
        error = "not priced yet"
    if found is not None and found.price not in (None, ""):
        return "reconciled" if reconcile_telephony_price(call_id, found.price) else "already reconciled"
    if self.request.retries >= settings.TWILIO_PRICE_RETRIES:
        return f"kept the estimate: {error}"
    raise self.retry(countdown=settings.TWILIO_PRICE_DELAY_SECONDS * 2 ** min(self.request.retries, 4))



@shared_task(name="workers.postcall.deliver_webhook", bind=True, acks_late=True, max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str:
    """One attempt; a failure schedules the next with backoff, for up to 24 hours (then the delivery fails)."""
    from apps.integrations.webhooks.services import deliver

    wait = deliver(delivery_id)
    if wait is None:
        return "done"
    raise self.retry(countdown=wait)
