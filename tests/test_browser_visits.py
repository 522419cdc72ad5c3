"""A grid worker on a phone (390×844) in headless Chromium: opens the planned visits, records a
visit with a finding and a photo, and files a case from it — the case exists, came through the
household-visit channel, and the visit links to it."""
import pytest

from gridgov.cases.models import Case
from gridgov.visits.models import Visit
from gridgov.visits.services import planning

from .cases_world import photo
from .visits_world import build

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_world(live_world):
    live_world.visits = build(live_world)
    planning.save_rule(live_world.visits.staff, unit=live_world.visits.community)
    planning.plan()
    return live_world


@pytest.mark.browser
def test_grid_worker_records_a_visit_and_files_a_case_on_a_phone(sign_in, live_server, live_world, tmp_path):
    w = live_world.visits
    visit = Visit.objects.get(household=w.h11)
    upload = photo()
    image = tmp_path / "finding.png"
    image.write_bytes(upload.read())
    worker = sign_in("grid_worker", PHONE)
    worker.goto(f"{live_server.url}/visits/")
    assert worker.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    worker.click(f"[data-visit='{visit.pk}']")
    worker.wait_for_load_state("networkidle")
    assert worker.locator("#visit-status").get_attribute("data-status") == "planned"
    worker.fill("#findings", "楼道堆放杂物，存在消防隐患")
    worker.set_input_files("#photos", str(image))
    worker.click("[data-action=record]")
    worker.wait_for_load_state("networkidle")
    assert worker.locator("#visit-status").get_attribute("data-status") == "done"
    worker.select_option("#case-category", str(w.category.pk))
    worker.fill("#case-title", "楼道堆物")
    worker.click("[data-action=case]")
    worker.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert case.channel == "visit" and case.external_id == str(visit.pk)
    visit.refresh_from_db()
    assert visit.case == case and visit.photos.count() == 1
    assert worker.inner_text("#visit-case").strip() == case.code
    assert worker.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
