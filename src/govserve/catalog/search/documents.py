"""Turning an item's texts into a search document (检索文档) and its department label."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from govserve.regions.models import Department, Region

from . import text

# Column order of the document table as the bulk writers send it.
DOCUMENT_COLUMNS = (
    "id",
    "key",
    "name",
    "norm",
    "keywords",
    "department",
    "words",
    "extra",
    "grams",
    "pinyin",
    "initials",
    "spell",
)


def document_key(name: str, keywords: str, department: str) -> str:
    """Identity of a document: items with the same three texts share one."""
    raw = "\x1f".join((name, keywords or "", department or ""))
    return hashlib.md5(raw.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class DocumentText:
    key: str
    name: str
    norm: str
    keywords: str
    department: str
    words: str
    extra: str
    grams: str
    pinyin: str
    initials: str
    spell: str

    def row(self, doc_id: int) -> tuple:
        return (
            doc_id,
            self.key,
            self.name,
            self.norm,
            self.keywords,
            self.department,
            self.words,
            self.extra,
            self.grams,
            self.pinyin,
            self.initials,
            self.spell,
        )


def build(name: str, keywords: str, department: str) -> DocumentText:
    """All index columns of one document."""
    name = (name or "")[:300]
    keywords = (keywords or "")[:300]
    department = (department or "")[:200]
    pinyin, first = text.pinyin_tokens(name)
    # Keywords are how citizens name an item (营业执照 for 个体工商户设立登记), so their
    # pinyin and initials count too: `yyzz` should find the items that issue a licence.
    for keyword in keywords.split():
        kw_pinyin, kw_first = text.pinyin_tokens(keyword)
        pinyin += [t for t in kw_pinyin if t not in pinyin]
        first += [t for t in kw_first if t not in first]
    full, initials = text.full_spelling(name)
    extra = text.words(f"{keywords} {department}")
    return DocumentText(
        key=document_key(name, keywords, department),
        name=name,
        norm=text.compact(name)[:300],
        keywords=keywords,
        department=department,
        words=" ".join(text.words(name)),
        extra=" ".join(extra),
        # bigrams carry the wrong-character tolerance; single characters serve one-character
        # queries and near-match suggestions
        grams=" ".join([*text.bigrams(name), *text.unigrams(name)]),
        pinyin=" ".join(pinyin),
        initials=" ".join(first),
        spell=f"{full} {initials}".strip(),
    )


class DepartmentLabels:
    """Department id → its name without the names of its region and the regions above.

    "广安市广安区市场监督管理局" and "邻水县市场监督管理局" are both "市场监督管理局" to search:
    the region is a filter, and keeping it out of the text lets every county's copy of an
    item share one document.
    """

    def __init__(self) -> None:
        self._labels: dict[int, str] = {}
        self._regions: dict[int, tuple[str, int | None]] = {}

    def get(self, department_ids) -> dict[int, str]:
        missing = {d for d in department_ids if d is not None and d not in self._labels}
        if missing:
            rows = list(
                Department.objects.filter(id__in=missing).values_list(
                    "id", "name", "short_name", "region_id"
                )
            )
            self._load_regions({r[3] for r in rows})
            for dept_id, name, short_name, region_id in rows:
                self._labels[dept_id] = self._label(name, short_name, region_id)
        return {d: self._labels.get(d, "") for d in department_ids}

    def _load_regions(self, ids: set[int]) -> None:
        todo = {i for i in ids if i is not None and i not in self._regions}
        while todo:
            rows = Region.objects.filter(id__in=todo).values_list("id", "name", "parent_id")
            for region_id, name, parent_id in rows:
                self._regions[region_id] = (name, parent_id)
            todo = {p for _i, _n, p in rows if p is not None and p not in self._regions}

    def _label(self, name: str, short_name: str, region_id: int | None) -> str:
        names: list[str] = []
        node = region_id
        while node is not None and node in self._regions and len(names) < 6:
            region_name, node = self._regions[node]
            if region_name:
                names.append(region_name)
        names.sort(key=len, reverse=True)
        label = name or ""
        changed = True
        while changed:
            changed = False
            for region_name in names:
                if label.startswith(region_name) and len(label) > len(region_name):
                    label = label[len(region_name) :]
                    changed = True
        if short_name and short_name not in label:
            label = f"{label} {short_name}"
        return label[:200]
