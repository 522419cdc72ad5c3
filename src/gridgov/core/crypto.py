"""Personal data at rest: encryption, a keyed hash for exact search, and masking for display.

ID and phone numbers are stored encrypted (Fernet, key ``settings.ENCRYPTION_KEY``: several
comma-separated keys during a rotation, the first encrypting and all decrypting) so a copied
database file does not leak them; equality search goes through an HMAC with a separate key
(``settings.HASH_KEY``) so that the hash alone cannot be brute-forced without the key.
"""
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

from .keys import encryption_keys


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in encryption_keys(keys)])


def encrypt(value: str) -> str:
    return _fernet(settings.ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.ENCRYPTION_KEY).decrypt(token.encode()).decode()


def rotate(token: str) -> str | None:
    """``token`` re-encrypted with the first key, or ``None`` when it already is (the first key
    decrypts it): ``gridgov rotate-keys`` runs again without rewriting what it has done."""
    keys = settings.ENCRYPTION_KEY
    try:
        _fernet(encryption_keys(keys)[0]).decrypt(token.encode())
        return None
    except InvalidToken:
        return _fernet(keys).rotate(token.encode()).decode()


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


def _mask(value: str, head: int, tail: int, hidden: int) -> str:
    """Keep up to ``head`` leading and ``tail`` trailing characters and star the rest, giving up
    kept characters (the tail first) until at least ``hidden`` digits are starred: a short value
    keeps less rather than shrinking the space of numbers that fit what is shown."""
    while head + tail and sum(c.isdigit() for c in value[head:len(value) - tail]) < hidden:
        if tail:
            tail -= 1
        else:
            head -= 1
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail:]


def mask_id_number(value: str) -> str:
    """``510113196001030056`` → ``5****************6``: the first and the check character only.

    A mask is only as strong as what is shown beside it. The people screens, the API and the back
    office show the gender (the parity of the sequence digits), the home unit (which gives away the
    6-digit region for most residents) and the birth *decade* (``Person.birth_decade``; never the
    birth date). The old mask kept the region and the last four (the sequence and the check
    character) and the birth date stood next to it: the whole number. Now the unknowns are the
    birth date within its decade (3,652 days) and the sequence (500 of the person's parity), and
    the check character shown divides them by 11: about 166,000 numbers fit even when the region
    is known. Showing more of the tail would hand over the sequence; showing the exact birth date
    (or an age, whose change on the birthday gives the date) would leave about 45.
    ``tests/test_security_people.py`` counts the candidates from what each screen really shows.
    """
    return _mask(value or "", 1, 1, 16)


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``, ``028-1234567`` → ``028****567``: at least four digits
    are always hidden.

    Four hidden digits are 10,000 candidates, which only a search oracle could test one by one;
    the people screens' exact-number search (``people.services.search_by_number``) needs the
    reveal permission and a reason, is logged and allows a few searches an hour, so enumerating is
    slower and more visible than the logged reveal its users may already use.
    """
    return _mask(value or "", 3, 4, 4)
