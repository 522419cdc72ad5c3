"""Security review items 3 and 9: real keys, key rotation, and the HTTPS settings.

- ``gridgov keys`` writes a 0600 keys file that the settings read, never overwrites one by mistake,
  and renews the encryption key (in front of the old ones) or the hash key;
- a production process (``serve``, ``worker``, ``check --deploy``) refuses the published
  development keys; ``demo`` never runs as one;
- ``gridgov rotate-keys`` moves every encrypted value to the first key and the search hashes to the
  hash key, and runs again without rewriting anything;
- under production settings ``check --deploy`` is clean and HTTPS is on; every page carries a
  Content-Security-Policy that allows the templates' inline handlers by hash and nothing else inline.
"""
import base64
import hashlib
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from gridgov import cli
from gridgov.core.crypto import keyed_hash
from gridgov.core.keys import DEVELOPMENT_KEYS, development_keys_in_use, read_keys_file, resolve_keys
from gridgov.core.management.commands.rotate_keys import encrypted_models
from gridgov.people.models import Person

TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "gridgov"
KEY_A, KEY_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def _gridgov(*args, home, extra_env=None):
    """Run the console script in a fresh process, in a clean GRIDGOV_HOME with a SQLite database and
    none of this process's gridgov variables (nor the tests' permission to call the ORM from async code)."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("GRIDGOV_") and name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"GRIDGOV_HOME": str(home), "DATABASE_URL": f"sqlite:///{home}/gridgov.sqlite3",
                "DJANGO_SETTINGS_MODULE": "gridgov.settings", **(extra_env or {})})
    return subprocess.run([sys.executable, "-m", "gridgov.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _last_json(result):
    return json.loads(result.stdout.strip().splitlines()[-1])


# Keys file


def test_keys_writes_a_private_file_that_the_settings_read(tmp_path):
    path = tmp_path / "var" / "keys.env"
    call_command("keys", output=path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = read_keys_file(path)
    assert set(written) == set(DEVELOPMENT_KEYS)
    assert not set(written.values()) & set(DEVELOPMENT_KEYS.values())
    Fernet(written["GRIDGOV_ENCRYPTION_KEY"])
    assert len(set(written["GRIDGOV_SECRET_KEY"])) > 5 and len(written["GRIDGOV_SECRET_KEY"]) >= 50

    assert resolve_keys({}, path) == written
    assert development_keys_in_use(resolve_keys({}, path)) == []
    # The environment wins over the file; neither gives the development values.
    assert resolve_keys({"GRIDGOV_HASH_KEY": "from-env"}, path)["GRIDGOV_HASH_KEY"] == "from-env"
    assert development_keys_in_use(resolve_keys({}, tmp_path / "missing.env")) == list(DEVELOPMENT_KEYS)


def test_keys_never_overwrites_a_keys_file_unless_forced(tmp_path):
    path = tmp_path / "keys.env"
    call_command("keys", output=path)
    first = path.read_text()
    with pytest.raises(CommandError, match="overwriting it would lose"):
        call_command("keys", output=path)
    assert path.read_text() == first
    call_command("keys", output=path, force=True)
    assert path.read_text() != first


def test_keys_renews_the_encryption_key_in_front_of_the_old_and_the_hash_key(tmp_path):
    path = tmp_path / "keys.env"
    with pytest.raises(CommandError, match="no keys"):
        call_command("keys", output=path, add_encryption_key=True)
    call_command("keys", output=path)
    before = read_keys_file(path)

    call_command("keys", output=path, add_encryption_key=True)
    after = read_keys_file(path)
    new, old = after["GRIDGOV_ENCRYPTION_KEY"].split(",")
    assert old == before["GRIDGOV_ENCRYPTION_KEY"] and new != old
    assert {after[name] for name in ("GRIDGOV_SECRET_KEY", "GRIDGOV_HASH_KEY")} == {
        before[name] for name in ("GRIDGOV_SECRET_KEY", "GRIDGOV_HASH_KEY")}

    call_command("keys", output=path, new_hash_key=True)
    renewed = read_keys_file(path)
    assert renewed["GRIDGOV_HASH_KEY"] != after["GRIDGOV_HASH_KEY"]
    assert renewed["GRIDGOV_ENCRYPTION_KEY"] == after["GRIDGOV_ENCRYPTION_KEY"]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_development_encryption_key_may_stay_behind_a_real_one():
    """Moving a demo database onto a real key lists the development key second while rotating."""
    keys = {**DEVELOPMENT_KEYS, "GRIDGOV_SECRET_KEY": "x" * 60, "GRIDGOV_HASH_KEY": "real"}
    assert development_keys_in_use({**keys, "GRIDGOV_ENCRYPTION_KEY": f"{KEY_A},{DEVELOPMENT_KEYS['GRIDGOV_ENCRYPTION_KEY']}"}) == []
    assert development_keys_in_use(keys) == ["GRIDGOV_ENCRYPTION_KEY"]


# Production processes


@pytest.mark.parametrize("argv, environ, production", [
    (["serve"], {}, "1"),
    (["worker", "--once"], {}, "1"),
    (["check", "--deploy"], {}, "1"),
    (["serve"], {"GRIDGOV_PRODUCTION": "0"}, "0"),
    (["demo", "--no-serve"], {"GRIDGOV_PRODUCTION": "1"}, "0"),
    (["migrate"], {}, None),
])
def test_the_console_script_marks_production_processes(monkeypatch, argv, environ, production):
    monkeypatch.setenv("GRIDGOV_PRODUCTION", "")  # restored after the test, whatever main() sets
    monkeypatch.delenv("GRIDGOV_PRODUCTION")
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    seen = {}
    monkeypatch.setattr("django.core.management.execute_from_command_line",
                        lambda argv: seen.setdefault("flag", os.environ.get("GRIDGOV_PRODUCTION")))
    cli.main(["gridgov", *argv])
    assert seen["flag"] == production


@pytest.mark.parametrize("argv", [["serve", "--port", "8765"], ["worker", "--once"]])
def test_serve_and_worker_refuse_the_development_keys(tmp_path, argv):
    result = _gridgov(*argv, home=tmp_path)
    assert result.returncode != 0
    assert "gridgov.E001" in result.stderr and "gridgov keys" in result.stderr
    assert "GRIDGOV_ENCRYPTION_KEY" in result.stderr


def test_check_deploy_is_clean_under_production_settings_with_real_keys(tmp_path):
    refused = _gridgov("check", "--deploy", home=tmp_path)
    assert refused.returncode != 0 and "gridgov.E001" in refused.stderr

    call_command("keys", output=tmp_path / "var" / "keys.env")
    result = _gridgov("check", "--deploy", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_https_settings_have_production_defaults_and_stay_off_for_development(tmp_path):
    call_command("keys", output=tmp_path / "var" / "keys.env")
    script = ("from django.conf import settings as s; import json; print(json.dumps([s.SECURE_SSL_REDIRECT, "
              "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "
              "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS, s.GRIDGOV_BEHIND_PROXY]))")
    production = _gridgov("shell", "-c", script, home=tmp_path, extra_env={
        "GRIDGOV_PRODUCTION": "1", "GRIDGOV_CSRF_TRUSTED_ORIGINS": "https://grid.example.gov.cn"})
    assert production.returncode == 0, production.stderr
    assert _last_json(production) == [True, True, True, 31536000, True, ["HTTP_X_FORWARDED_PROTO", "https"],
                                             ["https://grid.example.gov.cn"], True]
    # Each can be switched: here, TLS served some other way than by a proxy, and no HSTS yet.
    switched = _gridgov("shell", "-c", script, home=tmp_path, extra_env={
        "GRIDGOV_PRODUCTION": "1", "GRIDGOV_BEHIND_PROXY": "0", "GRIDGOV_HSTS_SECONDS": "0"})
    assert _last_json(switched)[3] == 0 and _last_json(switched)[5:] == [None, [], False]
    development = _gridgov("shell", "-c", script, home=tmp_path)
    assert _last_json(development) == [False, False, False, 0, False, None, [], False]


def test_checks_name_development_and_malformed_keys():
    def ids():
        return {message.id for message in run_checks(tags=["security"]) if message.id.startswith("gridgov.")}

    with override_settings(GRIDGOV_PRODUCTION=True, GRIDGOV_DEVELOPMENT_KEYS=["GRIDGOV_HASH_KEY"]):
        assert ids() == {"gridgov.E001"}
    with override_settings(GRIDGOV_PRODUCTION=False, GRIDGOV_DEVELOPMENT_KEYS=["GRIDGOV_HASH_KEY"]):
        assert ids() == set()  # a laptop, the demo, the tests
    with override_settings(ENCRYPTION_KEY=f"{KEY_A},not-a-fernet-key"):
        assert ids() >= {"gridgov.E002"}


# Rotation


def _stored(person, field):
    """The ciphertext as stored, past the field's decryption."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {field} FROM people_person WHERE id = %s", [person.pk])
        return cursor.fetchone()[0]


