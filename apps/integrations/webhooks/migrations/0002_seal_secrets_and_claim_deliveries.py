"""Signing secrets sealed at rest (existing plain-text secrets are sealed here), endpoint URLs checked
for public addresses, and a claim on each delivery while an attempt is in flight."""

from django.db import migrations, models

import apps.integrations.webhooks.models
import apps.integrations.webhooks.targets


def seal_plain_secrets(apps, schema_editor):
    from apps.integrations.webhooks.sealed import seal

    endpoints = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in endpoints.objects.only("pk", "secret"):
        endpoints.objects.filter(pk=endpoint.pk).update(sealed_secret=seal(endpoint.secret))


def unseal_to_plain_secrets(apps, schema_editor):
    from apps.integrations.webhooks.sealed import unseal

    endpoints = apps.get_model("webhooks", "WebhookEndpoint")
    for endpoint in endpoints.objects.only("pk", "sealed_secret"):
        endpoints.objects.filter(pk=endpoint.pk).update(secret=unseal(endpoint.sealed_secret))


class Migration(migrations.Migration):

    dependencies = [
        ('webhooks', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='webhookendpoint',
            name='sealed_secret',
            field=models.TextField(default=''),
            preserve_default=False,
        ),
        migrations.RunPython(seal_plain_secrets, unseal_to_plain_secrets),
        migrations.RemoveField(
            model_name='webhookendpoint',
            name='secret',
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='sealed_secret',
            field=models.TextField(default=apps.integrations.webhooks.models.new_sealed_secret, editable=False),
        ),
        migrations.AlterField(
            model_name='webhookendpoint',
            name='url',
            field=models.URLField(help_text='https://… on a public address — receives a signed JSON POST per event', max_length=500, validators=[apps.integrations.webhooks.targets.validate_webhook_url]),
        ),
        migrations.AddField(
            model_name='webhookdelivery',
            name='claimed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
