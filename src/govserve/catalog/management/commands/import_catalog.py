"""`govserve import_catalog FILE`: load a catalog file (JSON, CSV or the real-items lists)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from govserve.catalog import importer, realdata


class Command(BaseCommand):
    help = "导入事项目录（JSON/CSV 交换格式，或公开清单 real-items.jsonl）：全部通过才写入"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--format", choices=["json", "csv", "real-items"], help="默认按扩展名判断"
        )
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument(
            "--create-departments", action="store_true", help="自动创建不存在的实施主体"
        )

    def handle(self, path, format=None, dry_run=False, create_departments=False, **options):
        file = Path(path)
        if not file.exists():
            raise CommandError(f"文件不存在：{path}")
        fmt = format or (
            "real-items" if file.suffix == ".jsonl" else file.suffix.lstrip(".").lower()
        )
        if fmt == "real-items":
            rows = realdata.rows_from_jsonl(file.read_text(encoding="utf-8").splitlines())
            report = importer.import_rows(rows, dry_run=dry_run, create_departments=True)
        else:
            report = importer.import_file(
                file.read_bytes(), fmt, dry_run=dry_run, create_departments=create_departments
            )
        for err in report.errors[:200]:
            self.stderr.write(f"第{err.line}行 {err.field}: {err.reason}")
        if not report.ok:
            raise CommandError(f"导入失败：{len(report.errors)} 处错误，未写入任何数据")
        verb = "校验通过" if dry_run else "已导入"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {report.rows if dry_run else report.created} 个事项")
        )
