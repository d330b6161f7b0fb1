"""Adapter from the public item lists in shared/data/real-items.jsonl to the exchange format.

Those lists give names, departments, local codes and (mostly) the item type, but no time
limits, materials or service objects. Their items are loaded published with
`elements_complete=False`: citizens find them and see what is known, and no application
can be made on them until the implementing body fills in the missing elements.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from stdnum.cn import uscc as stdnum_uscc

from .codetables import ItemType
from .serializers import ITEM_TYPE_BY_LABEL

# Item type from the name when a list does not give it; the import says so in `source`.
_TYPE_BY_NAME = [
    (re.compile(r"处罚"), ItemType.PENALTY),
    (re.compile(r"强制|查封|扣押"), ItemType.COERCION),
    (re.compile(r"征收"), ItemType.LEVY),
    (re.compile(r"许可|审批|核准|批准|核发"), ItemType.LICENSING),
    (re.compile(r"补贴|补助|救助|给付|津贴|抚恤"), ItemType.BENEFIT),
    (re.compile(r"检查"), ItemType.INSPECTION),
    (re.compile(r"确认|认定|鉴定"), ItemType.CONFIRMATION),
    (re.compile(r"奖励|表彰"), ItemType.REWARD),
    (re.compile(r"裁决"), ItemType.RULING),
    (re.compile(r"备案|登记"), ItemType.OTHER_POWER),
]


def infer_item_type(name: str) -> str:
    for pattern, item_type in _TYPE_BY_NAME:
        if pattern.search(name):
            return item_type.value
    return ItemType.PUBLIC_SERVICE.value


def uscc_from_local_code(code: str) -> str:
    """Sichuan's local implementation code carries the body's USCC as its 4th part."""
    parts = code.split("-")
    for part in parts[2:]:
        if len(part) == 18 and stdnum_uscc.is_valid(part):
            return part
    return ""


# Text stored in the catalog is Chinese whatever the reader's language, so it is not translated.


def real_item_to_row(item: dict) -> dict:
    """One line of real-items.jsonl as an exchange-format row."""
    code = item.get("code", "")
    type_label = item.get("type")
    item_type = ITEM_TYPE_BY_LABEL.get(type_label or "", "")
    notes = [item["source"]]
    if not item_type:
        item_type = infer_item_type(item["name"])
        notes.append("事项类型按名称推断")
    department = item.get("department") or f"{item['region']}（来源未注明实施主体）"
    keywords = " ".join(item.get("sub_matters") or [])
    levels = [lv for lv in (item.get("level") or "").split(",") if lv]
    row = {
        "name": item["name"],
        "item_type": item_type,
        "parent_item": item.get("parent_item", ""),
        "local_code": code,
        "basic_local_code": code.split("-")[0] if "-" in code else code,
        "region": item["region"],
        "department": department,
        "department_uscc": uscc_from_local_code(code) if "-" in code else "",
        "keywords": keywords,
        "elements_complete": False,
        "visits_required": 1,
        "visit_reason": "来源清单未载明，以实施机关公布为准",
        "source": "; ".join(notes),
        "state": "published",
    }
    if len(levels) > 1:
        row["exercise_level"] = 7
    return row


def rows_from_jsonl(lines: Iterable[str]) -> list[tuple[int, dict]]:
    rows = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            rows.append((number, real_item_to_row(json.loads(line))))
    return rows
