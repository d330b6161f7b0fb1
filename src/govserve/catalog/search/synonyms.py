"""The search dictionary (检索词典): everyday phrases, life events, abbreviations, wrong words.

Effective dictionary = the built-in defaults in `data/synonyms.tsv` overlaid by the
`SearchSynonym` rows administrators edit (a row replaces the default with the same term; a
disabled row switches it off). It is cached per process: saving or deleting a row clears
the cache through signals, and a one-row fingerprint query (count, last id, last change
seen) catches rows added or removed by other processes or rolled back.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Count, Max

from govserve.catalog.models import SearchSynonym

from . import text

DEFAULTS_FILE = Path(__file__).parent / "data" / "synonyms.tsv"
# Edits made in another process (same count, same last id) show up after this many seconds.
TTL_SECONDS = 60.0


@dataclass(frozen=True)
class Synonym:
    term: str  # compact normalised form, what is looked for in the query
    expansions: tuple[str, ...]
    kind: str


def _split(expansions: str) -> tuple[str, ...]:
    return tuple(w for w in expansions.replace("，", " ").replace(",", " ").split() if w)


def load_defaults(path: Path = DEFAULTS_FILE) -> list[tuple[str, str, tuple[str, ...]]]:
    """(term, kind, expansions) lines of the built-in dictionary file."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        term, kind, expansions = line.split("\t")
        out.append((term.strip(), kind.strip(), _split(expansions)))
    return out


_lock = threading.Lock()
_cache: dict = {"entries": None, "fingerprint": None, "loaded": 0.0}


def invalidate(**_kwargs) -> None:
    """Forget the cached dictionary (signal receiver for SearchSynonym saves and deletes)."""
    with _lock:
        _cache["entries"] = None


def _fingerprint() -> tuple:
    row = SearchSynonym.objects.aggregate(n=Count("id"), last=Max("id"))
    return (row["n"], row["last"])


def _build() -> list[Synonym]:
    merged: dict[str, Synonym] = {}
    for term, kind, expansions in load_defaults():
        key = text.compact(term)
        if key and expansions:
            merged[key] = Synonym(key, expansions, kind)
    for row in SearchSynonym.objects.all():
        key = text.compact(row.term)
        if not key:
            continue
        merged.pop(key, None)  # the administrators' row wins, enabled or not
        if row.enabled and row.expansion_list:
            merged[key] = Synonym(key, tuple(row.expansion_list), row.kind)
    # Longest first, so 身份证丢了 is matched before 身份证 could be.
    return sorted(merged.values(), key=lambda s: (-len(s.term), s.term))


def dictionary() -> list[Synonym]:
    """The effective dictionary, longest terms first."""
    fingerprint = _fingerprint()
    now = time.monotonic()
    with _lock:
        entries = _cache["entries"]
        fresh = (
            entries is not None
            and _cache["fingerprint"] == fingerprint
            and now - _cache["loaded"] < TTL_SECONDS
        )
    if fresh:
        return entries
    entries = _build()
    with _lock:
        _cache.update(entries=entries, fingerprint=fingerprint, loaded=now)
    return entries


def expand(query: str) -> tuple[list[str], list[Synonym]]:
    """Expansions for the dictionary terms found in `query`, and the entries that matched.

    A Chinese term matches anywhere in the query (我要开饭店 → 开饭店); a latin term only as a
    whole word. Matched spans are blanked so a shorter term inside a longer one is not used.
    """
    norm = text.normalize(query)
    latin = set(norm.split())
    rest = norm.replace(" ", "")
    matched: list[Synonym] = []
    for entry in dictionary():
        if entry.term.isascii():
            if entry.term in latin:
                matched.append(entry)
        elif entry.term in rest:
            matched.append(entry)
            rest = rest.replace(entry.term, "\x00")
    expansions: list[str] = []
    for entry in matched:
        for word in entry.expansions:
            if word not in expansions:
                expansions.append(word)
    return expansions, matched
