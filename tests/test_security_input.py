"""Bad input is a clear 4xx, never a 500 and never a half-written record (security review, item 5
and part of 10): control characters (NUL above all, which PostgreSQL cannot store) anywhere in a
request, text-direction characters in what people name and describe, a second case with the same
external number, decompression bombs and unreadable images, and bodies over the size caps. Run on
SQLite and on PostgreSQL (``DATABASE_URL``): NUL only broke PostgreSQL."""
import io
import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from gridgov.accounts.models import ApiToken
from gridgov.cases.models import Case, CaseCounter, Channel, Photo, TimelineEntry
from gridgov.cases.services import filing
from gridgov.core.text import check_plain
from gridgov.integrations.models import Integration
from tests.cases_world import IN_A1_1, photo
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CONTROL_MESSAGE = "control characters"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "abc\u202etxt.exe" displays as "abcexe.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api(world):
    """Call the API as ``user`` (a bearer token; None for no token) in English; JSON, or a multipart
    form when ``files`` are given, or ``raw`` bytes as they are."""
    client = Client()

    def call(method, url, data=None, user="resident", files=None, raw=None, headers=None, **extra):
        sent = {"Accept-Language": "en", **(headers or {})}
        if user:
            sent["Authorization"] = f"Bearer {ApiToken.issue(world.users[user])}"
        if method == "get":
            return client.get(url, data or {}, headers=sent, **extra)
        if files is not None:
            return client.post(url, {**(data or {}), "photos": files}, headers=sent, **extra)
        body = raw if raw is not None else json.dumps(data or {})
        return client.post(url, body, content_type="application/json", headers=sent, **extra)

    return call


def refusal(response, status):
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    return response.json()["detail"]


def case_fields(**fields):
    return {"title": "楼下有暴露垃圾", "category": "9901", "lat": IN_A1_1[0], "lng": IN_A1_1[1], **fields}


def hotline_key(world):
    integration = Integration(name="12345", kind="hotline", district=world.units["district"])
    key = integration.issue_key()
    integration.save()
    return key


def nothing_written():
    return not Case.objects.exists() and not TimelineEntry.objects.exists() and not Photo.objects.exists()


# -- control characters: one check in front of every view ---------------------------------------
@pytest.mark.parametrize("url, body, user", [
    ("/api/v1/auth/token", {"username": "resident\x00", "password": PASSWORD}, None),
    ("/api/v1/cases", case_fields(title="垃圾\x00"), "resident"),
    ("/api/v1/intake/reports", {"title": "路灯不亮", "description": "\x00", "address": "幸福路"}, "resident"),
    ("/api/v1/cases", case_fields(description="响铃\x07"), "resident"),  # not only NUL
    ("/api/v1/cases", {**case_fields(), "extra\x00": 1}, "resident"),  # keys too
], ids=["token", "case", "intake", "bell", "key"])
def test_control_characters_in_a_json_body_are_400(api, url, body, user):
    assert CONTROL_MESSAGE in refusal(api("post", url, body, user=user), 400)
    assert nothing_written() and ApiToken.objects.count() == (1 if user else 0)  # only the caller's own


@pytest.mark.parametrize("url", ["/api/v1/cases", "/api/v1/persons", "/api/v1/categories"])
def test_nul_in_a_query_filter_is_400(api, url):
    assert CONTROL_MESSAGE in refusal(api("get", url, {"q": "垃圾\x00"}, user="district_dispatcher"), 400)


def test_nul_in_the_hotline_push_and_in_a_path_is_400(world, api):
    key = hotline_key(world)
    order = {"order_no": "12345-1", "reported_at": "2024-12-31 15:00", "category": "9903", "title": "噪音\x00",
             "lat": IN_A1_1[0], "lng": IN_A1_1[1]}
    assert CONTROL_MESSAGE in refusal(api("post", "/api/v1/hotline/orders", order, user=None,
                                          headers={"X-Api-Key": key}), 400)
    assert nothing_written()
    assert CONTROL_MESSAGE in refusal(api("get", "/api/v1/hotline/orders/12345%00", user=None,
                                          headers={"X-Api-Key": key}), 400)


def test_nul_in_a_multipart_field_is_400(api):
    response = api("post", "/api/v1/cases", case_fields(title="垃圾\x00"), files=[photo()])
    assert CONTROL_MESSAGE in refusal(response, 400)
    assert nothing_written()


