"""Search index maintenance (索引维护): one item at a time, or the whole catalog in bulk.

`update_items(ids)` runs inside the catalog's write transaction (services call it, and a
post_save signal covers other writes), so the index never disagrees with a committed
catalog. `rebuild()` is the bulk path for importers and the management command: it reads
the items in id-ordered batches, tokenises each distinct document once, and writes with
COPY on PostgreSQL and executemany on SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection, transaction

from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Region

from . import documents
from .models import SearchDocument, SearchEntry

ENTRY_COLUMNS = (
    "item_id",
    "document_id",
    "state",
    "region_code",
    "department_id",
    "exercise_level",
    "item_type",
    "service_objects",
    "fully_online",
)
BATCH = 5000
_local = threading.local()


def _item_sql(where: str) -> str:
    """Item columns the index needs, straight from the tables (no model instances: speed)."""
    item = ImplementationItem._meta
    region = Region._meta
    q = connection.ops.quote_name
    col = {f.name: q(f.column) for f in item.concrete_fields}
    return (
        f"SELECT i.{col['id']}, i.{col['name']}, i.{col['keywords']}, i.{col['department']},"
        f" i.{col['state']}, r.{q(region.get_field('code').column)}, i.{col['exercise_level']},"
        f" i.{col['item_type']}, i.{col['service_objects']}, i.{col['fully_online']}"
        f" FROM {q(item.db_table)} i JOIN {q(region.db_table)} r"
        f" ON r.{q(region.pk.column)} = i.{col['region']}"
        f" WHERE {where} ORDER BY i.{col['id']}"
    )


def _rows_by_id(ids: list[int]) -> list[tuple]:
    pk = connection.ops.quote_name(ImplementationItem._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.execute(_item_sql(f"i.{pk} IN ({', '.join(['%s'] * len(ids))})"), ids)
        return cursor.fetchall()


def _all_rows(batch: int) -> Iterator[list[tuple]]:
    """Every item in id order, `batch` rows at a time (keyset pages: no long-lived cursor)."""
    pk = connection.ops.quote_name(ImplementationItem._meta.pk.column)
    last = -1
    while True:
        with connection.cursor() as cursor:
            cursor.execute(_item_sql(f"i.{pk} > %s") + f" LIMIT {int(batch)}", [last])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _entry(row: tuple, doc_id: int) -> tuple:
    item_id, _name, _kw, dept_id, state, region_code, level, item_type, objects, online = row
    return (
        item_id,
        doc_id,
        state,
        region_code,
        dept_id,
        level or 0,
        item_type or "",
        objects or "",
        bool(online),
    )


def _write(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert: COPY on PostgreSQL, executemany on SQLite."""
    if not rows:
        return
    q = connection.ops.quote_name
    cols = ", ".join(q(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {q(table)} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {q(table)} ({cols}) VALUES ({marks})", rows)


@contextmanager
def bulk_indexing() -> Iterator[None]:
    """Collect every `update_items` call in the block and index once at its end.

    For importers that save items one by one: the post_save signal and the services would
    otherwise index each item separately. Nothing is indexed if the block raises.
    """
    if getattr(_local, "pending", None) is not None:  # nested: the outer block indexes
        yield
        return
    _local.pending = set()
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    update_items(pending)


def update_items(item_ids: Iterable[int]) -> None:
    """Re-index these implementation items (insert, update or drop from the index)."""
    ids = sorted({int(i) for i in item_ids if i is not None})
    if not ids:
        return
    pending = getattr(_local, "pending", None)
    if pending is not None:
        pending.update(ids)
        return
    labels = documents.DepartmentLabels()
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            _update_batch(ids[start : start + BATCH], labels)


def _update_batch(ids: list[int], labels: documents.DepartmentLabels) -> None:
    rows = _rows_by_id(ids)
    names = labels.get({r[3] for r in rows})
    texts = {r[0]: (r[1], r[2] or "", names.get(r[3], "")) for r in rows}
    keys = {item_id: documents.document_key(*t) for item_id, t in texts.items()}
    known = dict(SearchDocument.objects.filter(key__in=set(keys.values())).values_list("key", "id"))
    missing = {}
    for item_id, key in keys.items():
        if key not in known and key not in missing:
            missing[key] = documents.build(*texts[item_id])
    if missing:
        # ignore_conflicts: another transaction may create the same document meanwhile
        SearchDocument.objects.bulk_create(
            [
                SearchDocument(**{c: getattr(d, c) for c in documents.DOCUMENT_COLUMNS[1:]})
                for d in missing.values()
            ],
            ignore_conflicts=True,
        )
        known.update(SearchDocument.objects.filter(key__in=list(missing)).values_list("key", "id"))
    SearchEntry.objects.filter(item_id__in=ids).delete()
    _write(SearchEntry._meta.db_table, ENTRY_COLUMNS, [_entry(r, known[keys[r[0]]]) for r in rows])
    # Documents no entry uses any more are left for `rebuild()`/`prune()`: deleting them here
    # could race with a concurrent transaction that has just looked one up.


def prune() -> int:
    """Delete documents no item uses; returns how many."""
    deleted, _ = SearchDocument.objects.filter(entries__isnull=True).delete()
    return deleted


def _clear() -> None:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows written earlier in this transaction (an importer's items, indexed by the
            # signal) leave deferred foreign-key checks pending, and TRUNCATE refuses to run
            # with pending trigger events: run the checks now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                f"TRUNCATE {q(SearchEntry._meta.db_table)}, {q(SearchDocument._meta.db_table)}"
                " RESTART IDENTITY"
            )
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            cursor.execute(f"DELETE FROM {q(SearchEntry._meta.db_table)}")
            cursor.execute(f"DELETE FROM {q(SearchDocument._meta.db_table)}")


def rebuild(*, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index; returns the number of items indexed.

    One transaction: searches keep seeing the old index until it commits (on PostgreSQL the
    TRUNCATE makes them wait for it instead).
    """
    labels = documents.DepartmentLabels()
    seen: dict[str, int] = {}  # document key → id, assigned here so entries need no lookup
    total = 0
    with transaction.atomic():
        _clear()
        for rows in _all_rows(batch):
            names = labels.get({r[3] for r in rows})
            new_docs, entries = [], []
            for row in rows:
                key = documents.document_key(row[1], row[2] or "", names.get(row[3], ""))
                doc_id = seen.get(key)
                if doc_id is None:
                    doc_id = seen[key] = len(seen) + 1
                    new_docs.append(
                        documents.build(row[1], row[2] or "", names.get(row[3], "")).row(doc_id)
                    )
                entries.append(_entry(row, doc_id))
            _write(SearchDocument._meta.db_table, documents.DOCUMENT_COLUMNS, new_docs)
            _write(SearchEntry._meta.db_table, ENTRY_COLUMNS, entries)
            total += len(rows)
            if progress:
                progress(total)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [SearchDocument]):
                cursor.execute(sql)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, or the planner guesses
            cursor.execute(f"ANALYZE {SearchDocument._meta.db_table}")
            cursor.execute(f"ANALYZE {SearchEntry._meta.db_table}")
    return total
