"""One error shape for the API: field-level messages, 4xx, never a 500 for bad input."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.defaults import page_not_found
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from govserve.core.errors import Refused


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = ValidationError(detail)
    elif isinstance(exc, Refused):
        # Any app's refusal: its field and message, with its status (400, 403, 404, 409, 503).
        return Response(exc.as_dict(), status=exc.status)
    elif isinstance(exc, ObjectDoesNotExist):
        # A lookup a view did not guard (`Model.objects.get`): the record is not there.
        return Response({"detail": _("记录不存在")}, status=status.HTTP_404_NOT_FOUND)
    elif isinstance(exc, OverflowError):
        # A number past what the database binds (SQLite: 64 bits) that no field bounded
        # (core.params bounds those it knows): raised before the query runs, nothing written.
        return Response(
            {"non_field_errors": [_("数值超出范围")]}, status=status.HTTP_400_BAD_REQUEST
        )
    elif isinstance(exc, IntegrityError):
        return Response(
            {"non_field_errors": [_("数据与已有记录冲突（编码或名称重复）")]},
            status=status.HTTP_409_CONFLICT,
        )
    return drf_exception_handler(exc, context)


def not_found(request, exception=None):
    """`handler404`: an /api/ address that names nothing (an id the URL pattern does not take,
    a path no route has) answers in the API's shape, JSON, as the schema documents its 404;
    every other address gets the site's 404 page."""
    if request.path.startswith("/api/"):
        # DRF's own words for it ("未找到。"), in the request's language.
        detail = str(NotFound.default_detail)
        return JsonResponse({"detail": detail}, status=status.HTTP_404_NOT_FOUND)
    return page_not_found(request, exception)
