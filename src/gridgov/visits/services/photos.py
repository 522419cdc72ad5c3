"""Photos of a visit, checked as every photo is (``core.photos``) before anything is stored."""
from gridgov.core.photos import checked

from ..models import VisitPhoto

#: At most this many photos per visit.
MAX_PHOTOS = 6


def check(files) -> list:
    """The uploads, each checked and renamed; the lot is refused if one is not a photo."""
    return checked(files, at_most=MAX_PHOTOS)


def store(visit, actor, uploads) -> int:
    """Store photos :func:`check` passed."""
    for upload in uploads:
        VisitPhoto.objects.create(visit=visit, image=upload, uploaded_by=actor)
    return len(uploads)
