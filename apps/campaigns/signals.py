"""Saving or deleting a campaign updates its beat schedules in the same transaction."""
from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.campaigns.models import Campaign
from apps.campaigns.services import delete_schedules, sync_schedules


@receiver(post_save, sender=Campaign)
def campaign_saved(sender, instance: Campaign, raw: bool = False, **kwargs) -> None:
    if not raw:  # fixtures load rows as they are
        sync_schedules(instance)


@receiver(post_delete, sender=Campaign)
def campaign_deleted(sender, instance: Campaign, **kwargs) -> None:
    delete_schedules(instance.pk)
