"""Demo 督办 and escalations: a notice from gac-supervisor to a 广安区 department about an overdue
case (its reply pending and already late), then one escalation run for today, so escalation
records and red/yellow cards exist. Idempotent: the notice carries an idempotency key and each
escalation step and card is recorded once."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from govserve.accounts.models import Role, RoleGrant
from govserve.cases.models import Case
from govserve.catalog.models import ImplementationItem

from .services import escalate, issue_notice
from .sources import RUNNING_STATES

COUNTY = "511602"  # 广安区
DEMO_KEY = "demo-notice-1"


def _overdue_case(today: dt.date) -> Case | None:
    """A late running case in 广安区, preferably of a department whose reviewers have demo
    accounts (so ga-reviewer can answer the notice)."""
    qs = Case.objects.filter(region__code__startswith=COUNTY).select_related("region", "department")
    staffed = RoleGrant.objects.filter(
        role=Role.REVIEWER, revoked_at__isnull=True, region__code__startswith=COUNTY
    ).values("department_id")
    late = qs.filter(state__in=RUNNING_STATES, clock_stopped=False, current_due__lt=today)
    return (
        late.filter(department_id__in=staffed).order_by("current_due", "pk").first()
        or late.order_by("current_due", "pk").first()
        or qs.filter(state__in=RUNNING_STATES).order_by("pk").first()
    )


def load(today: dt.date | None = None) -> list[str]:
    """Create the demo records once; return lines to print."""
    today = today or timezone.localdate()
    supervisor = get_user_model().objects.filter(username="gac-supervisor").first()
    lines: list[str] = []
    if supervisor is not None:
        case = _overdue_case(today)
        item = None
        if case is None:
            item = ImplementationItem.objects.filter(region__code__startswith=COUNTY).first()
        if case is not None or item is not None:
            # Issued two weeks ago with 5 working days to reply: the reply is pending and late.
            notice, created = issue_notice(
                supervisor,
                case=case,
                item=item,
                subject="办件超期未办结，请说明原因并限期办结"
                if case is not None
                else "事项办理时限执行情况督办",
                body="经电子监察发现该办件已超过承诺办结期限，请核实超期原因，"
                "明确办结时间，并将整改情况书面回复。",
                reply_days=5,
                today=today - dt.timedelta(days=14),
                idempotency_key=DEMO_KEY,
            )
            if created:
                lines.append(f"督办通知 {notice.number}（{notice.department.name}，待回复）")
    result = escalate(today)
    if result.escalations or result.red_cards or result.yellow_cards:
        lines.append(
            f"超期升级 {result.escalations} 次，红牌 {result.red_cards} 张，"
            f"黄牌 {result.yellow_cards} 张"
        )
    return lines
