"""Cases made directly, in the state a test needs, without going through the services.

`CaseFactory(state=…)` writes one `Case` row with the fields the services would have set by
that state (number, receipt, acceptance, limits, due dates, decision, delivery) and one
`CaseItem` per item (the item, or each item of the bundle). It does NOT upload materials, issue
notices or decisions, notify anyone, log events or start a process: a test that reads those
applies through `govserve.cases.services` (or `tests/workflow/worlds.py`) instead.

Numbers are taken from the top of the daily serial range (9999 down) while the services count
up from 0001, so factory cases and applied cases of one item on one day never share a number.
"""

import datetime as dt

import factory
from django.utils import timezone

from govserve.cases.models import CURRENT_DEADLINE, Case, CaseItem, CaseState, Outcome
from govserve.catalog.codes import build_case_number
from govserve.catalog.codetables import CaseType
from govserve.catalog.selectors import bundle_items
from govserve.workcalendar.deadlines import add_working_days
from tests.accounts.factories import PersonFactory
from tests.catalog.factories import ImplementationItemFactory

ACCEPTANCE_DAYS = 5  # Art 32: working days to accept
DEFAULT_STATUTORY_DAYS = 20  # Art 42
DELIVERY_DAYS = 10  # Art 44: working days to deliver a decision
BUNDLE_STATUTORY_DAYS = 45  # Art 42: joint handling
BUNDLE_EXTENSION_DAYS = 15

# The states in which the case has been received, accepted, decided and closed.
RECEIVED = {s for s in CaseState.values if s != CaseState.DRAFT}
ACCEPTED = {CaseState.IN_REVIEW, CaseState.DECIDED, CaseState.CLOSED}
DECIDED = {CaseState.DECIDED, CaseState.CLOSED}


def case_number(item, department, day: dt.date, n: int) -> str:
    """A national case number of `item` on `day`, the `n`-th from the top of the daily range:
    the services count up from 0001, factory cases down from 9999, so they never meet."""
    code = (
        item.implementation_code
        or f"{department.uscc or department.pk:0>18}"[:18] + f"{item.pk:0>13}"[-13:]
    )
    return build_case_number(code, day, 9999 - n % 5000)


def _lead_item(bundle):
    items = bundle_items(bundle)
    return next((it for it in items if it.department_id == bundle.lead_department_id), items[0])


def _timeline(o) -> dict:
    """Dates, limits and deadlines as the services leave them in state `o.state`, counted in
    working days from `o.on`, the day of receipt (accepted that day, decided `o.decided_on`)."""
    state, on = o.state, o.on
    t: dict = {}
    if state in RECEIVED:
        t["submitted_at"] = timezone.make_aware(dt.datetime.combine(on, dt.time(9, 30)))
        t["acceptance_due"] = add_working_days(on, ACCEPTANCE_DAYS).due
    if o.bundle is not None:
        statutory = BUNDLE_STATUTORY_DAYS
        promised = min(o.bundle.promised_limit_days, statutory)
        t["max_extension_days"] = BUNDLE_EXTENSION_DAYS
    elif o.item.case_type == CaseType.IMMEDIATE:
        statutory = promised = t["max_extension_days"] = 0
    else:
        statutory = o.item.statutory_limit_days
        statutory = DEFAULT_STATUTORY_DAYS if statutory is None else statutory
        promised = o.item.promised_limit_days
        promised = min(statutory if promised is None else promised, statutory)
    if state in RECEIVED:
        t["statutory_limit_days"], t["promised_limit_days"] = statutory, promised
    if state in ACCEPTED:
        t["accepted_on"] = on
        t["statutory_due"] = add_working_days(on, statutory).due
        t["promised_due"] = add_working_days(on, promised).due
    if state in DECIDED:
        decided = o.decided_on or on
        t["decided_at"] = timezone.make_aware(dt.datetime.combine(decided, dt.time(15, 0)))
        t["outcome"] = Outcome.APPROVED
        t["delivery_due"] = add_working_days(decided, DELIVERY_DAYS).due
    if state == CaseState.CLOSED:
        t["delivered_at"] = t["closed_at"] = t["decided_at"]
    running = CURRENT_DEADLINE.get(state)
    t["current_due"] = t.get(running[0]) if running else None
    return t


