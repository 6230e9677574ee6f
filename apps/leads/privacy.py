"""A lead's personal data on request: everything we hold about them as one JSON document (`export_lead`), or
erased (`erase_lead`), keeping only the do-not-call entries for the number and the fact that each call happened.

Erasure keeps:
- the Lead row with its number in E.164, consent source and date, state and time zone, status, attempts, last
  outcome and score, sheet row and row fingerprint. The number is kept in full, not hashed: it is what the calls
  made are records of (consent and calling-hours evidence, the dial audit), what the do-not-call list is matched
  on, and the key the sheet import finds the lead by, so a re-import of the same row updates this erased,
  never-again lead instead of creating a new one that would be dialled. The fingerprint lets an unchanged row
  pass without being read back in;
- every Call row (status, outcome, disposition, score, timestamps, costs, dial evidence), Appointment times and
  status, cost entries, and every do-not-call entry for the number: a lead who opted out stays blocked.
Erasure removes: name, e-mail, address and postal code, notes, the phone as written and its extension, the sheet's
other columns, facts and callback time; recordings (the files), transcripts, what the agent heard and said,
summaries and facts of its calls; appointment notes; the import's rejected rows that carry the number; the lead's
details in sheet write-backs and webhook deliveries (those not sent yet are not sent). It also stops the lead
being dialled again (`next_attempt_at` blank), and records who erased it, when and what went (an Erasure row).

Not ours to erase: the team's own sheet and results files, the team's CRM (webhooks already delivered), and
recordings the telephone provider keeps (TWILIO_RECORD_CALLS).
"""
from __future__ import annotations

import json
import logging

from django.core.exceptions import ObjectDoesNotExist
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.calls.models import LIVE_CALL_STATUSES, Appointment, Call
from apps.calls.retention import purge_call
from apps.integrations.sheets.models import SheetWriteback
from apps.integrations.webhooks.models import WebhookDelivery
from apps.leads.models import DoNotCall, Erasure, ImportRejection, Lead, LeadStatus, mask_phone

log = logging.getLogger(__name__)

# The lead's own fields that erasure empties: what identifies the person beyond the number.
ERASED_LEAD_FIELDS = {"name": "", "email": "", "address": "", "postal_code": "", "notes": "", "raw_phone": "",
                      "phone_extension": "", "extra": {}, "facts": {}, "callback_at": None}
ERASED = "The lead's personal data was erased"


class ErasureRefused(Exception):
    """The lead cannot be erased now (a call with them is under way)."""


def export_lead(lead: Lead) -> dict:
    """Everything we hold about the lead, as JSON-ready data (datetimes ISO 8601, money as strings)."""
    calls = (Call.objects.filter(lead=lead).order_by("created_at", "pk")
             .prefetch_related("turns", "agent_steps", "agent_transitions", "costs"))
    document = {
        "exported_at": timezone.now(),
        "lead": _fields(lead),
        "campaign": {"id": lead.campaign_id, "name": lead.campaign.name, "slug": lead.campaign.slug},
        "do_not_call": [_fields(entry, exclude=("created_by", "removed_by"))
                        for entry in DoNotCall.objects.filter(phone=lead.phone).order_by("created_at")],
        "rejected_sheet_rows": [{"import_run": row.run_id, **_fields(row, exclude=("id", "run"))}
                                for row in _rejected_rows(lead)],
        "calls": [_call(call) for call in calls],
        "appointments": [{**_fields(appointment), "agent": str(appointment.agent or "")}
                         for appointment in Appointment.objects.filter(lead=lead).select_related("agent")],
        "sheet_writebacks": [_fields(item, exclude=("last_error",))
                             for item in SheetWriteback.objects.filter(call__lead=lead).order_by("created_at")],
        "webhook_deliveries": [_fields(delivery, exclude=("claimed_at",))
                               for delivery in _webhook_deliveries(lead.pk).order_by("created_at")],
        "erasures": [_fields(erasure, exclude=("id", "lead", "erased_by")) for erasure in lead.erasures.all()],
    }
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))


