"""Asking the uploaded copies of the national Do Not Call registry: is a number on a copy that applies to a campaign
(the campaign's own copy for the number's area code, or the team's), and may a campaign that requires the registry
dial today (a copy no more than 31 days old for every area code its callable leads are in)?

The rules: 16 CFR 310.4(b)(1)(iii)(B) and 47 CFR 64.1200(c)(2) forbid telephone solicitations to registered numbers
except with the consumer's express agreement (a signed, written one naming the number, for 64.1200(c)(2)(ii)); the
safe harbour of 16 CFR 310.4(b)(3)(iv) and 64.1200(c)(2)(i)(D) needs a copy obtained at most 31 days before the call.
Here "express consent" is a lead's recorded consent source and date. The established-business-relationship exception
(a purchase within 18 months, an inquiry within 3) is not an exemption here: the agent's voice is artificial (FCC
24-17), and a telemarketing call in an artificial voice needs prior express written consent whatever the relationship
(47 CFR 64.1200(a)(2)-(3), since FCC 12-21 removed that exception for such calls).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BigIntegerField,
    Case,
    DateField,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.db.models.functions import Cast, Substr

from apps.campaigns.models import Campaign
from apps.compliance.models import REGISTRY_MAX_AGE_DAYS, RegistryArea, RegistryCopy, RegistryNumber
from apps.leads.eligibility import CALLABLE_STATUSES
from apps.leads.models import Lead

AREA = 10**7  # a 10-digit number // AREA is its area code

# A lead's recorded express consent: where it was given and when. Only such a lead on the registry may be dialled.
EXPRESS_CONSENT = ~Q(consent_source="") & Q(consent_at__isnull=False)


@dataclass(frozen=True)
class RegistryHit:
    """A number found on a registry copy that applies to the campaign: the freshest such copy."""

    as_of: dt.date | None
    copy_id: int | None = None
    team_copy: bool = True

    @property
    def reason(self) -> str:
        return f"on the national Do Not Call registry (copy of {self.as_of or 'unknown date'})"


def registry_number(phone: str) -> int | None:
    """The 10-digit North American number of an E.164 +1 phone (the registry's key), else None."""
    if len(phone) == 12 and phone.startswith("+1") and phone[2:].isdigit():
        return int(phone[2:])
    return None


def _applies(campaign) -> Q:
    """The scopes a campaign's dials answer to: its own copies and the team's. `campaign`: a Campaign, an id, or an
    expression (OuterRef) naming one."""
    campaign_id = campaign.pk if isinstance(campaign, Campaign) else campaign
    return Q(campaign=campaign_id) | Q(campaign__isnull=True)


def _current_entries(number, campaign):
    """RegistryNumber rows of `number` (a value or an expression) on a copy current for its area code and scope."""
    current = RegistryArea.objects.filter(_applies(campaign), copy=OuterRef("copy"), area_code=OuterRef("area_code"))
    return (RegistryNumber.objects.filter(number=number).annotate(area_code=F("number") / AREA)
            .filter(Exists(current)).order_by("-copy__as_of", "-copy_id"))


def on_registry(phone: str, campaign: Campaign | int) -> RegistryHit | None:
    """One indexed query: the freshest applying copy that lists the number, or None. Written out in SQL because
    building the ORM's version costs about 40 times as long as running it (tests/benchmarks/test_registry_bench.py)."""
    number = registry_number(phone)
    if number is None:
        return None
    campaign_id = campaign.pk if isinstance(campaign, Campaign) else campaign
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, [number // AREA, campaign_id, number])
        row = cursor.fetchone()
    if row is None:
        return None
    as_of = dt.date.fromisoformat(row[1]) if isinstance(row[1], str) else row[1]  # SQLite answers with text
    return RegistryHit(as_of=as_of, copy_id=row[0], team_copy=row[2] is None)


_LOOKUP = (  # the table names are the only text formatted in
    f"SELECT n.copy_id, c.as_of, c.campaign_id FROM {RegistryNumber._meta.db_table} n "  # noqa: S608
    f"JOIN {RegistryArea._meta.db_table} a ON a.copy_id = n.copy_id AND a.area_code = %s "
    "AND (a.campaign_id = %s OR a.campaign_id IS NULL) "
    f"JOIN {RegistryCopy._meta.db_table} c ON c.id = n.copy_id "
    "WHERE n.number = %s ORDER BY c.as_of DESC, n.copy_id DESC LIMIT 1"
)


def registry_as_of(campaign=None):
    """A column for a Lead queryset (annotate): the data date of the freshest applying copy that lists the lead's
    number, or NULL. `campaign` defaults to each lead's own; the dial tick passes its campaign's id."""
    campaign = campaign if campaign is not None else OuterRef(OuterRef("campaign_id"))
    number = Cast(Substr(OuterRef("phone"), 3), BigIntegerField())
    found = Subquery(_current_entries(number, campaign).values("copy__as_of")[:1])
    # Only +1 numbers are on the registry; another country's digits could look like a US number.
    return Case(When(phone__startswith="+1", then=found), default=None, output_field=DateField())


def hit_from_as_of(as_of: dt.date | None) -> RegistryHit | None:
    """The hit a registry_as_of column stands for (None: not on an applying copy)."""
    return RegistryHit(as_of=as_of) if as_of is not None else None


# --- may a campaign that requires the registry dial? ------------------------------------------------

def area_codes_to_cover(campaign: Campaign) -> list[int]:
    """The area codes of the campaign's leads that may still be dialled (one query)."""
    codes = (Lead.objects.filter(campaign=campaign, status__in=CALLABLE_STATUSES, attempts__lt=campaign.max_attempts,
                                 next_attempt_at__isnull=False, phone__startswith="+1")
             .annotate(code=Substr("phone", 3, 3)).values_list("code", flat=True).distinct().order_by())
    return sorted(int(code) for code in codes if code.isdigit())


def freshest_copies(campaign: Campaign, area_codes: Iterable[int]) -> dict[int, dt.date | None]:
    """Area code → the data date of the freshest applying copy current for it (absent: none)."""
    freshest: dict[int, dt.date | None] = {}
    rows = RegistryArea.objects.filter(_applies(campaign), area_code__in=list(area_codes))
    for code, as_of in rows.values_list("area_code", "copy__as_of"):
        if code not in freshest or (as_of and (freshest[code] is None or as_of > freshest[code])):
            freshest[code] = as_of
    return freshest


def registry_block_reason(campaign: Campaign, now: dt.datetime) -> str | None:
    """Why a campaign that requires the registry may not dial now (no copy, or one over 31 days old, for an area
    code of its callable leads), in words for staff; None when it may (or does not require the registry)."""
    if not campaign.require_registry:
        return None
    needed = area_codes_to_cover(campaign)
    if not needed:
        return None
    freshest = freshest_copies(campaign, needed)
    missing = [code for code in needed if code not in freshest]
    if missing:
        return f"no national Do Not Call registry copy for area code{'s' if len(missing) > 1 else ''} " \
               f"{_codes(missing)}: upload one"
    today = now.astimezone(dt.UTC).date()
    stale = {code: as_of for code, as_of in freshest.items() if as_of is None
             or (today - as_of).days > REGISTRY_MAX_AGE_DAYS}
    if stale:
        oldest = min((as_of for as_of in stale.values() if as_of), default=None)
        age = f"{(today - oldest).days} days old (data as of {oldest})" if oldest else "of unknown date"
        return f"the national Do Not Call registry copy for area code{'s' if len(stale) > 1 else ''} " \
               f"{_codes(sorted(stale))} is {age}; a call may rely on one at most {REGISTRY_MAX_AGE_DAYS} days " \
               "old: upload a fresh one"
    return None


def registry_summary(campaign: Campaign, now: dt.datetime) -> str:
    """For the campaign page: whether the registry stops it, else which copies it relies on."""
    if reason := registry_block_reason(campaign, now):
        return f"stopped: {reason}"
    copies = (RegistryCopy.objects.filter(areas__in=RegistryArea.objects.filter(_applies(campaign))).distinct()
              .order_by("-as_of"))
    described = [f"{'team' if copy.campaign_id is None else 'campaign'} copy of {copy.as_of} "
                 f"({_codes(copy.area_codes)})" for copy in copies[:10]]
    required = "required" if campaign.require_registry else "not required (numbers on a copy are still skipped)"
    return f"{required}; " + ("; ".join(described) if described else "no copy uploaded")


def _codes(codes: Iterable[int]) -> str:
    codes = list(codes)
    shown = ", ".join(str(code) for code in codes[:12])
    return shown + (f" and {len(codes) - 12} more" if len(codes) > 12 else "")
