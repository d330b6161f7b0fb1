"""Backend-specific full-text structures (SQLite FTS5, PostgreSQL tsvector + pg_trgm).

Kept in the migration (not imported from the app) so it stays what it was when it ran.
"""

from django.db import migrations

SQLITE_FORWARD = [
    # External-content FTS5 over the document table: the text is stored once.
    """CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
        words, extra, grams, pinyin, initials,
        content='catalog_search_document', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )""",
    """CREATE TRIGGER catalog_search_fts_ai AFTER INSERT ON catalog_search_document BEGIN
        INSERT INTO catalog_search_fts(rowid, words, extra, grams, pinyin, initials)
        VALUES (new.id, new.words, new.extra, new.grams, new.pinyin, new.initials);
    END""",
    """CREATE TRIGGER catalog_search_fts_ad AFTER DELETE ON catalog_search_document BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, words, extra, grams, pinyin, initials)
        VALUES ('delete', old.id, old.words, old.extra, old.grams, old.pinyin, old.initials);
    END""",
    """CREATE TRIGGER catalog_search_fts_au AFTER UPDATE ON catalog_search_document BEGIN
        INSERT INTO catalog_search_fts(catalog_search_fts, rowid, words, extra, grams, pinyin, initials)
        VALUES ('delete', old.id, old.words, old.extra, old.grams, old.pinyin, old.initials);
        INSERT INTO catalog_search_fts(rowid, words, extra, grams, pinyin, initials)
        VALUES (new.id, new.words, new.extra, new.grams, new.pinyin, new.initials);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_search_fts_au",
    "DROP TRIGGER IF EXISTS catalog_search_fts_ad",
    "DROP TRIGGER IF EXISTS catalog_search_fts_ai",
    "DROP TABLE IF EXISTS catalog_search_fts",
]

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # The text is already cut into space-separated tokens; 'simple' only splits on spaces
    # and lower-cases. Weights: words A, keywords/department B, grams C, pinyin/initials D.
    """ALTER TABLE catalog_search_document ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, words), 'A')
        || setweight(to_tsvector('simple'::regconfig, extra), 'B')
        || setweight(to_tsvector('simple'::regconfig, grams), 'C')
        || setweight(to_tsvector('simple'::regconfig, pinyin || ' ' || initials), 'D')
    ) STORED""",
    "CREATE INDEX catalog_search_document_tsv ON catalog_search_document USING gin (tsv)",
    "CREATE INDEX catalog_search_document_name_trgm ON catalog_search_document USING gin (name gin_trgm_ops)",
    "CREATE INDEX catalog_search_document_spell_trgm ON catalog_search_document USING gin (spell gin_trgm_ops)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_search_document_spell_trgm",
    "DROP INDEX IF EXISTS catalog_search_document_name_trgm",
    "DROP INDEX IF EXISTS catalog_search_document_tsv",
    "ALTER TABLE catalog_search_document DROP COLUMN IF EXISTS tsv",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"catalog search supports SQLite and PostgreSQL, not {vendor}")
        for sql in statements[vendor]:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog_search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
