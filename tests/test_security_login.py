"""Security review item 8: wrong passwords are throttled at every door, tokens end.

Throttling (accounts/throttle.py): the web login form, the back office's and ``POST
/api/v1/auth/token`` refuse an account or an address with too many recent failures (429 or a form
error), even with the right password, until the failures leave the window; a success forgets the
account's failures but not the other accounts' failures from the same address.

Tokens (accounts/models.py ApiToken): they expire after GRIDGOV_TOKEN_DAYS, die when the password
changes, and their owner lists and revokes them (``/api/v1/auth/tokens``).
"""
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory
from django.utils import timezone

from gridgov.accounts.models import ApiToken, LoginFailure

from .factories import PASSWORD

WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.GRIDGOV_LOGIN_FAILURES_PER_ACCOUNT = 3
    settings.GRIDGOV_LOGIN_FAILURES_PER_ADDRESS = 5
    settings.GRIDGOV_LOGIN_WINDOW_MINUTES = 15


def _web(client, username, password, address="127.0.0.1"):
    return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _admin(client, username, password, address="127.0.0.1"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=address)


def _api(client, username, password, address="127.0.0.1", language="en"):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE=language)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# Throttling, door by door


def test_web_login_refuses_a_locked_account_even_with_the_right_password(district, client):
    for _ in range(3):
        response = _web(client, "grid_worker", WRONG)
        assert response.status_code == 200 and not _signed_in(client)
    response = _web(client, "grid_worker", PASSWORD)
    assert response.status_code == 429 and not _signed_in(client)
    error = response.context["form"].errors.as_data()["__all__"][0]
    assert error.code == "throttled" and error.messages[0] in response.content.decode()
    # Another account from the same address is not locked (the address limit is 5).
    assert _web(client, "grid_worker2", PASSWORD).status_code == 302 and _signed_in(client)


def test_admin_login_is_throttled_too(district, client):
    User.objects.create_superuser("root", password=PASSWORD)
    for _ in range(3):
        assert _admin(client, "root", WRONG).status_code == 200
    response = _admin(client, "root", PASSWORD)
    assert response.status_code == 200 and not _signed_in(client)
    assert response.context["form"].errors.as_data()["__all__"][0].code == "throttled"
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(minutes=16))
    assert _admin(client, "root", PASSWORD).status_code == 302 and _signed_in(client)


def test_api_token_answers_429_with_retry_after(district, client):
    for _ in range(3):
        assert _api(client, "grid_worker", WRONG).status_code == 401
    response = _api(client, "grid_worker", PASSWORD)
    assert response.status_code == 429
    assert response.json()["detail"] == "Too many failed sign-ins. Try again in 15 minutes."
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60
    assert not ApiToken.objects.exists()


def test_an_address_is_locked_for_every_account_and_only_that_address(district, client):
    for number in range(5):
        assert _api(client, f"guess{number}", WRONG, address="10.0.0.1").status_code == 401
    assert _api(client, "grid_worker", PASSWORD, address="10.0.0.1").status_code == 429
    assert _web(client, "grid_worker", PASSWORD, address="10.0.0.1").status_code == 429
    assert _api(client, "grid_worker", PASSWORD, address="10.0.0.2").status_code == 200


def test_refused_attempts_do_not_extend_the_lock_which_lifts_with_the_window(district, client):
    for _ in range(3):
        _api(client, "grid_worker", WRONG)
    for _ in range(4):
        assert _api(client, "grid_worker", WRONG).status_code == 429
    assert LoginFailure.objects.count() == 3
    # The oldest failure leaves the window: below the limit again.
    oldest = LoginFailure.objects.order_by("at").first()
    LoginFailure.objects.filter(pk=oldest.pk).update(at=timezone.now() - dt.timedelta(minutes=15, seconds=1))
    assert _api(client, "grid_worker", PASSWORD).status_code == 200


def test_a_success_forgets_the_account_failures_but_not_the_other_accounts(district, client):
    # The account: two failures, a success, two more failures — still under 3.
    for _ in range(2):
        _web(client, "grid_worker", WRONG)
    assert _api(client, "grid_worker", PASSWORD).status_code == 200
    for _ in range(2):
        _web(client, "grid_worker", WRONG)
    assert _api(client, "grid_worker", PASSWORD).status_code == 200
    assert not LoginFailure.objects.filter(username="grid_worker").exists()
    # The address: four failures on other accounts survive grid_worker's success; a fifth locks it.
    for number in range(4):
        _api(client, f"guess{number}", WRONG)
    assert _api(client, "grid_worker", PASSWORD).status_code == 200
    _api(client, "guess-last", WRONG)
    assert _api(client, "grid_worker", PASSWORD).status_code == 429


def test_the_client_address_comes_from_the_proxy_only_behind_one(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    from gridgov.accounts.throttle import client_address

    settings.GRIDGOV_BEHIND_PROXY = False
    assert client_address(request) == "127.0.0.1"
    settings.GRIDGOV_BEHIND_PROXY = True
    assert client_address(request) == "203.0.113.9"  # what the proxy appended, not what the client wrote


# Tokens


def _bearer(key):
    return {"Authorization": f"Bearer {key}"}


def _works(key) -> bool:
    return Client().get("/api/v1/auth/tokens", headers=_bearer(key)).status_code == 200


def test_tokens_expire_after_the_configured_days(district, settings):
    settings.GRIDGOV_TOKEN_DAYS = 2
    key = ApiToken.issue(district.users["grid_worker"])
    token = ApiToken.objects.get()
    assert abs(token.expires_at - (timezone.now() + dt.timedelta(days=2))) < dt.timedelta(minutes=1)
    assert _works(key)
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert not _works(key)


def test_a_password_change_revokes_the_tokens(district):
    user = district.users["grid_worker"]
    key = ApiToken.issue(user)
    assert _works(key)
    user.set_password("a-new-password-789")
    user.save()
    assert not _works(key)
    assert _works(ApiToken.issue(user))  # a token issued under the new password works


def test_a_user_lists_and_revokes_their_own_tokens_only(district):
    user, other = district.users["grid_worker"], district.users["grid_worker2"]
    first, second = ApiToken.issue(user), ApiToken.issue(user)
    others = ApiToken.issue(other)
    expired = ApiToken.objects.create(user=user, digest="0" * 64, password_fingerprint="",
                                      expires_at=timezone.now() - dt.timedelta(days=1))
    client = Client(headers=_bearer(first))

    listed = client.get("/api/v1/auth/tokens").json()
    assert len(listed) == 2 and expired.pk not in {t["id"] for t in listed}
    current = [t for t in listed if t["current"]]
    assert len(current) == 1 and ApiToken.find(first).pk == current[0]["id"]

    second_id = next(t["id"] for t in listed if not t["current"])
    assert client.delete(f"/api/v1/auth/tokens/{second_id}").status_code == 204
    assert not _works(second) and _works(first)

    others_id = ApiToken.objects.get(user=other).pk
    response = client.delete(f"/api/v1/auth/tokens/{others_id}")
    assert response.status_code == 404 and response.json()["detail"]
    assert _works(others)
    assert Client().get("/api/v1/auth/tokens").status_code == 401


def test_tokens_from_before_the_upgrade_keep_working_until_the_password_changes(district):
    """The migration fingerprints existing tokens with their owner's current password."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("gridgov.accounts.migrations.0003_token_expiry_and_login_failures")
    user = district.users["grid_worker"]
    key = ApiToken.issue(user)
    ApiToken.objects.update(password_fingerprint="")
    assert not _works(key)
    migration.fingerprint_existing_tokens(apps, None)
    assert _works(key)
