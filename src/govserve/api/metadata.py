"""OPTIONS answers (DRF metadata) that never fail: `REST_FRAMEWORK["DEFAULT_METADATA_CLASS"]`.

DRF's `SimpleMetadata` describes the body a POST or PUT takes by building the view's serializer,
which asserts on a view that takes no body (no `serializer_class`: 申请延续 and other actions
that are only a POST) and lets a lookup's own refusal escape — a 500 for a plain OPTIONS.
Here a body that cannot be described is left out of `actions`, like one the user may not send,
and a view that renders only HTML pages (the Swagger UI) answers OPTIONS in JSON: its template
renderer has no template for the metadata.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.request import clone_request

from govserve.core.errors import Refused


class Metadata(SimpleMetadata):
    def determine_metadata(self, request, view):
        if isinstance(getattr(request, "accepted_renderer", None), TemplateHTMLRenderer):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().determine_metadata(request, view)

    def determine_actions(self, request, view):
        actions = {}
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            view.request = clone_request(request, method)
            try:
                if hasattr(view, "check_permissions"):
                    view.check_permissions(view.request)
                if method == "PUT" and hasattr(view, "get_object"):
                    view.get_object()
                serializer = view.get_serializer()
            except (
                exceptions.APIException,
                PermissionDenied,
                Http404,
                ObjectDoesNotExist,
                Refused,
                ValueError,
            ):
                continue  # not allowed, or no such record: nothing to describe
            except AssertionError:
                continue  # a view that takes no body names no serializer
            else:
                actions[method] = self.get_serializer_info(serializer)
            finally:
                view.request = request
        return actions
