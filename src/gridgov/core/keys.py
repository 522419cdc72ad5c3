"""Where gridgov's three keys come from, and the file ``gridgov keys`` writes them to.

The keys are Django's ``SECRET_KEY`` (sessions, CSRF, password-reset links, API token
fingerprints), the Fernet key(s) encrypting personal data at rest and the HMAC key of its search
hashes. Each is read from its environment variable, else from the keys file (``GRIDGOV_KEYS_FILE``,
by default ``var/keys.env`` under ``GRIDGOV_HOME``), else falls back to a development value written
here. Those values are public, so anything that serves real data refuses them: ``core/checks.py``
fails every command of a production process (``gridgov serve``, ``gridgov worker``, or
``GRIDGOV_PRODUCTION=1``) and ``check --deploy`` while one is in use.

This module is imported by ``settings.py``, so it must not touch Django's settings itself.
"""
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

# Development values: published in this file, only fit for the demo, tests and a laptop.
DEVELOPMENT_KEYS = {
    "GRIDGOV_SECRET_KEY": "insecure-dev-secret-change-me",
    "GRIDGOV_ENCRYPTION_KEY": "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=",
    "GRIDGOV_HASH_KEY": "insecure-dev-hash-key",
}


def read_keys_file(path: Path) -> dict[str, str]:
    """``NAME=value`` lines (the format of a systemd ``EnvironmentFile`` and of ``set -a; . file``);
    blank lines and ``#`` comments are skipped. A missing file is no keys, not an error."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    keys = {}
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            name, _, value = line.partition("=")
            keys[name.strip()] = value.strip()
    return keys


def resolve_keys(environ, keys_file: Path) -> dict[str, str]:
    """Each key from the environment, else the keys file, else its development value."""
    from_file = read_keys_file(keys_file)
    return {name: environ.get(name) or from_file.get(name) or default for name, default in DEVELOPMENT_KEYS.items()}


def encryption_keys(value: str) -> list[str]:
    """``GRIDGOV_ENCRYPTION_KEY`` holds one Fernet key or several, comma-separated, newest first:
    the first encrypts, all of them decrypt (while ``gridgov rotate-keys`` re-encrypts)."""
    return [key.strip() for key in value.split(",") if key.strip()]


def development_keys_in_use(keys: dict[str, str]) -> list[str]:
    """The names of the keys still at their published development value. For the encryption key
    only the first (the one new data is written with) matters: the development key may stay behind
    it while ``gridgov rotate-keys`` moves a demo database onto a real key."""
    in_use = []
    for name, default in DEVELOPMENT_KEYS.items():
        value = encryption_keys(keys[name])[:1] if name == "GRIDGOV_ENCRYPTION_KEY" else [keys[name]]
        if default in value:
            in_use.append(name)
    return in_use


def generate_keys() -> dict[str, str]:
    return {
        "GRIDGOV_SECRET_KEY": secrets.token_urlsafe(50),
        "GRIDGOV_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "GRIDGOV_HASH_KEY": secrets.token_urlsafe(32),
    }


def write_keys_file(path: Path, keys: dict[str, str], header: str) -> None:
    """Write the keys readable by the owner only (0600) from the first byte: the file is created
    with that mode, never chmod-ed after being written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write("".join(f"# {line}\n" for line in header.splitlines()))
        stream.write("".join(f"{name}={value}\n" for name, value in keys.items()))
    os.replace(temporary, path)
