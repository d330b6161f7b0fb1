"""Background work for the archive (Celery): the hourly checkpoint.

`archive_checkpoint` (beat: hourly, settings.CELERY_BEAT_SCHEDULE "archive-checkpoint") signs the
chain's length and head hash and appends them to the checkpoint file (`checkpoints`). Two runs
side by side take turns on the file's lock; a chain that no longer matches the last checkpoint
fails the task (ArchiveError, logged by the worker) and nothing is signed.
"""

from __future__ import annotations

from celery import shared_task

from . import checkpoints


@shared_task(name="govserve.audit.tasks.archive_checkpoint")
def archive_checkpoint() -> dict[str, int | str]:
    """Write one checkpoint; returns its length and head hash."""
    checkpoint = checkpoints.write_checkpoint()
    return {"length": checkpoint.length, "head_hash": checkpoint.head_hash}
