"""Facilities, their standards, the walk network and the coverage computed on it.

A district's standards are data its administrator enters (GB 50180-2018 and the district's own
rules), never constants: each :class:`FacilityKind` says how far its circle reaches (minutes of
walking), what floor area a community needs and whether it belongs to the response circle. The
:class:`WalkNetwork` is versioned: every :class:`CoverageRun` names the network (and the facilities'
stamp) it used, so a figure can always say what it was computed on.
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock
from gridgov.core.geo import Datum
from gridgov.core.journal import SetupJournalEntry
from gridgov.structure.models import Building, Unit, UnitKind


class FacilitiesAction(models.TextChoices):
    """Every step the facilities journal records. A value is stored and hashed: never renamed."""

    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    ADD_PHOTO = "add_photo", _("Photo added")
    IMPORT = "import", _("Network imported")
    GENERATE = "generate", _("Network generated")


class CoverageSettings(models.Model):
    """How fast people walk in a district: the circles are minutes, distances are minutes × speed."""

    district = models.OneToOneField(Unit, models.PROTECT, related_name="coverage_settings", verbose_name=_("district"),
                                    limit_choices_to={"kind": UnitKind.DISTRICT})
    walk_speed = models.PositiveSmallIntegerField(
        _("walking speed (m/min)"), default=70, validators=[MinValueValidator(20), MaxValueValidator(150)],
        help_text=_("An adult's walk: 70 m a minute makes a 15-minute circle about 1 km (GB 50180-2018: 800–1000 m)."))
    elderly_speed = models.PositiveSmallIntegerField(
        _("elderly walking speed (m/min)"), default=50, validators=[MinValueValidator(10), MaxValueValidator(150)],
        help_text=_("Coverage of the special groups is measured at this slower speed."))
    max_snap = models.PositiveIntegerField(
        _("farthest from the network (m)"), default=300,
        help_text=_("A gate, building or facility farther than this from every street has no path."))
    candidate_sites = models.PositiveSmallIntegerField(
        _("candidate sites per kind"), default=3, validators=[MaxValueValidator(20)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("coverage settings")
        verbose_name_plural = _("coverage settings")
        constraints = [models.CheckConstraint(condition=Q(elderly_speed__lte=models.F("walk_speed")),
                                              name="facilities_elderly_not_faster")]

    def __str__(self):
        return str(self.district)


class FacilityKind(models.Model):
    """A kind of service with its standard: the circle it must reach and the floor area it needs."""

    district = models.ForeignKey(Unit, models.PROTECT, related_name="facility_kinds", verbose_name=_("district"),
                                 limit_choices_to={"kind": UnitKind.DISTRICT})
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=60)
    minutes = models.PositiveSmallIntegerField(
        _("circle (minutes of walking)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(60)])
    min_area = models.DecimalField(_("minimum floor area (m²)"), max_digits=9, decimal_places=1, null=True,
                                   blank=True, help_text=_("Per community, e.g. 500 m² for a service centre."))
    area_per_100_households = models.DecimalField(
        _("floor area per 100 households (m²)"), max_digits=7, decimal_places=1, null=True, blank=True,
        help_text=_("Per community: the larger of this and the minimum is required, e.g. 30 m²."))
    response = models.BooleanField(
        _("in the response circle"), default=False,
        help_text=_("Emergency teams and mediation rooms: help reaches every household within the circle."))
    opening_hours = models.CharField(_("usual opening hours"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("display order"), default=100)
    active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["district", "order", "code"]
        verbose_name = _("facility kind")
        verbose_name_plural = _("facility kinds")
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="facility_kind_code_per_district"),
            models.CheckConstraint(condition=Q(min_area__gte=0) | Q(min_area__isnull=True),
                                   name="facility_kind_area_not_negative"),
            models.CheckConstraint(condition=Q(area_per_100_households__gte=0) | Q(area_per_100_households__isnull=True),
                                   name="facility_kind_share_not_negative"),
        ]

    def __str__(self):
        return self.name

    @property
    def has_area_standard(self) -> bool:
        return self.min_area is not None or self.area_per_100_households is not None


class Facility(models.Model):
    """One facility: where it stands (WGS84, converted at ingestion from the datum it came in), how
    big it is, how many it serves, and the unit (community or street) it serves."""

    kind = models.ForeignKey(FacilityKind, models.PROTECT, related_name="facilities", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(Unit, models.PROTECT, related_name="facilities", verbose_name=_("serves"))
    district_code = models.CharField(_("district code"), max_length=6, db_index=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    source_datum = models.CharField(_("datum given"), max_length=5, choices=Datum.choices, default=Datum.WGS84)
    floor_area = models.DecimalField(_("floor area (m²)"), max_digits=9, decimal_places=1, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (people a day)"), null=True, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    active = models.BooleanField(_("in service"), default=True)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    updated_at = models.DateTimeField(_("updated"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["district_code", "kind__order", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [models.Index(fields=["district_code", "kind"], name="facility_district_kind")]
        constraints = [models.CheckConstraint(condition=Q(floor_area__gte=0) | Q(floor_area__isnull=True),
                                              name="facility_area_not_negative")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.district_code = self.unit.district_code
        super().save(*args, **kwargs)


class FacilityPhoto(models.Model):
    facility = models.ForeignKey(Facility, models.CASCADE, related_name="photos", verbose_name=_("facility"))
    image = models.ImageField(_("image"), upload_to="facilities/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("facility photo")
        verbose_name_plural = _("facility photos")


class NetworkSource(models.TextChoices):
    OSM = "osm", _("OpenStreetMap extract")
    GENERATED = "generated", _("Generated from the grids")


class WalkNetwork(models.Model):
    """One version of a district's walk network (nodes and edges, packed by ``graph.Network``).
    The newest version is the one coverage uses; older ones stay so old figures keep their source."""

    district_code = models.CharField(_("district code"), max_length=6)
    version = models.PositiveIntegerField(_("version"))
    source = models.CharField(_("source"), max_length=10, choices=NetworkSource.choices)
    file_name = models.CharField(_("file"), max_length=200, blank=True)
    payload = models.BinaryField(_("network"))
    node_count = models.PositiveIntegerField(_("nodes"))
    edge_count = models.PositiveIntegerField(_("edges"))
    length_km = models.FloatField(_("length (km)"))
    created_at = models.DateTimeField(_("created"), default=clock.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["district_code", "-version"]
        verbose_name = _("walk network")
        verbose_name_plural = _("walk networks")
        constraints = [models.UniqueConstraint(fields=["district_code", "version"], name="walk_network_version")]

    def __str__(self):
        return f"{self.district_code} v{self.version}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class CoverageRun(models.Model):
    """One computation of a district's coverage: on which network, from which state of the
    facilities (``stamp``), how far it has got (``done`` of ``total`` steps) and how it ended."""

    district_code = models.CharField(_("district code"), max_length=6)
    network = models.ForeignKey(WalkNetwork, models.PROTECT, related_name="runs", verbose_name=_("walk network"))
    stamp = models.PositiveBigIntegerField(_("facilities' version"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    done = models.PositiveIntegerField(_("steps done"), default=0)
    total = models.PositiveIntegerField(_("steps"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_at = models.DateTimeField(_("started"), default=clock.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["district_code", "-started_at", "-pk"]
        get_latest_by = "started_at"
        verbose_name = _("coverage run")
        verbose_name_plural = _("coverage runs")
        indexes = [models.Index(fields=["district_code", "status", "-started_at"], name="coverage_run_latest")]

    def __str__(self):
        return f"{self.district_code} · {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if self.status == RunStatus.DONE else (self.done * 100 // self.total if self.total else 0)


class CoverageResult(models.Model):
    """One community's coverage by one kind (``kind`` null: the response circle, every response kind
    within its circle). Counts, so that any level sums them: households, residents and the special
    groups (measured at the elderly's speed) within reach, and the mean capacity per 1,000 residents
    within reach (two-step floating catchment) where the kind's facilities have a capacity."""

    run = models.ForeignKey(CoverageRun, models.CASCADE, related_name="results", verbose_name=_("run"))
    kind = models.ForeignKey(FacilityKind, models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("kind"))
    community = models.ForeignKey(Unit, models.CASCADE, related_name="+", verbose_name=_("community"))
    households = models.PositiveIntegerField(_("households"))
    households_covered = models.PositiveIntegerField(_("households within reach"))
    residents = models.PositiveIntegerField(_("residents"))
    residents_covered = models.PositiveIntegerField(_("residents within reach"))
    special = models.PositiveIntegerField(_("special groups"))
    special_covered = models.PositiveIntegerField(_("special groups within reach"))
    access = models.FloatField(_("capacity per 1,000 residents within reach"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["run", "kind", "community__code"]
        verbose_name = _("coverage result")
        verbose_name_plural = _("coverage results")


class UncoveredBuilding(models.Model):
    """A building whose households do not reach a kind within its circle, with the walk to the nearest
    (``distance`` null: none within three circles, or no path at all — a gate far from every street, a
    disconnected part of the network)."""

    run = models.ForeignKey(CoverageRun, models.CASCADE, related_name="uncovered", verbose_name=_("run"))
    kind = models.ForeignKey(FacilityKind, models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("kind"))
    building = models.ForeignKey(Building, models.CASCADE, related_name="+", verbose_name=_("building"))
    households = models.PositiveIntegerField(_("households"))
    distance = models.FloatField(_("walk (m)"), null=True, blank=True)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["run", "kind", "building"]
        verbose_name = _("uncovered building")
        verbose_name_plural = _("uncovered buildings")


class CandidateSite(models.Model):
    """Where a new facility of a kind would cover most of the households still uncovered (greedy:
    each site counts only what the ones before it left)."""

    run = models.ForeignKey(CoverageRun, models.CASCADE, related_name="sites", verbose_name=_("run"))
    kind = models.ForeignKey(FacilityKind, models.CASCADE, related_name="+", verbose_name=_("kind"))
    rank = models.PositiveSmallIntegerField(_("rank"))
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    gain = models.PositiveIntegerField(_("households it would add"))
    community = models.ForeignKey(Unit, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("community"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["run", "kind", "rank"]
        verbose_name = _("candidate site")
        verbose_name_plural = _("candidate sites")


class FacilitiesEntry(SetupJournalEntry):
    """One change of a kind, a facility, the settings or the network, chained per object."""

    action = models.CharField(_("action"), max_length=24, choices=FacilitiesAction.choices)

    class Meta:
        ordering = ["kind", "object_id", "seq"]
        verbose_name = _("facilities journal entry")
        verbose_name_plural = _("facilities journal")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id", "seq"], name="facilities_entry_seq")]
