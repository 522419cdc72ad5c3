"""Role assignments (a user, a role, a unit, maybe a department) and API tokens."""
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridgov.structure.models import Department, Unit, UnitKind


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    DISTRICT_DISPATCHER = "district_dispatcher", _("District dispatcher")
    STREET_DISPATCHER = "street_dispatcher", _("Street dispatcher")
    COMMUNITY_STAFF = "community_staff", _("Community staff")
    GRID_LEADER = "grid_leader", _("Grid leader")
    GRID_WORKER = "grid_worker", _("Grid worker")
    DEPARTMENT_STAFF = "department_staff", _("Department staff")
    RESIDENT = "resident", _("Resident")
    PARTY_MEMBER = "party_member", _("Party member")


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
}


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="role_assignments", verbose_name=_("unit"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="staff",
                                   verbose_name=_("department"))

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


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    @classmethod
    def issue(cls, user) -> str:
        key = secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=_digest(key))
        return key

    @classmethod
    def user_for(cls, key: str):
        token = cls.objects.select_related("user").filter(digest=_digest(key), user__is_active=True).first()
        if token is None:
            return None
        cls.objects.filter(pk=token.pk).update(last_used=timezone.now())
        return token.user
