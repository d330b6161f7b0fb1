"""What the licences API modules share: the schema tag, the PDF response, scopes by method."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from rest_framework.permissions import SAFE_METHODS

TAGS = ["licences"]
PDF_RESPONSE = {(200, "application/pdf"): OpenApiTypes.BINARY}


def scopes(view, read: str | None, write: str) -> list[str]:
    """The OAuth scopes a request needs: `read` for safe methods (none when None), else `write`."""
    request = getattr(view, "request", None)
    method = (getattr(request, "method", None) or "GET").upper()
    if method in SAFE_METHODS:
        return [read] if read else []
    return [write]
