"""Public catalog search (事项检索): the read side the portal and the API call.

`search_items` finds published implementation items; `search_bundles` finds published
bundles (一件事). Both accept what citizens type: Chinese, pinyin, initials, everyday
phrases from the dictionary, a wrong character.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from govserve.catalog.fields import has_code
from govserve.catalog.models import Bundle, ImplementationItem, ItemState

from . import query as query_module
from . import ranking, text
from .backends import ENTRY, backend
from .filters import EntryFilter, FilterError
from .models import SearchDocument

__all__ = ["SearchResult", "FilterError", "search_items", "search_bundles", "suggest"]

# Distinct documents the engine hands to the re-ranking. With one document per item name
# (not per county) this is 300 different names: far more than anyone pages through.
CANDIDATES = 300
SUGGESTIONS = 5
MAX_LIMIT = 100


@dataclass
class SearchResult:
    """One page of results: items in rank order, the total, and help for an empty page."""

    items: list[ImplementationItem] = field(default_factory=list)
    total: int = 0
    suggestions: list[str] = field(default_factory=list)
    expanded_terms: list[str] = field(default_factory=list)


def search_items(
    query: str,
    *,
    region=None,
    department=None,
    level=None,
    item_type=None,
    service_object=None,
    fully_online=None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Published items matching `query`, best first, with the filters applied.

    `region` (a Region or its code) includes its whole subtree; `department` is a
    Department or its id. An empty query lists the filtered items in catalog order.
    Raises `FilterError` for a region code that does not exist.
    """
    limit = max(0, min(int(limit), MAX_LIMIT))
    offset = max(0, int(offset))
    flt = EntryFilter.build(
        region=region,
        department=department,
        level=level,
        item_type=item_type,
        service_object=service_object,
        fully_online=fully_online,
    )
    plan = query_module.build(query or "")
    if plan.empty and not plan.code:
        # no words at all: the filtered catalog; only function words or punctuation: nothing
        return _browse(flt, limit, offset) if not (query or "").strip() else SearchResult()
    result = SearchResult(expanded_terms=list(plan.expansions))
    if plan.code:
        ids = _by_code(plan.code, flt)
        if ids:
            result.total = len(ids)
            result.items = _load(ids[offset : offset + limit])
            return result
    ordered = _ranked_documents(plan, flt)
    counts = _entry_counts([c.id for c in ordered], flt)
    ordered = [c for c in ordered if counts.get(c.id)]
    result.total = sum(counts[c.id] for c in ordered)
    result.items = _load(_page(ordered, counts, flt, limit, offset))
    if result.total == 0:
        result.suggestions = suggest(plan, flt)
    return result


def _ranked_documents(plan: query_module.Plan, flt: EntryFilter) -> list[ranking.Candidate]:
    engine = backend()
    scores = dict(engine.candidates(plan, flt, CANDIDATES))
    # An item named exactly as typed must never fall outside the engine's top list.
    exact = _documents_named(plan.exact_names, flt)
    for doc_id in exact:
        scores.setdefault(doc_id, 0.0)
    return ranking.rank(plan, _candidates(scores))


def _candidates(scores: dict[int, float]) -> list[ranking.Candidate]:
    rows = SearchDocument.objects.filter(id__in=list(scores)).values_list(
        "id", "name", "norm", "keywords", "grams", "spell"
    )
    return [
        ranking.Candidate(
            id=i,
            name=n,
            norm=norm,
            keywords=kw,
            grams=frozenset(g.split()),
            spell=s,
            engine=scores[i],
        )
        for i, n, norm, kw, g, s in rows
    ]


def _documents_named(names: list[str], flt: EntryFilter) -> list[int]:
    if not names:
        return []
    where, params = flt.sql("e")
    marks = ", ".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.id FROM catalog_search_document d WHERE d.norm IN ({marks})"
            f" AND EXISTS (SELECT 1 FROM {ENTRY} e WHERE e.document_id = d.id AND {where})",
            [*names, *params],
        )
        return [r[0] for r in cursor.fetchall()]


def _entry_counts(doc_ids: list[int], flt: EntryFilter) -> dict[int, int]:
    if not doc_ids:
        return {}
    where, params = flt.sql("e")
    marks = ", ".join(["%s"] * len(doc_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.document_id, COUNT(*) FROM {ENTRY} e"
            f" WHERE e.document_id IN ({marks}) AND {where}"
            " GROUP BY e.document_id",
            [*doc_ids, *params],
        )
        return dict(cursor.fetchall())


def _page(
    ordered: list[ranking.Candidate],
    counts: dict[int, int],
    flt: EntryFilter,
    limit: int,
    offset: int,
) -> list[int]:
    """Item ids of one page: documents in rank order,
    each document's items by region code and id."""
    if limit == 0:
        return []
    position, wanted, skip = 0, [], None
    for cand in ordered:
        n = counts[cand.id]
        if position + n > offset and position < offset + limit:
            wanted.append(cand.id)
            if skip is None:
                skip = offset - position
        position += n
        if position >= offset + limit:
            break
    if not wanted:
        return []
    assert skip is not None  # set with the first wanted document
    where, params = flt.sql("e")
    marks = ", ".join(["%s"] * len(wanted))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT e.document_id, e.region_code, e.item_id FROM {ENTRY} e"
            f" WHERE e.document_id IN ({marks}) AND {where}",
            [*wanted, *params],
        )
        rows = cursor.fetchall()
    order = {doc_id: i for i, doc_id in enumerate(wanted)}
    rows.sort(key=lambda r: (order[r[0]], r[1], r[2]))
    return [r[2] for r in rows[skip : skip + limit]]


