"""Reads of the division tree: by code, by name, subtrees and children."""

from __future__ import annotations

from django.db.models import QuerySet

from .codes import PLACEHOLDER_NAMES, normalize_code
from .models import Region


def region_by_code(code: str) -> Region | None:
    """The region with this code: 12 digits, or 2/4/6/9 digits padded with zeros (51, 511602)."""
    try:
        code = normalize_code(str(code))
    except ValueError:
        return None
    return Region.objects.select_related("parent").filter(code=code).first()


def children(region: Region | None) -> QuerySet[Region]:
    """Direct children of `region`, or the provinces when `region` is None."""
    if region is None:
        return Region.objects.filter(parent__isnull=True, level=1)
    return Region.objects.filter(parent=region)


def subtree(region: Region, include_self: bool = True) -> QuerySet[Region]:
    """Every region under `region` (a prefix scan on the indexed code)."""
    qs = Region.objects.filter(code__startswith=region.prefix)
    return qs if include_self else qs.exclude(pk=region.pk)


def resolve_region_name(full_name: str) -> Region | None:
    """The region a full name denotes: "四川省广安市广安区", "上海市静安区", "辽宁省".

    Tried first as a stored full name; otherwise the name is walked down the tree, each
    part being the name of a child of the part before (placeholders such as 市辖区 may be
    written or left out). Returns None when nothing, or nothing complete, matches.
    """
    text = "".join((full_name or "").split())
    if not text:
        return None
    # The same full name twice is possible in principle: prefer the higher level, then the code.
    exact = Region.objects.filter(full_name=text).order_by("level", "code").first()
    return exact if exact is not None else _walk(text, None)


def _walk(rest: str, node: Region | None) -> Region | None:
    candidates = list(children(node).only("id", "code", "name", "level", "prefix", "full_name"))
    # Longest names first, so 东城区 does not stop at a shorter sibling's name.
    for child in sorted(candidates, key=lambda r: -len(r.name)):
        if rest.startswith(child.name):
            remainder = rest[len(child.name) :]
            if not remainder:
                return child
            found = _walk(remainder, child)
            if found is not None:
                return found
    for child in candidates:
        if child.name in PLACEHOLDER_NAMES:  # 上海市静安区 where the tree has 上海市市辖区静安区
            found = _walk(rest, child)
            if found is not None:
                return found
    return None
