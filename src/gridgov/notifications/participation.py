"""The inbox's side of the participation apps: who is told what stays with each app
(``volunteering.services.notices``, ``shop.services.notices``: ``recipients(subject, action)``); the
inbox only listens to their journals once a step has committed and puts each message in the inbox,
dated as the step, leaving out whoever took it."""
from django.conf import settings
from django.utils import translation

from gridgov.care.services import notices as care_notices
from gridgov.deliberation.services import notices as deliberation_notices
from gridgov.microprojects.services import notices as project_notices
from gridgov.partybuilding.services import notices as party_notices
from gridgov.shop.services import notices as shop_notices
from gridgov.visits.services import notices as visit_notices
from gridgov.volunteering.services import notices as service_notices

from . import channels
from .models import Kind
from .services import notify


def listener(recipients, kind: str, *, with_entry: bool = False):
    """``with_entry``: the app's rule reads the journal entry too (what was put on an agenda)."""
    def on_recorded(sender, subject, action, actor, entry, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            told = recipients(subject, action, entry) if with_entry else recipients(subject, action)
            for users, text in told:
                notify([user for user in users if user != actor], subject, kind, text, entry.at)
    return on_recorded


on_service_order_recorded = listener(service_notices.recipients, Kind.SERVICE)
on_shop_order_recorded = listener(shop_notices.recipients, Kind.SHOP)
on_deliberation_recorded = listener(deliberation_notices.recipients, Kind.DELIBERATION, with_entry=True)
on_project_recorded = listener(project_notices.recipients, Kind.PROJECT)
on_visit_recorded = listener(visit_notices.recipients, Kind.VISIT)
on_party_recorded = listener(party_notices.recipients, Kind.PARTY)
_care_inbox = listener(care_notices.recipients, Kind.CARE)


def on_care_recorded(sender, subject, action, actor, entry, **kwargs):
    """Care tells its inbox users, and by SMS those it knows only by a number (the guardians)."""
    _care_inbox(sender, subject, action, actor, entry, **kwargs)
    with translation.override(settings.LANGUAGE_CODE):
        for phone, text in care_notices.sms(subject, action):
            channels.text_phone(phone, text)


def senders():
    """``[(model, listener), …]``: the participation journals the inbox listens to."""
    from gridgov.care.models import CarePlan, Escalation
    from gridgov.deliberation.models import Meeting, Proposal
    from gridgov.microprojects.models import Project
    from gridgov.partybuilding.models import Credit, MobileMember, Pledge
    from gridgov.shop.models import Order
    from gridgov.visits.models import Promise, Visit
    from gridgov.volunteering.models import ServiceOrder

    return [(ServiceOrder, on_service_order_recorded), (Order, on_shop_order_recorded),
            (Proposal, on_deliberation_recorded), (Meeting, on_deliberation_recorded),
            (Project, on_project_recorded), (Escalation, on_care_recorded), (CarePlan, on_care_recorded),
            (Visit, on_visit_recorded), (Promise, on_visit_recorded),
            (MobileMember, on_party_recorded), (Credit, on_party_recorded), (Pledge, on_party_recorded)]
