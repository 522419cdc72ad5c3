"""System checks of the keys: a production process refuses to start on the public development
keys (any management command fails its checks, ``gridgov serve`` and ``gridgov worker`` among them,
with the message below), ``check --deploy`` reports them anywhere, and a malformed encryption key is
reported before it fails the first save of a person."""
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, register

from .keys import encryption_keys


def _development_keys():
    if not settings.GRIDGOV_DEVELOPMENT_KEYS:
        return []
    return [Error(
        f"Development keys in use: {', '.join(settings.GRIDGOV_DEVELOPMENT_KEYS)} (published in gridgov's source).",
        hint=f"Run `gridgov keys` to write real keys to {settings.GRIDGOV_KEYS_FILE}, or set the environment "
             "variables; see docs/security.md.",
        id="gridgov.E001",
    )]


@register(Tags.security)
def keys_in_production(app_configs, **kwargs):
    return _development_keys() if settings.GRIDGOV_PRODUCTION else []


@register(Tags.security, deploy=True)
def keys_for_deployment(app_configs, **kwargs):
    # A production process has had this error from the check above already.
    return [] if settings.GRIDGOV_PRODUCTION else _development_keys()


@register(Tags.security)
def encryption_keys_are_fernet_keys(app_configs, **kwargs):
    keys = encryption_keys(settings.ENCRYPTION_KEY)
    errors = [] if keys else [Error("GRIDGOV_ENCRYPTION_KEY is empty.", id="gridgov.E002")]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            errors.append(Error(
                f"Key {position} of GRIDGOV_ENCRYPTION_KEY is not a Fernet key (32 url-safe base64-encoded bytes).",
                hint="`gridgov keys --add-encryption-key` adds a fresh one.", id="gridgov.E002"))
    return errors