def test_rotate_keys_moves_every_value_to_the_first_key_and_rehashes(district, capsys):
    # Encrypted columns everywhere are found, not only the people's.
    found = {(model._meta.label, name) for model, names, _ in encrypted_models() for name in names}
    assert {("people.Person", "id_number"), ("people.Person", "phone"), ("cases.Case", "contact_phone"),
            ("open311.ServiceRequest", "email")} <= found

    people = list(Person.objects.all())  # read with the development key they were written with
    plain = {p.pk: (p.id_number, p.phone) for p in people}
    assert plain and all(all(values) for values in plain.values())
    with override_settings(ENCRYPTION_KEY=KEY_A, HASH_KEY="hash-a"):
        for person in people:
            person.save()
        assert {p.pk: (p.id_number, p.phone) for p in Person.objects.all()} == plain

    with override_settings(ENCRYPTION_KEY=f"{KEY_B},{KEY_A}", HASH_KEY="hash-b"):
        call_command("rotate_keys", batch_size=5)
        assert f"people.Person: {len(plain)} rows, {2 * len(plain)} values re-encrypted" in capsys.readouterr().out
        call_command("rotate_keys", batch_size=5)  # again: nothing left to do
        assert f"people.Person: {len(plain)} rows, 0 values re-encrypted, 0 rows" in capsys.readouterr().out

    with override_settings(ENCRYPTION_KEY=KEY_B, HASH_KEY="hash-b"):
        assert {p.pk: (p.id_number, p.phone) for p in Person.objects.all()} == plain
        person = Person.objects.get(pk=next(iter(plain)))
        Fernet(KEY_B.encode()).decrypt(_stored(person, "phone").encode())
        assert Person.objects.filter(phone_hash=keyed_hash(person.phone)).get() == person
        assert Person.objects.filter(id_number_hash=keyed_hash(person.id_number)).get() == person


