"""The do-not-call list: put a number on it (marking its leads in every campaign), lift an entry, check one."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.integrations.webhooks import events
from apps.leads.models import DoNotCall, Lead, LeadStatus


def add_to_do_not_call(phone: str, reason: str = "", source: str = DoNotCall.Source.STAFF, user=None) -> DoNotCall:
    """Put an E.164 number on the list (once) and mark that number's leads in every campaign."""
    with transaction.atomic():
        entry = DoNotCall.objects.active().filter(phone=phone).first()
        if entry is None:
            entry = DoNotCall.objects.create(phone=phone, reason=reason, source=source, created_by=user)
        Lead.objects.filter(phone=phone).exclude(status=LeadStatus.DO_NOT_CALL).update(
            status=LeadStatus.DO_NOT_CALL, updated_at=timezone.now()
        )
        if source == DoNotCall.Source.OPT_OUT:
            events.lead_opted_out(phone, reason)
    return entry


def remove_from_do_not_call(entry: DoNotCall, user) -> None:
    """Lift an entry (superusers only, enforced by the admin); the entry stays as history.

    Leads stay `do_not_call` until staff reset them: lifting a block never starts calls by itself.
    """
    DoNotCall.objects.filter(pk=entry.pk, removed_at__isnull=True).update(removed_at=timezone.now(), removed_by=user)


def is_on_do_not_call(phone: str) -> bool:
    return DoNotCall.objects.active().filter(phone=phone).exists()
