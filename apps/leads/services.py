"""Lead verbs a conversation decides: call the lead back at a time they asked for, or stop calling them.

The sheet import is in `importing.py`, the do-not-call list in `do_not_call.py`."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from apps.leads.models import Lead, LeadStatus


def schedule_callback(lead_id: int, at: dt.datetime) -> None:
    """The lead asked to be called back then: the dialer will not call before, and calls then."""
    Lead.objects.filter(pk=lead_id).exclude(status=LeadStatus.DO_NOT_CALL).update(
        status=LeadStatus.CALLED, next_attempt_at=at, callback_at=at, updated_at=timezone.now())


def stop_calling(lead_id: int, *, invalid: bool = False) -> None:
    """No more calls to this lead (not interested, has an agent, wrong number: `invalid`)."""
    status = LeadStatus.INVALID if invalid else LeadStatus.CALLED
    Lead.objects.filter(pk=lead_id).exclude(status__in=(LeadStatus.DO_NOT_CALL, LeadStatus.APPOINTMENT)).update(
        status=status, next_attempt_at=None, updated_at=timezone.now())
