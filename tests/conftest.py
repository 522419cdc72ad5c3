import os
import shutil

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse
# database access from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Real hashing costs half a second per user; tests create many users."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test's database is rolled back to stamps an earlier test reached with other rows: no
    per-process cache (calendar, indexes, catalogue, classifier) may outlive its test."""
    from gridgov.core import stamps

    stamps.forget()


@pytest.fixture
def district(db):
    from .factories import build_district

    return build_district()


@pytest.fixture
def browser():
    """Headless Debian Chromium through Playwright; skipped with instructions when it is missing."""
    if not os.path.exists(CHROMIUM) or not shutil.which("fc-list"):
        pytest.skip("browser tests need Debian's Chromium and a CJK font: apt-get install chromium fonts-wqy-zenhei")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def _through_the_form(page, url, username, password):
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def login(page, live_server):
    """Sign in through the real login form and return the page."""
    from .factories import PASSWORD

    def sign_in(username, password=PASSWORD):
        return _through_the_form(page, live_server.url, username, password)

    return sign_in


@pytest.fixture
def sign_in(browser, live_server):
    """``sign_in(username, viewport)``: a fresh browser context (its own session, Chinese) signed in
    through the login form, for tests where several users act side by side."""
    from .factories import PASSWORD

    contexts = []

    def open_as(username, viewport=None):
        context = browser.new_context(locale="zh-CN", viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        return _through_the_form(context.new_page(), live_server.url, username, PASSWORD)

    yield open_as
    for context in contexts:
        context.close()


def _with_categories(district):
    from .cases_world import categories, gongan

    district.categories = categories()
    district.departments["gongan"] = gongan(district)
    return district


@pytest.fixture
def world(district):
    """The small district plus test categories and a second department (see cases_world.py)."""
    return _with_categories(district)


@pytest.fixture
def live_world(transactional_db, settings, tmp_path):
    """``world`` in a database a live server shares (browser tests); uploads go to a temporary folder.
    Modules add their own data by overriding it (``def live_world(live_world): …``)."""
    from .factories import build_district

    settings.MEDIA_ROOT = tmp_path / "media"
    return _with_categories(build_district())


@pytest.fixture
def every_rate_counts(monkeypatch):
    """For figures worked out by hand on a handful of cases: every rate counts towards a score
    whatever its sample (the minimum sample has its own tests, ``tests/test_assessment_fairness.py``)."""
    from gridgov.assessment.services import scoring

    monkeypatch.setattr(scoring, "MIN_SAMPLE", 1)


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects by marker
def pytest_collection_modifyitems(items):
    """Every test that opens Chromium (through ``browser``, ``page``, ``login`` or ``sign_in``) is a
    browser test, marked or not: ``-m "not browser"`` (CI's PostgreSQL pass) leaves them all out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
