"""The district's structure: the unit tree, places, departments and the party organisation."""
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet

from . import codes


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("District / county")
    STREET = "street", _("Street / town")
    COMMUNITY = "community", _("Community / village")
    GRID = "grid", _("Grid")
    MICROGRID = "microgrid", _("Micro-grid")


class UnitQuerySet(ScopedQuerySet):
    def subtree(self, code: str):
        """The unit with this code and everything below it (an index range scan)."""
        return self.filter(codes.subtree_q("code", code))


class Unit(models.Model):
    """One node of the district → street → community → grid → micro-grid tree.

    ``code`` is both identity and path (see :mod:`gridgov.structure.codes`); ``district_code`` is
    the district key every later table carries so that data can be sharded by district.
    """

    code = models.CharField(_("code"), max_length=18, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=UnitKind.choices)
    name = models.CharField(_("official name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=50)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    district_code = models.CharField(_("district code"), max_length=6, db_index=True, editable=False)
    is_village = models.BooleanField(
        _("village"), default=False, help_text=_("For a community: a rural village (村) rather than an urban community (社区).")
    )
    is_town = models.BooleanField(
        _("town"), default=False, help_text=_("For a street: a town (镇) rather than a street (街道).")
    )
    boundary = models.JSONField(_("boundary"), null=True, blank=True, help_text=_("GeoJSON Polygon or MultiPolygon geometry."))
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("centre longitude"), null=True, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["kind", "code"], name="unit_kind_code")]

    def __str__(self):
        return f"{self.short_name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("unit", args=[self.code])

    def clean(self):
        try:
            kind = codes.kind_of(self.code)
        except ValueError:
            raise ValidationError({"code": _("A unit code has 6, 9, 12, 15 or 18 digits.")})
        if kind != self.kind:
            raise ValidationError({"kind": _("A %(length)s-digit code is a %(kind)s.") % {"length": len(self.code), "kind": UnitKind(kind).label}})
        expected_parent = codes.parent_code(self.code)
        if (self.parent.code if self.parent else None) != expected_parent:
            raise ValidationError({"parent": _("The parent must be the unit whose code starts this one's.")})

    def save(self, *args, **kwargs):
        self.district_code = codes.prefix(self.code, "district")
        super().save(*args, **kwargs)

    def subtree(self):
        return Unit.objects.subtree(self.code)

    def ancestors(self):
        return Unit.objects.filter(code__in=codes.ancestor_codes(self.code)).order_by("code")

    @property
    def child_kind(self):
        return codes.child_kind(self.kind)


class Department(models.Model):
    """A functional department (职能部门) of a district: 城管, 公安, 住建 … Cases are dispatched to it."""

    district = models.ForeignKey(Unit, models.PROTECT, related_name="departments", verbose_name=_("district"),
                                 limit_choices_to={"kind": UnitKind.DISTRICT})
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=20)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["district", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="department_code_per_district")]

    def __str__(self):
        return self.short_name


class CompoundKind(models.TextChoices):
    ESTATE = "estate", _("Residential estate (小区)")
    COURTYARD = "courtyard", _("Courtyard (院落)")


