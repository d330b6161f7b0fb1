"""The figures the statistics show: metric names (what the aggregate rows count), indicators
(how a figure is computed from the summed rows) and the seed's yardsticks (DOMAIN.md §7).

A metric's rows are summed over the months of a period, except the catalog's (`catalog.*`),
which describe the catalog at a refresh: for those the last month of the period counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Working days to decision are kept as a histogram (one metric per day, the last bucket open),
# so the 90th percentile comes from the aggregate rows.
HIST_PREFIX = "cases.decision_days.hist."
HIST_MAX = 60  # bucket HIST_MAX holds every case decided after HIST_MAX or more working days

SNAPSHOT_PREFIX = "catalog."

# Yardsticks per item (the seed: Guizhou's provincial permits; Guangdong's 2015 targets).
MAX_STEPS = 4  # < 4 steps
MAX_DAYS = 13  # < 13 working days
MAX_MATERIALS = 7  # < 7 materials
MAX_VISITS = 2  # ≤ 2 visits
MIN_FULLY_ONLINE = 30  # ≥ 30 % of items fully online
MIN_ONE_VISIT = 70  # 70 % of items ≤ 1 visit


@dataclass(frozen=True)
class Indicator:
    """How one figure is computed from metric sums.

    `how`: "count" (the metric's count), "total" (its total), "rate" (count of `metric` over
    count of `base`, in %), "average" (total / count of `metric`), "ratio" (total of `metric`
    over total of `base`, in %), "saving" (100 − ratio), "p90" (from the histogram).
    `target`: (operator, value) where the seed sets one: "<", "<=", ">=".
    """

    key: str
    label: object
    group: str
    how: str
    metric: str
    base: str = ""
    unit: object = ""
    target: tuple[str, float] | None = None
    public: bool = True


GROUPS = {
    "catalog": _("事项（实施清单）"),
    "cases": _("办件"),
    "licences": _("电子证照"),
    "ratings": _("好差评"),
    "tickets": _("投诉建议（12345）"),
    "supervision": _("电子监察"),
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator("items", _("已发布事项"), "catalog", "count", "catalog.items", unit=_("项")),
    Indicator(
        "online_rate", _("网上可办率"), "catalog", "rate", "catalog.online", "catalog.measured", "%"
    ),
    Indicator(
        "fully_online_rate",
        _("全程网办率"),
        "catalog",
        "rate",
        "catalog.fully_online",
        "catalog.measured",
        "%",
        (">=", MIN_FULLY_ONLINE),
    ),
    Indicator(
        "immediate_rate",
        _("即办件比例"),
        "catalog",
        "rate",
        "catalog.immediate",
        "catalog.measured",
        "%",
    ),
    Indicator(
        "one_visit_rate",
        _("最多跑一次比例"),
        "catalog",
        "rate",
        "catalog.one_visit",
        "catalog.measured",
        "%",
        (">=", MIN_ONE_VISIT),
    ),
    Indicator(
        "compression",
        _("承诺时限压缩比"),
        "catalog",
        "saving",
        "catalog.promised_days",
        "catalog.statutory_days",
        "%",
    ),
    Indicator(
        "average_promised_days",
        _("平均承诺时限（工作日）"),
        "catalog",
        "average",
        "catalog.promised_days",
        target=("<", MAX_DAYS),
    ),
    Indicator(
        "average_materials",
        _("平均申请材料（件）"),
        "catalog",
        "average",
        "catalog.materials",
        target=("<", MAX_MATERIALS),
    ),
    Indicator(
        "average_visits",
        _("平均跑动次数"),
        "catalog",
        "average",
        "catalog.visits",
        target=("<=", MAX_VISITS),
    ),
    Indicator(
        "average_steps",
        _("平均办理环节"),
        "catalog",
        "average",
        "catalog.steps",
        target=("<", MAX_STEPS),
    ),
    Indicator("applications", _("申请件数"), "cases", "count", "cases.applications", unit=_("件")),
    Indicator("accepted", _("受理件数"), "cases", "count", "cases.accepted", unit=_("件")),
    Indicator(
        "accepted_in_limit_rate",
        _("按期受理率"),
        "cases",
        "rate",
        "cases.accepted_in_limit",
        "cases.accepted",
        "%",
    ),
    Indicator(
        "deemed_accepted",
        _("逾期视为受理"),
        "cases",
        "count",
        "cases.deemed_accepted",
        unit=_("件"),
    ),
    Indicator("decided", _("办结件数"), "cases", "count", "cases.decided", unit=_("件")),
    Indicator(
        "average_decision_days",
        _("平均办理用时（工作日）"),
        "cases",
        "average",
        "cases.decision_days",
        target=("<", MAX_DAYS),
    ),
    Indicator("p90_decision_days", _("90% 办件用时不超过（工作日）"), "cases", "p90", HIST_PREFIX),
    Indicator(
        "on_time_rate", _("按时办结率"), "cases", "rate", "cases.on_time", "cases.decided", "%"
    ),
    Indicator("suspended", _("暂停计时次数"), "cases", "count", "cases.suspended", unit=_("次")),
    Indicator("extended", _("延期件数"), "cases", "count", "cases.extended", unit=_("件")),
    Indicator(
        "average_case_visits",
        _("每件平均到现场次数"),
        "cases",
        "average",
        "cases.visits",
        target=("<=", MAX_VISITS),
    ),
    Indicator(
        "materials_saved", _("免提交材料（份）"), "licences", "total", "cases.materials_saved"
    ),
    Indicator(
        "licences_issued", _("电子证照发证数"), "licences", "count", "licences.issued", unit=_("张")
    ),
    Indicator(
        "licences_reused",
        _("电子证照复用次数"),
        "licences",
        "count",
        "licences.reused",
        unit=_("次"),
    ),
    Indicator(
        "ratings", _("评价数"), "ratings", "count", "ratings.count", unit=_("条"), public=False
    ),
    Indicator(
        "satisfaction",
        _("满意率"),
        "ratings",
        "rate",
        "ratings.satisfied",
        "ratings.count",
        "%",
        public=False,
    ),
    Indicator(
        "bad_ratings", _("差评数"), "ratings", "count", "ratings.bad", unit=_("条"), public=False
    ),
    Indicator(
        "rectification_rate",
        _("差评整改率"),
        "ratings",
        "rate",
        "ratings.bad_rectified",
        "ratings.bad",
        "%",
        public=False,
    ),
    Indicator(
        "tickets", _("诉求件数"), "tickets", "count", "tickets.count", unit=_("件"), public=False
    ),
    Indicator(
        "tickets_on_time_rate",
        _("按时答复率"),
        "tickets",
        "rate",
        "tickets.replied_on_time",
        "tickets.replied",
        "%",
        public=False,
    ),
    Indicator(
        "red_cards",
        _("红牌数"),
        "supervision",
        "count",
        "supervision.red_cards",
        unit=_("张"),
        public=False,
    ),
)

# The five levels of GB/T 39734 as ratings.models.Level numbers them (1 = 非常不满意), listed
# from the best down.
RATING_LEVELS = {
    5: _("非常满意"),
    4: _("满意"),
    3: _("基本满意"),
    2: _("不满意"),
    1: _("非常不满意"),
}

# The monthly trends drawn as charts (and tabled): key → (label, how, metric, base, public).
TRENDS: tuple[Indicator, ...] = tuple(
    i
    for i in INDICATORS
    if i.key
    in {
        "applications",
        "decided",
        "on_time_rate",
        "average_decision_days",
        "licences_reused",
        "satisfaction",
        "tickets_on_time_rate",
    }
)

# Per-item yardsticks: key → (label, the ItemFigure filter that FAILS it, catalog metric).
YARDSTICKS = (
    ("steps", _("办理环节少于 4 个"), "catalog.fail.steps"),
    ("days", _("承诺时限少于 13 个工作日"), "catalog.fail.days"),
    ("materials", _("申请材料少于 7 件"), "catalog.fail.materials"),
    ("visits", _("到现场不超过 2 次"), "catalog.fail.visits"),
)

# Figures broken down by department and by the next level of regions.
BREAKDOWN_METRICS = (
    "cases.applications",
    "cases.decided",
    "cases.on_time",
    "cases.decision_days",
)

CASE_METRICS = (
    "cases.applications",
    "cases.accepted",
    "cases.accepted_in_limit",
    "cases.deemed_accepted",
    "cases.decided",
    "cases.decision_days",
    "cases.on_time",
    "cases.suspended",
    "cases.extended",
    "cases.visits",
    "cases.materials_saved",
    "cases.bundle_serial_days",
    "cases.bundle_actual_days",
)


def is_snapshot(metric: str) -> bool:
    return metric.startswith(SNAPSHOT_PREFIX)


def meets(value: float | None, target: tuple[str, float] | None) -> bool | None:
    if value is None or target is None:
        return None
    op, bound = target
    if op == "<":
        return value < bound
    if op == "<=":
        return value <= bound
    return value >= bound


def target_text(target: tuple[str, float] | None) -> str:
    if target is None:
        return ""
    op, bound = target
    symbol = {"<": "<", "<=": "≤", ">=": "≥"}[op]
    return f"{symbol} {bound:g}"
