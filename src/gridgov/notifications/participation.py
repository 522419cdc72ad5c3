"""The inbox's side of the service orders (点单): who is told what is volunteering's rule
(``volunteering.services.notices.recipients``); this only listens to the orders' journal once a
step has committed and puts each message in the inbox, dated as the step."""
from django.conf import settings
from django.utils import translation

from gridgov.volunteering.services.notices import recipients

from .models import Kind
from .services import notify


def on_service_order_recorded(sender, subject, action, actor, entry, **kwargs):
    with translation.override(settings.LANGUAGE_CODE):
        for users, text in recipients(subject, action):
            notify([user for user in users if user != actor], subject, Kind.SERVICE, text, entry.at)