def test_rotate_keys_stops_clearly_when_a_needed_key_was_removed(district):
    person = Person.objects.first()
    with override_settings(ENCRYPTION_KEY=KEY_A):
        person.save()
    with override_settings(ENCRYPTION_KEY=KEY_B), pytest.raises(CommandError, match="no key of GRIDGOV_ENCRYPTION_KEY"):
        call_command("rotate_keys")


# Headers


def test_every_response_carries_the_security_headers(client, settings):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "'unsafe-inline'" not in re.search(r"script-src [^;]*", policy).group()
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    settings.GRIDGOV_CSP = ""
    assert "Content-Security-Policy" not in client.get("/login/")


def test_the_policy_allows_exactly_the_inline_handlers_of_the_templates(settings):
    """A new inline handler must be added to GRIDGOV_CSP (or, better, moved into a script file),
    and an inline <script> block is not allowed at all: browsers would refuse it."""
    handlers, blocks = set(), []
    for template in TEMPLATES.glob("*/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        handlers |= set(re.findall(r'\son[a-z]+="([^"]*)"', text))
        blocks += [template.name for attributes in re.findall(r"<script([^>]*)>", text)
                   if "src=" not in attributes and "application/json" not in attributes]
    assert handlers and not blocks
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'" for code in handlers}
    script_src = re.search(r"script-src ([^;]*)", settings.GRIDGOV_CSP).group(1).split()
    assert hashes == {source for source in script_src if source.startswith("'sha256-")}

