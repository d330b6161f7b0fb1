"""Reads of the public catalog, shared by the portal pages and the REST API.

Plain functions over the ORM: no writes, no request objects. Everything the public sees
is a *published* item (清单之外无权力); other states are reachable only where a function
says so (`include_unpublished=True`).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet

from govserve.regions.models import AdministrativeLevel, Department, Region, RegionLevel

from .codetables import POWER_TYPES, CaseType, ItemType
from .models import (
    Bundle,
    BundleItem,
    ImplementationItem,
    ItemEvent,
    ItemState,
    Material,
    MaterialSource,
    NegativeListEntry,
    Responsibility,
)

# Sources meaning the government already holds the material: a candidate for 免提交.
GOVERNMENT_SOURCES = (MaterialSource.GOVERNMENT_ISSUED, MaterialSource.SHARED_DATA)
LEDGER_ACTIONS = (ItemEvent.Action.CANCEL, ItemEvent.Action.DELEGATE, ItemEvent.Action.MERGE)


# ---------------------------------------------------------------------------------------
# Items
# ---------------------------------------------------------------------------------------


def published_items() -> QuerySet[ImplementationItem]:
    """Every published item with the rows a list needs (region, body, basic item)."""
    return ImplementationItem.objects.published().select_related(
        "region", "department", "basic_item"
    )


def _in_region(qs: QuerySet, region: Region | None, prefix: str = "") -> QuerySet:
    """Rows whose region lies in `region`'s subtree (the region itself and below)."""
    if region is None:
        return qs
    return qs.filter(**{f"{prefix}region__code__startswith": region.prefix})


def item_detail(pk: int, *, include_unpublished: bool = False) -> ImplementationItem:
    """One item with everything its guide (办事指南) shows.

    Raises `ImplementationItem.DoesNotExist` when there is no such item or it is not
    published (unless `include_unpublished`). `item.bundles.all()` holds published bundles
    only; `item.basic_item.legal_bases.all()` the legal bases.
    """
    qs = ImplementationItem.objects.select_related(
        "region", "department", "basic_item", "basic_item__parent", "delegated_from", "merged_into"
    ).prefetch_related(
        Prefetch("materials", queryset=Material.objects.select_related("common")),
        "fees",
        "basic_item__legal_bases",
        "responsibilities",
        "co_departments",
        Prefetch("bundles", queryset=Bundle.objects.filter(published=True).order_by("name")),
    )
    if not include_unpublished:
        qs = qs.filter(state=ItemState.PUBLISHED)
    return qs.get(pk=pk)


def government_holds(material: Material) -> bool:
    """True when the government already holds this material (issued or shared): 免提交 candidate."""
    if material.source in GOVERNMENT_SOURCES:
        return True
    return material.common is not None and material.common.source in GOVERNMENT_SOURCES


@dataclass
class PowerGroup:
    """One 事项类型 of the power list with its items."""

    item_type: str
    label: str
    items: list[ImplementationItem]
    count: int = field(init=False)

    def __post_init__(self) -> None:
        self.count = len(self.items)


def power_list(region: Region | None = None) -> list[PowerGroup]:
    """权力清单: published 行政权力 items (every type but 公共服务) grouped by type in code order.

    With `region`, the items implemented in that region and below. Types without items
    are left out.
    """
    qs = _in_region(published_items(), region).filter(item_type__in=[t.value for t in POWER_TYPES])
    by_type: dict[str, list[ImplementationItem]] = {}
    for item in qs.order_by("item_type", "region__code", "department__name", "name", "id"):
        by_type.setdefault(item.item_type, []).append(item)
    return [
        PowerGroup(item_type=t.value, label=str(t.label), items=by_type[t.value])
        for t in POWER_TYPES
        if t.value in by_type
    ]


