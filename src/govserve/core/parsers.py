"""Request bodies the API reads: bounded in size (413) and, for JSON, in nesting depth (400).

DRF's own parsers read the whole body whatever its size (Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`
only guards `request.body` and form fields) and hand JSON to `json.load`, which recurses once
per level: a body nested 1,000 deep is a `RecursionError`, a 500. These replace them for every
view (`REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]`, and views naming their parsers import them
from here):

- `JSONParser` and `FormParser` refuse a body larger than `GOVSERVE["API_MAX_BODY_BYTES"]`,
  `MultiPartParser` one larger than `GOVSERVE["API_MAX_UPLOAD_BYTES"]` (files and fields), with
  413; a view where more is legitimate says so with `max_body_bytes` / `max_upload_bytes`.
- JSON nested deeper than `GOVSERVE["API_MAX_JSON_DEPTH"]` (objects and arrays) is refused with
  400, in a body (`JSONParser`) and in a JSON text sent as a form field (`JSONField`).

Every refusal is a `Refused` on `non_field_errors` (the field whose JSON is too deep, for
`JSONField`), answered by `api.errors` like any other.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError
from rest_framework.utils import json as drf_json

from .errors import Refused

BODY = "non_field_errors"
DEFAULT_MAX_JSON_DEPTH = 32


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, "GOVSERVE", {}).get(name, default))


def max_json_depth() -> int:
    return _setting("API_MAX_JSON_DEPTH", DEFAULT_MAX_JSON_DEPTH)


def _size(n: int) -> str:
    """1 MB, 2.5 MB, 64 KB, 16 B."""
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} B"


class BodyTooLarge(Refused):
    """413: the request body is larger than the endpoint takes."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            BODY,
            _("请求内容过大：不能超过 %(limit)s") % {"limit": _size(limit)},
            status=413,
        )


class TooDeep(Refused):
    """400: JSON nested deeper than the platform reads."""

    def __init__(self, field: str = BODY) -> None:
        super().__init__(
            field,
            _("JSON 嵌套层数过多：最多 %(depth)d 层") % {"depth": max_json_depth()},
        )


def json_depth(value: Any) -> int:
    """How many objects/arrays deep `value` nests (a scalar is 0), without recursing."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        depth += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth) for child in children)
    return deepest


def loads(text: str | bytes, *, field: str = BODY, **kwargs: Any) -> Any:
    """`json.loads`, refusing (`TooDeep`) what nests deeper than the platform reads.

    Raises ValueError for text that is not JSON, as `json.loads` does.
    """
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise TooDeep(field) from None
    if json_depth(value) > max_json_depth():
        raise TooDeep(field)
    return value


def _limit(parser_context: dict | None, attribute: str, setting: str, default: int) -> int:
    view = (parser_context or {}).get("view")
    own = getattr(view, attribute, None)
    return int(own) if own is not None else _setting(setting, default)


def _content_length(parser_context: dict | None) -> int:
    request = (parser_context or {}).get("request")
    meta = getattr(request, "META", {})
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


def _read(stream, parser_context: dict | None, limit: int) -> bytes:
    """The body, refusing (413) one longer than `limit` before and while reading it."""
    if _content_length(parser_context) > limit:
        raise BodyTooLarge(limit)
    data = stream.read(limit + 1) if stream is not None else b""
    if len(data) > limit:
        raise BodyTooLarge(limit)
    return data


def body_limit(parser_context: dict | None) -> int:
    return _limit(
        parser_context, "max_body_bytes", "API_MAX_BODY_BYTES", settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def upload_limit(parser_context: dict | None) -> int:
    return _limit(parser_context, "max_upload_bytes", "API_MAX_UPLOAD_BYTES", 100 * 1024 * 1024)


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a size cap (413) and a nesting cap (400)."""

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        data = _read(stream, context, body_limit(context))
        encoding = context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = data.decode(encoding)
            constant = drf_json.strict_constant if self.strict else None
            return loads(text, parse_constant=constant)
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            raise ParseError(_("JSON 格式错误：%(error)s") % {"error": exc}) from None


class FormParser(parsers.FormParser):
    """DRF's urlencoded-form parser with the same size cap as JSON (413)."""

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        data = _read(stream, context, body_limit(context))
        try:
            return QueryDict(data, encoding=context.get("encoding", settings.DEFAULT_CHARSET))
        except TooManyFieldsSent:
            raise Refused(BODY, _("表单字段过多")) from None


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser with a cap on the whole body (files and fields, 413); a form field
    beyond Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` is 413 too, too many fields or files 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = upload_limit(parser_context)
        if _content_length(parser_context) > limit:
            raise BodyTooLarge(limit)
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig:
            raise BodyTooLarge(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) from None
        except (TooManyFieldsSent, TooManyFilesSent):
            raise Refused(BODY, _("表单字段过多")) from None


class JSONField(serializers.JSONField):
    """DRF's JSONField refusing JSON nested too deep, by the field's name (in a multipart form a
    JSON value arrives as text, which DRF's field would hand to `json.loads` unguarded)."""

    def to_internal_value(self, data):
        if self.binary or getattr(data, "is_json_string", False):
            if isinstance(data, bytes):
                data = data.decode(errors="replace")
            try:
                return loads(data, cls=self.decoder)
            except TooDeep as exc:
                raise serializers.ValidationError(str(exc.message)) from None
            except (TypeError, ValueError):
                self.fail("invalid")
        if json_depth(data) > max_json_depth():
            raise serializers.ValidationError(str(TooDeep().message))
        return super().to_internal_value(data)
