"""The do-not-call list: put a number on it (marking its leads in every campaign), lift an entry, check one."""
from __future__ import annotations

import re

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


# A reply that revokes consent. The FCC's 2024 order (FCC 24-24, 47 CFR 64.1200(a)(10)) makes "stop", "quit",
# "end", "revoke", "opt out", "cancel" and "unsubscribe" in reply to a text a revocation per se; plain words that
# ask not to be contacted are a reasonable means too. A message that is nothing but one of these, or that says
# one of the phrases anywhere, revokes.
_REVOKE_WORDS = {"stop", "stopall", "quit", "end", "revoke", "optout", "cancel", "unsubscribe", "remove"}
_POLITE = {"please", "pls", "now", "thanks", "thank", "you", "all", "it", "me", "opt", "out"}
_REVOKE_PHRASES = re.compile(
    r"\b(?:opt(?:ing)? ?out|unsubscribe|revoke|(?:stop|quit|cease) (?:calling|texting|contacting|messaging)|"
    r"(?:don't|do not|never) (?:ever )?(?:call|text|contact|message)|take (?:me|us|my number|this number) off|"
    r"remove (?:me|us|my number|this number)|lose (?:my|this) number|leave (?:me|us) alone|do not call list|"
    r"no more (?:calls|texts|messages))\b")


def revokes_consent(message: str) -> bool:
    """Does this message (a text reply, an e-mail line) ask us to stop contacting the number?"""
    words = re.sub(r"[^a-z' ]+", " ", message.lower().replace("’", "'")).split()
    if not words:
        return False
    if set(words) & _REVOKE_WORDS and set(words) <= _REVOKE_WORDS | _POLITE:  # "STOP", "stop please", "END."
        return True
    return bool(_REVOKE_PHRASES.search(" ".join(words)))


def is_on_do_not_call(phone: str) -> bool:
    return DoNotCall.objects.active().filter(phone=phone).exists()
