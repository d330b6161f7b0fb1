"""A small world for the ticket tests: 广安区 (two departments, a dispatcher) beside 前锋区 (its
own department and dispatcher), a city supervisor over both, an item of the market bureau and
two citizens."""

from types import SimpleNamespace

from govserve.accounts.models import Role
from govserve.supervision.tickets import services
from tests.accounts.factories import PersonFactory
from tests.accounts.worlds import build_places, make_staff
from tests.catalog.factories import ImplementationItemFactory


def build_tickets_world() -> SimpleNamespace:
    p = build_places()
    county, sibling = p.county, p.sibling
    w = SimpleNamespace(**vars(p))
    w.item = ImplementationItemFactory(department=p.market)
    w.market_staff = make_staff("t-market", Role.REVIEWER, county, department=p.market)
    w.health_staff = make_staff("t-health", Role.REVIEWER, county, department=p.health)
    w.sibling_staff = make_staff("t-sibling", Role.REVIEWER, sibling, department=p.sibling_market)
    w.dispatcher = make_staff("t-disp", Role.SUPERVISOR, county)
    w.sibling_dispatcher = make_staff("t-disp2", Role.SUPERVISOR, sibling)
    w.city_supervisor = make_staff("t-city", Role.SUPERVISOR, p.city, covers_subtree=True)
    w.clerk = make_staff("t-clerk", Role.COUNTER_CLERK, county)
    w.citizen = PersonFactory(username="13912340001")
    w.other = PersonFactory(username="13912340002")
    return w


def caller(user=None, **kwargs) -> services.Caller:
    return services.Caller(user=user, **kwargs)


def file(w, who=None, **fields):
    """A complaint filed by `who` (default the citizen) in 广安区 unless told otherwise."""
    fields.setdefault("kind", "complaint")
    fields.setdefault("title", "窗口态度差")
    fields.setdefault("content", "工作人员不耐烦，要求重复提交材料。")
    if not any(fields.get(k) for k in ("case", "item", "hall", "about_department")):
        fields.setdefault("region", w.county)
    ticket, _ = services.file_ticket(caller(who or w.citizen), **fields)
    return ticket
