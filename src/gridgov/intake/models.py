"""Understanding reports at intake: the administrator's settings, the saved classifier models, each
suggestion the classifier made, and the training examples dispatchers' corrections leave behind.

The classifier itself lives in :mod:`gridgov.intake.classify`; these rows are what every web and
worker process shares (a model is stored in the database, not on one machine's disk).
"""
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.scope import ScopedQuerySet
from gridgov.core import clock, stamps


def _fraction(field_name, default, help_text):
    return models.FloatField(field_name, default=default, help_text=help_text,
                             validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])


class IntakeSettings(models.Model):
    """One row per district, kept by its administrator in the back office. A district without a row
    uses the defaults below (see :func:`gridgov.intake.services.settings_for`)."""

    district = models.OneToOneField("structure.Unit", models.CASCADE, related_name="intake_settings",
                                    verbose_name=_("district"), limit_choices_to={"kind": "district"})
    auto_route_threshold = _fraction(
        _("self-routing threshold"), 0.85,
        _("A report whose best suggested category is at least this sure routes itself (0–1); below it, a dispatcher "
          "classifies it. 1 turns self-routing off."))
    duplicate_radius_m = models.PositiveIntegerField(_("duplicate radius (m)"), default=300)
    duplicate_window_hours = models.PositiveIntegerField(_("duplicate window (hours)"), default=72)
    duplicate_text_similarity = _fraction(
        _("duplicate text similarity"), 0.3,
        _("How alike two reports' texts must be (0–1, character-bigram overlap) to be offered as the same problem."))
    unclassified_category = models.ForeignKey(
        "catalogue.Category", models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("category of unclassifiable reports"),
        help_text=_("Where a report goes when its reporter chose no category and the classifier has no guess at all "
                    "(e.g. a category 其他问题 at community level): it waits in the dispatcher's queue to be classified. "
                    "Empty: such a report is refused with a request to choose a category."))
    hotspot_window_days = models.PositiveIntegerField(_("hot-spot window (days)"), default=30,
                                                      validators=[MinValueValidator(1)])
    hotspot_min_reports = models.PositiveIntegerField(_("hot-spot minimum reports"), default=3,
                                                      validators=[MinValueValidator(2)])
    hotspot_cell_m = models.PositiveIntegerField(_("hot-spot cell size (m)"), default=200,
                                                 validators=[MinValueValidator(20)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("intake settings")
        verbose_name_plural = _("intake settings")

    def __str__(self):
        return str(self.district)

    @classmethod
    def for_district(cls, district_code: str) -> "IntakeSettings":
        """The district's settings, or the defaults (unsaved) when its administrator has set none —
        this process's copy, read by every report and kept until settings change anywhere
        (:data:`SETTINGS_STAMP`). Shared by the process's threads: read it, never change it."""
        return _settings.get(district_code)


def _read_settings(district_code: str) -> IntakeSettings:
    found = IntakeSettings.objects.select_related("unclassified_category").filter(district__code=district_code).first()
    return found if found is not None else IntakeSettings()


#: The stamp raised whenever a district's intake settings are saved or deleted.
SETTINGS_STAMP = "intake.settings"
_settings = stamps.StampedCache(SETTINGS_STAMP, _read_settings)


class ClassifierModel(models.Model):
    """A trained classifier, pickled. One is active; every process loads the active one (and reloads
    when another version becomes active)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    created = models.DateTimeField(_("created"), default=clock.now)
    source = models.CharField(_("trained on"), max_length=200,
                              help_text=_("“cases” (closed cases and dispatchers' corrections) or the labelled file."))
    n_samples = models.PositiveIntegerField(_("samples"), default=0)
    labels = models.JSONField(_("labels"), default=list, blank=True,
                              help_text=_("The classes the model knows: category codes, or the file's labels that "
                                          "match no category."))
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    digest = models.CharField(_("digest"), max_length=64, editable=False,
                              help_text=_("SHA-256 of the stored model; processes cache models by it."))
    blob = models.BinaryField(_("model"), editable=False)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        ordering = ["-version"]
        verbose_name = _("classifier model")
        verbose_name_plural = _("classifier models")
        constraints = [models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                               name="one_active_classifier")]

    def __str__(self):
        return f"v{self.version} ({self.source}, {self.n_samples})"


class Suggestion(models.Model):
    """What the classifier suggested for a case at intake, and whether the case routed itself on it."""

    case = models.OneToOneField("cases.Case", models.CASCADE, related_name="suggestion", verbose_name=_("case"))
    category = models.ForeignKey("catalogue.Category", models.PROTECT, related_name="+",
                                 verbose_name=_("suggested category"))
    confidence = models.FloatField(_("confidence"))
    model_version = models.PositiveIntegerField(_("model version"), null=True, blank=True,
                                                help_text=_("Empty when only the catalogue's keywords suggested it."))
    auto_routed = models.BooleanField(_("routed itself"), default=False)
    chosen_by_reporter = models.BooleanField(_("category chosen by the reporter"), default=False)
    alternatives = models.JSONField(_("top suggestions"), default=list, blank=True)
    at = models.DateTimeField(_("time"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("category suggestion")
        verbose_name_plural = _("category suggestions")

    def __str__(self):
        return f"{self.case_id} → {self.category_id} ({self.confidence:.2f})"


class ExampleSource(models.TextChoices):
    CORRECTION = "correction", _("Dispatcher's correction")
    IMPORT = "import", _("Imported")


class TrainingExample(models.Model):
    """A labelled text for the trainer besides closed cases: every dispatcher's correction of a
    category (and texts an administrator imports)."""

    text = models.TextField(_("text"))
    category = models.ForeignKey("catalogue.Category", models.CASCADE, related_name="training_examples",
                                 verbose_name=_("category"))
    source = models.CharField(_("source"), max_length=12, choices=ExampleSource.choices,
                              default=ExampleSource.CORRECTION)
    case = models.ForeignKey("cases.Case", models.SET_NULL, null=True, blank=True, related_name="training_examples",
                             verbose_name=_("case"))
    previous_category = models.ForeignKey("catalogue.Category", models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name=_("previous category"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("created by"))
    at = models.DateTimeField(_("time"), default=clock.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("training example")
        verbose_name_plural = _("training examples")

    def __str__(self):
        return f"{self.category_id}: {self.text[:30]}"
