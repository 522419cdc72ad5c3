"""Photos of a visit, checked as the case engine checks its evidence (``cases/services/photos.py``:
size, a real JPEG/PNG/GIF/WebP image, a bounded pixel count, a generated file name) before anything
is stored. The case engine keeps its checker private, so the same rules are applied here; see the
report for the one-line change that would let both share it."""
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

from ..models import VisitPhoto

EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
#: At most this many photos per visit.
MAX_PHOTOS = 6


def _kind(upload) -> str:
    if upload.size > settings.GRIDGOV_PHOTO_MAX_BYTES:
        raise ValidationError(_("A photo may be at most %(mb)s MB.")
                              % {"mb": settings.GRIDGOV_PHOTO_MAX_BYTES // 2**20}, code="photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                kind = image.format
                image.verify()
    except Exception:  # Pillow raises many types on malformed data or a bomb: each is a refusal
        raise ValidationError(_("“%(name)s” is not an image.") % {"name": upload.name}, code="photo") from None
    finally:
        upload.seek(0)
    if width * height > settings.GRIDGOV_PHOTO_MAX_PIXELS or kind not in EXTENSIONS:
        raise ValidationError(_("“%(name)s” is not a photo: send a JPEG, PNG, GIF or WebP image.")
                              % {"name": upload.name}, code="photo")
    return kind


def check(files) -> list:
    """The uploads, each checked; the lot is refused if one is not a photo."""
    files = list(files or [])
    if len(files) > MAX_PHOTOS:
        raise ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}, code="photo")
    return [(upload, _kind(upload)) for upload in files]


def store(visit, actor, checked) -> int:
    """Store photos :func:`check` passed, under generated names."""
    for upload, kind in checked:
        upload.name = f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
        VisitPhoto.objects.create(visit=visit, image=upload, uploaded_by=actor)
    return len(checked)
