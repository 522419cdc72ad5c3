"""Photo evidence of a case: checked (``core.photos``: real images of a bounded size, stored under
a generated name) before it is stored with the case."""
from gridgov.core.photos import checked

from ..models import Photo


def attach(case, actor, stage: str, files) -> int:
    """Store each uploaded file as a photo of ``stage``; refuse the lot if one is not a photo."""
    uploads = checked(files)
    for upload in uploads:
        Photo.objects.create(case=case, stage=stage, image=upload, uploaded_by=actor)
    return len(uploads)
