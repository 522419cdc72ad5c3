"""Request bodies read from JSON or, for the endpoints that take photos, from a form.

``POST /cases`` (report) and ``POST /cases/{code}/actions/handle`` take either a JSON body or
``multipart/form-data`` with the same fields as form fields plus one or more ``photos`` file parts,
so a phone sends the report and its pictures in one request. :data:`JsonOrForm` is the body
parameter every case endpoint uses; :func:`photo_files` the files; :func:`multipart` the OpenAPI text.
"""
from django.core.exceptions import ValidationError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.errors import ValidationError as InputError
from ninja.params import ParamShortcut
from ninja.params.models import Body as BodyParam
from ninja.params.models import BodyModel

MAX_PHOTOS = 9

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class JsonOrFormModel(BodyModel):
    """A body read from JSON or, for a form post, from its fields (empty fields count as absent)."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type not in FORM_TYPES:
            data = super().get_request_data(request, api, path_params)
            varname = getattr(cls, "__read_from_single_attr__", None)
            value = data.get(varname) if data and varname else data
            if value is not None and not isinstance(value, dict):
                # Ninja's schemas read attributes, so a list or a string would pass as "no fields".
                raise InputError([{"type": "dict_type", "loc": ("body",), "msg": "Input should be an object"}])
            return data
        try:
            data = {key: value for key, value in request.POST.items() if value != ""}
        except MultiPartParserError as error:
            raise HttpError(400, "Cannot parse request body") from error
        varname = getattr(cls, "__read_from_single_attr__", None)
        return {varname: data} if varname else data


class JsonOrFormParam(BodyParam):
    _model = JsonOrFormModel

    @classmethod
    def _param_source(cls) -> str:
        return "body"


JsonOrForm = ParamShortcut(lambda default=..., **kwargs: JsonOrFormParam(default, **kwargs))

def photo_files(request) -> list:
    if request.content_type != "multipart/form-data":
        return []
    files = request.FILES.getlist("photos")
    if len(files) > MAX_PHOTOS:
        raise ValidationError(_("Send at most %(count)s photos at once.") % {"count": MAX_PHOTOS}, code="photos")
    return files


def multipart(schema_name: str) -> dict:
    """The OpenAPI text for a body that may also be a multipart form with photos."""
    return {"requestBody": {"content": {"multipart/form-data": {"schema": {"allOf": [
        {"$ref": f"#/components/schemas/{schema_name}"},
        {"type": "object", "properties": {"photos": {
            "type": "array", "items": {"type": "string", "format": "binary"},
            "description": f"Up to {MAX_PHOTOS} images (JPEG, PNG …), at most 10 MB each."}}},
    ]}}}}}
