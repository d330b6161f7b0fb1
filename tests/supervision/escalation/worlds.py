"""A world for the escalation tests: 广安市 with 广安区 and 前锋区, supervisors at the city and
at each county, the market department's reviewer and approver, an item and late cases."""

from types import SimpleNamespace

from govserve.accounts.models import Role
from tests.accounts.worlds import build_places, make_staff
from tests.catalog.factories import ImplementationItemFactory


def build_escalation_world() -> SimpleNamespace:
    p = build_places()
    w = SimpleNamespace(**vars(p))
    w.item = ImplementationItemFactory(department=p.market, region=p.county)
    w.sibling_item = ImplementationItemFactory(department=p.sibling_market, region=p.sibling)
    w.reviewer = make_staff("esc-reviewer", Role.REVIEWER, p.county, department=p.market)
    w.approver = make_staff("esc-approver", Role.APPROVER, p.county, department=p.market)
    w.health_reviewer = make_staff("esc-health", Role.REVIEWER, p.county, department=p.health)
    w.sibling_reviewer = make_staff(
        "esc-sibling-reviewer", Role.REVIEWER, p.sibling, department=p.sibling_market
    )
    w.county_sup = make_staff("esc-county-sup", Role.SUPERVISOR, p.county)
    w.sibling_sup = make_staff("esc-sibling-sup", Role.SUPERVISOR, p.sibling)
    w.city_sup = make_staff("esc-city-sup", Role.SUPERVISOR, p.city, covers_subtree=True)
    w.province_sup = make_staff(
        "esc-province-sup", Role.SUPERVISOR, p.province, covers_subtree=True
    )
    return w
