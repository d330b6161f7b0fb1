"""What tickets give the other supervision parts through the registries: late tickets for the
escalation ladder, entries on a case's timeline, monthly figures for the statistics; and the
demo loads once."""

import datetime as dt

import pytest
from django.utils import timezone

from govserve.supervision.registries import CASE_HISTORY, METRIC_SOURCES, OVERDUE_SOURCES
from govserve.supervision.tickets import services
from govserve.supervision.tickets.models import Ticket
from tests.cases.factories import CaseFactory
from tests.supervision.tickets.worlds import caller, file

pytestmark = pytest.mark.django_db


def test_unreplied_tickets_past_due_are_overdue_work_for_their_handlers(tw):
    late = file(tw, item=tw.item)
    queued_late = file(tw)
    on_time = file(tw, item=tw.item)
    replied = file(tw, item=tw.item)
    services.accept(caller(tw.market_staff), replied)
    services.reply(caller(tw.market_staff), replied, "已答复")
    past = dt.date(2026, 1, 5)
    Ticket.objects.filter(pk__in=[late.pk, replied.pk, queued_late.pk]).update(due_date=past)
    source = OVERDUE_SOURCES.get("ticket")
    work = source(dt.date(2026, 2, 1))
    assert [w.object_id for w in work] == [late.pk, queued_late.pk]
    first = work[0]
    assert (first.kind, first.due, first.department_id) == ("ticket", past, tw.market.pk)
    assert first.handler_ids == frozenset({tw.market_staff.pk})
    assert first.url == f"/tickets/staff/{late.pk}/"
    assert first.key == f"ticket:{late.pk}:reply:0"
    # a queued ticket (returned) belongs to the region's dispatchers
    assert work[1].handler_ids == frozenset({tw.dispatcher.pk, tw.city_supervisor.pk})
    # batches
    assert [w.object_id for w in source(dt.date(2026, 2, 1), after_id=late.pk, limit=1)] == [
        queued_late.pk
    ]
    assert on_time.pk not in [w.object_id for w in work]


def test_a_reopened_ticket_is_a_new_stage_for_escalation(tw):
    ticket = file(tw, item=tw.item)
    services.accept(caller(tw.market_staff), ticket)
    services.reply(caller(tw.market_staff), ticket, "答复")
    ticket = services.reopen(caller(tw.citizen), Ticket.objects.get(pk=ticket.pk), "不清楚")
    Ticket.objects.filter(pk=ticket.pk).update(due_date=dt.date(2026, 1, 5))
    [work] = OVERDUE_SOURCES.get("ticket")(dt.date(2026, 2, 1))
    assert work.key == f"ticket:{ticket.pk}:reply:1"


def test_tickets_about_a_case_appear_on_its_timeline(tw):
    case = CaseFactory(item=tw.item, applicant=tw.citizen)
    ticket = file(tw, case=case, kind="complaint")
    services.accept(caller(tw.market_staff), ticket)
    services.reply(caller(tw.market_staff), ticket, "答复")
    entries = CASE_HISTORY.get("tickets")(case.pk)
    assert [e.kind for e in entries] == ["投诉", "投诉"]
    assert ticket.number in entries[0].text and "已答复" in entries[1].text
    assert CASE_HISTORY.get("tickets")(case.pk + 999) == []


def test_monthly_figures_per_region_and_department(tw):
    month = timezone.localdate().replace(day=1)
    a = file(tw, item=tw.item)
    b = file(tw, item=tw.item, kind="consultation")
    file(tw)  # queued: counted without a department
    for t in (a, b):
        services.accept(caller(tw.market_staff), t)
    services.reply(caller(tw.market_staff), a, "答复")
    Ticket.objects.filter(pk=b.pk).update(due_date=dt.date(2020, 1, 2))
    services.reply(caller(tw.market_staff), Ticket.objects.get(pk=b.pk), "迟到的答复")
    services.reopen(caller(tw.citizen), Ticket.objects.get(pk=a.pk), "再办")
    services.reply(caller(tw.market_staff), Ticket.objects.get(pk=a.pk), "二次答复")
    services.visit(caller(tw.citizen), Ticket.objects.get(pk=a.pk), 5)
    services.visit(caller(tw.citizen), Ticket.objects.get(pk=b.pk), 2)
    rows = list(METRIC_SOURCES.get("tickets")(month))
    figures = {(r.metric, r.department_id): (r.count, r.total) for r in rows}
    market = tw.market.pk
    assert figures[("tickets.count", market)][0] == 2
    assert figures[("tickets.count", None)][0] == 1
    assert figures[("tickets.count.consultation", market)][0] == 1
    assert figures[("tickets.replied", market)][0] == 2
    assert figures[("tickets.replied_on_time", market)][0] == 1
    assert figures[("tickets.reopened", market)][0] == 1
    assert figures[("tickets.satisfied", market)] == (2, 1.0)  # 2 rated, 1 of them 4–5
    assert figures[("tickets.satisfaction", market)] == (2, 7.0)
    assert all(r.region_id == tw.county.pk and r.month == month for r in rows)
    earlier = month.replace(year=month.year - 1)
    assert list(METRIC_SOURCES.get("tickets")(earlier)) == []
