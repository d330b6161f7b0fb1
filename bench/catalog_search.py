"""Catalog search at national scale (检索性能): import rate and search latency, as ratios.

Run by hand against PostgreSQL (it refuses SQLite, the embedded default is not where a
national catalog lives):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govserve \\
        .venv/bin/python bench/catalog_search.py --items 1000000

It creates (and drops first) a separate database, `govserve_bench` by default, migrates it,
and generates ~1,500 implementation items for each of `--items / 1500` counties from the
real item names in ../shared/data/real-items.jsonl (a few percent get county variants such
as 新办/变更/县级, as real lists do). Then, in the same run:

- import rate: items written with bulk_create plus `index.rebuild()` (the bulk path the
  importer uses), against a bare multi-row INSERT of (id, name) rows of the same count;
- search latency p50/p95 of 50 realistic queries (Chinese words, pinyin initials, full
  pinyin, everyday phrases, one wrong character; half with a region filter), against a bare
  indexed lookup (primary key, and name equality) on the same tables;
- process RSS before and after.

`--local-names 1` gives every item a county-specific name (no shared documents): the
worst case for the index, for comparison.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
REAL_ITEMS = ROOT / ".." / "shared" / "data" / "real-items.jsonl"
ITEMS_PER_COUNTY = 1500

# 25 queries as citizens type them; each runs without and with a region filter (50 in all).
QUERIES = [
    ("words", "营业执照"),
    ("words", "食品经营"),
    ("words", "身份证"),
    ("words", "居住证"),
    ("words", "户口迁移"),
    ("words", "婚姻登记"),
    ("words", "普通护照"),
    ("words", "公积金"),
    ("words", "医疗机构执业"),
    ("words", "建设工程消防"),
    ("initials", "yyzz"),
    ("initials", "jmsfz"),
    ("initials", "hkqy"),
    ("initials", "gjj"),
    ("initials", "zdshbz"),
    ("pinyin", "shipinjingying"),
    ("pinyin", "putonghuzhao"),
    ("pinyin", "juzhuzheng"),
    ("synonym", "开饭店"),
    ("synonym", "生孩子"),
    ("synonym", "开网吧"),
    ("synonym", "身份证丢了"),
    ("wrong char", "户口迁移审壁"),
    ("wrong char", "无犯罪纪录证明"),
    ("wrong char", "最低生活保樟"),
]
VARIANTS = ["（新办）", "（变更）", "（延续）", "（注销）", "（县级）", "（补办）"]
SYLLABLES = "安平宁江山河阳城南北东西清源丰华兴泰和长乐永新宝昌德云龙台明光远庆武"
PROVINCES = [
    ("11", "北京市"),
    ("12", "天津市"),
    ("13", "河北省"),
    ("14", "山西省"),
    ("15", "内蒙古自治区"),
    ("21", "辽宁省"),
    ("22", "吉林省"),
    ("23", "黑龙江省"),
    ("31", "上海市"),
    ("32", "江苏省"),
    ("33", "浙江省"),
    ("34", "安徽省"),
    ("35", "福建省"),
    ("36", "江西省"),
    ("37", "山东省"),
    ("41", "河南省"),
    ("42", "湖北省"),
    ("43", "湖南省"),
    ("44", "广东省"),
    ("45", "广西壮族自治区"),
    ("46", "海南省"),
    ("50", "重庆市"),
    ("51", "四川省"),
    ("52", "贵州省"),
    ("53", "云南省"),
    ("54", "西藏自治区"),
    ("61", "陕西省"),
    ("62", "甘肃省"),
    ("63", "青海省"),
    ("64", "宁夏回族自治区"),
    ("65", "新疆维吾尔自治区"),
]


def rss_mb() -> float:
    """Resident set size of this process now (not the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def prepare_database(url: str, name: str) -> str:
    """Drop and create the bench database on the same server; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def real_rows() -> list[dict]:
    if not REAL_ITEMS.exists():
        sys.exit(f"real item list not found: {REAL_ITEMS}")
    return [
        json.loads(line)
        for line in REAL_ITEMS.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def department_function(raw: str | None) -> str:
    """'区行政审批局' → '行政审批局': the department's function, without its region."""
    name = (raw or "政务服务管理局").split("（")[0]
    for prefix in ("广安区", "静安区", "上海市", "辽宁省", "区", "市", "县", "省"):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = name[len(prefix) :]
            break
    return name


class Generator:
    """Regions, departments and items of a synthetic national catalog, deterministic."""

    def __init__(self, counties: int, local_names: float = 0.0, seed: int = 20261129) -> None:
        self.rng = random.Random(seed)
        self.local_names = local_names
        self.counties = counties
        self.rows = real_rows()
        self.functions = sorted({department_function(r.get("department")) for r in self.rows})

    def place_name(self, suffix: str) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(2)) + suffix

    def regions(self):
        from govserve.regions.models import Region

        per_province = -(-self.counties // len(PROVINCES))
        provinces, cities, counties = [], [], []
        for code, name in PROVINCES:
            provinces.append(
                Region(code=f"{code}0000000000", name=name, full_name=name, level=1, prefix=code)
            )
        Region.objects.bulk_create(provinces)
        by_code = {r.code[:2]: r for r in Region.objects.filter(level=1)}
        for p_code, p_name in PROVINCES:
            for c in range(1, -(-per_province // 5) + 1):
                name = self.place_name("市")
                cities.append(
                    Region(
                        code=f"{p_code}{c:02d}00000000",
                        name=name,
                        full_name=p_name + name,
                        level=2,
                        parent=by_code[p_code],
                        prefix=f"{p_code}{c:02d}",
                    )
                )
        Region.objects.bulk_create(cities)
        city_list = list(Region.objects.filter(level=2).order_by("code"))
        n = 0
        for city in city_list:
            for k in range(1, 6):
                if n >= self.counties:
                    break
                name = self.place_name(self.rng.choice("县区"))
                code = f"{city.code[:4]}{k:02d}000000"
                counties.append(
                    Region(
                        code=code,
                        name=name,
                        full_name=city.full_name + name,
                        level=3,
                        parent=city,
                        prefix=code[:6],
                    )
                )
                n += 1
        Region.objects.bulk_create(counties)
        return list(Region.objects.filter(level=3).order_by("code"))

    def departments(self, counties) -> dict[tuple[int, str], int]:
        from stdnum.cn import uscc as stdnum_uscc

        from govserve.regions.models import Department
        from govserve.regions.validators import org_code_check_digit

        rows, serial = [], 0
        for county in counties:
            for function in self.functions:
                serial += 1
                org = f"{serial:08d}"
                body = "11" + county.code[:6] + org + org_code_check_digit(org)
                rows.append(
                    Department(
                        name=f"{county.name}{function}",
                        region=county,
                        level=4,
                        uscc=body + stdnum_uscc.calc_check_digit(body),
                    )
                )
        Department.objects.bulk_create(rows, batch_size=2000)
        return {
            (d.region_id, d.name[len(d.region.name) :]): d.pk
            for d in Department.objects.select_related("region")
        }

    def basic_items(self) -> dict[str, int]:
        from govserve.catalog.codetables import ItemType
        from govserve.catalog.models import BasicItem

        by_label = {label: value for value, label in ItemType.choices}
        names = {}
        for row in self.rows:
            names.setdefault(row["name"], by_label.get(row.get("type") or "", "20"))
        BasicItem.objects.bulk_create(
            [BasicItem(name=n, item_type=t) for n, t in names.items()], batch_size=2000
        )
        return {b.name: (b.pk, b.item_type) for b in BasicItem.objects.all()}

    def county_items(self, county, departments, basics, count: int):
        """`count` items of one county: every real name once, then variants,
        a few percent varied."""
        import datetime as dt

        from govserve.catalog.models import ImplementationItem

        objects_choices = (["1"], ["2"], ["1", "2"])
        out = []
        for i in range(count):
            row = self.rows[i % len(self.rows)]
            name = row["name"]
            digest = hashlib.md5(f"{county.code}{i}".encode(), usedforsecurity=False).digest()
            if i >= len(self.rows) or digest[0] < 13:  # ~5% county variants
                name = name + VARIANTS[digest[1] % len(VARIANTS)]
            if digest[5] < self.local_names * 256:  # worst case: a name no other county has
                name = f"{county.name}{name}"
            basic_id, item_type = basics[row["name"]]
            dept_id = departments[(county.pk, department_function(row.get("department")))]
            state = "published" if digest[2] >= 8 else ("draft" if digest[2] % 2 else "suspended")
            out.append(
                ImplementationItem(
                    basic_item_id=basic_id,
                    name=name,
                    item_type=item_type,
                    region_id=county.pk,
                    department_id=dept_id,
                    exercise_level=4,
                    statutory_limit_days=20,
                    promised_limit_days=10,
                    service_objects=objects_choices[digest[3] % 3],
                    handling_forms=["1", "2"],
                    online=True,
                    fully_online=digest[4] < 77,
                    visits_required=0 if digest[4] < 77 else 1,
                    state=state,
                    effective_date=dt.date(2025, 1, 1),
                )
            )
        return out


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - start


def bare_insert_rate(n: int) -> float:
    """Rows/s of a bare multi-row INSERT (id, name) — what any import costs at least."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_bare (id bigint PRIMARY KEY, name varchar(300))")
        start = time.perf_counter()
        batch = 1000
        for first in range(0, n, batch):
            rows = [(i, f"事项名称{i}") for i in range(first, min(n, first + batch))]
            marks = ", ".join(["(%s, %s)"] * len(rows))
            cursor.execute(
                f"INSERT INTO bench_bare (id, name) VALUES {marks}", [v for r in rows for v in r]
            )
        seconds = time.perf_counter() - start
        cursor.execute("DROP TABLE bench_bare")
    return n / seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument(
        "--database", default="govserve_bench", help="database to (re)create on the same server"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument(
        "--local-names",
        type=float,
        default=0.0,
        help="share (0–1) of items whose name carries the county's name: no two counties "
        "share those documents (worst case for the index)",
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "bench/catalog_search.py measures PostgreSQL: set DATABASE_URL=postgres://… "
            "(the embedded SQLite default is not where a national catalog lives)"
        )
    os.environ["DATABASE_URL"] = prepare_database(url, args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govserve.settings")
    # DEBUG keeps every SQL statement in memory and formats it: not what production runs
    os.environ["DJANGO_DEBUG"] = "0"
    # what DEBUG off refuses to start without (see _benchlib.production_keys), and plain HTTP
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("GOVSERVE_KEY_ENCRYPTION_KEY", base64.b64encode(os.urandom(32)).decode())
    os.environ.setdefault("GOVSERVE_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from govserve.catalog.models import ImplementationItem
    from govserve.catalog.search import index, text
    from govserve.catalog.search.selectors import search_items

    print(
        f"database {connection.settings_dict['NAME']} on {connection.settings_dict['HOST']}, "
        f"PostgreSQL {connection.cursor().connection.info.server_version}, {os.cpu_count()} CPUs"
    )
    call_command("migrate", verbosity=0)
    text.tokenizer()  # jieba's dictionary is loaded once per process: not part of any timing
    rss_start = rss_mb()

    counties_n = max(1, round(args.items / ITEMS_PER_COUNTY))
    gen = Generator(counties_n, local_names=args.local_names)
    counties = gen.regions()
    departments = gen.departments(counties)
    basics = gen.basic_items()
    print(f"{len(counties)} counties, {len(departments)} departments, {len(basics)} basic items")

    baseline_rate = bare_insert_rate(args.items)

    def write_items() -> int:
        written = 0
        per_county = [args.items // len(counties)] * len(counties)
        for k in range(args.items - sum(per_county)):
            per_county[k] += 1
        for county, count in zip(counties, per_county, strict=True):
            with transaction.atomic():
                ImplementationItem.objects.bulk_create(
                    gen.county_items(county, departments, basics, count), batch_size=1000
                )
            written += count
            if written % 100_000 < count:
                print(f"  written {written} items, RSS {rss_mb():.0f} MB", flush=True)
        return written

    written, write_seconds = timed(write_items)
    rss_written = rss_mb()
    indexed, index_seconds = timed(index.rebuild, batch=10_000)
    rss_import = rss_mb()
    with connection.cursor() as cursor:
        _, vacuum_seconds = timed(cursor.execute, "VACUUM ANALYZE")
        cursor.execute("SELECT count(*) FROM catalog_search_document")
        documents = cursor.fetchone()[0]
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size('catalog_search_document')),"
            " pg_size_pretty(pg_total_relation_size('catalog_search_entry')),"
            " pg_size_pretty(pg_total_relation_size('catalog_implementationitem'))"
        )
        sizes = cursor.fetchone()

    import_rate = written / (write_seconds + index_seconds)
    print()
    print(f"items {written}, indexed {indexed}, distinct documents {documents}")
    print(f"table sizes: documents {sizes[0]}, entries {sizes[1]}, items {sizes[2]}")
    print(f"bulk_create items   {write_seconds:8.1f} s  {written / write_seconds:10.0f} items/s")
    print(f"index.rebuild()     {index_seconds:8.1f} s  {indexed / index_seconds:10.0f} items/s")
    print(
        f"import (both)       {write_seconds + index_seconds:8.1f} s  {import_rate:10.0f} items/s"
    )
    print(f"baseline bare INSERT (id, name)      {baseline_rate:10.0f} rows/s")
    print(
        f"import rate / baseline: {import_rate / baseline_rate:.3f}  (index alone: "
        f"{indexed / index_seconds / baseline_rate:.3f})"
    )
    print(f"VACUUM ANALYZE afterwards {vacuum_seconds:.1f} s (not counted)")

    # -- search latency --------------------------------------------------------------
    rng = random.Random(7)
    filtered = [
        rng.choice(counties) if i % 2 == 0 else counties[rng.randrange(len(counties))].parent.parent
        for i in range(len(QUERIES))
    ]
    runs = [(kind, q, None) for kind, q in QUERIES] + [
        (kind, q, r) for (kind, q), r in zip(QUERIES, filtered, strict=True)
    ]
    latencies: dict[str, list[float]] = {}
    all_ms, totals = [], {}
    for kind, q, region in runs:
        search_items(q, region=region)  # warm the plan and the pages
        mine = []
        for _ in range(args.repeat):
            result, seconds = timed(search_items, q, region=region)
            mine.append(seconds * 1000)
        all_ms += mine
        latencies.setdefault(kind + (" +region" if region else ""), []).extend(mine)
        totals[(q, region.code if region else "")] = (
            statistics.median(mine),
            result.total,
            result.items[0].name if result.items else "—",
        )
    rss_search = rss_mb()

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM catalog_implementationitem")
        low, high = cursor.fetchone()
    ids = [rng.randint(low, high) for _ in range(500)]
    names = [n for n, _t in QUERIES]
    pk_ms, name_ms = [], []
    for i in range(len(all_ms)):
        pk = ids[i % len(ids)]
        _, seconds = timed(
            lambda pk=pk: ImplementationItem.objects.select_related("region", "department").get(
                pk=pk
            )
        )
        pk_ms.append(seconds * 1000)
        with connection.cursor() as cursor:
            _, seconds = timed(
                cursor.execute,
                "SELECT id FROM catalog_implementationitem WHERE name = %s LIMIT 20",
                [names[i % len(names)]],
            )
            cursor.fetchall()
        name_ms.append(seconds * 1000)

    p50, p95 = percentile(all_ms, 50), percentile(all_ms, 95)
    b50, b95 = percentile(pk_ms, 50), percentile(pk_ms, 95)
    n50, n95 = percentile(name_ms, 50), percentile(name_ms, 95)
    print()
    print(f"search, {len(runs)} queries × {args.repeat}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    print(f"baseline get(pk) with select_related:  p50 {b50:.2f} ms, p95 {b95:.2f} ms")
    print(f"baseline indexed name equality (raw): p50 {n50:.2f} ms, p95 {n95:.2f} ms")
    print(f"search / get(pk):  p50 ×{p50 / b50:.0f}, p95 ×{p95 / b95:.0f}")
    print(f"search / name =:   p50 ×{p50 / n50:.0f}, p95 ×{p95 / n95:.0f}")
    print()
    print("by kind              p50 ms   p95 ms")
    for kind, values in sorted(latencies.items()):
        print(f"  {kind:18s} {percentile(values, 50):7.1f}  {percentile(values, 95):7.1f}")
    print()
    print("query                  region        p50 ms   total  first result")
    for (q, code), (median, total, first) in totals.items():
        print(f"  {q:20s} {code or '—':12s} {median:7.1f} {total:7d}  {first}")
    print()
    print(
        f"RSS: after setup (jieba loaded) {rss_start:.0f} MB, "
        f"after bulk_create {rss_written:.0f} MB, after index.rebuild {rss_import:.0f} MB, "
        f"after {len(runs) * (args.repeat + 1)} searches {rss_search:.0f} MB"
    )


if __name__ == "__main__":
    main()
