"""The one error the archive raises for a refused action (a `core.errors.Refused`, so pages and
the API answer it with a field-level status, never a 500)."""

from govserve.core.errors import Refused


class ArchiveError(Refused):
    """`field` names what is wrong (``chain``, ``checkpoint``), `message` says it in words;
    `status` 409 when the archive does not match its last checkpoint (nothing is signed),
    503 when the checkpoint file cannot be written."""
