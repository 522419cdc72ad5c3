"""The search and filter bar of a work list: a GET form, so the filter state lives in the URL
(bookmarkable, shared, kept by the tabs and the page links); the service
(:mod:`gridgov.cases.services.search`) does the narrowing."""
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.catalogue.models import Category
from gridgov.structure import codes
from gridgov.structure.models import Unit, UnitKind

from ..models import Channel, Light, Status
from ..services.search import Criteria, Sort, matching

#: The query parameters the bar owns; the tabs and page links carry them along.
FIELDS = ("q", "unit", "category", "status", "light", "channel", "since", "until", "sort")


def _any(choices, label=_("Any")):
    return [("", label), *choices]


class CaseSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Case number, phone, address or words"), "inputmode": "search"}))
    unit = forms.ChoiceField(label=_("Street / community"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_any(Status.choices))
    light = forms.ChoiceField(label=_("Light"), required=False, choices=_any(Light.choices))
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=_any(Channel.choices))
    since = forms.DateField(label=_("Reported from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Reported until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=Sort.choices)

    def __init__(self, data, *, roots, default_sort=Sort.DUE):
        """``roots``: the unit codes of the user's list (a dispatcher's queues, a grid leader's grids);
        the place filter offers the streets and communities in them."""
        super().__init__(data)
        within = Q()
        for code in roots:
            within |= codes.subtree_q("code", code)
        units = Unit.objects.filter(within, kind__in=[UnitKind.STREET, UnitKind.COMMUNITY]) if roots else Unit.objects.none()
        self.fields["unit"].choices = _any([(u.code, u.short_name or u.name) for u in units.order_by("code")],
                                           _("All my units"))
        self.fields["category"].choices = _any([
            (c.code, f"{'· ' * (len(c.code) // 2 - 1)}{c.plain_name or c.name}")
            for c in Category.objects.filter(active=True).only("code", "name", "plain_name").order_by("code")])
        self.default_sort = default_sort
        self.fields["sort"].initial = default_sort

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The start date is after the end date."), code="dates")
        return data

    @property
    def active(self) -> bool:
        """Whether any filter is set (the bar then opens, and offers to clear it)."""
        return self.is_bound and any(self.data.get(name) for name in FIELDS if name != "sort")

    def apply(self, user, cases):
        """``cases`` narrowed and ordered as asked (call after :meth:`is_valid`)."""
        data = self.cleaned_data
        criteria = Criteria(text=data["q"], unit=data["unit"], category=data["category"], status=data["status"],
                            light=data["light"], channel=data["channel"], since=data["since"], until=data["until"])
        return matching(user, cases, criteria), data["sort"] or self.default_sort


def query_of(request) -> dict:
    """The bar's parameters of the current request, for links that keep the filter state."""
    return {name: request.GET[name] for name in FIELDS if request.GET.get(name)}

