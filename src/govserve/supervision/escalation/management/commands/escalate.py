"""`govserve escalate [--date YYYY-MM-DD]`: one escalation run (for `make run` without a worker)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from govserve.supervision.escalation.services import escalate


class Command(BaseCommand):
    help = "Run the escalation ladder once over all overdue sources (超期升级、红黄牌)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="the day to run for (YYYY-MM-DD); default today")

    def handle(self, *args, **options) -> None:
        today = None
        if options.get("date"):
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        result = escalate(today)
        self.stdout.write(
            f"escalations: {result.escalations}, red cards: {result.red_cards}, "
            f"yellow cards: {result.yellow_cards}"
        )
