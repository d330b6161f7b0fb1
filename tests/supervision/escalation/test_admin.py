"""Admin: ladders editable by system administrators; records read-only and scoped."""

import datetime as dt

from django.test import Client

from govserve.accounts.models import Role
from govserve.cases.models import CaseState
from govserve.supervision.escalation import services
from govserve.supervision.escalation.models import EscalationLadder
from tests.accounts.worlds import make_staff
from tests.cases.factories import CaseFactory


def test_admin_pages(ew):
    CaseFactory(item=ew.item, state=CaseState.IN_REVIEW, current_due=dt.date(2026, 9, 30))
    services.escalate(dt.date(2026, 10, 9))
    admin = make_staff("esc-sysadmin", Role.SYSTEM_ADMIN, ew.city, covers_subtree=True)
    client = Client()
    client.force_login(admin)
    add = client.get("/admin/supervision_escalation/escalationladder/add/")
    assert add.status_code == 200
    EscalationLadder.objects.create(region=ew.county)
    listing = client.get("/admin/supervision_escalation/escalationladder/")
    assert listing.status_code == 200 and "广安区" in listing.content.decode()

    sup = Client()
    sup.force_login(ew.county_sup)
    assert sup.get("/admin/supervision_escalation/escalation/").status_code == 200
    assert sup.get("/admin/supervision_escalation/escalation/add/").status_code == 403
    assert sup.get("/admin/supervision_escalation/efficiencycard/").status_code == 200
    assert sup.get("/admin/supervision_escalation/escalationladder/").status_code == 403
