"""The one error licences raise for a refused action (a `core.errors.Refused`, so every page
and the API answer it with a field-level 4xx)."""

from govserve.core.errors import Refused


class LicenceError(Refused):
    """`field` names what is wrong, `message` says it in words; `status` 400/403/404/409/503."""
