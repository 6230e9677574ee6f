"""The `postcall` queue: what happens after a call ends: its analysis, its results written back to the
sheet, Twilio's price for it, webhooks, and (days later) the deletion of its recording and transcript."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings

from apps.calls import live, retention
from apps.calls.analytics import analyse_call as analyse
from apps.calls.models import Call
from apps.costs.services import reconcile_telephony_price
from apps.integrations.sheets import writeback
from apps.integrations.telephony import TelephonyError, telephony
from apps.integrations.webhooks.services import deliver, redeliver_due


@shared_task(name="workers.postcall.analyse_call", acks_late=True)
def analyse_call(call_id: int) -> dict:
    result = analyse(call_id)
    writeback.record_call(call_id)  # after the analysis: the sheet gets the final outcome and score
    live.call_changed(call_id)  # the live-calls page shows the final disposition and score
    return result


@shared_task(name="workers.postcall.record_sheet_writeback", acks_late=True)
def record_sheet_writeback(call_id: int) -> str:
    """Queue the call's results for its campaign's sheet; a replay finds them queued and adds nothing."""
    return writeback.record_call(call_id)


@shared_task(name="workers.postcall.flush_sheet_writeback", bind=True, acks_late=True, max_retries=None)
def flush_sheet_writeback(self, campaign_id: int) -> str:
    """Write the campaign's queued results in one batch; 429/5xx are retried with backoff, then left to beat."""
    try:
        return writeback.flush_campaign(campaign_id)
    except writeback.Busy as exc:  # another flush has the sheet, or its interval or the quota is not over
        flush_sheet_writeback.apply_async(args=[campaign_id], countdown=exc.wait)
        return f"waiting {exc.wait:.1f} s"
    except writeback.WritebackError as exc:
        if exc.permanent:
            return f"failed, staff must act: {exc}"
        if self.request.retries >= settings.SHEETS_WRITEBACK_RETRIES:
            return f"still pending (beat tries again every minute): {exc}"
        raise self.retry(countdown=settings.SHEETS_WRITEBACK_RETRY_SECONDS * 2**self.request.retries) from exc


@shared_task(name="workers.postcall.flush_pending_writebacks", acks_late=True)
def flush_pending_writebacks() -> int:
    """Beat, every minute: a flush for each campaign whose results are still waiting."""
    return writeback.schedule_pending()


@shared_task(name="workers.postcall.reconcile_call_price", bind=True, acks_late=True, max_retries=None)
def reconcile_call_price(self, call_id: int) -> str:
    """Twilio prices a call a little after it ends: ask until the price is there (or give up, keeping the estimate)."""
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
    wait = deliver(delivery_id)
    if wait is None:
        return "done"
    raise self.retry(countdown=wait)


@shared_task(name="workers.postcall.redeliver_due_webhooks", acks_late=True)
def redeliver_due_webhooks() -> int:
    """Beat, every minute: queue again the deliveries a dead worker held or whose message was lost."""
    return len(redeliver_due())


@shared_task(name="workers.postcall.purge_expired_recordings", acks_late=True)
def purge_expired_recordings() -> dict:
    """Beat, daily: recordings and transcripts past their campaign's retention are deleted, a bounded number a
    run; a run that stopped at its bound queues the next at once. Each call is purged in its own transaction and
    nothing is held between calls, so a run ended any way (time limit, lost worker) leaves the rest to the next."""
    result = retention.purge_expired()
    if result["more"]:
        purge_expired_recordings.apply_async(queue="postcall")
    return result
