"""Photos written inside a transaction that rolls back are removed (issue 16, item 3): no orphan
files in MEDIA_ROOT after a refused filing, a failed step or a rolled-back savepoint."""
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import translation

from gridgov.cases.models import Case, Photo

from .cases_world import photo
from .test_cases_lifecycle import report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def files_in(media):
    return sorted(path.name for path in media.rglob("*") if path.is_file())


def test_a_filing_refused_after_its_photo_was_written_leaves_no_file(world, media):
    """grid_worker2 is not on duty in A1-1: closing on the spot is refused once the photo is stored."""
    with translation.override("en"), pytest.raises(ValidationError, match="Only the grid worker on duty"):
        report(world, by="grid_worker2", channel="patrol", close_now=True, photos=[photo()], handling_note="清理")
    assert not Case.objects.exists() and not Photo.objects.exists()
    assert files_in(media) == []


def test_a_committed_photo_stays_and_a_rolled_back_one_goes(world, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the filing commits
        case = report(world, by="grid_worker", channel="patrol", close_now=True, photos=[photo()], handling_note="清理")
    kept = Photo.objects.get(case=case).image.name
    assert default_storage.exists(kept)

    with pytest.raises(RuntimeError), transaction.atomic():
        written = Photo.objects.create(case=case, stage="handle", image=photo("second.png")).image.name
        assert default_storage.exists(written)  # on disk while the transaction runs
        raise RuntimeError("the database went away")
    assert not default_storage.exists(written)
    assert default_storage.exists(kept)
    assert files_in(media) == [kept.rsplit("/", 1)[-1]]