class Compound(models.Model):
    """A residential compound (小区/院落) inside one grid of a community."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CompoundKind.choices, default=CompoundKind.ESTATE)
    community = models.ForeignKey(Unit, models.PROTECT, related_name="community_compounds", verbose_name=_("community"),
                                  limit_choices_to={"kind": UnitKind.COMMUNITY})
    grid = models.ForeignKey(Unit, models.PROTECT, related_name="compounds", verbose_name=_("grid"),
                             limit_choices_to={"kind": UnitKind.GRID})
    address = models.CharField(_("address"), max_length=200, blank=True)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("centre longitude"), null=True, blank=True)
    instructor = models.ForeignKey(
        "people.Person", models.SET_NULL, null=True, blank=True, related_name="instructed_compounds",
        verbose_name=_("party-building instructor"),
        help_text=_("An assigned party-building instructor (党建指导员) gives the compound work coverage."),
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["grid__code", "name"]
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")

    def __str__(self):
        return self.name

    def clean(self):
        if self.grid_id and self.community_id and self.grid.parent_id != self.community_id:
            raise ValidationError({"grid": _("The grid must belong to the compound's community.")})


class Building(models.Model):
    """A building (楼栋) of a compound; it lies in one micro-grid (楼栋网格)."""

    compound = models.ForeignKey(Compound, models.CASCADE, related_name="buildings", verbose_name=_("compound"))
    microgrid = models.ForeignKey(Unit, models.PROTECT, related_name="buildings", verbose_name=_("micro-grid"),
                                  limit_choices_to={"kind": UnitKind.MICROGRID})
    name = models.CharField(_("name"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)
    entrances = models.PositiveSmallIntegerField(_("entrances"), default=1)
    center_lat = models.FloatField(_("latitude"), null=True, blank=True)
    center_lng = models.FloatField(_("longitude"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["compound", "name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self):
        return f"{self.compound.name} {self.name}"


class Gate(models.Model):
    """A gate (出入口) of a compound: where its residents step onto the street. Walking distances to
    services are measured from the gates (the nearest one), not from the compound's centre."""

    compound = models.ForeignKey(Compound, models.CASCADE, related_name="gates", verbose_name=_("compound"))
    name = models.CharField(_("name"), max_length=50)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["compound", "name"]
        verbose_name = _("gate")
        verbose_name_plural = _("gates")

    def __str__(self):
        return f"{self.compound.name} {self.name}"


class Household(models.Model):
    """A household (户): an entrance (单元) and a room of a building."""

    building = models.ForeignKey(Building, models.CASCADE, related_name="households", verbose_name=_("building"))
    entrance = models.PositiveSmallIntegerField(_("entrance"), default=1)
    room = models.CharField(_("room"), max_length=20)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["building", "entrance", "room"]
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [models.UniqueConstraint(fields=["building", "entrance", "room"], name="household_address")]

    def __str__(self):
        return _("%(building)s entrance %(entrance)s room %(room)s") % {
            "building": self.building, "entrance": self.entrance, "room": self.room}


class PartyOrgKind(models.TextChoices):
    DISTRICT_COMMITTEE = "district_committee", _("District committee")
    STREET_WORKING_COMMITTEE = "street_working_committee", _("Street working committee (大工委)")
    COMMUNITY_COMMITTEE = "community_committee", _("Community committee (大党委)")
    BRANCH = "branch", _("Grid branch (网格党支部)")
    GROUP = "group", _("Building group (楼栋党小组)")
    INDUSTRY_COMMITTEE = "industry_committee", _("Industry committee (行业党委)")
    BUSINESS_DISTRICT_COMMITTEE = "business_district_committee", _("Business-district committee (商圈党委)")
    PROJECT_BRANCH = "project_branch", _("Temporary project branch")


class PartyOrg(models.Model):
    """A party organisation: the tree parallel to the units.

    Every organisation is anchored to a unit: the one it serves (an industry committee that serves
    the whole district is anchored to the district). ``compounds`` are the compounds it covers,
    which is what "organisation coverage" counts.
    """

    kind = models.CharField(_("kind"), max_length=32, choices=PartyOrgKind.choices)
    name = models.CharField(_("name"), max_length=120)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent"))
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="party_orgs", verbose_name=_("unit"))
    compounds = models.ManyToManyField(Compound, blank=True, related_name="party_orgs", verbose_name=_("covered compounds"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "kind", "name"]
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")

    def __str__(self):
        return self.name


class PartyRole(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY = "deputy", _("Deputy secretary")
    MEMBER = "member", _("Member")


class PartyMembership(models.Model):
    org = models.ForeignKey(PartyOrg, models.CASCADE, related_name="memberships", verbose_name=_("party organisation"))
    person = models.ForeignKey("people.Person", models.CASCADE, related_name="party_memberships", verbose_name=_("person"))
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices, default=PartyRole.MEMBER)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("party membership")
        verbose_name_plural = _("party memberships")
        constraints = [models.UniqueConstraint(fields=["org", "person"], name="one_membership_per_org")]

    def __str__(self):
        return f"{self.person} · {self.org} · {self.get_role_display()}"
