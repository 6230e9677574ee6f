"""`manage.py dial_tick <campaign-slug>`: run one dial tick now and say what it did, and why not more."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from django.core.management.base import BaseCommand
from django.utils import timezone

from apps.calls.dialing import dial_context, dial_tick
from apps.campaigns.models import Campaign
from apps.campaigns.services import campaign_for_command
from apps.compliance.registry import hit_from_as_of, registry_as_of
from apps.leads.eligibility import DialContext, why_not_callable
from apps.leads.models import DoNotCall, Lead


class Command(BaseCommand):
    help = "Dial a campaign's callable leads now (the task beat runs), and summarise why others wait."

    def add_arguments(self, parser):
        parser.add_argument("campaign", help="campaign slug")
        parser.add_argument("--explain", action="store_true", help="count the reasons leads are not called now")

    def handle(self, *args, campaign: str, explain: bool, **options):
        found = campaign_for_command(campaign)
        result = dial_tick(found.pk)
        self.stdout.write(f"Queued {len(result.calls)} call(s)" + (f"; {result.reason}" if result.reason else ""))
        if explain:
            self._explain(found)

    def _explain(self, campaign: Campaign) -> None:
        now = timezone.now()
        context = dial_context(campaign, now)
        windows = campaign.windows_by_weekday()
        blocked = set(DoNotCall.objects.active().values_list("phone", flat=True))
        reasons: Counter[str] = Counter()
        leads = Lead.objects.filter(campaign=campaign).annotate(_registry_as_of=registry_as_of(campaign.pk))
        for lead in leads.iterator(chunk_size=2000):
            lead_context = context if lead.phone not in blocked else DialContext(on_do_not_call=True)
            lead_context = replace(lead_context, on_registry=hit_from_as_of(lead._registry_as_of))
            reason = why_not_callable(lead, campaign, now, lead_context, windows) or "callable now"
            reasons[reason.split(":")[0]] += 1
        for reason, count in reasons.most_common():
            self.stdout.write(f"  {count:6d}  {reason}")

