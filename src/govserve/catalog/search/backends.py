"""The two full-text engines behind one interface: SQLite FTS5 and PostgreSQL tsvector/pg_trgm.

Each returns candidate documents (id, engine score — higher is better) that have at least
one entry passing the filters; the re-ranking in `ranking` is shared.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction

from .filters import EntryFilter
from .query import Plan

DOC = "catalog_search_document"
ENTRY = "catalog_search_entry"
FTS = "catalog_search_fts"
# Column weights, words ≫ keywords/department > bigrams > pinyin/initials.
BM25 = f"bm25({FTS}, 10.0, 4.0, 2.0, 1.5, 1.5)"
TS_WEIGHTS = "{0.15, 0.3, 0.4, 1.0}"  # D, C, B, A
# ts_rank, not ts_rank_cd: cover density rewards query words standing close together in
# prose; a document here is a list of tokens, and ts_rank_cd costs twice as much.
TRGM_THRESHOLD = "0.3"


def _exists(flt: EntryFilter, doc_ref: str) -> tuple[str, list]:
    where, params = flt.sql("e")
    return f"EXISTS (SELECT 1 FROM {ENTRY} e WHERE e.document_id = {doc_ref} AND {where})", params


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class SQLiteBackend:
    @staticmethod
    def _quote(token: str) -> str:
        return '"' + token.replace('"', '""') + '"'

    def expression(self, plan: Plan) -> str:
        """An FTS5 MATCH expression: column filters OR-ed together."""
        q = self._quote
        groups = []

        def add(
            columns: str,
            exact: list[str],
            prefix: Sequence[str] = (),
            phrases: Sequence[Sequence[str]] = (),
        ) -> None:
            terms = [q(t) for t in exact] + [f"{q(t)} *" for t in prefix]
            terms += [f"({' AND '.join(q(w) for w in words)})" for words in phrases]
            if terms:
                groups.append(f"{columns} : ({' OR '.join(terms)})")

        add("{words extra}", plan.words, phrases=plan.expansion_groups)
        add("grams", plan.grams)
        add("pinyin", plan.pinyin, plan.pinyin_prefix)
        add("initials", plan.initials, plan.initials_prefix)
        return " OR ".join(groups)

    def candidates(self, plan: Plan, flt: EntryFilter, limit: int) -> list[tuple[int, float]]:
        expression = self.expression(plan)
        if not expression:
            return []
        exists, params = _exists(flt, "f.rowid")
        return _fetch(
            f"SELECT f.rowid, -{BM25} FROM {FTS} f WHERE {FTS} MATCH %s AND {exists}"
            f" ORDER BY {BM25}, f.rowid LIMIT %s",
            [expression, *params, limit],
        )

    def near(self, plan: Plan, flt: EntryFilter, limit: int) -> list[tuple[int, float]]:
        """Relaxed match for suggestions: any character of the query, any 2-letter pinyin start."""
        from . import text

        terms = [self._quote(ch) for ch in text.unigrams(plan.core)][:30]
        groups = [f"grams : ({' OR '.join(terms)})"] if terms else []
        if plan.latin and len(plan.latin) >= 2:
            start = self._quote(plan.latin[:2])
            groups.append(f"{{pinyin initials}} : ({start} *)")
        if not groups:
            return []
        exists, params = _exists(flt, "f.rowid")
        return _fetch(
            f"SELECT f.rowid, -{BM25} FROM {FTS} f WHERE {FTS} MATCH %s AND {exists}"
            f" ORDER BY {BM25}, f.rowid LIMIT %s",
            [" OR ".join(groups), *params, limit],
        )

    def similar_names(self, plan: Plan, flt: EntryFilter, limit: int) -> list[tuple[int, float]]:
        return []  # no trigram index on SQLite: `near` + Python similarity does it


class PostgresBackend:
    @staticmethod
    def _lexeme(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"

    def expression(self, plan: Plan) -> str:
        """A tsquery: words/keywords on weights A/B, grams C, pinyin and initials D."""
        lx = self._lexeme
        terms = [f"{lx(t)}:AB" for t in plan.words]
        terms += [
            "(" + " & ".join(f"{lx(w)}:AB" for w in words) + ")" for words in plan.expansion_groups
        ]
        terms += [f"{lx(t)}:C" for t in plan.grams]
        terms += [f"{lx(t)}:D" for t in [*plan.pinyin, *plan.initials]]
        terms += [f"{lx(t)}:*D" for t in [*plan.pinyin_prefix, *plan.initials_prefix]]
        return " | ".join(dict.fromkeys(terms))

    def _ranked(self, expression: str, flt: EntryFilter, limit: int) -> list[tuple[int, float]]:
        if not expression:
            return []
        exists, params = _exists(flt, "m.id")
        # The planner overestimates what an OR of many lexemes matches and scans every
        # document (detoasting each tsvector) instead of the GIN index: 5× slower at 10,000
        # documents. Matching first in a materialised CTE with sequential scans off keeps
        # it on the index; ranking and the entry filter then touch the matches only.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(
                f"WITH m AS MATERIALIZED (SELECT d.id, d.tsv FROM {DOC} d"
                " WHERE d.tsv @@ %s::tsquery)"
                f" SELECT m.id, ts_rank('{TS_WEIGHTS}', m.tsv, %s::tsquery) AS score FROM m"
                f" WHERE {exists} ORDER BY score DESC, m.id LIMIT %s",
                [expression, expression, *params, limit],
            )
            rows = cursor.fetchall()
            # Inside a caller's transaction SET LOCAL would outlive this savepoint (a failed
            # query rolls the savepoint back, and the setting with it).
            cursor.execute("RESET enable_seqscan")
            return rows

    def candidates(self, plan: Plan, flt: EntryFilter, limit: int) -> list[tuple[int, float]]:
        return self._ranked(self.expression(plan), flt, limit)

    def near(self, plan: Plan, flt: EntryFilter, limit: int) -> list[tuple[int, float]]:
        from . import text

        terms = [f"{self._lexeme(ch)}:C" for ch in text.unigrams(plan.core)][:30]
        if plan.latin and len(plan.latin) >= 2:
            terms.append(f"{self._lexeme(plan.latin[:2])}:*D")
        return self._ranked(" | ".join(terms), flt, limit)

    def similar_names(self, plan: Plan, flt: EntryFilter, limit: int) -> list[tuple[int, float]]:
        """pg_trgm word similarity of the query with names (Chinese) or their pinyin (latin)."""
        from . import text

        column, needle = ("spell", text.fuzzy(plan.latin)) if plan.latin else ("name", plan.core)
        if not needle:
            return []
        exists, params = _exists(flt, "d.id")
        # the threshold is set for this transaction only
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [TRGM_THRESHOLD]
            )
            cursor.execute(
                f"SELECT d.id, word_similarity(%s, d.{column}) AS s FROM {DOC} d"
                f" WHERE %s <%% d.{column} AND {exists} ORDER BY s DESC, d.id LIMIT %s",
                [needle, needle, *params, limit],
            )
            return cursor.fetchall()


def backend() -> SQLiteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(
        f"catalog search supports SQLite and PostgreSQL, not {connection.vendor}"
    )
