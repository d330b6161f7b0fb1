"""Re-ranking the engine's candidates (排序): deterministic, the same on SQLite and PostgreSQL.

Tiers, strongest first: the name *is* the query ≫ starts with it ≫ contains it (as a word
ending, not inside another word: 身份证 in 居民身份证换领, not in 临时身份证明) ≫ contains
every query word ≫ contains it with one wrong character (queries of 4+ characters) ≫ sounds
like it (pinyin) ≫ an item keyword ≫ a dictionary expansion (in the order the dictionary
lists them) ≫ partial matches. The two spelling guesses are skipped when the dictionary
knows the phrase: 生孩子 means 出生医学证明, not 生育子女 with one character changed.
Within a tier: more of the query's bigrams in the name, then the shorter name, then the
engine's score, then the name and id — so equal inputs always give the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import text
from .query import Plan

EXACT, PREFIX, CONTAINS, INSIDE_WORD, ALL_WORDS, ONE_WRONG, HOMOPHONE = 60, 55, 50, 46, 42, 40, 38
KEYWORD, SYNONYM, SYNONYM_FLOOR = 36, 34, 21
# Partial matches are dropped when something matched in a tier, unless they share at least
# this share of the query's bigrams: OR semantics finds them, nobody wants to read them.
MIN_PARTIAL_COVERAGE = 0.5


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    norm: str
    keywords: str
    grams: frozenset[str]
    spell: str  # "fuzzy-full-pinyin initials"
    engine: float


@lru_cache(maxsize=20000)
def _word_ends(name: str) -> frozenset[int]:
    """Offsets in the compact name where a precise-mode word ends."""
    ends, pos = set(), 0
    for word in text.cut(name):
        pos += len(word)
        ends.add(pos)
    return frozenset(ends)


@lru_cache(maxsize=20000)
def _spelled_words(name: str) -> tuple[str, frozenset[int]]:
    """The name's fuzzy pinyin word by word, and the offsets where each word's pinyin ends."""
    ends, parts, pos = set(), [], 0
    for word in text.cut(name):
        spelled = text.spell(word) if text.is_cjk(word) else word
        parts.append(spelled)
        pos += len(spelled)
        ends.add(pos)
    return "".join(parts), frozenset(ends)


def _contains_tier(needle: str, haystack: str, ends: frozenset[int]) -> int:
    """PREFIX/CONTAINS if some occurrence ends where a word ends, else INSIDE_WORD.

    身份证 ends a word in 居民身份证换领 but not in 临时身份证明 (身份证明 is one word).
    """
    start = haystack.find(needle)
    if start < 0:
        return 0
    aligned = False
    while start >= 0 and not aligned:
        aligned = start + len(needle) in ends
        start = haystack.find(needle, start + 1)
    if not aligned:
        return INSIDE_WORD
    return PREFIX if haystack.startswith(needle) else CONTAINS


def _latin_tier(latin: str, cand: Candidate) -> int:
    full, _, first = cand.spell.partition(" ")
    fuzzy = text.fuzzy(latin)
    if latin == first or fuzzy == full:
        return EXACT
    if latin in cand.norm:  # latin words in the name itself (ICP, CT…)
        return _contains_tier(latin, cand.norm, _word_ends(cand.name))
    # initials have one letter per character, so word ends are the name's own offsets
    tier = (
        _contains_tier(latin, first, _word_ends(cand.name)) if len(first) == len(cand.norm) else 0
    )
    if tier:
        return tier
    spelled, ends = _spelled_words(cand.name)
    return _contains_tier(fuzzy, spelled, ends) or (INSIDE_WORD if fuzzy in full else 0)


def _direct_tier(plan: Plan, cand: Candidate) -> int:
    if plan.latin:
        return _latin_tier(plan.latin, cand)
    core = plan.core
    if not core:
        return 0
    if cand.norm == core:
        return EXACT
    tier = _contains_tier(core, cand.norm, _word_ends(cand.name))
    if tier:
        return tier
    if len(plan.core_words) >= 2 and all(w in cand.norm for w in plan.core_words):
        return ALL_WORDS
    if plan.expansions:
        # the dictionary knows this phrase: its expansions say what was meant, not a near spelling
        return 0
    if len(core) >= 4 and text.one_substitution(core, cand.norm):
        return ONE_WRONG
    if len(core) >= 2 and plan.spell and plan.spell in cand.spell.partition(" ")[0]:
        return HOMOPHONE
    return 0


@lru_cache(maxsize=20000)
def _keyword_spellings(keywords: str) -> frozenset[str]:
    """Initials and fuzzy pinyin of each keyword: `yyzz` is the keyword 营业执照 typed in pinyin."""
    spellings = set()
    for keyword in keywords.split():
        if any(text.is_cjk(ch) for ch in keyword):
            spellings |= {text.initials(keyword), text.spell(keyword)}
    return frozenset(spellings)


def _latin_keyword(latin: str, spellings: frozenset[str]) -> bool:
    """The pinyin query is a keyword's spelling, or (4+ letters) part of one: yyzz in 办营业执照."""
    fuzzy = text.fuzzy(latin)
    if latin in spellings or fuzzy in spellings:
        return True
    return len(latin) >= 4 and any(latin in s or fuzzy in s for s in spellings)


def _dictionary_tier(plan: Plan, cand: Candidate) -> int:
    if plan.core and plan.core in {text.compact(k) for k in cand.keywords.split()}:
        return KEYWORD
    if plan.latin and _latin_keyword(plan.latin, _keyword_spellings(cand.keywords)):
        return KEYWORD
    best = 0
    for position, expansion in enumerate(plan.expansion_norms):
        if expansion and expansion in cand.norm:
            tier = max(SYNONYM - 2 * position, SYNONYM_FLOOR) + (1 if cand.norm == expansion else 0)
            best = max(best, tier)
    return best


def _coverage(plan: Plan, cand: Candidate) -> float:
    if not plan.grams:
        return 0.0
    return sum(1 for g in plan.grams if g in cand.grams) / len(plan.grams)


def tier(plan: Plan, cand: Candidate) -> int:
    return _direct_tier(plan, cand) or _dictionary_tier(plan, cand)


def rank(plan: Plan, candidates: list[Candidate]) -> list[Candidate]:
    """Candidates in result order, weak partial matches dropped when better ones exist."""
    scored = [(tier(plan, c), round(_coverage(plan, c), 3), c) for c in candidates]
    if any(t for t, _cov, _c in scored):
        scored = [s for s in scored if s[0] or s[1] >= MIN_PARTIAL_COVERAGE]
    scored.sort(
        key=lambda s: (-s[0], -s[1], len(s[2].norm), -round(s[2].engine, 6), s[2].norm, s[2].id)
    )
    return [c for _t, _cov, c in scored]
