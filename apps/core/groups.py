"""The staff groups and what they may do; synced after every migrate so new models are covered."""
from __future__ import annotations

CAMPAIGN_MANAGERS = "Campaign managers"

# app_label → {model: actions}. Budgets and do-not-call removal stay with superusers.
CAMPAIGN_MANAGER_PERMISSIONS = {
    "campaigns": {"campaign": ("add", "change", "view")},
    "leads": {
        "lead": ("add", "change", "delete", "view", "export"),  # erase: superusers, or whom they grant it
        "importrun": ("view",),
        "importrejection": ("view",),
        "donotcall": ("add", "view"),
    },
    "calls": {
        "call": ("view",),
        "turn": ("view",),
        "agenttransition": ("view",),
        "appointment": ("add", "change", "view"),
    },
    "costs": {"costentry": ("view",), "tierescalationevent": ("view",)},
    "sheets": {"sheetwriteback": ("view", "change")},  # change: only the "write again" action, fields are read-only
    # upload a national registry copy (deleting one: superusers); read the evidence each dial was made on
    "compliance": {"registrycopy": ("add", "view"), "dialevidence": ("view",)},
}


def sync_staff_groups(**kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=CAMPAIGN_MANAGERS)
    codenames = [
        (app, f"{action}_{model}")
        for app, models in CAMPAIGN_MANAGER_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    wanted = [
        perm for perm in Permission.objects.filter(content_type__app_label__in=CAMPAIGN_MANAGER_PERMISSIONS)
        .select_related("content_type")
        if (perm.content_type.app_label, perm.codename) in codenames
    ]
    group.permissions.set(wanted)
