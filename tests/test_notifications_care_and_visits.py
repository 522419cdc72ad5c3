"""The inbox hears the new participation apps as it hears the service orders: once a step commits,
whoever the app's ``services.notices`` names gets the message in the inbox, and care's guardians,
who have no login, get theirs by SMS (through the gateway, or the log when none is set)."""
import logging

import pytest
from django.utils import translation

from gridgov.care.services import watch
from gridgov.core import clock
from gridgov.notifications.models import Kind, Notification
from gridgov.visits.services import promises

from . import care_world as cw
from .care_world import at


def inbox(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).order_by("pk").values_list("text", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_missed_check_in_reaches_the_inbox_step_by_step_and_the_guardians_by_sms(district, settings, caplog):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        w = cw.build(district)
    with caplog.at_level(logging.INFO, logger="gridgov.notifications"):
        watch.tick(at(2, 20, 1))  # the window closed at 20:00: the buddy first
        assert [text.startswith("Care alert") for text in inbox(w.buddy_user, Kind.CARE)].count(True) == 1
        assert not any(text.startswith("Care alert") for text in inbox(w.worker, Kind.CARE))
        watch.tick(at(3, 11))  # defaults: grid worker at 22:00, staff at 02:00, guardians at 10:00
    assert any(text.startswith("Care alert") for text in inbox(w.worker, Kind.CARE))
    assert any(text.startswith("Care alert") for text in inbox(w.staff, Kind.CARE))
    sms = [record.getMessage() for record in caplog.records if record.getMessage().startswith("sms ")]
    assert len(sms) == 1 and w.person.name in sms[0] and cw.SON[-4:] in sms[0] and cw.SON not in sms[0]


@pytest.mark.django_db(transaction=True)
def test_a_promise_coming_due_and_then_overdue_reaches_its_maker(district, settings):
    settings.LANGUAGE_CODE = "en"
    staff = district.users["community_staff"]
    with clock.frozen(at(2, 9)):
        promises.make(staff, unit=district.units["A1"], text="答复居民", due=at(4, 9).date())
    promises.watch(at(3, 9))
    promises.watch(at(5, 9))
    promises.watch(at(5, 10))  # a second round tells nobody again
    told = inbox(staff, Kind.VISIT)
    assert len(told) == 2 and all("答复居民" in text for text in told)
    assert "overdue" in told[-1] and "overdue" not in told[0]
