"""The one error the signing app raises for a refused action (a `core.errors.Refused`, so
every page and the API answer it with a field-level 4xx, or 503 for a key that cannot be used)."""

from govserve.core.errors import Refused


class SigningError(Refused):
    """`field` names what is wrong (``key``, ``algorithm``, ``reason``, ``certificate``),
    `message` says it in words; `status` 400/409, or 503 when a private key cannot be unwrapped
    (nothing may then be signed or issued)."""
