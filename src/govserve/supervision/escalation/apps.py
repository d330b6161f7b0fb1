from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "govserve.supervision.escalation"
    label = "supervision_escalation"
    verbose_name = _("督办与超期升级")

    def ready(self) -> None:
        from govserve.supervision.registries import CASE_HISTORY, METRIC_SOURCES, OVERDUE_SOURCES

        from . import selectors, sources
        from .models import CardLevel

        # Late cases and late 督办 replies climb the ladder; ratings and tickets register theirs.
        OVERDUE_SOURCES.register("case", sources.case_source)
        OVERDUE_SOURCES.register("notice", sources.notice_source)
        # 督办 and escalations on a case's timeline.
        CASE_HISTORY.register("escalation", selectors.case_history)
        # Monthly figures: red and yellow cards, notices issued and answered on time.
        METRIC_SOURCES.register(
            "supervision.red_cards", selectors.card_metrics(CardLevel.RED, "supervision.red_cards")
        )
        METRIC_SOURCES.register(
            "supervision.yellow_cards",
            selectors.card_metrics(CardLevel.YELLOW, "supervision.yellow_cards"),
        )
        METRIC_SOURCES.register("supervision.notices", selectors.notice_metrics)
        METRIC_SOURCES.register("supervision.notices_on_time", selectors.notices_on_time_metrics)
