"""The report form and one form per case action.

A form only parses what a person typed into the arguments of one service call (``perform``: the
service the action registry, ``gridgov.cases.actions``, declares for the form's action); every
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

from gridgov.accounts.models import RoleAssignment
from gridgov.accounts.roles import GRID_ROLES, Role
from gridgov.accounts.scope import visible
from gridgov.catalogue.models import Category, class_code_of
from gridgov.catalogue.services import assisting_departments_for, lead_department_for
from gridgov.structure import codes
from gridgov.structure.models import Department, Unit

from .actions import CaseAction, registry
from .models import OPEN_STATUSES, Case, Rating
from .services import actors
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

    # Optional: a reporter who does not know (不知道 / 其他) still reports; the classifier's best guess
    # files it, and unless it is sure enough the case waits in the dispatcher's queue to be classified.
    category = forms.ModelChoiceField(Category.objects.none(), label=_("What kind of problem?"), required=False,
                                      error_messages={"invalid_choice": _("Choose the kind of problem again.")})
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
        tops = {top.code: top for top in Category.objects.filter(code__in={class_code_of(leaf.code) for leaf in leaves})}
        groups: dict[str, list] = {}
        for leaf in leaves:
            groups.setdefault(class_code_of(leaf.code), []).append((leaf, str(leaf.pk) == chosen))
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
    photos = PhotosField()  # a grid worker's observation joined to a case carries its photos

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
    """One action on one case. ``action`` is its :class:`CaseAction` (as ``available_actions``
    lists it); its label and service come from the registry. A form without visible fields is a
    single button."""

    action: CaseAction
    style = "outline-secondary"
    primary = False  # the next step of the workflow: always a button, never folded under "More"
    oversight = False  # a tool of the levels above the handler: in a list it folds, its form is on the case page

    def __init__(self, *args, case, user, **kwargs):
        kwargs.setdefault("auto_id", f"id_{case.pk}_{self.action}_%s")
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user
        self.label = registry()[self.action].label
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                continue
            widget.attrs.setdefault("class", "form-select" if isinstance(widget, forms.Select) else "form-control")

    @property
    def one_click(self) -> bool:
        return not self.visible_fields()

    def arguments(self) -> dict:
        """The service's keyword arguments: the cleaned fields, named as the service names them."""
        return dict(self.cleaned_data)

    def perform(self):
        return registry()[self.action].service(self.user, self.case, **self.arguments())


class AcceptForm(ActionForm):
    action, style = CaseAction.ACCEPT, "danger"
    primary = True


class RejectForm(ActionForm):
    action, style = CaseAction.REJECT, "outline-danger"
    reason = forms.ChoiceField(label=_("Reason"), choices=list(REJECT_REASONS.items()),
                               error_messages={"required": _("Give a reason: duplicate, out of scope or invalid.")})
    note = _note()


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return self.labels[user.pk]


def _dispatch_people(case) -> dict[int, str]:
    """Who may take the case in person: its grid's workers and leader and its community's staff,
    each labelled with role, unit and how many open cases they already hold (to spread the load)."""
    code = case.unit.code
    community, grid = codes.prefix(code, "community"), codes.prefix(code, "grid")
    people = Q(role=Role.COMMUNITY_STAFF, unit__code=community) if community else Q(pk__in=[])
    if grid:
        people |= Q(role__in=GRID_ROLES) & codes.subtree_q("unit__code", grid)
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

    action, style = CaseAction.DISPATCH, "danger"
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
        grids = [grid for grid in (codes.prefix(code, "grid"), codes.prefix(code, "microgrid")) if grid]
        self.fields["grid"].queryset = Unit.objects.filter(code__in=grids)
        departments = Department.objects.visible_to(self.user).filter(district__code=case.district_code)
        self.fields["lead"].queryset = self.fields["assisting"].queryset = departments
        possible = {"person": bool(labels), "grid": bool(grids), "department": True}
        self.fields["target"].choices = [(key, label) for key, label in self.TARGETS if possible[key]]
        if case.category.on_grid_list and grids:
            self.initial.setdefault("target", "person" if labels else "grid")
        else:
            self.initial.setdefault("target", "department")
        # The catalogue's departments are preset whatever the target, so that a dispatcher turning a
        # grid matter over to the departments finds the lead (路灯不亮 → 城管) already chosen.
        self.initial.setdefault("lead", lead_department_for(case.category, case.unit))
        self.initial.setdefault("assisting", assisting_departments_for(case.category, case.unit))

    def clean(self):
        data = super().clean()
        needed = {"person": ("person", _("Choose the person.")), "grid": ("grid", _("Choose the grid.")),
                  "department": ("lead", _("Choose the lead department."))}.get(data.get("target"))
        if needed and not data.get(needed[0]):
            self.add_error(needed[0], needed[1])
        return data

    def arguments(self) -> dict:
        data = self.cleaned_data
        target = {"person": {"to_user": data["person"]}, "grid": {"to_grid": data["grid"]},
                  "department": {"lead": data["lead"], "assisting": list(data["assisting"])}}[data["target"]]
        return {"note": data["note"], **target}


class AcknowledgeForm(ActionForm):
    action, style = CaseAction.ACKNOWLEDGE, "danger"
    primary = True


class HandleForm(ActionForm):
    action, style = CaseAction.HANDLE, "danger"
    primary = True
    note = _note(True, _("Describe what was done."), label=_("What was done"), rows=3)
    photos = PhotosField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if actors.active_assignment(self.user, self.case) is not None:
            self.label = _("Give feedback")