def erase_lead(lead: Lead, user=None) -> Erasure:
    """Erase the lead's personal data (see the module's note for what stays); safe to repeat. The Erasure row
    returned says what went. Raises ErasureRefused while a call with the lead is under way."""
    now = timezone.now()
    with transaction.atomic():
        # Locked first: a dial tick claiming the lead now waits, then finds it never to be called again.
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if lead.status == LeadStatus.IN_CALL or lead.calls.filter(status__in=LIVE_CALL_STATUSES).exists():
            raise ErasureRefused("A call with this lead is under way: erase it once the call has ended.")
        rejected_rows, _ = _rejected_rows(lead).delete()
        Lead.objects.filter(pk=lead.pk).update(**ERASED_LEAD_FIELDS, next_attempt_at=None, updated_at=now)
        erasure = Erasure.objects.create(lead=lead, erased_at=now, erased_by=user)
    counts = {"calls": 0, "recordings": 0, "turns": 0, "rejected_sheet_rows": rejected_rows}
    for call_id in Call.objects.filter(lead_id=lead.pk).values_list("pk", flat=True):
        purged = purge_call(call_id, now)  # each call in its own transaction, its file deleted first
        counts["calls"] += 1
        counts["recordings"] += purged["recordings"]
        counts["turns"] += purged["turns"]
    with transaction.atomic():
        Call.objects.filter(lead_id=lead.pk).update(summary="", facts={})
        Appointment.objects.filter(lead_id=lead.pk).update(notes="")
        _redact_outbox(lead.pk)
        erasure.removed = counts
        erasure.save(update_fields=["removed"])
    log.info("lead %s (%s) erased by user %s: %s", lead.pk, mask_phone(lead.phone), getattr(user, "pk", None),
             counts)
    return erasure


def _call(call: Call) -> dict:
    return {
        **_fields(call, exclude=("recording",)),
        "recording_url": reverse("call-recording", args=[call.pk]) if call.recording else None,
        "transcript": [_fields(turn, exclude=("id", "call")) for turn in call.turns.all()],
        "agent_steps": [_fields(step, exclude=("id", "call")) for step in call.agent_steps.all()],
        "agent_transitions": [_fields(move, exclude=("id", "call")) for move in call.agent_transitions.all()],
        "cost_entries": [_fields(entry, exclude=("call", "campaign")) for entry in call.costs.all()],
        "dial_evidence": _dial_evidence(call),
    }


def _dial_evidence(call: Call) -> dict | None:
    """What the dial was made on (apps.compliance.audit): it holds no personal data beyond the call's own."""
    try:
        evidence = call.evidence
    except ObjectDoesNotExist:  # dialled before the audit trail, or not by the dial tick
        return None
    return {"checked_at": evidence.checked_at, "rules_version": evidence.rules_version, "evidence": evidence.evidence}


def _fields(row: models.Model, exclude: tuple[str, ...] = ()) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields
            if field.name not in exclude}


def _rejected_rows(lead: Lead):
    """Rows of the campaign's sheet the import rejected that carry the lead's number (as written, or a duplicate
    of it): they hold the same person's details."""
    carries = Q(reason__contains=lead.phone) if lead.phone else Q(pk__in=[])
    if lead.raw_phone:
        carries |= Q(raw__icontains=lead.raw_phone)
    return ImportRejection.objects.filter(carries, run__campaign_id=lead.campaign_id).order_by("run_id", "row_number")


def _webhook_deliveries(lead_id: int):
    return WebhookDelivery.objects.filter(payload__data__lead__id=lead_id)


def _redact_outbox(lead_id: int) -> None:
    """Results waiting for (or written to) the sheet lose their values, and unsent ones are not sent; webhook
    payloads keep the event and the call's outcome, without the lead's details, the facts or the summary."""
    writebacks = SheetWriteback.objects.filter(call__lead_id=lead_id)
    writebacks.exclude(status=SheetWriteback.Status.DONE).update(status=SheetWriteback.Status.SKIPPED,
                                                                  last_error=ERASED)
    writebacks.update(row_values={}, call_values={})
    for delivery in _webhook_deliveries(lead_id).only("pk", "payload"):
        data = {key: value for key, value in delivery.payload["data"].items() if key != "facts"}
        data["lead"] = {"id": lead_id, "erased": True}
        if isinstance(data.get("call"), dict):
            data["call"] = {**data["call"], "summary": ""}
        WebhookDelivery.objects.filter(pk=delivery.pk).update(payload={**delivery.payload, "data": data})
