"""Public catalog search (检索): jieba tokens, pinyin, initials, synonyms, one wrong character.

Its own app (label `catalog_search`) so its index tables and their backend-specific
migrations (SQLite FTS5, PostgreSQL tsvector + trigram) stay apart from the catalog's.
"""
