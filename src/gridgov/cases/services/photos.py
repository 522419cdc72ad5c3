"""Photo evidence: checked to be real images before they are stored with the case."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from ..models import Photo

MAX_BYTES = 10 * 1024 * 1024


def attach(case, actor, stage: str, files) -> int:
    """Store each uploaded file as a photo of ``stage``; refuse the lot if one is not an image."""
    files = list(files or [])
    for upload in files:
        if upload.size > MAX_BYTES:
            raise ValidationError(_("A photo may be at most 10 MB."), code="photo")
        try:
            Image.open(upload).verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            raise ValidationError(_("“%(name)s” is not an image.") % {"name": upload.name}, code="photo")
        upload.seek(0)
    for upload in files:
        Photo.objects.create(case=case, stage=stage, image=upload, uploaded_by=actor)
    return len(files)
