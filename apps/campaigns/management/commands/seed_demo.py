"""`manage.py seed_demo`: the demo superuser, the demo campaign with its messy sheet, a do-not-call entry,
and two human agents with working hours that the demo calls book appointments with.

Idempotent: running it again keeps the data and prints the same login (the password is
kept in var/demo-password so the printed one stays valid).
"""
from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from apps.calls.models import HumanAgent, WorkingHours
from apps.campaigns.models import Campaign
from apps.leads.do_not_call import add_to_do_not_call
from apps.leads.importing import run_import
from apps.leads.models import DoNotCall, ImportRun

DEMO_SHEET = "apps/campaigns/demo/leads.csv"
DEMO_MAPPING = {
    "name": "Full Name",
    "phone": "Phone Number",
    "address": "Property Address",
    "email": "Email",
    "notes": "Notes",
    "consent_source": "Consent Source",
    "consent_at": "Consent Date",
}
# name → (email, IANA zone, weekdays (0 = Monday), start, end)
DEMO_AGENTS = {
    "Jordan Lee": ("jordan.lee@example.com", "America/New_York", range(0, 5), dt.time(9), dt.time(17)),
    "Sam Rivera": ("sam.rivera@example.com", "America/Los_Angeles", range(0, 6), dt.time(10), dt.time(18)),
}

# Taking live transfers (no working hours: on call whenever the switch is on), on fictional 555 numbers the simulated
# network rings; not offered for appointments (no hours). Two, so a lead asking while one is busy finds the other.
ON_CALL = {"Riley Chen": ("riley.chen@example.com", "+12025550188", "America/New_York"),
           "Casey Brooks": ("casey.brooks@example.com", "+12025550189", "America/Chicago")}


class Command(BaseCommand):
    help = "Create the demo superuser and campaign, and import the demo sheet."

    def handle(self, *args, **options):
        password = self._superuser()
        add_to_do_not_call("+16465550187", "Asked not to be called (demo)", DoNotCall.Source.STAFF)
        campaign, created = Campaign.objects.get_or_create(
            slug="demo",
            defaults={
                "name": "Demo — spring buyers and sellers",
                "sheet_source": DEMO_SHEET,
                "column_mapping": DEMO_MAPPING,
                "callback_number": "+12125550100",
                # The demo dials at once: TELEPHONY_PROVIDER defaults to the simulated network.
                "is_active": settings.TELEPHONY_PROVIDER == "simulated",
                "dial_every_seconds": 10,
                "max_concurrent_calls": 3,
            },
        )
        self._human_agents(campaign)
        run = run_import(ImportRun.objects.create(campaign=campaign, source=campaign.sheet_source,
                                                  trigger=ImportRun.Trigger.COMMAND))
        self.stdout.write(f"Demo campaign {campaign.slug!r} ({'created' if created else 'kept'}): import #{run.pk} "
                          f"{run.status}, {run.rows_created} new leads, {run.rows_rejected} rejected rows.")
        if campaign.is_active:
            self.stdout.write("The demo campaign is active: beat dials its callable leads through the simulated "
                              "telephone network every 30 seconds.")
        self.stdout.write(self.style.SUCCESS(f"Admin login: demo / {password}"))

    def _human_agents(self, campaign: Campaign) -> None:
        """The demo's agents, created once; hours are only added to an agent that has none (staff may edit them)."""
        for name, (email, zone, weekdays, start, end) in DEMO_AGENTS.items():
            agent, _ = HumanAgent.objects.get_or_create(name=name, defaults={"email": email, "time_zone": zone})
            agent.campaigns.add(campaign)
            if not agent.working_hours.exists():
                WorkingHours.objects.bulk_create(
                    WorkingHours(agent=agent, weekday=day, start=start, end=end) for day in weekdays
                )
        for name, (email, phone, zone) in ON_CALL.items():
            on_call, _ = HumanAgent.objects.get_or_create(name=name, defaults={
                "email": email, "phone": phone, "time_zone": zone, "takes_transfers": True})
            on_call.campaigns.add(campaign)
        self.stdout.write(f"Human agents for the demo campaign: {', '.join(DEMO_AGENTS)}; on call for live "
                          f"transfers: {', '.join(ON_CALL)}.")

    def _superuser(self) -> str:
        password_file = settings.VAR_DIR / "demo-password"
        password_file.parent.mkdir(parents=True, exist_ok=True)
        if not password_file.exists():
            password_file.write_text(secrets.token_urlsafe(12))
            password_file.chmod(0o600)
        password = password_file.read_text().strip()
        user, _ = get_user_model().objects.get_or_create(username="demo", defaults={"email": "demo@example.com"})
        user.is_staff = user.is_superuser = True
        user.set_password(password)
        user.save()
        return password