def test_the_refusal_speaks_the_callers_language(world):
    response = Client().get("/api/v1/categories", {"q": "\x00"}, headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 400 and response.json()["detail"]
    assert Client().get("/api/v1/categories", {"q": "\x00"},
                        headers={"Accept-Language": "en"}).json()["detail"].startswith("The request contains")


def test_the_web_answers_a_page(client, world):
    client.force_login(world.users["resident"])
    response = client.post(reverse("case-report"), {"title": "垃圾\x00", "category": world.categories["small"].pk,
                                                    "lat": IN_A1_1[0], "lng": IN_A1_1[1]},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and response["Content-Type"].startswith("text/html")
    assert CONTROL_MESSAGE in response.content.decode()
    assert nothing_written()
    client.force_login(world.users["district_dispatcher"])
    assert client.get(reverse("people"), {"q": "\x00"}).status_code == 400


def test_tabs_and_line_breaks_are_text(api):
    response = api("post", "/api/v1/cases", case_fields(description="第一行\r\n第二行\t完"))
    assert response.status_code == 201, response.content.decode()
    assert Case.objects.get().description == "第一行\r\n第二行\t完"


# -- text-direction characters in titles, names and descriptions --------------------------------
@pytest.mark.parametrize("url, body, field", [
    ("/api/v1/cases", case_fields(title=f"垃圾{RLO}gpj.exe"), "title"),
    ("/api/v1/cases", case_fields(contact_name="张\u2066三"), "contact_name"),
    ("/api/v1/intake/reports", {"title": "路灯不亮", "description": f"在{RLO}幸福路", "address": "幸福路"}, "description"),
    ("/api/v1/intake/suggest", {"title": "路灯\u200f不亮"}, "title"),
], ids=["case-title", "case-name", "intake-description", "suggest"])
def test_bidi_controls_are_422_naming_the_field(api, url, body, field):
    text = refusal(api("post", url, body), 422)
    assert f"{field}: must not contain control or text-direction characters" in text
    assert nothing_written()


def test_the_intake_service_refuses_bidi_from_every_channel(world):
    """The hotline batch and Open311 file through the same service as the API and the web form."""
    with pytest.raises(Exception) as refused:
        filing.report(district=world.units["district"], channel=Channel.HOTLINE, title=f"噪音{RLO}",
                      category=world.categories["big"], lat=IN_A1_1[0], lng=IN_A1_1[1])
    assert refused.value.code == "title"
    assert nothing_written()
    check_plain("title", "普通的标题 with English", "The title")  # plain text passes


def test_the_web_report_form_shows_the_bidi_refusal_on_the_title(client, world):
    client.force_login(world.users["resident"])
    response = client.post(reverse("case-report"), {"title": f"垃圾{RLO}", "category": world.categories["small"].pk,
                                                    "lat": IN_A1_1[0], "lng": IN_A1_1[1]},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "text-direction" in str(response.context["form"].errors["title"])
    assert nothing_written()


# -- a second case with the same external number ------------------------------------------------
def test_a_duplicate_external_id_is_409(api):
    assert api("post", "/api/v1/cases", case_fields(external_id="APP-1")).status_code == 201
    assert "APP-1" in refusal(api("post", "/api/v1/cases", case_fields(external_id="APP-1")), 409)
    assert Case.objects.count() == 1
    # The number is unique per channel: the same number from a grid worker's patrol is another case.
    assert api("post", "/api/v1/cases", case_fields(external_id="APP-1"), user="grid_worker").status_code == 201


def test_two_reports_at_once_get_the_same_refusal(world, monkeypatch):
    """Both pass the first check; the loser's insert breaks the constraint inside the service's
    transaction, which answers the same error and leaves nothing of the loser behind."""
    def report():
        return filing.report(district=world.units["district"], channel=Channel.APP, title="垃圾",
                             category=world.categories["small"], lat=IN_A1_1[0], lng=IN_A1_1[1], external_id="APP-2")

    report()
    counter, entries = CaseCounter.objects.get().value, TimelineEntry.objects.count()
    real, missed = filing._filed_before, []

    def miss_the_winner_once(case):
        if not missed:
            missed.append(case)
            return False
        return real(case)

    monkeypatch.setattr(filing, "_filed_before", miss_the_winner_once)
    with pytest.raises(filing.AlreadyFiled):
        report()
    assert missed and Case.objects.count() == 1 and TimelineEntry.objects.count() == entries
    assert CaseCounter.objects.get().value == counter


# -- images ---------------------------------------------------------------------------------------
def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb(name="bomb.png"):
    """A 100 000 × 100 000 PNG header: a few bytes on disk, 10 gigapixels decoded."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 1, 0, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", zlib.compress(b"\0" * 64))
            + _png_chunk(b"IEND", b""))
    return SimpleUploadedFile(name, data, content_type="image/png")


def image(kind, name):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(buffer, kind)
    return SimpleUploadedFile(name, buffer.getvalue())


def test_a_decompression_bomb_is_422_and_nothing_is_stored(api):
    assert "too many pixels" in refusal(api("post", "/api/v1/cases", case_fields(), files=[photo(), bomb()]), 422)
    assert nothing_written()


def test_the_pixel_cap_is_a_setting(api, settings):
    settings.GRIDGOV_PHOTO_MAX_PIXELS = 63  # the 8 × 8 test photo has 64
    assert "too many pixels" in refusal(api("post", "/api/v1/cases", case_fields(), files=[photo()]), 422)


@pytest.mark.parametrize("upload, words", [
    (SimpleUploadedFile("broken.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40), "is not an image"),
    (SimpleUploadedFile("cut.png", image("PNG", "x.png").read()[:60]), "is not an image"),
    (image("BMP", "scan.bmp"), "JPEG, PNG, GIF or WebP"),
], ids=["broken", "truncated", "bitmap"])
def test_an_unreadable_or_unwanted_image_is_422(api, upload, words):
    assert words in refusal(api("post", "/api/v1/cases", case_fields(), files=[upload]), 422)
    assert nothing_written()


def test_the_web_form_shows_the_bomb_on_the_photos_field(client, world):
    client.force_login(world.users["resident"])
    response = client.post(reverse("case-report"), {"title": "垃圾", "category": world.categories["small"].pk,
                                                    "lat": IN_A1_1[0], "lng": IN_A1_1[1], "photos": [bomb()]},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "too many pixels" in str(response.context["form"].errors["photos"])
    assert nothing_written()


def test_stored_names_are_generated_with_the_real_format(api):
    disguised = image("GIF", "evil.php")
    assert api("post", "/api/v1/cases", case_fields(), files=[disguised, image("JPEG", "a.png")]).status_code == 201
    names = [photo.image.name.rsplit("/", 1)[1] for photo in Photo.objects.all()]
    assert sorted(name.rsplit(".", 1)[1] for name in names) == ["gif", "jpg"]
    assert all(len(name.split(".")[0]) == 32 and "evil" not in name for name in names)


# -- size caps ------------------------------------------------------------------------------------
class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_a_request_over_the_cap_is_413_before_its_body_is_read(world, settings):
    settings.GRIDGOV_MAX_REQUEST_BYTES = 1000
    client = Client()
    client.force_login(world.users["resident"])
    over = {"CONTENT_LENGTH": "50000000", "wsgi.input": Unreadable()}
    api = client.post("/api/v1/cases", content_type="multipart/form-data; boundary=x", headers={
        "Accept-Language": "en"}, **over)
    assert refusal(api, 413).startswith("The request is too large")
    web = client.post(reverse("case-report"), content_type="multipart/form-data; boundary=x", **over)
    assert web.status_code == 413 and web["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_an_oversized_body_is_json_413(api, settings, content_type):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = Client().post("/api/v1/auth/token", json.dumps({"username": "x" * 2000, "password": "y"}),
                             content_type=content_type)
    assert refusal(response, 413)


@pytest.mark.parametrize("raw", ['{"title": ', "[" * 100_000, b"\xff\xfe\x00"], ids=["cut", "deep", "binary"])
def test_a_malformed_json_body_is_json_400(api, raw):
    assert refusal(api("post", "/api/v1/cases", raw=raw), 400)
    assert nothing_written()


def test_open311_keeps_stripping_control_characters_but_not_the_size_cap(world, settings):
    """GeoReport clients get their own format: Open311 strips what XML cannot carry (test_open311.py)."""
    settings.GRIDGOV_MAX_REQUEST_BYTES = 1000
    response = Client().post("/open311/v2/requests.json", "x" * 2000, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert Client().get("/open311/v2/services.json", {"jurisdiction_id": "510113\x00"}).status_code == 200
