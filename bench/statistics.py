"""Reform statistics (改革统计) over a million cases: the dashboard's latency as ratios to get(pk).

Run by hand against PostgreSQL (it refuses SQLite):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/statistics.py --cases 1000000 --ratings 200000

It creates (and drops first) a separate database, `govserve_bench_statistics` by default
(`--database`), migrates it and writes, with `bulk_create`: 100 counties under 10 cities, 6
departments per county (600), one implementation item per department, 2,000 citizens, and
`--cases` cases spread over the last 12 months (submitted, accepted the day of receipt, 85 %
decided 1–16 working days later — some after the promised 10 — the rest still in review).
Ratings and tickets are not written as rows: a bench-only metric source gives the figures
`--ratings` ratings (and a quarter as many tickets) would, per item and month, to the same
refresh. Then `govserve.supervision.stats.services.refresh` runs over the 12 months (timed:
the hourly job refreshes two), and, in interleaved repetitions (`--repeat`):

- baseline: `Case.objects.get(pk=…)`;
- the dashboard selector (`selectors.dashboard`, 12 months, supervisor figures) for a county,
  a city and the province;
- the dashboard page (`GET /statistics/dashboard/?region=…`, signed in as a superuser, the
  whole middleware stack and template) for the same three, and the public page for the county;

p50/p95 of each and their ratios to the baseline, the aggregate rows each read, and process RSS
before and after. `--keep` reuses the database of an earlier run when it holds the cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Callable

from _benchlib import machine_line, percentile, prepare_database, require_postgres, rss_mb
from _benchlib import setup_django as _setup_django

SYLLABLES = "安平宁江山河阳城南北东西清源丰华兴泰和长乐永新宝昌德云龙台明光远庆武"
BUREAUS = ["市场监督管理局", "卫生健康局", "住房和城乡建设局", "交通运输局", "教育局", "民政局"]
ITEMS = ["食品经营许可", "公共场所卫生许可", "建筑工程施工许可证核发", "道路货物运输经营许可",
         "民办学校办学许可", "养老机构备案"]  # fmt: skip
MONTHS = 12


def place_name(n: int, suffix: str) -> str:
    return SYLLABLES[n % len(SYLLABLES)] + SYLLABLES[(n * 7 + 3) % len(SYLLABLES)] + suffix


def build_world(cases: int, seed: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from govserve.accounts.models import AccountType, User
    from govserve.cases.models import Case, CaseState, Channel
    from govserve.regions.models import Department, Region, level_for_region
    from govserve.supervision.stats.services import last_months
    from govserve.workcalendar.deadlines import add_working_days, is_working_day
    from tests.catalog.factories import ImplementationItemFactory
    from tests.regions.factories import make_uscc

    rng = random.Random(seed)
    started = time.perf_counter()
    province = Region.objects.create(
        code="510000000000", name="四川省", full_name="四川省", level=1
    )
    departments: list[Department] = []
    for c in range(10):
        city_name = place_name(c, "市")
        city = Region.objects.create(
            code=f"51{c + 1:02d}00000000", name=city_name, full_name="四川省" + city_name,
            level=2, parent=province,
        )  # fmt: skip
        for k in range(10):
            county_name = place_name(c * 10 + k + 5, "县")
            county = Region.objects.create(
                code=f"51{c + 1:02d}{k + 21:02d}000000", name=county_name,
                full_name=city.full_name + county_name, level=3, parent=city,
            )  # fmt: skip
            for bureau in BUREAUS:
                departments.append(
                    Department(
                        name=city_name + county_name + bureau, short_name="县" + bureau,
                        uscc=make_uscc(50000000 + len(departments)), region=county,
                        level=level_for_region(county),
                    )
                )  # fmt: skip
    Department.objects.bulk_create(departments)
    items = [
        ImplementationItemFactory(
            department=d, region=d.region, name=ITEMS[i % 6],
            promised_limit_days=10 if i % 5 else 15, visits_required=(i % 4),
            procedure=[{"name": str(n)} for n in range(3 + i % 3)],
        )
        for i, d in enumerate(departments)
    ]  # fmt: skip
    citizens = User.objects.bulk_create(
        User(username=f"bench-stats-{n}", password="!", real_name=f"测试{n}",
             account_type=AccountType.PERSON, assurance_level=2)
        for n in range(2000)
    )  # fmt: skip
    print(
        f"world: 1 province, 10 cities, 100 counties, {len(departments)} departments, "
        f"{len(items)} items, {len(citizens)} citizens ({time.perf_counter() - started:.1f} s)"
    )

    today = timezone.localdate()
    first = last_months(MONTHS, today)[0]
    days = []
    day = first
    while day < today:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    due = {(d, n): add_working_days(d, n).due for d in days for n in (5, 10, 15, 20)}
    later = {(d, n): add_working_days(d, n).due for d in days for n in range(1, 17)}
    tz = timezone.get_current_timezone()
    batch = 5000
    started = time.perf_counter()
    for start in range(0, cases, batch):
        rows = []
        for n in range(start, min(cases, start + batch)):
            item = items[rng.randrange(len(items))]
            received = days[rng.randrange(len(days))]
            spent = rng.randint(1, 16)
            decided = later[(received, spent)]
            done = decided < today and rng.random() < 0.85
            case = Case(
                number=f"BENCHS{n:010d}", item=item, region_id=item.region_id,
                department_id=item.department_id, title=item.name,
                applicant=citizens[rng.randrange(len(citizens))], applicant_name="测试",
                applicant_id_number="", channel=Channel.ONLINE if n % 4 else Channel.COUNTER,
                submitted_at=dt.datetime.combine(received, dt.time(9), tzinfo=tz),
                received_on=received, acceptance_due=due[(received, 5)], accepted_on=received,
                statutory_limit_days=20, promised_limit_days=item.promised_limit_days,
                statutory_due=due[(received, 20)],
                promised_due=due[(received, item.promised_limit_days)],
                visits_count=rng.choice((0, 0, 1, 1, 2, 3)), saved_materials=rng.choice((0, 0, 1)),
            )  # fmt: skip
            if done:
                case.state = CaseState.CLOSED
                case.outcome = "approved"
                case.decided_at = case.closed_at = dt.datetime.combine(
                    decided, dt.time(15), tzinfo=tz
                )
            else:
                case.state = CaseState.IN_REVIEW
                case.current_due = case.promised_due
            rows.append(case)
        with transaction.atomic():
            Case.objects.bulk_create(rows)
        written = start + len(rows)
        if written % 200000 == 0 or written == cases:
            print(
                f"  {written:>9,} cases, {written / (time.perf_counter() - started):,.0f}/s",
                flush=True,
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"cases written in {time.perf_counter() - started:.1f} s (with VACUUM ANALYZE)")


def synthetic_source(ratings: int, seed: int) -> Callable:
    """Figures `ratings` ratings (and ratings / 4 tickets) would give, per item and month."""
    from govserve.catalog.models import ImplementationItem
    from govserve.supervision.registries import MetricRow

    items = list(ImplementationItem.objects.values_list("pk", "region_id", "department_id"))
    per_cell = max(1, ratings // (len(items) * MONTHS))

    def rows(month: dt.date):
        rng = random.Random(seed * 1000 + month.toordinal())
        for pk, region, department in items:
            n = rng.randint(per_cell // 2, per_cell * 3 // 2)
            levels = [0] * 6
            for _ in range(n):
                levels[rng.choices((1, 2, 3, 4, 5), (55, 30, 9, 4, 2))[0]] += 1
            bad = levels[4] + levels[5]
            tickets = n // 4
            for metric, count in (
                ("ratings.count", n), ("ratings.satisfied", levels[1] + levels[2] + levels[3]),
                ("ratings.bad", bad), ("ratings.bad_rectified", bad - bad // 5),
                *((f"ratings.level_{k}", levels[k]) for k in range(1, 6)),
                ("tickets.count", tickets), ("tickets.replied", tickets),
                ("tickets.replied_on_time", tickets - tickets // 10),
                ("supervision.red_cards", int(rng.random() < 0.05)),
            ):  # fmt: skip
                if count:
                    yield MetricRow(metric, month, region, department, pk, count)

    return rows


def refresh_all(services, months) -> None:
    from govserve.supervision.stats.models import MonthlyFigure

    started = time.perf_counter()
    services.refresh_items()
    per_month = []
    regions = services._Regions()
    for month in months:
        t = time.perf_counter()
        rows = services.refresh_month(month, regions)
        per_month.append((month, rows, time.perf_counter() - t))
    total = time.perf_counter() - started
    print(
        f"refresh of {MONTHS} months: {total:.1f} s, "
        f"{MonthlyFigure.objects.count():,} aggregate rows "
        f"(per month {min(s for *_x, s in per_month):.1f}–{max(s for *_x, s in per_month):.1f} s, "
        f"{min(r for _m, r, _s in per_month):,}–{max(r for _m, r, _s in per_month):,} rows)"
    )


def time_ops(ops, repeat: int) -> dict[str, list[float]]:
    for _label, op in ops:
        for _ in range(10):
            op()
    times: dict[str, list[float]] = {label: [] for label, _op in ops}
    for _ in range(repeat):
        for label, op in ops:
            start = time.perf_counter()
            op()
            times[label].append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--ratings", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--database", default="govserve_bench_statistics")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--skip-refresh", action="store_true", help="with --keep: reuse the aggregate rows"
    )
    args = parser.parse_args()

    url, existed = prepare_database(require_postgres(), args.database, keep=args.keep)
    _setup_django(url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govserve.accounts.models import User
    from govserve.cases.models import Case
    from govserve.regions.models import Region
    from govserve.supervision.registries import METRIC_SOURCES
    from govserve.supervision.stats import selectors, services, sources
    from govserve.supervision.stats.models import MonthlyFigure
    from govserve.supervision.stats.query import query_from

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

    # This part's sources over the real cases, plus the synthetic ratings/tickets source (the
    # other parts' own sources read their empty tables here).
    METRIC_SOURCES._parts = {  # type: ignore[attr-defined]
        "cases": sources.case_rows,
        "licences": sources.licence_rows,
        "catalog": sources.catalog_rows,
        "bench-ratings": synthetic_source(args.ratings, args.seed),
    }
    months = services.last_months(MONTHS)
    if args.skip_refresh and MonthlyFigure.objects.exists():
        print(f"reusing {MonthlyFigure.objects.count():,} aggregate rows")
    else:
        refresh_all(services, months)
    rss.append(("after refresh", rss_mb()))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rng = random.Random(args.seed)
    province = Region.objects.get(level=1)
    city = Region.objects.filter(level=2).order_by("code")[3]
    county = Region.objects.filter(level=3).order_by("code")[42]
    period = selectors.Period(months[0], months[-1])
    decided = MonthlyFigure.objects.filter(kind="region", region=province, metric="cases.decided")
    print(
        f"period {period}; decided in the period (province): "
        f"{sum(r.count for r in decided):,}; county {county.full_name}, city {city.full_name}"
    )
    max_pk = Case.objects.order_by("-pk").values_list("pk", flat=True).first()
    min_pk = Case.objects.order_by("pk").values_list("pk", flat=True).first()

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    admin, _ = User.objects.get_or_create(
        username="bench-stats-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(admin)
    anonymous = Client()
    params = {"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"}

    def page(c, path, region):
        def get():
            response = c.get(path, {**params, "region": region.code})
            assert response.status_code == 200, response.status_code

        return get

    def selector(region):
        return lambda: selectors.dashboard(region, period, public=False)

    ops: list[tuple[str, Callable[[], object]]] = [
        (
            "baseline: Case.objects.get(pk=…)",
            lambda: Case.objects.get(pk=rng.randint(min_pk, max_pk)),
        ),
    ]
    for name, region in (("county", county), ("city", city), ("province", province)):
        ops.append((f"selector dashboard(), {name}", selector(region)))
    for name, region in (("county", county), ("city", city), ("province", province)):
        ops.append(
            (f"page /statistics/dashboard/, {name}", page(client, "/statistics/dashboard/", region))
        )
    ops.append(("page /statistics/ (public), county", page(anonymous, "/statistics/", county)))
    query_from({**params, "region": county.code})  # parameters parse

    reads = {}
    for label, op in ops[1:4]:
        with CaptureQueriesContext(connection) as captured:
            d = op()
        reads[label] = (len(captured.captured_queries), d)
    times = time_ops(ops, args.repeat)
    rss.append((f"after {(args.repeat + 10) * len(ops)} runs", rss_mb()))

    base50 = percentile(times[ops[0][0]], 50)
    base95 = percentile(times[ops[0][0]], 95)
    width = max(len(label) for label, _op in ops) + 2
    print(f"\n{args.repeat} timed runs each, interleaved, after 10 warm-up runs")
    print(
        f"{'operation':<{width}}  {'p50 ms':>8}  {'p95 ms':>8}  {'×p50':>6}  {'×p95':>6}  queries"
    )
    for label, _op in ops:
        p50, p95 = percentile(times[label], 50), percentile(times[label], 95)
        queries = str(reads[label][0]) if label in reads else ""
        print(
            f"{label:<{width}}  {p50:>8.2f}  {p95:>8.2f}  {p50 / base50:>6.1f}  "
            f"{p95 / base95:>6.1f}  {queries}"
        )
    for label, (_n, d) in reads.items():
        figures = {f.key: f.value for f in d.figures}
        print(
            f"{label}: applications {figures['applications']:,.0f}, "
            f"on time {figures['on_time_rate']} %, "
            f"p90 {figures['p90_decision_days']} working days, ratings {figures['ratings']:,.0f}, "
            f"satisfaction {figures['satisfaction']} %"
        )
    print("\nRSS (MB): " + ", ".join(f"{what} {value:.1f}" for what, value in rss))


if __name__ == "__main__":
    main()