def responsibility_list(
    region: Region | None = None, department: Department | None = None
) -> QuerySet[ImplementationItem]:
    """责任清单: published items that have responsibilities, with them prefetched.

    Ordered by region, body and name so a page can regroup by body.
    """
    has_duties = Exists(Responsibility.objects.filter(item=OuterRef("pk")))
    qs = _in_region(published_items(), region).filter(has_duties)
    if department is not None:
        qs = qs.filter(department=department)
    return qs.prefetch_related(
        Prefetch("responsibilities", queryset=Responsibility.objects.order_by("id"))
    ).order_by("region__code", "department__name", "name", "id")


def negative_list(category: str | None = None) -> QuerySet[NegativeListEntry]:
    """市场准入负面清单: entries of one category (prohibited / restricted) or all, by code."""
    qs = NegativeListEntry.objects.prefetch_related("related_items").order_by("code")
    if category:
        qs = qs.filter(category=category)
    return qs


# ---------------------------------------------------------------------------------------
# Bundles (一件事)
# ---------------------------------------------------------------------------------------


@dataclass
class MergedMaterial:
    """One material of a bundle, asked once however many of its items need it."""

    key: str
    name: str
    issuing_body: str
    source: str
    source_label: str
    form: str
    form_label: str
    originals: int
    copies: int
    required: bool
    government_held: bool
    requirements: str
    items: list[ImplementationItem] = field(default_factory=list)
    materials: list[Material] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        """Needed by more than one item of the bundle (the merge saved something)."""
        return len(self.items) > 1


def bundle_items(bundle: Bundle) -> list[ImplementationItem]:
    """The bundle's published items in bundle order (items no longer in force are left out)."""
    links = (
        BundleItem.objects.filter(bundle=bundle, item__state=ItemState.PUBLISHED)
        .select_related("item", "item__department", "item__region", "item__basic_item")
        .prefetch_related(
            Prefetch(
                "item__materials",
                queryset=Material.objects.select_related("common").order_by("order", "id"),
            )
        )
        .order_by("order", "id")
    )
    return [link.item for link in links]


def _merge(items: Iterable[ImplementationItem]) -> tuple[list[MergedMaterial], int]:
    merged: OrderedDict[str, MergedMaterial] = OrderedDict()
    raw = 0
    for item in items:
        for material in item.materials.all():
            raw += 1
            key = material.merge_key
            entry = merged.get(key)
            if entry is None:
                common = material.common  # None (no query) without a common material
                name = common.name if common is not None else material.name
                entry = merged[key] = MergedMaterial(
                    key=key,
                    name=name,
                    issuing_body=material.issuing_body
                    or (common.issuing_body if common is not None else ""),
                    source=material.source,
                    source_label=material.get_source_display(),
                    form=material.form,
                    form_label=material.get_form_display(),
                    originals=material.originals,
                    copies=material.copies,
                    required=material.required,
                    government_held=government_holds(material),
                    requirements=material.requirements,
                )
            else:
                entry.originals = max(entry.originals, material.originals)
                entry.copies = max(entry.copies, material.copies)
                entry.required = entry.required or material.required
                entry.government_held = entry.government_held and government_holds(material)
                if not entry.requirements and material.requirements:
                    entry.requirements = material.requirements
            entry.materials.append(material)
            if item not in entry.items:
                entry.items.append(item)
    return list(merged.values()), raw


def merged_materials(bundle: Bundle) -> list[MergedMaterial]:
    """The bundle's materials with each one listed once (by `Material.merge_key`).

    A merged material is required if any item requires it, and asks for the largest
    number of originals and copies any item asks for; `items` says who needs it.
    """
    return _merge(bundle_items(bundle))[0]


@dataclass
class BundleDetail:
    bundle: Bundle
    items: list[ImplementationItem]
    materials: list[MergedMaterial]
    materials_before_merge: int

    @property
    def materials_saved(self) -> int:
        """How many material submissions the merge spared the applicant."""
        return self.materials_before_merge - len(self.materials)

    @property
    def departments(self) -> list[Department]:
        seen: dict[int, Department] = {}
        for item in self.items:
            seen.setdefault(item.department_id, item.department)
        return list(seen.values())

    @property
    def total_promised_days(self) -> int | None:
        """What the items would take one after another, to compare with the bundle's limit."""
        days = [i.promised_limit_days for i in self.items]
        if not days or None in days:
            return None
        return sum(d for d in days if d is not None)


