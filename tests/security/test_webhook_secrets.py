"""Webhook signing secrets are sealed at rest and shown to staff once, when made: never in the database in plain
text, never on the change page or the list, not even to staff who may view endpoints."""
from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from apps.integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from apps.integrations.webhooks.sealed import unseal
from apps.integrations.webhooks.services import deliver, emit
from tests.integrations.webhooks.test_webhooks import receiver  # noqa: F401 (a fixture)

PUBLIC = "https://93.184.215.14/hooks"
ADMIN = "/admin/webhooks/webhookendpoint/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_database_holds_no_plain_secret(db):
    endpoint = WebhookEndpoint.objects.create(url=PUBLIC)
    assert endpoint.secret.startswith("whsec_")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM webhooks_webhookendpoint")
        [row] = cursor.fetchall()
    assert not any(endpoint.secret in str(value) for value in row)
    assert unseal(WebhookEndpoint.objects.get().sealed_secret) == endpoint.secret


def test_the_admin_shows_the_secret_once_when_the_endpoint_is_made(superuser):
    client = _client(superuser)
    made = client.post(f"{ADMIN}add/", {"url": PUBLIC, "description": "CRM", "events": '["call.completed"]',
                                        "is_active": "on"}, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert f"Signing secret for {PUBLIC}: {endpoint.secret}" in made.content.decode()
    for page in (f"{ADMIN}{endpoint.pk}/change/", ADMIN, f"{ADMIN}add/"):
        again = client.get(page).content.decode()
        assert endpoint.secret not in again, page
    assert f"whsec_…{endpoint.secret[-4:]}" in client.get(f"{ADMIN}{endpoint.pk}/change/").content.decode()


def test_staff_who_may_view_endpoints_never_see_the_secret(db):
    endpoint = WebhookEndpoint.objects.create(url=PUBLIC)
    viewer = User.objects.create_user("viewer", password="pw-viewer-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_webhookendpoint"))
    page = _client(viewer).get(f"{ADMIN}{endpoint.pk}/change/")
    assert page.status_code == 200 and endpoint.secret not in page.content.decode()


def test_rotating_makes_a_new_secret_shown_once(superuser):
    endpoint = WebhookEndpoint.objects.create(url=PUBLIC)
    old = endpoint.secret
    done = _client(superuser).post(ADMIN, {"action": "rotate_secrets", "_selected_action": [endpoint.pk]},
                                   follow=True)
    new = WebhookEndpoint.objects.get().secret
    assert new != old and f"New signing secret for {PUBLIC}: {new}" in done.content.decode()


def test_a_secret_sealed_under_a_lost_key_fails_its_delivery_and_says_why(receiver, settings):  # noqa: F811
    settings.WEBHOOK_SECRET_KEY = ""
    settings.SECRET_KEY = "a-different-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    [delivery_id] = emit("call.completed", {"call": {"id": 1}})
    assert deliver(delivery_id) is None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "failed" and "signing secret cannot be decrypted" in delivery.last_error
    assert receiver.received == []


def test_a_rotated_secret_key_kept_as_a_fallback_still_signs(receiver, settings):  # noqa: F811
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY, settings.WEBHOOK_SECRET_KEY]
    settings.WEBHOOK_SECRET_KEY = ""
    settings.SECRET_KEY = "a-different-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    [delivery_id] = emit("call.completed", {"call": {"id": 1}})
    assert deliver(delivery_id) is None
    assert receiver.received[0]["valid"]


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_secrets_it_finds_in_plain_text():
    before, after = [("webhooks", "0001_initial")], [("webhooks", "0002_seal_secrets_and_claim_deliveries")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps.get_model("webhooks", "WebhookEndpoint")
        old.objects.create(url=PUBLIC, secret="whsec_made_before_sealing")
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        with connection.cursor() as cursor:
            cursor.execute("SELECT sealed_secret FROM webhooks_webhookendpoint")
            [(sealed,)] = cursor.fetchall()
        assert "whsec_made_before_sealing" not in sealed and unseal(sealed) == "whsec_made_before_sealing"
        executor = MigrationExecutor(connection)
        executor.migrate(before)  # and back: the plain text returns
        assert old.objects.get().secret == "whsec_made_before_sealing"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
