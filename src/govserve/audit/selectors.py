"""Reads of the archive for its pages: the latest signed checkpoints (public)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from .models import ArchiveCheckpoint

PUBLIC_CHECKPOINTS = 48  # two days of hourly checkpoints on the page


def latest_checkpoints(limit: int = PUBLIC_CHECKPOINTS) -> QuerySet[ArchiveCheckpoint]:
    """The newest checkpoints first (copies of the file's lines, for the public page)."""
    return ArchiveCheckpoint.objects.order_by("-created_at", "-pk")[:limit]


def checkpoint_lines() -> Iterator[str]:
    """Every checkpoint line, oldest first, as the file holds them."""
    rows = ArchiveCheckpoint.objects.order_by("created_at", "pk").values_list("line", flat=True)
    for line in rows.iterator(chunk_size=2000):
        yield line + "\n"
