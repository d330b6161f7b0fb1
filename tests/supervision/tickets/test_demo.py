"""The demo tickets: every state in 广安区, anonymous ones, one returned, one reopened, one
overdue; loading twice adds nothing."""

import pytest
from django.utils import timezone

from govserve.accounts.models import Role
from govserve.supervision.tickets import demo, selectors
from govserve.supervision.tickets.models import Ticket, TicketState
from tests.accounts.factories import PersonFactory
from tests.accounts.worlds import build_places, make_staff
from tests.catalog.factories import ImplementationItemFactory
from tests.regions.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_demo_tickets_cover_every_state_once(db):
    places = build_places()
    approval = DepartmentFactory(name=demo.APPROVAL, region=places.county)
    health = places.health  # 广安市广安区卫生健康局
    ImplementationItemFactory(department=approval)
    make_staff("gac-supervisor", Role.SUPERVISOR, places.city, covers_subtree=True)
    make_staff("ga-reviewer", Role.REVIEWER, places.county, department=approval)
    make_staff("ga-health-reviewer", Role.REVIEWER, places.county, department=health)
    PersonFactory(username="13800000001")
    lines = demo.load()
    assert lines and "演示工单" in lines[0]
    tickets = list(Ticket.objects.all())
    assert {t.state for t in tickets} == set(TicketState.values)
    assert any(t.filer_id is None for t in tickets)
    assert any(t.returned_once for t in tickets)
    assert any(t.reopen_count for t in tickets)
    assert any(selectors.warning(t, timezone.localdate()) == "red" for t in tickets)
    assert all(t.region == places.county for t in tickets)
    count = len(tickets)
    assert demo.load() == []
    assert Ticket.objects.count() == count