def _from_timeline(field: str, default=None):
    return factory.LazyAttribute(lambda o: o.timeline.get(field, default))


class CaseFactory(factory.django.DjangoModelFactory):
    """A case of `item` (default: a new published item) or of `bundle` (its lead item) for
    `applicant`, in `state` (default SUBMITTED: numbered, received today, awaiting acceptance).

    Received on `on` (default today) and, from IN_REVIEW on, accepted that same day;
    DECIDED and CLOSED cases are approved on `decided_on` (default the day of receipt);
    CORRECTION, REFUSED and WITHDRAWN cases are received, never accepted. Every field can be
    overridden (`current_due=…` for a deadline test). No files, documents, events,
    notifications or process: see the module docstring. A DRAFT has no number.
    """

    class Meta:
        model = Case
        skip_postgeneration_save = True

    class Params:
        on = factory.LazyFunction(timezone.localdate)  # the day the materials were received
        decided_on = None
        timeline = factory.LazyAttribute(_timeline)

    bundle = None
    item = factory.Maybe(
        "bundle",
        yes_declaration=factory.LazyAttribute(lambda o: _lead_item(o.bundle)),
        no_declaration=factory.SubFactory(ImplementationItemFactory),
    )
    region = factory.LazyAttribute(lambda o: (o.bundle or o.item).region)
    department = factory.LazyAttribute(
        lambda o: o.bundle.lead_department if o.bundle else o.item.department
    )
    title = factory.LazyAttribute(lambda o: (o.bundle or o.item).name)
    applicant = factory.SubFactory(PersonFactory)
    organisation = None
    applicant_name = factory.LazyAttribute(
        lambda o: (
            o.organisation.name
            if o.organisation
            else (o.applicant.real_name or o.applicant.username)
        )
    )
    applicant_id_number = factory.LazyAttribute(
        lambda o: o.organisation.uscc if o.organisation else (o.applicant.id_number or "")
    )
    contact_mobile = factory.LazyAttribute(lambda o: o.applicant.mobile or "")
    state = CaseState.SUBMITTED
    number = factory.LazyAttributeSequence(
        lambda o, n: (
            None if o.state == CaseState.DRAFT else case_number(o.item, o.department, o.on, n)
        )
    )
    submitted_at = _from_timeline("submitted_at")
    received_on = factory.LazyAttribute(lambda o: o.on if o.state in RECEIVED else None)
    acceptance_due = _from_timeline("acceptance_due")
    accepted_on = _from_timeline("accepted_on")
    statutory_limit_days = _from_timeline("statutory_limit_days")
    promised_limit_days = _from_timeline("promised_limit_days")
    max_extension_days = _from_timeline("max_extension_days", 10)
    statutory_due = _from_timeline("statutory_due")
    promised_due = _from_timeline("promised_due")
    decided_at = _from_timeline("decided_at")
    outcome = _from_timeline("outcome", "")
    delivery_due = _from_timeline("delivery_due")
    delivered_at = _from_timeline("delivered_at")
    closed_at = _from_timeline("closed_at")
    current_due = _from_timeline("current_due")

    @factory.post_generation
    def case_items(obj, create, extracted, **kwargs):
        """One CaseItem per item, reviewed by the item's department (`case_items=[…]` to choose)."""
        if not create:
            return
        items = extracted
        if items is None:
            items = bundle_items(obj.bundle) if obj.bundle_id else [obj.item]
        CaseItem.objects.bulk_create(
            [CaseItem(case=obj, item=it, department_id=it.department_id) for it in items]
        )
