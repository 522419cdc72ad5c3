"""Every main page of the case half reads Chinese for a Chinese browser (issue 17, item 4).

Each page in :data:`PAGES` is rendered with ``Accept-Language: zh-hans`` as the role that uses it,
and its visible text (no tags, scripts, styles or attribute values) must hold

- no msgid the catalogue leaves untranslated (empty or fuzzy): it would show as English;
- no run of English words at all: a string nobody marked for translation shows English too;
- none of the English phrases users saw in the issue ("63 unread notifications", "last 30 days" …).

Other apps add their pages by appending ``(name, username, url)`` tuples to :data:`PAGES` (a url
may be a callable of the world, for pages that need an object made first).
"""
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from gridgov.cases.actions import CaseAction
from gridgov.core import menu
from gridgov.intake.services import file_report
from gridgov.notifications.services import notify

from .cases_world import IN_A1_1

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _case(world):
    """A resident's free-text report: its timeline holds the platform's steps (classify …) too."""
    resident = world.users["resident"]
    return file_report(district=world.units["district"], channel="app", title="楼下有暴露垃圾",
                            description="请来看看", lat=IN_A1_1[0], lng=IN_A1_1[1], reporter=resident.person,
                            reported_by=resident).case


def _case_page(world):
    return reverse("case", args=[_case(world).code])


def _unit_page(world):
    return reverse("unit", args=[world.units["A1"].code])


#: (name, username, url or callable of the world): the case half's main pages as their users meet them.
PAGES = [
    ("home", "street_dispatcher", lambda world: reverse("home")),
    ("my cases", "resident", lambda world: reverse("my-cases")),
    ("report form", "resident", lambda world: reverse("case-report")),
    ("tasks", "grid_worker", lambda world: reverse("my-tasks")),
    ("queues", "street_dispatcher", lambda world: reverse("case-queues")),
    ("queues, all", "district_dispatcher", lambda world: reverse("case-queues") + "?tab=all"),
    ("department inbox", "dept_chengguan", lambda world: reverse("department-inbox")),
    ("case page", "street_dispatcher", _case_page),
    ("inbox", "street_dispatcher", lambda world: reverse("inbox")),
    ("hot spots", "street_dispatcher", lambda world: reverse("hotspots")),
    ("hot spots, 7 days", "district_dispatcher", lambda world: reverse("hotspots") + "?days=7"),
    ("assessment", "district_dispatcher", lambda world: reverse("assessment")),
    ("rankings", "district_dispatcher", lambda world: reverse("assessment-rankings")),
    ("screen", "district_dispatcher", lambda world: reverse("screen")),
    ("structure", "community_staff", _unit_page),
    ("people", "community_staff", lambda world: reverse("people")),
    ("person", "community_staff", lambda world: reverse("person", args=[world.persons[0].pk])),
]

#: The apps being built beside the case half: their strings are translated by their own authors, so
#: their menu entries (on every page) are left out of the check.
OTHER_APPS = {"deliberation", "microprojects", "care", "visits", "partybuilding"}

#: What users saw in English on Chinese pages before the fix (issue 17, item 4).
SEEN_IN_ENGLISH = ["unread notifications", "people found", "compounds in this unit", "last 30 days",
                   "Forbidden", "classify"]

#: Latin words a Chinese page may show: names, codes and units, not sentences.
ALLOWED_WORDS = {"gridgov", "GB", "T", "ID", "A", "B", "C", "D", "E", "m", "km", "Excel", "PDF", "API", "GeoReport",
                 "Open311", "12345", "htmx", "ECharts", "png", "x", "OpenStreetMap", "English"}


class _Text(HTMLParser):
    """The text a reader sees: data outside <script>, <style> and <template>."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, *names: str) -> str:
    """The visible text, less the given names: the test users' Latin log-in names (as whole words)
    and the other apps' menu labels (whole lines)."""
    parser = _Text()
    parser.feed(html)
    text = "\n".join(part for part in parser.parts if part not in names)
    for name in names:
        text = re.sub(rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z_])", "", text)
    return text


def other_apps_labels() -> set[str]:
    """The menu labels of :data:`OTHER_APPS`, as shown (the app is the one that declares the entry)."""
    return {str(entry.label) for entry in menu.registered()
            if not callable(entry.label) and entry.shown.__module__.split(".")[1] in OTHER_APPS}