def bundle_detail(bundle: Bundle | str, *, include_unpublished: bool = False) -> BundleDetail:
    """A bundle (or its code) with its items and merged materials.

    Raises `Bundle.DoesNotExist` for an unknown or unpublished bundle (unless
    `include_unpublished`).
    """
    qs = Bundle.objects.select_related("region", "lead_department")
    if not include_unpublished:
        qs = qs.filter(published=True)
    bundle = qs.get(pk=bundle.pk) if isinstance(bundle, Bundle) else qs.get(code=bundle)
    items = bundle_items(bundle)
    materials, raw = _merge(items)
    return BundleDetail(bundle=bundle, items=items, materials=materials, materials_before_merge=raw)


def bundle_list(region: Region | None = None) -> QuerySet[Bundle]:
    """Published bundles (in `region`'s subtree) with the number of their published items."""
    qs = Bundle.objects.filter(published=True).select_related("region", "lead_department")
    qs = _in_region(qs, region)
    return qs.annotate(
        item_count=Count("bundle_items", filter=Q(bundle_items__item__state=ItemState.PUBLISHED))
    ).order_by("region__code", "name")


# ---------------------------------------------------------------------------------------
# Reform ledger (改革台账)
# ---------------------------------------------------------------------------------------


def _percent(part: float, whole: float) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _in_force(
    day: dt.date, region: Region | None, level: int | None
) -> QuerySet[ImplementationItem]:
    qs = _in_region(
        ImplementationItem.objects.in_force_on(day).exclude(state=ItemState.DRAFT), region
    )
    if level:
        qs = qs.filter(exercise_level=level)
    return qs


@dataclass
class ReformLedger:
    """Which items left the list between two dates, and how much the list shrank.

    `in_force_start` is the list as it stood when the window opened (in force the day
    before `start`, so a reform taking effect on `start` counts as removed *and* in the
    list at the start); `in_force_end` the list at the end of `end`. The counts and
    percentages are plain fields so `vars(ledger)` / `as_dict()` serialise them.
    """

    start: dt.date
    end: dt.date
    region_code: str | None
    region_name: str
    level: int | None
    events: list[ItemEvent]
    in_force_start: int
    in_force_end: int
    added: int  # items that came into force in the window (new, or taken over by delegation)
    cancelled: int = field(init=False)
    delegated: int = field(init=False)
    merged: int = field(init=False)
    removed: int = field(init=False)  # items cancelled, delegated or merged in the window
    net_change: int = field(init=False)  # in_force_end − in_force_start (negative: the list shrank)
    shrink_percent: Decimal | None = field(init=False)  # 精简幅度: (start − end) / start
    removed_percent: Decimal | None = field(init=False)  # removed / start

    def __post_init__(self) -> None:
        actions = [e.action for e in self.events]
        self.cancelled = actions.count(ItemEvent.Action.CANCEL)
        self.delegated = actions.count(ItemEvent.Action.DELEGATE)
        self.merged = actions.count(ItemEvent.Action.MERGE)
        self.removed = len({e.item_id for e in self.events})
        self.net_change = self.in_force_end - self.in_force_start
        self.shrink_percent = _percent(self.in_force_start - self.in_force_end, self.in_force_start)
        self.removed_percent = _percent(self.removed, self.in_force_start)

    def as_dict(self) -> dict:
        """JSON-ready (dates as ISO text, percentages as strings, events as small dicts)."""
        out = {k: v for k, v in vars(self).items() if k != "events"}
        out["start"], out["end"] = self.start.isoformat(), self.end.isoformat()
        for key in ("shrink_percent", "removed_percent"):
            out[key] = str(out[key]) if out[key] is not None else None
        out["events"] = [
            {
                "item": e.item_id,
                "name": e.item.name,
                "region": e.item.region.code,
                "department": e.item.department.name,
                "action": e.action,
                "effective_date": e.effective_date.isoformat(),
                "reason": e.reason,
                "document_no": e.document_no,
                "related_items": [r.pk for r in e.related_items.all()],
            }
            for e in self.events
        ]
        return out


