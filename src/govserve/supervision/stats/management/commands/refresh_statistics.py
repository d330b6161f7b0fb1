from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from govserve.supervision.stats import services


class Command(BaseCommand):
    help = "Recompute the reform statistics (aggregate tables) of the last N months."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--months", type=int, default=2, help="this month and the N − 1 before it (default 2)"
        )

    def handle(self, *args, months: int, **options) -> None:
        for month, rows in services.refresh(services.last_months(months)).items():
            self.stdout.write(
                _("%(month)s：%(rows)d 行统计数") % {"month": f"{month:%Y-%m}", "rows": rows}
            )
