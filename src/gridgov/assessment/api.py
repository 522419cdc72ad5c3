"""The assessment API: figures, boards, rankings and score weights."""
from ninja import Router

router = Router(tags=["assessment"])
