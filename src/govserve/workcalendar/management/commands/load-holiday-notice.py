"""`govserve load-holiday-notice FILE.json`: load a year's State Council holiday notice.

The file is the exchange format of `govserve.workcalendar.services` (year, title, published,
source, days: [{date, kind, name}]). It replaces that year's days in one transaction and
sends `holiday_notice_loaded`, so deadlines in that year are recomputed. `--dry-run` only
checks the file. `-` reads standard input.
"""

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from govserve.workcalendar import services


class Command(BaseCommand):
    help = "导入国务院办公厅某年度放假安排通知（JSON：year、title、published、source、days）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="通知 JSON 文件路径（- 表示标准输入）")
        parser.add_argument("--dry-run", action="store_true", help="只检查文件，不写入")
        parser.add_argument("--user", help="记为导入人的用户名")

    def handle(self, *args, **options):
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8-sig")
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件：{name}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"读取文件失败：{exc}") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{name} 不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}"
            ) from exc
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户不存在：{options['user']}")
        try:
            parsed = services.parse_notice(data)
            if options["dry_run"]:
                self.stdout.write(
                    f"{parsed.year} 年通知检查通过：{len(parsed.days)} 个日期，未写入"
                )
                return
            notice = services.load_notice(parsed, actor=actor)
        except ValidationError as exc:
            lines = [
                f"  {field}: {msg}" for field, msgs in exc.message_dict.items() for msg in msgs
            ]
            raise CommandError(f"{name} 有误，未写入任何数据：\n" + "\n".join(lines)) from exc
        holidays = notice.days.filter(kind="holiday").count()
        workdays = notice.days.filter(kind="workday").count()
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已导入 {notice.year} 年放假安排：放假 {holidays} 天，"
                    f"调休上班 {workdays} 天（{notice.title}）"
                )
            )
