"""The report form and one form per case action.

A form only parses what a person typed into the arguments of one service call (``perform``); every
rule — who may act, in which state, what a valid reason is — stays in the services, whose
ValidationError is put back on the form (:meth:`ServiceErrorsMixin.add_service_error`). Where a
form refuses an empty field itself, it says so with the service's own words.
"""
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from gridgov.accounts.models import Role, RoleAssignment
from gridgov.accounts.scope import visible
from gridgov.catalogue.models import Category
from gridgov.catalogue.services import assisting_departments_for, lead_department_for
from gridgov.structure import codes
from gridgov.structure.models import Department, Unit

from .models import OPEN_STATUSES, Case, Rating
from .services import actors, lifecycle, whistle
from .services.lifecycle import REJECT_REASONS

# Service error codes that belong to a differently named field.
CODE_FIELDS = {"photo": "photos", "location": "lat"}


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos from one input, taken with the phone's camera; the service checks that each
    is really an image."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Photos"))
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [super(PhotosField, self).clean(upload, initial) for upload in files if upload]


class ServiceErrorsMixin:
    def add_service_error(self, error) -> None:
        """Show a service's ValidationError on the field its code names, else on the whole form."""
        for item in error.error_list:
            field = CODE_FIELDS.get(item.code, item.code)
            self.add_error(field if field in self.fields else None, item)


def _note(required=False, message=None, label=_("Note"), rows=2):
    messages = {"required": message} if message else {}
    return forms.CharField(label=label, required=required, max_length=500, error_messages=messages,
                           widget=forms.Textarea(attrs={"rows": rows}))


