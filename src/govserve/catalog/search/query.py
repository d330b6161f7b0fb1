"""What a citizen typed, turned into tokens for each index column (检索式).

Chinese: jieba words (words/keywords columns), bigrams (one wrong character still leaves
most of them), fuzzy pinyin of the word windows (a homophone typo spells the same).
Latin letters only: pinyin initials (`yyzz`) or full pinyin (`yingyezhizhao`,
`ying ye zhi zhao`), exact and as a prefix (`spjy` → spjyxk). Dictionary expansions are
added as words. Everything is OR-ed; ranking sorts it out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import synonyms, text

MAX_QUERY = 100
# Function words of everyday questions (我要…怎么办…在哪里): they match everything.
_FUNCTION_WORDS = (
    "我 我要 我想 想 要 想要 怎么 怎么办 怎样 如何 办 去 到 哪里 哪儿 "
    "在哪 在哪里 哪 的 了 吗 呢 啊 吧 "
    "需要 什么 一下 请问 可以 能 能不能 帮 帮我 给 个 一个"
)
STOPWORDS = frozenset(_FUNCTION_WORDS.split())
_CODE = re.compile(r"^[0-9a-z][0-9a-z\-]{7,}$")


@dataclass
class Plan:
    """Tokens per index column, plus what the re-ranking compares names with."""

    norm: str = ""
    core: str = ""  # compact query without function words: compared with names
    core_words: list[str] = field(default_factory=list)
    latin: str = ""  # the letters of a latin-only query (pinyin or initials)
    words: list[str] = field(default_factory=list)
    grams: list[str] = field(default_factory=list)
    pinyin: list[str] = field(default_factory=list)
    pinyin_prefix: list[str] = field(default_factory=list)
    initials: list[str] = field(default_factory=list)
    initials_prefix: list[str] = field(default_factory=list)
    spell: str = ""  # fuzzy full pinyin of the core (homophones)
    expansions: list[str] = field(default_factory=list)
    expansion_norms: list[str] = field(default_factory=list)
    code: str = ""  # looks like an item code (实施编码/地方编码)

    @property
    def empty(self) -> bool:
        return not (self.words or self.grams or self.pinyin or self.initials or self.expansions)

    @property
    def expansion_groups(self) -> list[list[str]]:
        """Each expansion as the words that must all be there (食品 AND 经营许可): a phrase,
        not a bag of its common parts (经营, 许可 alone match a quarter of all names).
        """
        groups = []
        for expansion in self.expansions:
            words = list(dict.fromkeys(text.cut(expansion)))
            if words and words not in groups:
                groups.append(words)
        return groups

    @property
    def exact_names(self) -> list[str]:
        """Compact names that, if some document has exactly this name, must be candidates."""
        return list(dict.fromkeys(n for n in [self.core, *self.expansion_norms] if n))


def build(query: str) -> Plan:
    """The plan for one query (dictionary expansion included)."""
    norm = text.normalize(query)[:MAX_QUERY].strip()
    plan = Plan(norm=norm)
    if not norm:
        return plan
    typed = unicodedata.normalize("NFKC", query).strip().lower()
    if _CODE.match(typed) and any(c.isdigit() for c in typed):
        plan.code = typed
    expansions, _matched = synonyms.expand(norm)
    plan.expansions = [e for e in expansions if text.compact(e) != norm.replace(" ", "")]
    plan.expansion_norms = [text.compact(e) for e in plan.expansions]
    parts = text.runs(norm)
    if parts and all(p.isalpha() and p.isascii() for p in parts):
        _latin(plan, parts)
    else:
        _chinese(plan)
    return plan


def _latin(plan: Plan, parts: list[str]) -> None:
    joined = "".join(parts)
    plan.latin = joined
    plan.core = joined
    plan.core_words = parts
    plan.words = list(dict.fromkeys(parts))  # ICP, CT … appear in names as they are
    plan.initials = [joined]
    plan.pinyin = [text.fuzzy(joined)]
    if len(joined) >= 2:
        plan.initials_prefix = [joined]
    if len(joined) >= 3:
        plan.pinyin_prefix = [text.fuzzy(joined)]


def _chinese(plan: Plan) -> None:
    kept = [w for w in text.cut(plan.norm) if w not in STOPWORDS]
    plan.core_words = kept
    plan.core = "".join(kept)
    core = " ".join(kept)
    plan.words = [w for w in text.words(core) if len(w) >= 2 and w not in STOPWORDS]
    grams = text.bigrams(plan.core)
    # a one-character query has no bigram: look for the character itself
    plan.grams = grams or text.unigrams(plan.core)
    if not plan.words and len(plan.core) == 1:
        plan.words = [plan.core]
    spelled, _initials = text.pinyin_tokens(plan.core)
    plan.pinyin = spelled
    plan.spell = text.full_spelling(plan.core)[0]
