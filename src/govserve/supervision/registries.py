"""Where the supervision sub-apps plug into each other (core.registry), so none imports another.

- `OVERDUE_SOURCES`: kinds of timed work that the escalation ladder (supervision.escalation)
  escalates when late: cases, 督办 replies, rectifications of bad ratings, tickets. A source
  yields `OverdueWork` for the work whose deadline passed, in batches, from an index.
- `CASE_HISTORY`: entries a sub-app adds to a case's timeline on the supervisor's drill-down
  (督办 notices, escalations, ratings, tickets about the case).
- `METRIC_SOURCES`: figures for the reform statistics (supervision.stats), counted per
  region, department, item and month into its aggregate tables.

Each sub-app registers its parts in its `AppConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from govserve.core.registry import Registry


@dataclass(frozen=True)
class OverdueWork:
    """One piece of late work. `key` identifies the work *and its stage* (e.g. "case:42:
    in_review", "ticket:7:reply"), so each escalation step happens once per stage."""

    kind: str  # the source's name in OVERDUE_SOURCES
    key: str
    object_id: int
    region_id: int
    department_id: int | None
    due: dt.date  # the deadline that passed (working days are counted from it)
    title: str  # what it is, for messages ("办件 511602-… 审查超期")
    url: str  # where the handler acts on it (a path)
    handler_ids: frozenset[int] = field(default_factory=frozenset)  # the people handling it now
    case_id: int | None = None  # the case it concerns, if any (for the case timeline)


class OverdueSource(Protocol):
    def __call__(self, today: dt.date, *, after_id: int = 0, limit: int = 500) -> list[OverdueWork]:
        """Late work with `object_id` > `after_id`, ordered by it, at most `limit` (batches)."""
        ...


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a case's timeline."""

    at: dt.datetime
    kind: str  # translated label: "督办", "升级", "评价", "投诉" …
    text: str
    url: str = ""


@dataclass(frozen=True)
class MetricRow:
    """A figure for one month, region, department and item (item None: not item-specific).
    `count` is how many things were counted; `total` the sum of a measured value (days, levels)
    whose average is total / count."""

    metric: str  # e.g. "ratings.count", "ratings.satisfied", "tickets.on_time"
    month: dt.date  # the first day of the month
    region_id: int
    department_id: int | None
    item_id: int | None
    count: int
    total: float = 0.0


# (first day of the month) → the rows of that month, recomputed in full each time.
MetricSource = Callable[[dt.date], Iterable[MetricRow]]

OVERDUE_SOURCES: Registry[OverdueSource] = Registry("overdue source")
CASE_HISTORY: Registry[Callable[[int], list[HistoryEntry]]] = Registry("case history source")
METRIC_SOURCES: Registry[MetricSource] = Registry("metric source")
