"""Overdue and due-soon lists over a million open cases (超期预警): latency as ratios.

Run by hand against PostgreSQL (it refuses SQLite):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/overdue.py --cases 1000000

It creates (and drops first) a separate database, `govserve_bench_overdue` by default
(`--database`), migrates it and writes `--cases` open cases with `bulk_create`: 100 counties
under 10 cities, 6 departments per county (600), one implementation item per department,
2,000 citizens; states submitted 20 % / correction 5 % / in review 60 % / decided 15 %, the
current due date spread evenly over today ± 60 days, the clock stopped on 5 % of the cases
in review. `--keep` reuses the database of an earlier run when it already holds the cases.

Then, in the same run, in interleaved repetitions (`--repeat`), for ONE department and for
ONE county (region), each list being the first page of 50 by due date (with the item and the
department, as a page shows them) and the count:

- overdue: current_due before today, clock running, state submitted / in review / decided;
- due soon: today ≤ current_due ≤ the third working day after today (working-day calendar);
- the project's own query over the same index, `govserve.cases.warnings.due_cases` (what the
  hourly deadline-warning job runs), red and yellow, for the department;
- baseline: `Case.objects.get(pk=…)` (a primary-key lookup of one case), and a raw
  `SELECT id FROM cases_case WHERE id = %s`;

p50/p95 of each and their ratios to the baseline, `EXPLAIN ANALYZE` of every list query
(which must use the indexes case_dept_due / case_region_due), process RSS before/after, and
— unless `--no-what-if` — the same lists again with two partial indexes on the open, running
cases (created in the bench database only, dropped afterwards), for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable

from _benchlib import machine_line, percentile, prepare_database, require_postgres, rss_mb
from _benchlib import setup_django as _setup_django

SYLLABLES = "安平宁江山河阳城南北东西清源丰华兴泰和长乐永新宝昌德云龙台明光远庆武"
BUREAUS = [
    ("市场监督管理局", "食品经营许可"),
    ("卫生健康局", "公共场所卫生许可"),
    ("住房和城乡建设局", "建筑工程施工许可证核发"),
    ("交通运输局", "道路货物运输经营许可"),
    ("教育局", "民办学校办学许可"),
    ("民政局", "养老机构备案"),
]
PAGE = 50


def place_name(n: int, suffix: str) -> str:
    return SYLLABLES[n % len(SYLLABLES)] + SYLLABLES[(n * 7 + 3) % len(SYLLABLES)] + suffix


def build_world(cases: int, seed: int) -> None:
    """Regions, departments, items, citizens, then `cases` open cases in bulk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from govserve.accounts.models import AccountType, User
    from govserve.cases.models import Case, CaseState, Channel
    from govserve.regions.models import Department, Region, level_for_region
    from tests.accounts.factories import make_resident_id
    from tests.catalog.factories import ImplementationItemFactory
    from tests.regions.factories import make_uscc

    rng = random.Random(seed)
    started = time.perf_counter()
    province = Region.objects.create(
        code="510000000000", name="四川省", full_name="四川省", level=1
    )
    departments: list[Department] = []
    for c in range(10):
        city_code = f"51{c + 1:02d}00000000"
        city_name = place_name(c, "市")
        city = Region.objects.create(
            code=city_code,
            name=city_name,
            full_name="四川省" + city_name,
            level=2,
            parent=province,
        )
        for k in range(10):
            county_name = place_name(c * 10 + k + 5, "县")
            county = Region.objects.create(
                code=f"51{c + 1:02d}{k + 21:02d}000000",
                name=county_name,
                full_name=city.full_name + county_name,
                level=3,
                parent=city,
            )
            for bureau, _item in BUREAUS:
                departments.append(
                    Department(
                        name=city_name + county_name + bureau,
                        short_name="县" + bureau,
                        uscc=make_uscc(40000000 + len(departments)),
                        region=county,
                        level=level_for_region(county),
                    )
                )
    Department.objects.bulk_create(departments)
    items = [
        ImplementationItemFactory(department=d, region=d.region, name=BUREAUS[i % 6][1])
        for i, d in enumerate(departments)
    ]
    citizens = User.objects.bulk_create(
        User(
            username=f"bench-citizen-{n}",
            password="!",
            real_name=f"测试{n}",
            # unique while n < 1000; the other half has no ID number on file
            id_number=make_resident_id(n, region="510101") if n < 1000 else None,
            account_type=AccountType.PERSON,
            assurance_level=2,
        )
        for n in range(2000)
    )
    print(
        f"world: 1 province, 10 cities, 100 counties, {len(departments)} departments, "
        f"{len(items)} items, {len(citizens)} citizens ({time.perf_counter() - started:.1f} s)"
    )

    today = timezone.localdate()
    now = timezone.now()
    states = (
        [CaseState.SUBMITTED] * 20
        + [CaseState.CORRECTION] * 5
        + [CaseState.IN_REVIEW] * 60
        + [CaseState.DECIDED] * 15
    )
    batch = 5000
    started = time.perf_counter()
    for first in range(0, cases, batch):
        rows = []
        for n in range(first, min(cases, first + batch)):
            i = rng.randrange(len(items))
            item, applicant = items[i], citizens[rng.randrange(len(citizens))]
            state = rng.choice(states)
            due = today + dt.timedelta(days=rng.randint(-60, 60))
            received = due - dt.timedelta(days=rng.randint(7, 40))
            case = Case(
                number=f"BENCH{n:010d}",
                item=item,
                region_id=item.region_id,
                department_id=item.department_id,
                title=item.name,
                applicant=applicant,
                applicant_name=applicant.real_name,
                applicant_id_number=applicant.id_number or "",
                channel=Channel.ONLINE if n % 4 else Channel.COUNTER,
                state=state,
                submitted_at=now,
                received_on=received,
                statutory_limit_days=20,
                promised_limit_days=10,
                clock_stopped=state == CaseState.IN_REVIEW and rng.random() < 1 / 12,
            )
            if state in (CaseState.SUBMITTED, CaseState.CORRECTION):
                case.acceptance_due = due
            else:
                case.accepted_on = received
                case.statutory_due = due + dt.timedelta(days=14)
                case.promised_due = due
                if state == CaseState.DECIDED:
                    case.delivery_due = due
                    case.outcome = "approved"
            case.current_due = due
            rows.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(rows)
        done = first + len(rows)
        if done % 100000 == 0 or done == cases:
            elapsed = time.perf_counter() - started
            print(f"  {done:>9,} cases, {done / elapsed:,.0f}/s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"cases written in {time.perf_counter() - started:.1f} s (with VACUUM ANALYZE)")


OPEN = ("submitted", "in_review", "decided")  # the states with a running deadline


def list_functions(today: dt.date, soon: dt.date) -> dict[str, tuple[Callable, bool]]:
    """label → (fn(department, region) → (page, total), ordered by due date?).

    The listings a reviewer's or supervisor's page shows — open cases of one department or
    one county, clock running, overdue or due soon, first page of 50 by due date with the
    item and department, and the count — are written here on the indexed columns: the
    project has no such selector (the inbox lists workflow tasks, not cases). The project's
    own query over the same index, `govserve.cases.warnings.due_cases` (what the hourly
    deadline-warning job runs per batch of departments), is measured beside them."""
    from govserve.cases.models import Case

    def listing(qs):
        page = list(qs[:PAGE])
        return page, qs.count()

    def base(**where):
        return (
            Case.objects.filter(state__in=OPEN, clock_stopped=False, **where)
            .select_related("item", "department")
            .order_by("current_due", "pk")
        )

    overdue = {"current_due__lt": today}
    due_soon = {"current_due__gte": today, "current_due__lte": soon}
    lists = {
        "department overdue": (lambda d, r: listing(base(department=d, **overdue)), True),
        "department due soon": (lambda d, r: listing(base(department=d, **due_soon)), True),
        "region overdue": (lambda d, r: listing(base(region=r, **overdue)), True),
        "region due soon": (lambda d, r: listing(base(region=r, **due_soon)), True),
    }
    try:
        from govserve.cases.models import WarningLevel
        from govserve.cases.warnings import due_cases
    except ImportError:
        return lists
    red, yellow = WarningLevel.RED, WarningLevel.YELLOW
    lists["department overdue, warnings.due_cases"] = (
        lambda d, r: listing(due_cases([d.pk], red, today, soon)),
        False,
    )
    lists["department due soon, warnings.due_cases"] = (
        lambda d, r: listing(due_cases([d.pk], yellow, today, soon)),
        False,
    )
    return lists


PARTIAL_INDEXES = [
    "CREATE INDEX bench_open_dept_due ON cases_case (department_id, current_due, id) "
    "WHERE state IN ('submitted', 'in_review', 'decided') AND NOT clock_stopped",
    "CREATE INDEX bench_open_region_due ON cases_case (region_id, current_due, id) "
    "WHERE state IN ('submitted', 'in_review', 'decided') AND NOT clock_stopped",
]


def time_ops(ops, repeat: int) -> dict[str, list[float]]:
    """Warm up, then `repeat` interleaved timed runs of every operation (ms)."""
    for _label, op in ops:
        for _ in range(20):
            op()
    times: dict[str, list[float]] = {label: [] for label, _op in ops}
    for _ in range(repeat):
        for label, op in ops:
            start = time.perf_counter()
            op()
            times[label].append((time.perf_counter() - start) * 1000)
    return times


def print_table(ops, times, totals, title: str) -> None:
    base50 = statistics.median(times[ops[0][0]])
    base95 = percentile(times[ops[0][0]], 95)
    width = max(len(label) for label, _op in ops) + 2
    print(f"\n{title}")
    print(f"{'query':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'×p50':>6}  {'×p95':>6}  rows/total")
    for label, _op in ops:
        p50, p95 = statistics.median(times[label]), percentile(times[label], 95)
        shown = "{}/{}".format(*totals[label]) if label in totals else ""
        print(
            f"{label:<{width}}  {p50:>8.2f}  {p95:>8.2f}  {p50 / base50:>6.1f}  "
            f"{p95 / base95:>6.1f}  {shown}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000, help="open cases to generate")
    parser.add_argument("--repeat", type=int, default=300, help="timed runs of each query")
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument(
        "--database", default="govserve_bench_overdue", help="PostgreSQL database to (re)create"
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the database if it already holds the cases"
    )
    parser.add_argument(
        "--no-what-if", action="store_true", help="skip the partial-index comparison"
    )
    args = parser.parse_args()

    url, existed = prepare_database(require_postgres(), args.database, keep=args.keep)
    _setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from govserve.cases.models import Case
    from govserve.regions.models import Department, Region
    from govserve.workcalendar.deadlines import add_working_days

    call_command("migrate", verbosity=0)
    print(machine_line(f"; database {args.database}"))
    count = Case.objects.count() if existed else 0
    if existed and count == args.cases:
        print(f"reusing {count:,} cases in {args.database}")
    else:
        if count:
            sys.exit(
                f"{args.database} holds {count:,} cases, not {args.cases:,}: run without --keep"
            )
        build_world(args.cases, args.seed)
    rss = [("after setup", rss_mb())]

    rng = random.Random(args.seed)
    today = timezone.localdate()
    soon = add_working_days(today, 3).due
    lists = list_functions(today, soon)
    department = rng.choice(list(Department.objects.filter(region__level=3).order_by("pk")))
    region = rng.choice(list(Region.objects.filter(level=3).order_by("pk")))
    with connection.cursor() as cursor:  # fresh planner statistics for every table
        cursor.execute("ANALYZE")
    print(
        f"today {today}, due soon up to {soon} (3 working days); department {department.name} "
        f"({Case.objects.filter(department=department).count():,} open cases), county "
        f"{region.full_name} ({Case.objects.filter(region=region).count():,} open cases)"
    )
    max_pk = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    min_pk = Case.objects.order_by("pk").values_list("pk", flat=True).first()

    def by_pk():
        Case.objects.get(pk=rng.randint(min_pk, max_pk))

    def raw_pk():
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM cases_case WHERE id = %s", [rng.randint(min_pk, max_pk)])
            cursor.fetchone()

    ops: list[tuple[str, Callable[[], object]]] = [
        ("baseline: Case.objects.get(pk=…)", by_pk),
        ("baseline: raw SELECT id … WHERE id = %s", raw_pk),
    ]
    totals = {}
    for label, (fn, ordered) in lists.items():
        page, total = fn(department, region)
        totals[label] = (len(page), total)
        ops.append((label, lambda fn=fn: fn(department, region)))
        # What the list holds: in range, clock running, ordered by due date (the warnings
        # query orders by department and state first).
        dues = [c.current_due for c in page]
        assert not ordered or dues == sorted(dues), label
        assert all(not c.clock_stopped and c.state in OPEN for c in page), label
        if "overdue" in label:
            assert all(d < today for d in dues), label
        else:
            assert all(today <= d <= soon for d in dues), label

    times = time_ops(ops, args.repeat)
    rss.append((f"after {(args.repeat + 20) * len(ops)} queries", rss_mb()))
    print_table(
        ops,
        times,
        totals,
        f"{args.repeat} timed runs each, interleaved, after 20 warm-up runs; each list is the "
        f"page of {PAGE} (with item and department) + the count",
    )
    print("\nEXPLAIN ANALYZE of the list queries")
    for label, plan in explain_plans(lists, department, region):
        print(f"\n-- {label}\n{plan}")

    if not args.no_what_if:
        # What partial indexes on the open, running cases would give (bench database only).
        with connection.cursor() as cursor:
            for sql in PARTIAL_INDEXES:
                cursor.execute(sql)
            cursor.execute("ANALYZE cases_case")
        times = time_ops(ops, args.repeat)
        print_table(
            ops,
            times,
            totals,
            "what if: the same with partial indexes (department|region, current_due, id) WHERE "
            "state IN (submitted, in_review, decided) AND NOT clock_stopped",
        )
        for label, plan in explain_plans(lists, department, region):
            if label.startswith("region overdue,"):
                print(f"\n-- {label}\n{plan}")
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX bench_open_dept_due, bench_open_region_due")
    rss.append(("at the end", rss_mb()))
    print("\nRSS (MB): " + ", ".join(f"{what} {value:.1f}" for what, value in rss))


def explain_plans(lists, department, region) -> list[tuple[str, str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of the page and count queries of each list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plans = []
    for label, (fn, _ordered) in lists.items():
        with CaptureQueriesContext(connection) as captured:
            fn(department, region)
        for query in captured.captured_queries:
            sql = query["sql"]
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            kind = "count" if "COUNT(" in sql.upper() else "page"
            plans.append((f"{label}, {kind}", plan))
    return plans


if __name__ == "__main__":
    main()
