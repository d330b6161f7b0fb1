"""A small world for the ratings tests: the cases world (广安区, its departments, an item,
reviewers and approvers, two applicants) plus 前锋区 with its own market department and case,
supervisors of each county and of the city, and decided cases to rate."""

from types import SimpleNamespace

from govserve.accounts.models import RoleGrant
from govserve.cases.models import CaseState
from tests.accounts.factories import StaffFactory
from tests.cases.factories import CaseFactory
from tests.cases.worlds import build_world
from tests.catalog.factories import ImplementationItemFactory
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc


def _staff(username, role, region, department=None, *, subtree=False):
    user = StaffFactory(username=username, region=region, department=department)
    RoleGrant.objects.create(
        user=user, role=role, region=region, department=department, covers_subtree=subtree
    )
    return user


def build_ratings_world() -> SimpleNamespace:
    w = build_world()
    sibling = RegionFactory(
        code="511603000000", name="前锋区", full_name="四川省广安市前锋区", level=3, parent=w.city
    )
    sibling_market = DepartmentFactory(
        name="广安市前锋区市场监督管理局", region=sibling, uscc=make_uscc(30000009)
    )
    sibling_item = ImplementationItemFactory(department=sibling_market, name="食品经营许可（前锋）")
    w.sibling = sibling
    w.sibling_market = sibling_market
    w.sibling_reviewer = _staff("qf-reviewer", "reviewer", sibling, sibling_market)
    w.supervisor = _staff("ga-supervisor", "supervisor", w.county)
    w.sibling_supervisor = _staff("qf-supervisor", "supervisor", sibling)
    w.city_supervisor = _staff("city-supervisor", "supervisor", w.city, subtree=True)
    w.decided = CaseFactory(item=w.item, applicant=w.applicant, state=CaseState.DECIDED)
    w.closed = CaseFactory(item=w.item, applicant=w.applicant, state=CaseState.CLOSED)
    w.other_case = CaseFactory(item=w.item, applicant=w.other_applicant, state=CaseState.CLOSED)
    w.open_case = CaseFactory(item=w.item, applicant=w.applicant, state=CaseState.IN_REVIEW)
    w.sibling_case = CaseFactory(
        item=sibling_item, applicant=w.other_applicant, state=CaseState.CLOSED
    )
    return w
