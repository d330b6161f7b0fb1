"""escalation.demo.load: a late 督办 from gac-supervisor, escalations and cards; idempotent."""

import datetime as dt

from govserve.accounts.models import Role
from govserve.cases.models import CaseState
from govserve.supervision.escalation import demo
from govserve.supervision.escalation.models import EfficiencyCard, Escalation, SupervisionNotice
from tests.accounts.worlds import make_staff
from tests.cases.factories import CaseFactory


def test_demo_load_is_idempotent(ew):
    make_staff("gac-supervisor", Role.SUPERVISOR, ew.city, covers_subtree=True)
    case = CaseFactory(
        item=ew.item,
        state=CaseState.IN_REVIEW,
        on=dt.date(2026, 9, 1),
        current_due=dt.date(2026, 9, 30),
    )
    today = dt.date(2026, 11, 16)
    lines = demo.load(today)
    notice = SupervisionNotice.objects.get()
    assert notice.case == case and notice.state == "open" and notice.due < today
    assert any("督办通知" in line for line in lines)
    assert Escalation.objects.filter(kind="notice").exists()
    assert Escalation.objects.filter(kind="case", case=case).count() == 3
    assert EfficiencyCard.objects.filter(level="red").count() == 2  # the case and the notice
    counts = (Escalation.objects.count(), EfficiencyCard.objects.count())
    assert demo.load(today) == []
    assert (Escalation.objects.count(), EfficiencyCard.objects.count()) == counts
    assert SupervisionNotice.objects.count() == 1