def _load(ids: list[int]) -> list[ImplementationItem]:
    """The items, in the given order; a published-state check again, in case the index lags."""
    found = ImplementationItem.objects.filter(id__in=ids, state=ItemState.PUBLISHED).select_related(
        "region", "department"
    )
    by_id = {item.pk: item for item in found}
    return [by_id[i] for i in ids if i in by_id]


def _published(flt: EntryFilter):
    qs = ImplementationItem.objects.published()
    if flt.region_prefix:
        qs = qs.filter(region__code__startswith=flt.region_prefix)
    if flt.department_id is not None:
        qs = qs.filter(department_id=flt.department_id)
    if flt.level is not None:
        qs = qs.filter(exercise_level=flt.level)
    if flt.item_type:
        qs = qs.filter(item_type=flt.item_type)
    if flt.service_object:
        qs = qs.filter(has_code("service_objects", flt.service_object))
    if flt.fully_online is not None:
        qs = qs.filter(fully_online=flt.fully_online)
    return qs


def _browse(flt: EntryFilter, limit: int, offset: int) -> SearchResult:
    """No words, only filters: the filtered catalog in its own order."""
    qs = _published(flt)
    total = qs.count()
    items = (
        list(qs.select_related("region", "department")[offset : offset + limit]) if limit else []
    )
    return SearchResult(items=items, total=total)


def _by_code(code: str, flt: EntryFilter) -> list[int]:
    """A typed 实施编码 or local code finds its item directly."""
    from django.db.models import Q

    qs = _published(flt).filter(Q(implementation_code__iexact=code) | Q(local_code__iexact=code))
    return list(qs.order_by("region__code", "id").values_list("id", flat=True)[:MAX_LIMIT])


def suggest(plan: query_module.Plan, flt: EntryFilter | None = None) -> list[str]:
    """Names near what was typed (您是不是要找…), for a search that found nothing.

    PostgreSQL: pg_trgm word similarity on the name (or its pinyin for latin input). Both
    backends then add documents sharing characters (or a pinyin start) with the query,
    ordered by how much of the query they share. Only published items are suggested; the
    other filters are not applied, since a suggestion is followed without them.
    """
    from difflib import SequenceMatcher

    published = EntryFilter()
    engine = backend()
    ids = [doc_id for doc_id, _s in engine.similar_names(plan, published, SUGGESTIONS * 2)]
    near = engine.near(plan, published, 100)
    rows = {
        i: (name, spell)
        for i, name, spell in SearchDocument.objects.filter(
            id__in=[*ids, *(d for d, _s in near)]
        ).values_list("id", "name", "spell")
    }
    needle = text.fuzzy(plan.latin) if plan.latin else plan.core
    chars = set(needle)

    def similarity(doc_id: int) -> float:
        name, spell = rows[doc_id]
        if plan.latin:
            return max(
                SequenceMatcher(None, needle, part).ratio() for part in spell.split() or [""]
            )
        compact = text.compact(name)
        # share of the query's characters in the name, order as a tie-breaker
        return (
            len(chars & set(compact)) / max(len(chars), 1)
            + SequenceMatcher(None, needle, compact).ratio() / 10
        )

    names: list[str] = [rows[i][0] for i in ids if i in rows]
    scored = sorted(
        ((similarity(d), rows[d][0]) for d, _s in near if d in rows),
        key=lambda s: (-round(s[0], 6), len(s[1]), s[1]),
    )
    names += [name for score, name in scored if score >= 0.5]
    return list(dict.fromkeys(names))[:SUGGESTIONS]


def search_bundles(query: str, limit: int = 5) -> list[Bundle]:
    """Published bundles (一件事) whose name or keywords match the query or its expansions."""
    plan = query_module.build(query or "")
    needles = [n for n in [plan.core, *plan.expansion_norms, *plan.words] if n and len(n) >= 2]
    if not needles:
        return []
    scored = []
    for bundle in Bundle.objects.filter(published=True).select_related("region"):
        name = text.compact(bundle.name)
        keywords = {text.compact(k) for k in bundle.keywords.split()}
        full, first = text.full_spelling(bundle.name)
        if plan.latin:
            score = 3 if (plan.latin in first or text.fuzzy(plan.latin) in full) else 0
        else:
            score = max(
                (4 if plan.core and plan.core in name else 0),
                (3 if plan.core in keywords or any(n in keywords for n in needles) else 0),
                (2 if any(e in name for e in plan.expansion_norms) else 0),
                (1 if any(w in name or any(w in k for k in keywords) for w in needles) else 0),
            )
        if score:
            scored.append((-score, len(name), bundle.name, bundle.pk, bundle))
    scored.sort(key=lambda s: s[:4])
    return [s[4] for s in scored[:limit]]
