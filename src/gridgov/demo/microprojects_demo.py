"""The demo district's microprojects data (see ``participation.py``)."""


def generate(progress: bool = False) -> dict:
    """Make the demo's microprojects data through the app's services; answer summary counts."""
    return {}
