"""The supervisor's workbench (电子监察) over a million open cases: latency as ratios to get(pk).

Run by hand against PostgreSQL (it refuses SQLite):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/supervision.py --cases 1000000

It creates (and drops first) `govserve_bench_supervision` (`--database`), migrates it and
writes the cases exactly as bench/overdue.py does (its `build_world`: 10 cities × 10 counties ×
6 departments, one item per department, states submitted 20 % / correction 5 % / in review
60 % / decided 15 %, `current_due` over today ± 60 days, the clock stopped on 1 in 12 cases
in review) — with the two partial indexes dropped during the load and built after it — plus
one open clock suspension per stopped case (reasons in turn, started 0–80 days ago) and 2 % of
the cases deemed accepted. `--keep` reuses a database that already holds the cases.

Then, as three supervisors would see it — a county's (subtree grant), a city's (subtree
grant over 10 counties) and a department's (grant naming the department) — in interleaved
repetitions (`--repeat`) after 20 warm-up runs, the project's own selectors
(`govserve.supervision.selectors`):

- the county's and the city's overdue (red) and due-soon (yellow) lists: `case_page`, the
  first page of 50 by due date with item, department and region, one more row read to know
  whether there is a next page; the department's overdue list the same;
- the summary tiles (`summary`: open per stage and every category's count) of the county and
  the city, and the counts per department and per item (one GROUP BY each);
- baseline: `Case.objects.get(pk=…)` of a random case.

p50/p95 and their ratios to the baseline, EXPLAIN ANALYZE of the county's and the city's
overdue page queries, RSS before and after.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable

from _benchlib import machine_line, percentile, prepare_database, require_postgres, rss_mb
from _benchlib import setup_django as _setup_django

PARTIAL = ("case_running_dept_due", "case_running_region_due")


def load(cases: int, seed: int) -> None:
    from django.db import connection
    from overdue import build_world

    from govserve.cases.models import Case

    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {', '.join(PARTIAL)}")
    build_world(cases, seed)
    started = time.perf_counter()
    with connection.schema_editor() as editor:
        for index in Case._meta.indexes:
            if index.name in PARTIAL:
                editor.add_index(Case, index)
    reasons = [
        "hearing",
        "tendering",
        "auction",
        "inspection",
        "testing",
        "quarantine",
        "appraisal",
        "expert_review",
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user ORDER BY id LIMIT 1")
        user_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO cases_clocksuspension (case_id, department_id, reason, explanation, "
            "starts_on, expected_end, requested_by_id, created_at) "
            "SELECT id, department_id, (%s::text[])[1 + id %% 8], '基准测试', "
            "CURRENT_DATE - (id %% 80)::int, CURRENT_DATE - (id %% 80)::int + 30, %s, now() "
            "FROM cases_case WHERE clock_stopped",
            [reasons, user_id],
        )
        cursor.execute(
            "UPDATE cases_case SET deemed_accepted = true WHERE id %% 50 = 0 "
            "AND state IN ('in_review', 'decided')",
            [],
        )
        cursor.execute("VACUUM ANALYZE")
    print(
        f"partial indexes, suspensions, deemed acceptances and VACUUM ANALYZE in "
        f"{time.perf_counter() - started:.1f} s"
    )


def time_ops(ops, repeat: int) -> dict[str, list[float]]:
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--database", default="govserve_bench_supervision")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--lists-only", action="store_true", help="skip the tiles and counts")
    args = parser.parse_args()

    url, existed = prepare_database(require_postgres(), args.database, keep=args.keep)
    _setup_django(url)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from govserve.accounts.models import Role, RoleGrant, User
    from govserve.cases.models import Case
    from govserve.regions.models import Department, Region
    from govserve.supervision import selectors
    from govserve.supervision.scope import supervisor_scope
    from govserve.supervision.selectors import Category, Filters

    call_command("migrate", verbosity=0)
    print(machine_line(f"; database {args.database}"))
    count = Case.objects.count() if existed else 0
    if existed and count == args.cases:
        print(f"reusing {count:,} cases in {args.database}")
    else:
        if count:
            sys.exit(f"{args.database} holds {count:,} cases, not {args.cases:,}")
        load(args.cases, args.seed)
    rss = [("after setup", rss_mb())]

    rng = random.Random(args.seed)
    county = rng.choice(list(Region.objects.filter(level=3).order_by("pk")))
    city = county.parent
    department = rng.choice(list(Department.objects.filter(region=county).order_by("pk")))

    def supervisor(name: str, region, dept=None):
        user, _ = User.objects.get_or_create(
            username=name, defaults={"account_type": "staff", "is_staff": True, "region": region}
        )
        RoleGrant.objects.get_or_create(
            user=user,
            role=Role.SUPERVISOR,
            region=region,
            department=dept,
            defaults={"covers_subtree": dept is None},
        )
        return supervisor_scope(user)

    county_scope = supervisor("bench-county-sup", county)
    city_scope = supervisor("bench-city-sup", city)
    dept_scope = supervisor("bench-dept-sup", county, department)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    today = timezone.localdate()
    in_county = Case.objects.filter(region=county).count()
    in_city = Case.objects.filter(region__code__startswith=city.prefix).count()
    print(
        f"today {today}; county {county.full_name} ({in_county:,} open cases), city "
        f"{city.full_name} ({in_city:,}), department {department.name}"
    )
    pks = list(
        Case.objects.order_by("pk").values_list("pk", flat=True)[:: max(1, args.cases // 5000)]
    )

    def by_pk():
        Case.objects.get(pk=rng.choice(pks))

    red, yellow = Filters(category=Category.RED), Filters(category=Category.YELLOW)

    def page(scope, filters):
        return lambda: selectors.case_page(scope, filters, today=today)

    ops: list[tuple[str, Callable[[], object]]] = [
        ("baseline: Case.objects.get(pk=…)", by_pk),
        ("county, overdue (page of 50)", page(county_scope, red)),
        ("county, due soon (page of 50)", page(county_scope, yellow)),
        ("city, overdue (page of 50)", page(city_scope, red)),
        ("city, due soon (page of 50)", page(city_scope, yellow)),
        ("department, overdue (page of 50)", page(dept_scope, red)),
        ("county, summary tiles", lambda: selectors.summary(county_scope, today)),
        (
            "county, counts per department",
            lambda: selectors.counts_by_department(county_scope, today),
        ),
        ("county, counts per item", lambda: selectors.counts_by_item(county_scope, today)),
        ("city, summary tiles", lambda: selectors.summary(city_scope, today)),
        ("city, counts per department", lambda: selectors.counts_by_department(city_scope, today)),
        ("city, counts per item", lambda: selectors.counts_by_item(city_scope, today)),
    ]
    if args.lists_only:
        ops = ops[:6]
    # What the lists hold: in range, clock running, in due order; the tiles agree.
    for scope in (county_scope, city_scope, dept_scope):
        for filters in (red, yellow):
            got = selectors.case_page(scope, filters, today=today)
            dues = [(r.case.current_due, r.case.pk) for r in got.rows]
            assert dues == sorted(dues) and 0 < len(got.rows) <= 50, filters
            assert all(r.colour == filters.category for r in got.rows), filters
    tiles = selectors.summary(county_scope, today).tiles
    print("county tiles: " + ", ".join(f"{k} {v:,}" for k, v in tiles.items()))
    tiles = selectors.summary(city_scope, today).tiles
    print("city tiles: " + ", ".join(f"{k} {v:,}" for k, v in tiles.items()))

    times = time_ops(ops, args.repeat)
    rss.append((f"after {(args.repeat + 20) * len(ops):,} calls", rss_mb()))
    base50 = percentile(times[ops[0][0]], 50)
    base95 = percentile(times[ops[0][0]], 95)
    print(f"\n{args.repeat} timed runs each, interleaved, after 20 warm-up runs")
    print(
        "| what | p50 | p95 | p50 / get(pk) | p95 / get(pk) |\n| --- | ---: | ---: | ---: | ---: |"
    )
    for label, _op in ops:
        p50, p95 = percentile(times[label], 50), percentile(times[label], 95)
        print(
            f"| {label} | {p50:.2f} ms | {p95:.2f} ms | ×{p50 / base50:.1f} | ×{p95 / base95:.1f} |"
        )

    print("\nEXPLAIN ANALYZE of the overdue pages (one range scan per region key)")
    for label, scope in (("county", county_scope), ("city", city_scope)):
        with CaptureQueriesContext(connection) as captured:
            selectors.case_page(scope, red, today=today)
        for n, query in enumerate(captured.captured_queries):
            sql = query["sql"]
            if "cases_case" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
            print(f"\n-- {label}, query {n + 1} of {len(captured.captured_queries)}\n{plan}")
            if label == "city" and n > 2:
                break
    rss.append(("at the end", rss_mb()))
    print("\nRSS (MB): " + ", ".join(f"{what} {value:.1f}" for what, value in rss))


if __name__ == "__main__":
    main()
