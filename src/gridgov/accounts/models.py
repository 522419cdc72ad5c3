"""Role assignments (a user, a role, a unit, maybe a department), API tokens and failed sign-ins."""
import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from gridgov.people.models import PHONE_RE
from gridgov.structure.models import Department, Unit, UnitKind

from .roles import Role
from .scope import ScopedQuerySet

# The unit kind each role is assigned at. A role at a unit grants that unit's subtree.
ROLE_UNIT_KINDS = {
    Role.DISTRICT_ADMIN: {UnitKind.DISTRICT},
    Role.DISTRICT_DISPATCHER: {UnitKind.DISTRICT},
    Role.STREET_DISPATCHER: {UnitKind.STREET},
    Role.COMMUNITY_STAFF: {UnitKind.COMMUNITY},
    Role.GRID_LEADER: {UnitKind.GRID},
    Role.GRID_WORKER: {UnitKind.GRID, UnitKind.MICROGRID},
    Role.DEPARTMENT_STAFF: {UnitKind.DISTRICT},
    Role.RESIDENT: {UnitKind.GRID, UnitKind.MICROGRID},
    Role.PARTY_MEMBER: {UnitKind.COMMUNITY, UnitKind.GRID, UnitKind.MICROGRID},
    Role.SHOP_KEEPER: {UnitKind.COMMUNITY},
    Role.UNIT_LIAISON: {UnitKind.COMMUNITY},
}


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="role_assignments", verbose_name=_("unit"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="staff",
                                   verbose_name=_("department"))
    work_phone = models.CharField(
        _("work phone"), max_length=20, blank=True,
        validators=[RegexValidator(f"^(?:{PHONE_RE.pattern})$", _("Enter a mobile number (11 digits) or a landline with area code."))],
        help_text=_("The number of this post that residents may call (a grid worker's work phone); published, "
                    "not personal data."))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role", "unit"], name="one_role_per_unit")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.unit.short_name}"

    def clean(self):
        if self.unit_id and self.role in ROLE_UNIT_KINDS and self.unit.kind not in ROLE_UNIT_KINDS[self.role]:
            raise ValidationError({"unit": _("This role cannot be assigned at a unit of this kind.")})
        if (self.role == Role.DEPARTMENT_STAFF) != bool(self.department_id):
            raise ValidationError({"department": _("Department staff, and only they, are bound to a department.")})
        if self.department_id and self.department.district_id != self.unit_id:
            raise ValidationError({"department": _("The department must belong to the unit's district.")})


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def token_expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.GRIDGOV_TOKEN_DAYS)


def password_fingerprint(password_hash: str) -> str:
    """A keyed digest of the account's password hash: a token issued under one password stops
    working when the password changes, however it is changed (web, back office, command, SQL)."""
    return salted_hmac("gridgov.accounts.ApiToken", password_hash, algorithm="sha256").hexdigest()


#: How stale an API token's "last used" may get before a request writes it again.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once. It works until
    ``expires_at`` (``GRIDGOV_TOKEN_DAYS`` after issue), its owner revokes it, or the owner's
    password changes."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"), default=token_expiry)
    password_fingerprint = models.CharField(max_length=64, editable=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @classmethod
    def issue(cls, user) -> str:
        """A new token for ``user``; their expired and revoked tokens are cleared away meanwhile."""
        key = secrets.token_urlsafe(32)
        cls.objects.filter(user=user).exclude(pk__in=[token.pk for token in cls.live_for(user)]).delete()
        cls.objects.create(user=user, digest=_digest(key), password_fingerprint=password_fingerprint(user.password))
        return key

    @classmethod
    def live_for(cls, user) -> list["ApiToken"]:
        """The user's tokens that still work, newest first."""
        tokens = cls.objects.filter(user=user, expires_at__gt=timezone.now()).order_by("-created", "-pk")
        return [token for token in tokens if token.password_fingerprint == password_fingerprint(user.password)]

    @classmethod
    def find(cls, key: str) -> "ApiToken | None":
        """The working token with this key (its user active, not expired, issued under the current
        password; the user read with their resident record, which a resident's every call needs), marked as used (at most once a minute: a client reporting many cases a second
        should not pay a write per request for it); ``None`` otherwise."""
        token = cls.objects.select_related("user", "user__person").filter(
            digest=_digest(key), user__is_active=True, expires_at__gt=timezone.now()).first()
        if token is None or token.password_fingerprint != password_fingerprint(token.user.password):
            return None
        now = timezone.now()
        if token.last_used is None or now - token.last_used >= LAST_USED_EVERY:
            cls.objects.filter(pk=token.pk).update(last_used=now)
        return token


class LoginFailure(models.Model):
    """One wrong password (or unknown account) at a sign-in door, kept for the throttling window
    (``accounts/throttle.py``)."""

    username = models.CharField(_("username"), max_length=150)
    address = models.CharField(_("address"), max_length=64)
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["address", "at"])]
