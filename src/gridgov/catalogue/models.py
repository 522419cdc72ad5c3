"""The matter catalogue (事项清单): the categories of cases, with who handles them and how fast.

A catalogue is shared by districts, whose Department rows differ: a category names its departments
by code slug (``chengguan``, ``gongan`` …) and :func:`gridgov.catalogue.services.lead_department_for`
resolves the slug within a district.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator, validate_slug
from django.db import models
from django.utils.translation import gettext_lazy as _

CODE_STEP = 2  # digits per level: 01 → 0101 → 010101


class HandlingLevel(models.TextChoices):
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street / town")
    DEPARTMENT = "department", _("Department")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Verifier(models.TextChoices):
    """Who verifies (核查) a handled case of a category before it closes. Whoever it is, never the
    person who handled it (``cases.services.actors.require_verifier``)."""

    GRID = "grid", _("The grid's people or the community, other than the handler")
    GRID_LEADER = "grid_leader", _("The grid leader, or the community")
    COMMUNITY = "community", _("The community's staff")


def validate_department_codes(value):
    """A list of department code slugs."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of department codes."))
    for code in value:
        validate_slug(code)


def parent_code_of(code: str) -> str:
    """The code of a category's parent ("" for a top-level class): its code less the last level."""
    return code[:-CODE_STEP]


def class_code_of(code: str) -> str:
    """The code of the top-level class (大类) a category belongs to: its first level."""
    return code[:CODE_STEP]


class CategoryQuerySet(models.QuerySet):
    def leaves(self):
        """The categories cases use: those without children."""
        return self.filter(children__isnull=True)


class Category(models.Model):
    """One class of the catalogue. Limits and departments are stored on every row: a parent's
    values are the defaults an administrator copies when adding a child."""

    code = models.CharField(
        _("code"), max_length=3 * CODE_STEP, unique=True,
        validators=[RegexValidator(r"^(\d{2}){1,3}$", _("A category code has 2, 4 or 6 digits: 01, 0101, 010101."))],
    )
    name = models.CharField(_("name"), max_length=60)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent"))
    plain_name = models.CharField(_("plain-language name"), max_length=60,
                                  help_text=_("The wording a resident picks, e.g. 路灯不亮."))
    handling_level = models.CharField(_("handling level"), max_length=12, choices=HandlingLevel.choices)
    lead_department = models.SlugField(_("lead department code"), max_length=40,
                                       help_text=_("The department's code, e.g. chengguan; each district resolves it to its own department."))
    assisting_departments = models.JSONField(_("assisting department codes"), default=list, blank=True,
                                             validators=[validate_department_codes])
    response_limit_hours = models.IntegerField(_("response limit (hours)"), validators=[MinValueValidator(1)])
    resolution_limit_days = models.DecimalField(_("resolution limit (working days)"), max_digits=5, decimal_places=2,
                                                validators=[MinValueValidator(Decimal("0.01"))])
    on_grid_list = models.BooleanField(
        _("on the grid matter list"), default=False,
        help_text=_("Only matters on the grid matter list (网格事项清单) may be dispatched to a grid worker."))
    needs_verification = models.BooleanField(_("needs verification"), default=False,
                                             help_text=_("Closing needs the grid worker's verification (核查)."))
    verifier = models.CharField(_("verified by"), max_length=12, choices=Verifier.choices, default=Verifier.GRID,
                                help_text=_("Who verifies a handled case; never the one who handled it."))
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    keywords = models.TextField(_("keywords"), blank=True, help_text=_("Space-separated keywords for classifying reports."))
    active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        errors = {}
        expected = parent_code_of(self.code or "")
        if (self.parent.code if self.parent else "") != expected:
            errors["parent"] = (
                _("The parent must be the category whose code starts this one's (%(code)s).") % {"code": expected}
                if expected else _("A two-digit code is a top-level class, without a parent."))
        if self.lead_department and self.lead_department in (self.assisting_departments or []):
            errors["assisting_departments"] = _("The lead department cannot also assist.")
        if errors:
            raise ValidationError(errors)
