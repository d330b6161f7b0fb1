"""`govserve rebuild_search_index`: the same command as `rebuild-search-index`,
under an identifier name."""

from importlib import import_module

Command = import_module("govserve.catalog.search.management.commands.rebuild-search-index").Command
