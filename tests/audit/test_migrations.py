"""The archive moved from the licences app to this one in Django's state only: entries made
before the move are read as `audit` models and their chain still verifies (hashes unchanged)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from govserve.audit import archive

# Before the move: licences as it was, neither signing nor audit applied.
BEFORE = [("licences", "0002_licencerenewal"), ("signing", None), ("audit", None)]


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_entries_made_before_the_move_keep_their_hashes_and_chain():
    try:
        state = MigrationExecutor(connection).migrate(BEFORE)
        OldEntry = state.apps.get_model("licences", "ArchiveEntry")
        assert OldEntry._meta.db_table == "licences_archiveentry"
        previous, hashes = archive.GENESIS_HASH, []
        for sequence in (1, 2):
            entry = OldEntry(
                sequence=sequence,
                kind="document",
                title=f"受理通知书 第{sequence}号",
                content_sha256="ab" * 32,
                metadata={"number": str(sequence)},
                previous_hash=previous,
                created_at=dt.datetime(2026, 11, sequence, 9, 30, tzinfo=dt.UTC),
            )
            entry.entry_hash = previous = archive.compute_hash(entry)
            entry.save()
            hashes.append(entry.entry_hash)
        _migrate_to_latest()

        from govserve.audit.models import ArchiveEntry

        assert list(ArchiveEntry.objects.values_list("entry_hash", flat=True)) == hashes
        result = archive.check_chain()
        assert result.ok and result.count == 2
    finally:
        _migrate_to_latest()
