"""The engine only iterates OVERDUE_SOURCES: a source registered by another sub-app (as ratings
and tickets do) is escalated in batches, its handlers told, its department carded."""

import datetime as dt

import pytest

from govserve.cases.models import Notification
from govserve.supervision.escalation import services
from govserve.supervision.escalation.models import EfficiencyCard, Escalation
from govserve.supervision.registries import OVERDUE_SOURCES, OverdueWork


@pytest.fixture
def fake_source(ew):
    calls: list[tuple[int, int]] = []

    def source(today, *, after_id=0, limit=500):
        calls.append((after_id, limit))
        work = [
            OverdueWork(
                kind="fake",
                key=f"fake:{n}:reply",
                object_id=n,
                region_id=ew.county.pk,
                department_id=ew.market.pk,
                due=dt.date(2026, 9, 30),
                title=f"工单 {n} 答复超期",
                url=f"/tickets/staff/{n}/",
                handler_ids=frozenset({ew.reviewer.pk}),
            )
            for n in range(1, 6)
        ]
        return [w for w in work if w.object_id > after_id][:limit]

    OVERDUE_SOURCES.register("fake", source)
    yield calls
    OVERDUE_SOURCES._parts.pop("fake", None)


def test_a_registered_source_is_escalated_in_batches(ew, fake_source):
    result = services.escalate(dt.date(2026, 10, 9), batch=2, sources=["fake"])
    assert fake_source == [(0, 2), (2, 2), (4, 2)]
    assert result.escalations == 10 and result.red_cards == 5  # handler + head, for 5 tickets
    assert Escalation.objects.filter(kind="fake", target="handler", recipients=1).count() == 5
    assert Notification.objects.filter(recipient=ew.reviewer).count() == 5
    assert Notification.objects.filter(recipient=ew.approver).count() == 5
    card = EfficiencyCard.objects.filter(kind="fake").first()
    assert card.person == ew.reviewer and card.department == ew.market
    assert services.escalate(dt.date(2026, 10, 9), sources=["fake"]).escalations == 0
