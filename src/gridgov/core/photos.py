"""Photos every app takes (a case's evidence, a visit's, a micro-project's milestone, a facility's):
checked to be real images of a bounded size before they are stored, under a generated name.

An upload is refused (ValidationError coded ``photo``: 422 in the API, a form error on the web) when
it is over ``GRIDGOV_PHOTO_MAX_BYTES``, is not a JPEG, PNG, GIF or WebP image, cannot be parsed, or
has more than ``GRIDGOV_PHOTO_MAX_PIXELS`` pixels — a decompression bomb is a few kilobytes on disk
and gigabytes once decoded. The stored file gets a generated name and the extension of the format
the image really is, never the name the client sent (``evil.php`` is stored as ``<uuid>.png``).
"""
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image

#: The formats a phone or camera produces, with the extension the stored file gets.
EXTENSIONS = {"JPEG": "jpg", "MPO": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def photo_format(upload) -> str:
    """The image format of ``upload``, after checking its size, pixel count and structure."""
    name = upload.name
    if upload.size > settings.GRIDGOV_PHOTO_MAX_BYTES:
        raise ValidationError(_("A photo may be at most %(mb)s MB.") % {
            "mb": settings.GRIDGOV_PHOTO_MAX_BYTES // 2**20}, code="photo")
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own pixel limit and raises above twice that; both are refusals.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                kind = image.format
                if width * height <= settings.GRIDGOV_PHOTO_MAX_PIXELS:
                    image.verify()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        width = height = settings.GRIDGOV_PHOTO_MAX_PIXELS + 1  # too many pixels: refused below
    except Exception:  # Pillow's parsers raise many types on malformed data; each means "not an image"
        raise ValidationError(_("“%(name)s” is not an image.") % {"name": name}, code="photo") from None
    finally:
        upload.seek(0)
    if width * height > settings.GRIDGOV_PHOTO_MAX_PIXELS:
        raise ValidationError(_("“%(name)s” has too many pixels: a photo may have at most %(megapixels)s million.")
                              % {"name": name, "megapixels": settings.GRIDGOV_PHOTO_MAX_PIXELS // 10**6},
                              code="photo")
    if kind not in EXTENSIONS:
        raise ValidationError(_("“%(name)s” is not a photo: send a JPEG, PNG, GIF or WebP image.") % {"name": name},
                              code="photo")
    return kind


def checked(files, *, at_most: int | None = None) -> list:
    """The uploads, each checked and renamed ``<uuid>.<its real extension>``; the lot is refused if
    one is not a photo (nothing is stored before all passed) or if there are more than ``at_most``."""
    files = [upload for upload in (files or []) if upload is not None]
    if at_most is not None and len(files) > at_most:
        raise ValidationError(_("Attach at most %(n)d photos.") % {"n": at_most}, code="photo")
    kinds = [photo_format(upload) for upload in files]
    for upload, kind in zip(files, kinds):
        upload.name = f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}"
    return files