def ledger_span() -> tuple[dt.date, dt.date] | None:
    """First and last effective dates of any cancel, delegate or merge event
    (None: no reform yet)."""
    dates = ItemEvent.objects.filter(action__in=LEDGER_ACTIONS).aggregate(
        first=Min("effective_date"), last=Max("effective_date")
    )
    return (dates["first"], dates["last"]) if dates["first"] else None


def reform_ledger(
    start: dt.date, end: dt.date, region: Region | None = None, level: int | None = None
) -> ReformLedger:
    """改革台账: items cancelled, delegated (下放) or merged with effective date in [start, end].

    `region` narrows to items implemented in that region and below, `level` to one 行使层级
    (e.g. 2 省级: the provincial list, without the copies delegated to cities).
    """
    if end < start:
        start, end = end, start
    events_qs = (
        ItemEvent.objects.filter(action__in=LEDGER_ACTIONS, effective_date__range=(start, end))
        .select_related("item", "item__region", "item__department")
        .prefetch_related(
            Prefetch(
                "related_items",
                queryset=ImplementationItem.objects.select_related("region", "department"),
            )
        )
        .order_by("effective_date", "item__region__code", "item__name", "id")
    )
    events_qs = _in_region(events_qs, region, prefix="item__")
    if level:
        events_qs = events_qs.filter(item__exercise_level=level)
    events = list(events_qs)
    added = _in_force(end, region, level).filter(effective_date__gte=start).count()
    # Nothing is in force before the first day a date can name (start=0001-01-01).
    in_force_start = (
        _in_force(start - dt.timedelta(days=1), region, level).count() if start > dt.date.min else 0
    )
    return ReformLedger(
        start=start,
        end=end,
        region_code=region.code if region else None,
        region_name=str(region) if region else "",
        level=level,
        events=events,
        in_force_start=in_force_start,
        in_force_end=_in_force(end, region, level).count(),
        added=added,
    )


# ---------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------


@dataclass
class CountRow:
    code: str
    label: str
    count: int
    percent: Decimal | None


@dataclass
class CatalogStatistics:
    """Indicators platforms publish (DOMAIN.md §7) over published items.

    Counts cover every published item. Rates and averages cover the items whose elements
    are complete (`measured`): items imported from public lists without their elements would
    otherwise count as offline, one visit and no materials.
    """

    total: int
    measured: int
    by_level: list[CountRow]
    by_type: list[CountRow]
    online_rate: Decimal | None  # 网上可办率 (%)
    fully_online_rate: Decimal | None  # 全程网办率 (%)
    zero_visit_rate: Decimal | None  # 零跑动 (%)
    at_most_one_visit_rate: Decimal | None  # 最多跑一次 (%)
    average_visits: Decimal | None
    average_materials: Decimal | None
    average_steps: Decimal | None
    average_statutory_days: Decimal | None
    average_promised_days: Decimal | None
    promised_to_statutory: Decimal | None  # Σ promised / Σ statutory (%)
    compression_rate: Decimal | None  # 承诺时限压缩比: 100 − the above (%)
    immediate_rate: Decimal | None  # 即办件比例 (%)
    timed_items: int  # items with both limits, the base of the time figures

    @property
    def incomplete(self) -> int:
        return self.total - self.measured


