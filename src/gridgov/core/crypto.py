"""Personal data at rest: encryption, a keyed hash for exact search, and masking for display.

ID and phone numbers are stored encrypted (Fernet, key ``settings.ENCRYPTION_KEY``) so a copied
database file does not leak them; equality search goes through an HMAC with a separate key
(``settings.HASH_KEY``) so that the hash alone cannot be brute-forced without the key.
"""
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    return _fernet(settings.ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.ENCRYPTION_KEY).decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of a normalised value (upper-case, no spaces), for exact-match search."""
    normalised = "".join(value.split()).upper()
    return hmac.new(settings.HASH_KEY.encode(), normalised.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text column that holds Fernet ciphertext in the database and plain text in Python."""

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


def _mask(value: str, head: int, tail: int) -> str:
    """Keep ``head`` characters and ``tail`` characters, star the rest; a value too short to
    keep anything without giving most of it away is starred entirely."""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


def mask_id_number(value: str) -> str:
    """``510113199001011234`` → ``5101**********1234``: the region and the last four stay visible."""
    return _mask(value or "", 4, 4)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    return _mask(value or "", 3, 4)