class ReportForm(ServiceErrorsMixin, forms.Form):
    """一键响应: what, where, a photo. Grid workers reporting from patrol may close the case at once."""

    category = forms.ModelChoiceField(Category.objects.none(), label=_("What kind of problem?"),
                                      error_messages={"required": _("Choose what kind of problem it is.")})
    title = forms.CharField(label=_("Title"), max_length=120,
                            error_messages={"required": _("Give the case a title.")})
    description = forms.CharField(label=_("Details"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(help_text=_("Take or choose one or more photos; they help whoever goes to fix it."))
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    address = forms.CharField(label=_("Address or landmark"), required=False, max_length=200,
                              help_text=_("Instead of the map, or to say exactly where."))
    close_now = forms.BooleanField(label=_("Closed on the spot"), required=False,
                                   help_text=_("You dealt with it yourself; a photo is needed as evidence."))
    handling_note = forms.CharField(label=_("What you did"), required=False, max_length=500)
    # The category the screen pre-filled from the classifier's suggestion (set by the page's script):
    # kept, it is the platform's choice and the self-routing threshold applies (intake.services).
    suggested = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args, patrol: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.leaves().filter(active=True)
        if not patrol:
            del self.fields["close_now"], self.fields["handling_note"]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-check-input" if name == "close_now" else "form-control"

    def clean_suggested(self) -> Category | None:
        """Only a hint: a value that names no category is no suggestion."""
        value = self.cleaned_data["suggested"].strip()
        return self.fields["category"].queryset.filter(pk=value).first() if value.isdigit() else None

    def clean(self):
        data = super().clean()
        point = (data.get("lat"), data.get("lng"))
        if None in point and point != (None, None):
            self.add_error("lat", _("Pick the place on the map again."))
        elif point == (None, None) and not data.get("address"):
            self.add_error("lat", _("Pick the place on the map or type an address."))
        return data

    @cached_property
    def chosen_category(self) -> Category | None:
        value = str(self["category"].value() or "")
        return self.fields["category"].queryset.filter(pk=value).first() if value.isdigit() else None

    def category_groups(self) -> list[tuple[Category, list[tuple[Category, bool]]]]:
        """The leaves grouped under their top-level class, each with whether it is the chosen one."""
        chosen = str(self.chosen_category.pk) if self.chosen_category else ""
        leaves = list(self.fields["category"].queryset.order_by("code"))
        tops = {top.code: top for top in Category.objects.filter(code__in={leaf.code[:2] for leaf in leaves})}
        groups: dict[str, list] = {}
        for leaf in leaves:
            groups.setdefault(leaf.code[:2], []).append((leaf, str(leaf.pk) == chosen))
        return [(tops[code], items) for code, items in groups.items()]


class ReportDraftForm(forms.Form):
    """What the report form holds so far, for the screen's helpers (the suggested category,
    “already reported?”, joining a case): a draft is incomplete by nature, so nothing is required,
    but every field is bounded and checked like the report's own."""

    category = forms.ModelChoiceField(Category.objects.none(), required=False,
                                      error_messages={"invalid_choice": _("Choose the kind of problem again.")})
    title = forms.CharField(max_length=120, required=False)
    description = forms.CharField(max_length=2000, required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180)
    address = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.leaves().filter(active=True)

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None) and not self.has_error("lat") \
                and not self.has_error("lng"):
            self.add_error("lat", _("Pick the place on the map again."))
        return data


# -- the actions -----------------------------------------------------------------------------
class ActionForm(ServiceErrorsMixin, forms.Form):
    """One action on one case. ``action`` is its name in ``available_actions``; a form without
    visible fields is a single button."""

    action = ""
    label = ""
    style = "outline-secondary"
    primary = False  # the next step of the workflow: always a button, never folded under "More"
    oversight = False  # a tool of the levels above the handler: in a list it folds, its form is on the case page

    def __init__(self, *args, case, user, **kwargs):
        kwargs.setdefault("auto_id", f"id_{case.pk}_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    @property
    def one_click(self) -> bool:
        return not self.visible_fields()

    def perform(self):
        raise NotImplementedError


class AcceptForm(ActionForm):
    action, label, style = "accept", _("Accept"), "danger"
    primary = True

    def perform(self):
        return lifecycle.accept(self.user, self.case)


class RejectForm(ActionForm):
    action, label, style = "reject", _("Do not accept"), "outline-danger"
    reason = forms.ChoiceField(label=_("Reason"), choices=list(REJECT_REASONS.items()),
                               error_messages={"required": _("Give a reason: duplicate, out of scope or invalid.")})
    note = _note()

    def perform(self):
        return lifecycle.reject(self.user, self.case, self.cleaned_data["reason"], self.cleaned_data["note"])


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return self.labels[user.pk]


def _dispatch_people(case) -> dict[int, str]:
    """Who may take the case in person: its grid's workers and leader and its community's staff,
    each labelled with role, unit and how many open cases they already hold (to spread the load)."""
    code = case.unit.code
    people = Q(role=Role.COMMUNITY_STAFF, unit__code=code[:12]) if len(code) >= 12 else Q(pk__in=[])
    if len(code) >= 15:
        people |= Q(role__in=actors.GRID_ROLES) & codes.subtree_q("unit__code", code[:15])
    roles = RoleAssignment.objects.filter(people, user__is_active=True).select_related("user", "unit")
    load = dict(User.objects.filter(pk__in=roles.values("user")).annotate(
        n=Count("handled_cases", filter=Q(handled_cases__status__in=OPEN_STATUSES))).values_list("pk", "n"))
    labels = {}
    for role in roles:
        labels.setdefault(role.user_id, _("%(name)s · %(role)s · %(unit)s · %(load)s open") % {
            "name": role.user.get_full_name() or role.user.username, "role": role.get_role_display(),
            "unit": role.unit.short_name, "load": load.get(role.user_id, 0)})
    return labels


class DispatchForm(ActionForm):
    """派遣 to one person, to the grid's workers, or to a lead department with assisting ones;
    the target and departments are preset from the matter catalogue."""

    action, label, style = "dispatch", _("Dispatch"), "danger"
    primary = True
    TARGETS = [("person", _("A person")), ("grid", _("The grid's workers")), ("department", _("Departments"))]
    target = forms.ChoiceField(label=_("Dispatch to"), widget=forms.RadioSelect)
    person = PersonChoiceField(User.objects.none(), label=_("Person"), required=False)
    grid = forms.ModelChoiceField(Unit.objects.none(), label=_("Grid"), required=False, empty_label=None)
    lead = forms.ModelChoiceField(Department.objects.none(), label=_("Lead department"), required=False)
    assisting = forms.ModelMultipleChoiceField(Department.objects.none(), label=_("Assisting departments"),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    note = _note(label=_("Instructions"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case, code = self.case, self.case.unit.code
        labels = _dispatch_people(case)
        self.fields["person"].queryset = User.objects.filter(pk__in=labels).order_by("username")
        self.fields["person"].labels = labels
        grids = [grid for grid in (code[:15] if len(code) >= 15 else None, code if len(code) == 18 else None) if grid]
        self.fields["grid"].queryset = Unit.objects.filter(code__in=grids)
        departments = Department.objects.filter(district__code=case.district_code)
        self.fields["lead"].queryset = self.fields["assisting"].queryset = departments
        possible = {"person": bool(labels), "grid": bool(grids), "department": True}
        self.fields["target"].choices = [(key, label) for key, label in self.TARGETS if possible[key]]
        if case.category.on_grid_list and grids:
            self.initial.setdefault("target", "person" if labels else "grid")
        else:
            self.initial.setdefault("target", "department")
            self.initial.setdefault("lead", lead_department_for(case.category, case.unit))
            self.initial.setdefault("assisting", assisting_departments_for(case.category, case.unit))

    def clean(self):
        data = super().clean()
        needed = {"person": ("person", _("Choose the person.")), "grid": ("grid", _("Choose the grid.")),
                  "department": ("lead", _("Choose the lead department."))}.get(data.get("target"))
        if needed and not data.get(needed[0]):
            self.add_error(needed[0], needed[1])
        return data

    def perform(self):
        data = self.cleaned_data
        target = {"person": {"to_user": data["person"]}, "grid": {"to_grid": data["grid"]},
                  "department": {"lead": data["lead"], "assisting": list(data["assisting"])}}[data["target"]]
        return lifecycle.dispatch(self.user, self.case, note=data["note"], **target)


class AcknowledgeForm(ActionForm):
    action, label, style = "acknowledge", _("Acknowledge"), "danger"
    primary = True

    def perform(self):
        return lifecycle.acknowledge(self.user, self.case)


class HandleForm(ActionForm):
    action, label, style = "handle", _("Handle"), "danger"
    primary = True
    note = _note(True, _("Describe what was done."), label=_("What was done"), rows=3)
    photos = PhotosField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if actors.active_assignment(self.user, self.case) is not None:
            self.label = _("Give feedback")

    def perform(self):
        return lifecycle.handle(self.user, self.case, self.cleaned_data["note"], photos=self.cleaned_data["photos"])


class VerifyForm(ActionForm):
    action, label, style = "verify", _("Verify"), "danger"
    primary = True
    result = forms.ChoiceField(label=_("Result"), widget=forms.RadioSelect, initial="pass", choices=[
        ("pass", _("Passed: close the case")), ("fail", _("Not passed: back for rework"))])
    note = _note(label=_("What you found"))

    def perform(self):
        passed = self.cleaned_data["result"] == "pass"
        return lifecycle.verify(self.user, self.case, passed, self.cleaned_data["note"])


class ReturnForm(ActionForm):
    action, label, style = "return", _("Return"), "outline-danger"
    reason = forms.CharField(label=_("Why is the dispatch wrong?"), max_length=200,
                             error_messages={"required": _("Say why the dispatch is wrong.")})

    def perform(self):
        return lifecycle.return_case(self.user, self.case, self.cleaned_data["reason"])


class EscalateForm(ActionForm):
    action, label = "escalate", _("Escalate")
    note = _note(label=_("Why it needs the level above"))

    def perform(self):
        return lifecycle.escalate(self.user, self.case, self.cleaned_data["note"])


class RequestExtensionForm(ActionForm):
    action, label = "request_extension", _("Ask for more time")
    days = forms.DecimalField(label=_("Working days"), min_value=Decimal("0.5"), max_value=30, decimal_places=1,
                              initial=1,
                              widget=forms.NumberInput(attrs={"step": "0.5"}))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             error_messages={"required": _("Say why more time is needed.")})

    def perform(self):
        return lifecycle.request_extension(self.user, self.case, self.cleaned_data["days"],
                                           self.cleaned_data["reason"])


class DecideExtensionForm(ActionForm):
    action, label, style = "decide_extension", _("Decide the extension"), "warning"
    primary = True
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, initial="grant",
                                 choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = self.case.extensions.filter(granted__isnull=True).first()

    def perform(self):
        granted = self.cleaned_data["decision"] == "grant"
        return lifecycle.decide_extension(self.user, self.case, granted, self.cleaned_data["note"])


class SuspendForm(ActionForm):
    action, label = "suspend", _("Suspend")
    oversight = True
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             error_messages={"required": _("Say why the case is suspended.")})

    def perform(self):
        return lifecycle.suspend(self.user, self.case, self.cleaned_data["reason"])


class ResumeForm(ActionForm):
    action, label, style = "resume", _("Resume"), "danger"
    primary = True

    def perform(self):
        return lifecycle.resume(self.user, self.case)


class MergeForm(ActionForm):
    action, label = "merge", _("Merge into…")
    oversight = True
    into = forms.CharField(label=_("Number of the case to merge into"), max_length=24)
    note = _note()

    def clean_into(self):
        master = visible(self.user, Case.objects.filter(code=self.cleaned_data["into"].strip())).first()
        if master is None:
            raise forms.ValidationError(_("There is no case with this number in your area."))
        return master

    def perform(self):
        return lifecycle.merge(self.user, self.case, self.cleaned_data["into"], self.cleaned_data["note"])


class SuperviseForm(ActionForm):
    action, label, style = "supervise", _("Supervise"), "outline-danger"
    oversight = True
    note = _note(True, _("Say what the handler must do."), label=_("Instruction"))

    def perform(self):
        return lifecycle.supervise(self.user, self.case, self.cleaned_data["note"])


class WhistleForm(ActionForm):
    action, label, style = "whistle", _("Whistle"), "outline-warning"
    oversight = True
    departments = forms.ModelMultipleChoiceField(
        Department.objects.none(), label=_("Departments to call"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Call one or more departments of the case's district.")})
    limit_minutes = forms.IntegerField(label=_("Report in within (minutes)"), min_value=5, max_value=24 * 60)
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.filter(district__code=self.case.district_code)
        self.fields["limit_minutes"].initial = settings.GRIDGOV_WHISTLE_MINUTES

    def perform(self):
        data = self.cleaned_data
        return whistle.whistle(self.user, self.case, data["departments"], data["limit_minutes"], data["note"])


class ReportInForm(ActionForm):
    action, label, style = "report_in", _("Report in"), "warning"
    primary = True

    def perform(self):
        return whistle.report_in(self.user, self.case)


class RateForm(ActionForm):
    action, label, style = "rate", _("Rate"), "danger"
    primary = True
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Rate the case satisfied, basically satisfied or unsatisfied.")})
    note = _note(label=_("Anything to add?"))

    def perform(self):
        return lifecycle.rate(self.user, self.case, self.cleaned_data["rating"], self.cleaned_data["note"])


class RateDepartmentForm(ActionForm):
    action, label = "rate_department", _("Rate a called department")
    oversight = True
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Department"))
    score = forms.TypedChoiceField(label=_("Score"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(n, str(n)) for n in range(1, 6)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            whistle_calls__whistle__case=self.case).distinct()

    def perform(self):
        data = self.cleaned_data
        return whistle.rate_department(self.user, self.case, data["department"], data["score"])


#: Every action form, in the order buttons are shown: the next step first, then the rest.
ACTION_FORMS = {form.action: form for form in [
    AcknowledgeForm, HandleForm, VerifyForm, AcceptForm, DispatchForm, ResumeForm, ReportInForm, RateForm,
    DecideExtensionForm, ReturnForm, RejectForm, EscalateForm, RequestExtensionForm, SuperviseForm, WhistleForm,
    SuspendForm, MergeForm, RateDepartmentForm,
]}


class ActionForms(list):
    """A case's action forms as buttons and a "More" menu. In a list card (``view`` "card") the
    oversight tools always fold; of the rest, up to ``FOLD_OVER`` are buttons, and beyond that only
    the next steps are."""

    FOLD_OVER = 4

    def __init__(self, forms, view: str):
        super().__init__(forms)
        self.view = view

    def _oversight_folds(self, form) -> bool:
        return self.view == "card" and form.oversight

    def _folds(self, form) -> bool:
        if self._oversight_folds(form):
            return True
        inline = [other for other in self if not self._oversight_folds(other)]
        return len(inline) > self.FOLD_OVER and not form.primary

    @property
    def buttons(self) -> list[ActionForm]:
        return [form for form in self if not self._folds(form)]

    @property
    def folded(self) -> list[ActionForm]:
        return [form for form in self if self._folds(form)]


def action_forms(user, case, actions, view: str, bound: ActionForm | None = None) -> ActionForms:
    """The forms for ``actions`` (from ``available_actions``) as ``view`` ("card" or "page") shows
    them, with ``bound`` — a form that failed — in place of its blank twin so that its errors show."""
    forms = [bound if bound is not None and bound.action == action else ACTION_FORMS[action](case=case, user=user)
             for action in ACTION_FORMS if action in actions]
    return ActionForms(forms, view)