class VerifyForm(ActionForm):
    action, style = CaseAction.VERIFY, "danger"
    primary = True
    result = forms.ChoiceField(label=_("Result"), widget=forms.RadioSelect, initial="pass", choices=[
        ("pass", _("Passed: close the case")), ("fail", _("Not passed: back for rework"))])
    note = _note(label=_("What you found"))

    def arguments(self) -> dict:
        return {"passed": self.cleaned_data["result"] == "pass", "note": self.cleaned_data["note"]}


class ReturnForm(ActionForm):
    action, style = CaseAction.RETURN, "outline-danger"
    reason = forms.CharField(label=_("Why is the dispatch wrong?"), max_length=200,
                             error_messages={"required": _("Say why the dispatch is wrong.")})


class EscalateForm(ActionForm):
    action = CaseAction.ESCALATE
    note = _note(label=_("Why it needs the level above"))


class RequestExtensionForm(ActionForm):
    action = CaseAction.REQUEST_EXTENSION
    days = forms.DecimalField(label=_("Working days"), min_value=Decimal("0.5"), max_value=30, decimal_places=1,
                              initial=1,
                              widget=forms.NumberInput(attrs={"step": "0.5"}))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             error_messages={"required": _("Say why more time is needed.")})


class DecideExtensionForm(ActionForm):
    action, style = CaseAction.DECIDE_EXTENSION, "warning"
    primary = True
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, initial="grant",
                                 choices=[("grant", _("Grant")), ("refuse", _("Refuse"))])
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = self.case.extensions.filter(granted__isnull=True).first()

    def arguments(self) -> dict:
        return {"granted": self.cleaned_data["decision"] == "grant", "note": self.cleaned_data["note"]}


class SuspendForm(ActionForm):
    action = CaseAction.SUSPEND
    oversight = True
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             error_messages={"required": _("Say why the case is suspended.")})


class ResumeForm(ActionForm):
    action, style = CaseAction.RESUME, "danger"
    primary = True


class MergeForm(ActionForm):
    """并案 in two steps: the first post names the master and comes back with both cases side by side
    (``confirming``); only the second, ``confirmed``, merges. A merge hides a report behind another
    one, so a wrong number typed or a tap on the wrong line must be seen before it happens (and can
    still be undone: ``lifecycle.unmerge``)."""

    action = CaseAction.MERGE
    oversight = True
    into = forms.CharField(label=_("Number of the case to merge into"), max_length=24)
    note = _note()
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
    confirming = None

    def clean_into(self):
        master = visible(self.user, Case.objects.filter(code=self.cleaned_data["into"].strip())) \
            .select_related("category", "unit").first()
        if master is None:
            raise forms.ValidationError(_("There is no case with this number in your area."))
        return master

    def clean(self):
        data = super().clean()
        if data.get("into") is not None and not data.get("confirmed"):
            self.confirming = data["into"]
            raise forms.ValidationError(_("Check both cases, then confirm the merge."), code="confirm")
        return data

    def arguments(self) -> dict:
        return {"into": self.cleaned_data["into"], "note": self.cleaned_data["note"]}


class UnmergeForm(ActionForm):
    action, style = CaseAction.UNMERGE, "outline-danger"
    primary = True
    note = _note(label=_("Why the merge was wrong"))


class SuperviseForm(ActionForm):
    action, style = CaseAction.SUPERVISE, "outline-danger"
    oversight = True
    note = _note(True, _("Say what the handler must do."), label=_("Instruction"))


class WhistleForm(ActionForm):
    action, style = CaseAction.WHISTLE, "outline-warning"
    oversight = True
    departments = forms.ModelMultipleChoiceField(
        Department.objects.none(), label=_("Departments to call"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Call one or more departments of the case's district.")})
    limit_minutes = forms.IntegerField(label=_("Report in within (minutes)"), min_value=5, max_value=24 * 60)
    note = _note()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = Department.objects.visible_to(self.user).filter(
            district__code=self.case.district_code)
        self.fields["limit_minutes"].initial = settings.GRIDGOV_WHISTLE_MINUTES


class ReportInForm(ActionForm):
    action, style = CaseAction.REPORT_IN, "warning"
    primary = True


class RateForm(ActionForm):
    action, style = CaseAction.RATE, "danger"
    primary = True
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Rating.choices, widget=forms.RadioSelect,
        error_messages={"required": _("Rate the case satisfied, basically satisfied or unsatisfied.")})
    note = _note(label=_("Anything to add?"))


class RateDepartmentForm(ActionForm):
    action = CaseAction.RATE_DEPARTMENT
    oversight = True
    department = forms.ModelChoiceField(Department.objects.none(), label=_("Department"))
    score = forms.TypedChoiceField(label=_("Score"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(n, str(n)) for n in range(1, 6)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.visible_to(self.user).filter(
            whistle_calls__whistle__case=self.case).distinct()


#: The order buttons are shown in: the next step first, then the rest. Each action's form is the one
#: the registry declares (``registry()[action].form``).
BUTTON_ORDER = [
    CaseAction.ACKNOWLEDGE, CaseAction.HANDLE, CaseAction.VERIFY, CaseAction.ACCEPT, CaseAction.DISPATCH,
    CaseAction.RESUME, CaseAction.REPORT_IN, CaseAction.RATE, CaseAction.DECIDE_EXTENSION, CaseAction.RETURN,
    CaseAction.REJECT, CaseAction.ESCALATE, CaseAction.REQUEST_EXTENSION, CaseAction.SUPERVISE, CaseAction.WHISTLE,
    CaseAction.SUSPEND, CaseAction.MERGE, CaseAction.UNMERGE, CaseAction.RATE_DEPARTMENT,
]


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
    forms = [bound if bound is not None and bound.action == action else registry()[action].form(case=case, user=user)
             for action in BUTTON_ORDER if action in actions]
    return ActionForms(forms, view)
