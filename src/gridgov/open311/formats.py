"""GeoReport v2's two formats rendered from one description of a response.

A response is a tree of :class:`Obj` (named fields, in order) and :class:`Arr` (a container of
repeated elements of one name). XML (the spec's mandatory format) renders an ``Obj`` as child
elements and an ``Arr`` as repeated elements; JSON follows the spec's Spark convention: an ``Obj``
is an object, an ``Arr`` always an array (even of one item), booleans are ``true``/``false``,
numbers are numbers, and an empty value is an empty element in XML and ``null`` in JSON.
"""
import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}

# Characters XML 1.0 cannot carry (most C0 controls, surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry (and PostgreSQL cannot store: NUL)."""
    return _NOT_XML.sub("", value)


class Obj(dict):
    """An element with named children (a JSON object)."""


class Arr:
    """A container of repeated ``item`` elements (a JSON array)."""

    def __init__(self, item: str, items):
        self.item, self.items = item, list(items)


def _fill(element, value) -> None:
    if isinstance(value, Obj):
        for name, child in value.items():
            _fill(ElementTree.SubElement(element, name), child)
    elif isinstance(value, Arr):
        for child in value.items:
            _fill(ElementTree.SubElement(element, value.item), child)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None and value != "":
        element.text = clean_text(str(value))


def to_xml(root: str, value) -> str:
    element = ElementTree.Element(root)
    _fill(element, value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(element, encoding="unicode")


def _plain(value):
    if isinstance(value, Obj):
        return {name: _plain(child) for name, child in value.items()}
    if isinstance(value, Arr):
        return [_plain(child) for child in value.items]
    if isinstance(value, str):
        return clean_text(value) or None
    return value


def to_json(value) -> str:
    return json.dumps(_plain(value), ensure_ascii=False, indent=1)


def render(fmt: str, root: str, value, status: int = 200) -> HttpResponse:
    body = to_json(value) if fmt == "json" else to_xml(root, value)
    return HttpResponse(body.encode(), status=status, content_type=FORMATS.get(fmt, FORMATS["xml"]))


def errors(fmt: str, status: int, descriptions) -> HttpResponse:
    """The spec's error document: ``errors/error/code, description``; the code is the HTTP status."""
    return render(fmt, "errors", Arr("error", [Obj(code=status, description=str(d)) for d in descriptions]), status)