def untranslated_msgids() -> set[str]:
    """Every msgid the catalogue has no (or only a fuzzy) translation for, as it would show."""
    text = CATALOGUE.read_text(encoding="utf-8")
    found = set()
    for block in text.split("\n\n"):
        if "\nmsgid " not in "\n" + block:
            continue
        fuzzy = "#, fuzzy" in block or ", fuzzy" in block
        msgid = "".join(re.findall(r'"(.*)"', block.split("msgid ", 1)[1].split("msgstr", 1)[0]))
        msgstrs = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', block)
        empty = not msgstrs or all(not "".join(re.findall(r'"(.*)"', m)) for m in msgstrs)
        if msgid and (fuzzy or empty):
            found.add(msgid.replace('\\"', '"'))
    return found


def english_runs(text: str) -> list[str]:
    """Runs of two or more English words (or one long one) that are no allowed name or code."""
    runs = []
    for line in text.splitlines():
        for run in re.findall(r"[A-Za-z][A-Za-z0-9'’-]*(?:[ ,.:;]+[A-Za-z][A-Za-z0-9'’-]*)*", line):
            words = [w for w in re.findall(r"[A-Za-z][A-Za-z0-9'’-]*", run) if w not in ALLOWED_WORDS]
            if len(words) >= 2 or any(len(w) >= 4 for w in words):
                runs.append(run)
    return runs


def test_the_catalogue_has_one_plural_form():
    assert 'Plural-Forms: nplurals=1; plural=0;' in CATALOGUE.read_text(encoding="utf-8")


def test_the_checks_catch_english():
    """The checks themselves: an English sentence is caught, Chinese with codes and names is not."""
    assert english_runs(visible_text("<p>63 unread notifications</p><script>var a = 'Hello there'</script>"))
    assert not english_runs(visible_text("<p>案件 510113202612070001 · GB/T 30428 · 3 km</p>"))


@pytest.mark.parametrize("name,username,url", PAGES, ids=[name for name, _u, _l in PAGES])
def test_page_is_chinese(client, world, name, username, url):
    client.force_login(world.users[username])
    with translation.override("zh-hans"):  # notes are written in the language of whoever acts (a worker may run English)
        target = url(world) if callable(url) else url
    response = client.get(target, HTTP_ACCEPT_LANGUAGE="zh-hans", follow=True)
    assert response.status_code == 200, response.content.decode()[:1500]
    text = visible_text(response.content.decode(), *world.users, *other_apps_labels())
    missing = [msgid for msgid in untranslated_msgids() if len(msgid) > 3 and msgid in text]
    assert not missing, f"untranslated on {name}: {missing}"
    assert not [phrase for phrase in SEEN_IN_ENGLISH if phrase in text]
    assert not english_runs(text), f"English on {name}: {english_runs(text)}"


def test_case_timeline_names_every_step_in_chinese(client, world):
    """The timeline's platform steps (the classifier's, the routing's) read as Chinese words."""
    case = _case(world)
    assert case.timeline.filter(action=CaseAction.CLASSIFY).exists()
    client.force_login(world.users["street_dispatcher"])
    html = client.get(reverse("case-timeline", args=[case.code]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    text = visible_text(html, "resident")
    assert "上报" in text and not english_runs(text)


def test_refused_page_is_a_page_with_the_chinese_reason(client, world):
    """A 403 is the platform's page (menu, layout) with the reason, not a bare "403 Forbidden"."""
    client.force_login(world.users["resident"])
    response = client.get(reverse("case-queues"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 403
    html = response.content.decode()
    with translation.override("zh-hans"):
        assert gettext("Only dispatchers and grid leaders have queues.") in html
    assert "gg-navbar" in html and "Forbidden" not in html


def test_missing_page_is_chinese(client, world):
    client.force_login(world.users["resident"])
    response = client.get("/cases/0000000000/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 404
    assert "gg-navbar" in response.content.decode() and not english_runs(visible_text(response.content.decode(), "resident", *other_apps_labels()))


def test_notify_count_plural_reads_chinese(client, world):
    """ "63 unread notifications": a count above one in the inbox is Chinese."""
    user = world.users["street_dispatcher"]
    case = _case(world)
    for _i in range(3):
        notify([user], case, "dispatch", "有新案件")
    client.force_login(user)
    text = visible_text(client.get(reverse("inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode(), user.username,
                        *other_apps_labels())
    assert "unread" not in text and not english_runs(text)
