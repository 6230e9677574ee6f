"""Signing secrets sealed at rest: Fernet (AES-128-CBC + HMAC-SHA256) under a key derived by HKDF-SHA256.

HMAC signing needs the secret itself, so it cannot be hashed: the database holds only the Fernet token.
The key comes from WEBHOOK_SECRET_KEY, or from DJANGO_SECRET_KEY when that is unset; tokens sealed under
DJANGO_SECRET_KEY or one of SECRET_KEY_FALLBACKS still open, so a key can be rotated without losing secrets.
"""
from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"reautomation webhook signing secrets v1"


class SecretUnreadable(Exception):
    """The stored token does not open under any configured key (the key changed without a fallback)."""


def seal(secret: str) -> str:
    return _box(*_key_material()).encrypt(secret.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _box(*_key_material()).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable("the endpoint's signing secret cannot be decrypted: WEBHOOK_SECRET_KEY or "
                               "DJANGO_SECRET_KEY changed; rotate the endpoint's secret") from exc


def _key_material() -> tuple[str, ...]:
    """The key that seals first, then every key that may still open older tokens."""
    keys = [settings.WEBHOOK_SECRET_KEY, settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return tuple(dict.fromkeys(key for key in keys if key))


@lru_cache(maxsize=8)
def _box(*material: str) -> MultiFernet:
    return MultiFernet([Fernet(_derive(key)) for key in material])


def _derive(key: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(key.encode())
    return base64.urlsafe_b64encode(raw)
