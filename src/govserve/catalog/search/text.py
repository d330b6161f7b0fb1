"""Text processing shared by the index and the queries (分词、拼音、首字母).

Both sides must cut text the same way, so everything that turns text into tokens lives
here: normalisation, jieba words (one private tokenizer, loaded lazily once per process),
character bigrams, fuzzy pinyin and pinyin initials of words and word windows.
Changing anything here changes the tokens: run `govserve rebuild-search-index` afterwards.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

import jieba
from pypinyin import Style, lazy_pinyin

# CJK unified ideographs (basic, extension A, compatibility) — what jieba and pypinyin cut.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z]+|[0-9]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")
_NOT_TEXT = re.compile(rf"[^{_CJK}a-z0-9]+")

# Longest word window whose pinyin/initials are indexed: 4 words cover 营业执照/食品经营许可
# style key phrases even when jieba splits them, without growing the index quadratically.
WINDOW = 4

# Words jieba's general dictionary cuts differently from how citizens and catalogs use them.
DOMAIN_WORDS = (
    "营业执照",
    "个体工商户",
    "出生医学证明",
    "居民身份证",
    "身份证",
    "户口簿",
    "结婚证",
    "离婚证",
    "驾驶证",
    "行驶证",
    "残疾人证",
    "居住证",
    "社保卡",
    "医保",
    "社保",
    "公积金",
    "不动产",
    "准迁证",
    "无犯罪记录",
    "最低生活保障",
    "低保",
    "一件事",
    "全程网办",
    "一网通办",
    "食品经营",
    "经营许可",
    "营业性演出",
    "网吧",
    "宅基地",
    "取水许可",
    "采伐许可",
    "施工许可",
    "消防验收",
    "退役军人",
    "高龄津贴",
    "养老保险",
    "医疗保险",
    "失业保险",
    "工伤保险",
    "生育保险",
    "换领",
    "补领",
    "首次申领",
    "遗失补办",
)

_tokenizer: jieba.Tokenizer | None = None
_lock = threading.Lock()


def tokenizer() -> jieba.Tokenizer:
    """The search tokenizer; built on first use (about 0.6 s, once per process)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                # jieba logs "Building prefix dict…" at DEBUG/INFO on every start: noise.
                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in DOMAIN_WORDS:
                    tok.add_word(word)
                _tokenizer = tok
    return _tokenizer


def normalize(text: str) -> str:
    """Full-width → half-width, lower case, punctuation → one space."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return _NOT_TEXT.sub(" ", text).strip()


def compact(text: str) -> str:
    """Normalised text without spaces: what "the name contains the query" compares."""
    return normalize(text).replace(" ", "")


def runs(text: str) -> list[str]:
    """Runs of Chinese characters, latin letters or digits of normalised text."""
    return _RUN.findall(text)


def is_cjk(run: str) -> bool:
    return bool(_CJK_RUN.match(run))


def fuzzy(spelling: str) -> str:
    """Fuzzy pinyin (模糊音): zh/z, ch/c, sh/s, ing/in, eng/en sound alike for many speakers.

    Applied to whole joined strings on both sides, so syllable boundaries never matter.
    """
    for a, b in (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en")):
        spelling = spelling.replace(a, b)
    return spelling


def _unique(tokens) -> list[str]:
    return list(dict.fromkeys(t for t in tokens if t))


@lru_cache(maxsize=20000)
def _cut(run: str) -> tuple[str, ...]:
    return tuple(tokenizer().lcut(run))


@lru_cache(maxsize=20000)
def _cut_for_search(run: str) -> tuple[str, ...]:
    return tuple(tokenizer().lcut_for_search(run))


@lru_cache(maxsize=50000)
def _syllables(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word))


@lru_cache(maxsize=50000)
def _letters(word: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(word, style=Style.FIRST_LETTER))


def words(text: str) -> list[str]:
    """Search words: jieba cut_for_search of each Chinese run, latin and digit runs as they are."""
    out: list[str] = []
    for run in runs(normalize(text)):
        out.extend(_cut_for_search(run) if is_cjk(run) else (run,))
    return _unique(w.strip() for w in out)


def cut(text: str) -> list[str]:
    """Precise-mode words of each Chinese run (the sequence word windows are built on)."""
    out: list[str] = []
    for run in runs(normalize(text)):
        out.extend(_cut(run) if is_cjk(run) else (run,))
    return [w for w in out if w.strip()]


def bigrams(text: str) -> list[str]:
    """Character bigrams of each Chinese run: one wrong character breaks at most two of them."""
    out: list[str] = []
    for run in runs(normalize(text)):
        if is_cjk(run):
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return _unique(out)


def unigrams(text: str) -> list[str]:
    """Single Chinese characters (one-character queries, near-match suggestions)."""
    return _unique(ch for run in runs(normalize(text)) if is_cjk(run) for ch in run)


def spell(word: str) -> str:
    """Fuzzy full pinyin of a word, no tones, no spaces: 营业执照 → yinyezizao."""
    return fuzzy("".join(_syllables(word)))


def initials(word: str) -> str:
    """Pinyin initials of a word: 营业执照 → yyzz (zh counts as z, as input methods do)."""
    return "".join(s[:1] for s in _letters(word))


def windows(text: str, size: int = WINDOW) -> list[str]:
    """Consecutive precise-mode words joined, 1 to `size` words long, within each Chinese run."""
    out: list[str] = []
    for run in runs(normalize(text)):
        if not is_cjk(run):
            continue
        seq = _cut(run)
        for i in range(len(seq)):
            for j in range(i + 1, min(len(seq), i + size) + 1):
                out.append("".join(seq[i:j]))
    return _unique(out)


def pinyin_tokens(text: str) -> tuple[list[str], list[str]]:
    """(fuzzy pinyin, initials) of the words and word windows of `text` with two or more
    characters: single syllables and single letters match far too much to be worth indexing.
    """
    chunks = _unique([*windows(text), *(w for w in words(text) if is_cjk(w))])
    chunks = [c for c in chunks if len(c) >= 2]
    return _unique(spell(c) for c in chunks), _unique(initials(c) for c in chunks)


def full_spelling(text: str) -> tuple[str, str]:
    """(fuzzy full pinyin, initials) of the whole text, runs concatenated."""
    parts = runs(normalize(text))
    full = "".join(spell(r) if is_cjk(r) else r for r in parts)
    first = "".join(initials(r) if is_cjk(r) else r for r in parts)
    return full, first


@lru_cache(maxsize=1000)
def _one_substitution_pattern(needle: str) -> re.Pattern:
    # 营业执造 → 营业执.|营业.造|营.执造|.业执造: one regex, searched in C
    return re.compile(
        "|".join(
            re.escape(needle[:i]) + "." + re.escape(needle[i + 1 :]) for i in range(len(needle))
        )
    )


def one_substitution(needle: str, haystack: str) -> bool:
    """Does `haystack` contain `needle` with at most one character replaced (错一个字)?"""
    return bool(needle) and _one_substitution_pattern(needle).search(haystack) is not None