def _average(total: float, n: int) -> Decimal | None:
    if not n:
        return None
    return (Decimal(total) / Decimal(n)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def catalog_statistics(region: Region | None = None) -> CatalogStatistics:
    """The catalog's indicators, for the whole catalog or one region and below."""
    items = _in_region(ImplementationItem.objects.published(), region)
    total = items.count()

    level_counts = dict(items.values_list("exercise_level").annotate(n=Count("id")))
    by_level = [
        CountRow(
            str(lv.value),
            str(lv.label),
            level_counts[lv.value],
            _percent(level_counts[lv.value], total),
        )
        for lv in AdministrativeLevel
        if level_counts.get(lv.value)
    ]
    type_counts = dict(items.values_list("item_type").annotate(n=Count("id")))
    by_type = [
        CountRow(t.value, str(t.label), type_counts[t.value], _percent(type_counts[t.value], total))
        for t in ItemType
        if type_counts.get(t.value)
    ]

    complete = items.filter(elements_complete=True)
    rows = list(
        complete.annotate(material_count=Count("materials")).values_list(
            "online",
            "fully_online",
            "visits_required",
            "procedure",
            "statutory_limit_days",
            "promised_limit_days",
            "case_type",
            "material_count",
        )
    )
    n = len(rows)
    online = sum(1 for r in rows if r[0])
    fully = sum(1 for r in rows if r[1])
    visits = [r[2] or 0 for r in rows]
    steps = sum(len(r[3] or []) for r in rows)
    timed = [(r[4], r[5]) for r in rows if r[4] is not None and r[5] is not None]
    statutory_sum = sum(s for s, _p in timed)
    promised_sum = sum(p for _s, p in timed)
    ratio = _percent(promised_sum, statutory_sum)
    return CatalogStatistics(
        total=total,
        measured=n,
        by_level=by_level,
        by_type=by_type,
        online_rate=_percent(online, n),
        fully_online_rate=_percent(fully, n),
        zero_visit_rate=_percent(sum(1 for v in visits if v == 0), n),
        at_most_one_visit_rate=_percent(sum(1 for v in visits if v <= 1), n),
        average_visits=_average(sum(visits), n),
        average_materials=_average(sum(r[7] for r in rows), n),
        average_steps=_average(steps, n),
        average_statutory_days=_average(statutory_sum, len(timed)),
        average_promised_days=_average(promised_sum, len(timed)),
        promised_to_statutory=ratio,
        compression_rate=(Decimal(100) - ratio) if ratio is not None else None,
        immediate_rate=_percent(sum(1 for r in rows if r[6] == CaseType.IMMEDIATE), n),
        timed_items=len(timed),
    )


# ---------------------------------------------------------------------------------------
# Filters of the public search page
# ---------------------------------------------------------------------------------------


@dataclass
class SearchFilterOptions:
    regions: list[Region]
    departments: list[Department]
    levels: list[tuple[int, str]]
    item_types: list[tuple[str, str]]


def search_filter_options() -> SearchFilterOptions:
    """What the search filters offer: only regions, bodies, levels and types in the catalog.

    Regions are the provinces, cities and counties that have published items in their subtree.
    """
    items = ImplementationItem.objects.published()
    codes = set(items.values_list("region__code", flat=True).distinct())
    # A division's 12-digit code is its prefix padded with zeros (510000000000 四川省).
    candidates = {c[:n].ljust(12, "0") for c in codes for n in (2, 4, 6)}
    regions = list(
        Region.objects.filter(code__in=candidates, level__lte=RegionLevel.COUNTY).order_by("code")
    )
    departments = list(
        Department.objects.filter(items__state=ItemState.PUBLISHED)
        .distinct()
        .order_by("region__code", "name")
    )
    levels_present = set(items.values_list("exercise_level", flat=True).distinct())
    types_present = set(items.values_list("item_type", flat=True).distinct())
    return SearchFilterOptions(
        regions=regions,
        departments=departments,
        levels=[
            (lv.value, str(lv.label)) for lv in AdministrativeLevel if lv.value in levels_present
        ],
        item_types=[(t.value, str(t.label)) for t in ItemType if t.value in types_present],
    )
