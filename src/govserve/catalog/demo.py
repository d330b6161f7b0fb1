"""The demo dataset: 四川省 — 广安市 — 广安区, its bodies, halls, items, bundles and lists.

Loaded by `govserve load_demo` (run by `make run`). Files live in fixtures/demo/; every item
goes through the same importer as any catalog file, so the demo is held to the same rules.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from govserve.regions.models import Department, Region, ServiceHall, ServiceWindow

from . import importer, realdata, services
from .models import (
    BasicItem,
    Bundle,
    BundleItem,
    ImplementationItem,
    ItemEvent,
    ItemState,
    NegativeListEntry,
    SearchSynonym,
)

DEMO_DIR = Path(__file__).parent / "fixtures" / "demo"
DEMO_PROVINCES = ["51"]
REAL_ITEM_PROVINCES = ["31", "21"]  # 上海市, 辽宁省: the other public lists in real-items.jsonl


class DemoDataError(Exception):
    pass


def _load(name: str):
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def real_items_path() -> Path | None:
    """shared/data/real-items.jsonl beside the project (or $GOVSERVE_REAL_ITEMS)."""
    candidates: list[str | Path] = [
        os.environ.get("GOVSERVE_REAL_ITEMS", ""),
        settings.PROJECT_DIR.parent / "shared" / "data" / "real-items.jsonl",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def is_loaded() -> bool:
    first = _load("departments.json")[0]
    return Department.objects.filter(name=first["name"]).exists()


@transaction.atomic
def load_organisations() -> tuple[int, int]:
    departments = 0
    for row in _load("departments.json"):
        region = Region.objects.get(code=row["region"])
        dept = Department(region=region, **{k: v for k, v in row.items() if k != "region"})
        dept.full_clean()
        dept.save()
        departments += 1
    halls = 0
    for row in _load("halls.json"):
        windows = row.pop("windows", [])
        hall = ServiceHall.objects.create(region=Region.objects.get(code=row.pop("region")), **row)
        for w in windows:
            names = w.pop("departments", [])
            window = ServiceWindow.objects.create(hall=hall, **w)
            window.departments.set(Department.objects.filter(name__in=names))
        halls += 1
    return departments, halls


def load_items() -> importer.ImportReport:
    rows = [(i, row) for i, row in enumerate(_load("items.json"), start=1)]
    report = importer.import_rows(rows)
    if not report.ok:
        lines = "\n".join(f"items.json #{e.line} {e.field}: {e.reason}" for e in report.errors[:30])
        raise DemoDataError(_("演示事项未通过校验：\n%(lines)s") % {"lines": lines})
    return report


@transaction.atomic
def load_bundles_and_lists() -> tuple[int, int, int]:
    bundles = 0
    for row in _load("bundles.json"):
        region = Region.objects.get(code=row["region"])
        bundle = Bundle.objects.create(
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            description=row.get("description", ""),
            region=region,
            lead_department=Department.objects.get(name=row["lead_department"]),
            promised_limit_days=row["promised_limit_days"],
            keywords=row.get("keywords", ""),
            published=True,
        )
        for order, name in enumerate(row["items"]):
            item = (
                ImplementationItem.objects.filter(name=name, state=ItemState.PUBLISHED)
                .filter(region__code__in=[r.code for r in [region, *region.ancestors()]])
                .order_by("-region__level")
                .first()
            )
            if item is None:
                raise DemoDataError(
                    _("一件事“%(b)s”引用的事项“%(i)s”不存在") % {"b": bundle.name, "i": name}
                )
            BundleItem.objects.create(bundle=bundle, item=item, order=order)
        bundles += 1
    entries = 0
    for row in _load("negative_list.json"):
        codes = row.pop("related_basic_codes", [])
        entry = NegativeListEntry.objects.create(**row)
        entry.related_items.set(BasicItem.objects.filter(code__in=codes))
        entries += 1
    synonyms = 0
    for row in _load("synonyms.json"):
        SearchSynonym.objects.update_or_create(
            term=row["term"],
            defaults={"expansions": row["expansions"], "kind": row.get("kind", "synonym")},
        )
        synonyms += 1
    return bundles, entries, synonyms


def record_reform_history() -> int:
    """A few real-world-style reform steps so the ledger has something to show.

    Provincial items handed down to 广安市 and county items taken off the list, dated in
    2025, through the same services an administrator uses.
    """
    changed = 0
    city = Region.objects.get(code="511600000000")
    provincial = list(
        ImplementationItem.objects.filter(
            region__code="510000000000", state=ItemState.PUBLISHED
        ).order_by("id")[:3]
    )
    for item in provincial[:2]:
        target = Department.objects.filter(
            region=city, name__contains=item.department.name.replace("四川省", "")[:4]
        ).first()
        target = target or Department.objects.filter(region=city).order_by("id").first()
        services.delegate_item(
            item,
            [(city, target)],
            effective_date=dt.date(2025, 3, 1),
            reason=("按照省政府关于向市（州）下放一批省级行政权力事项的部署，下放至市级实施"),
        )
        changed += 1
    county_items = list(
        ImplementationItem.objects.filter(
            region__code="511602000000", state=ItemState.PUBLISHED
        ).order_by("-id")[:2]
    )
    for item in county_items:
        services.change_state(
            item,
            ItemEvent.Action.CANCEL,
            effective_date=dt.date(2025, 6, 30),
            reason=("法律依据已修改，事项不再保留（演示数据）"),
        )
        changed += 1
    return changed


def load_real_items() -> importer.ImportReport | None:
    """The public lists, less the items the demo already gives with all their elements.

    The demo's county items were written from 广安区's own list; loading that list's entry
    too would show citizens the same item twice under two names of one body.
    """
    path = real_items_path()
    if path is None:
        return None
    known = set(ImplementationItem.objects.values_list("name", "region__full_name"))
    rows = [
        (line, row)
        for line, row in realdata.rows_from_jsonl(path.read_text(encoding="utf-8").splitlines())
        if (row["name"], row["region"]) not in known
    ]
    report = importer.import_rows(rows, create_departments=True)
    if not report.ok:
        lines = "\n".join(f"real-items #{e.line} {e.field}: {e.reason}" for e in report.errors[:30])
        raise DemoDataError(lines)
    return report


def ensure_admin(username: str = "admin", password: str = "govserve-demo"):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_superuser(
            username=username, email="admin@govserve.invalid", password=password
        )
    return user
