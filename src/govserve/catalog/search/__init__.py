"""Public catalog search (检索): jieba tokens, pinyin, initials, synonyms, one wrong character.

Its own app (label `catalog_search`) so its index tables and their backend-specific
migrations (SQLite FTS5, PostgreSQL tsvector + trigram) stay apart from the catalog's.

Entry points: `selectors.search_items` / `selectors.search_bundles` (reads),
`index.update_items` / `index.rebuild` / `index.bulk_indexing` (index upkeep),
`GET /api/search/`, `govserve rebuild-search-index`, `govserve load-search-synonyms`.

Signals received (see `signals`): post_save of ImplementationItem (re-index the item in the
same transaction), post_save of Department (re-index its items when its searchable name
changed), post_save/post_delete of SearchSynonym (drop the dictionary cache). The catalog
never imports this app except through `index.update_items`, which its services call.
"""
