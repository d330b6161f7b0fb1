"""The rules of the 12345 loop, through the services: dispatch, time limits in working days,
signing, transfer, return-once, reply, confirm, reopen limit, call-back rating, close,
attachments checked like materials, idempotency."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govserve.supervision.tickets import services
from govserve.supervision.tickets.errors import TicketError
from govserve.supervision.tickets.models import Ticket, TicketEvent, TicketState
from govserve.workcalendar.deadlines import add_working_days
from tests.cases.factories import CaseFactory
from tests.cases.worlds import PNG_BYTES, pdf
from tests.supervision.tickets.worlds import caller, file

pytestmark = pytest.mark.django_db

A = TicketEvent.Action


def refused(fn, *args, **kwargs) -> TicketError:
    with pytest.raises(TicketError) as info:
        fn(*args, **kwargs)
    return info.value


def handled(tw, ticket, staff=None):
    """Dispatch (if queued), sign and reply as the market bureau."""
    if ticket.state == TicketState.DISPATCHING:
        ticket = services.assign(caller(tw.dispatcher), ticket, tw.market)
    ticket = services.accept(caller(staff or tw.market_staff), ticket)
    return services.reply(caller(staff or tw.market_staff), ticket, "已核实并处理。")


# -- dispatch ---------------------------------------------------------------------------------
def test_a_ticket_about_an_item_goes_to_its_department_with_a_deadline(tw):
    ticket = file(tw, item=tw.item)
    assert ticket.state == TicketState.ASSIGNED
    assert ticket.department == tw.market
    assert ticket.region == tw.county
    assert ticket.due_date == add_working_days(ticket.dispatched_on, 13).due
    assert [e.action for e in ticket.events.all()] == [A.FILED, A.ASSIGNED]
    assert ticket.number.startswith(f"{ticket.created_at.year}511602")


def test_a_ticket_about_a_case_goes_to_the_case_department(tw):
    case = CaseFactory(item=tw.item, applicant=tw.citizen)
    ticket = file(tw, case=case)
    assert (ticket.department, ticket.state) == (tw.market, TicketState.ASSIGNED)


def test_a_ticket_about_someone_elses_case_is_refused(tw):
    case = CaseFactory(item=tw.item, applicant=tw.other)
    error = refused(file, tw, case=case)
    assert (error.field, error.status) == ("case", 403)
    assert not Ticket.objects.exists()


def test_without_case_or_item_the_ticket_waits_in_the_dispatcher_queue(tw):
    ticket = file(tw, about_department=tw.health)
    assert ticket.state == TicketState.DISPATCHING
    assert ticket.department is None and ticket.due_date is None
    assert ticket.region == tw.county  # from the department it is about
    assert [e.action for e in ticket.events.all()] == [A.FILED, A.QUEUED]


def test_the_dispatcher_of_the_region_assigns_and_no_one_else(tw):
    ticket = file(tw)
    for outsider in (tw.market_staff, tw.sibling_dispatcher, tw.citizen, tw.clerk):
        assert refused(services.assign, caller(outsider), ticket, tw.market).status == 403
    error = refused(services.assign, caller(tw.dispatcher), ticket, tw.jinjiang_market)
    assert error.field == "department"  # another city's department
    ticket = services.assign(caller(tw.dispatcher), ticket, tw.health, "卫生问题")
    assert (ticket.state, ticket.department) == (TicketState.ASSIGNED, tw.health)
    assert ticket.due_date is not None
    # the city supervisor over the subtree dispatches too
    other = file(tw)
    assert services.assign(caller(tw.city_supervisor), other, tw.market).department == tw.market


# -- time limits ------------------------------------------------------------------------------
@pytest.mark.parametrize(("kind", "days"), [("consultation", 3), ("complaint", 13)])
def test_reply_deadline_in_working_days_per_kind_across_national_day(tw, monkeypatch, kind, days):
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 9, 30))
    ticket = file(tw, item=tw.item, kind=kind)
    assert ticket.dispatched_on == dt.date(2026, 9, 30)
    assert ticket.due_date == add_working_days(dt.date(2026, 9, 30), days).due
    # 1–7 October are holidays: three working days end after them, not on 5 October
    assert ticket.due_date > dt.date(2026, 10, 8)


def test_time_limits_are_configurable(tw, settings, monkeypatch):
    settings.GOVSERVE = {**settings.GOVSERVE, "TICKET_TIME_LIMITS": {"suggestion": 1}}
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 12, 4))  # a Friday
    ticket = file(tw, item=tw.item, kind="suggestion")
    assert ticket.due_date == dt.date(2026, 12, 7)  # the next working day, Monday


def test_the_clock_starts_when_a_queued_ticket_reaches_a_department(tw, monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 12, 1))
    ticket = file(tw)
    monkeypatch.setattr(services, "_today", lambda: dt.date(2026, 12, 3))
    ticket = services.assign(caller(tw.dispatcher), ticket, tw.market)
    assert ticket.dispatched_on == dt.date(2026, 12, 3)
    assert ticket.due_date == add_working_days(dt.date(2026, 12, 3), 13).due


# -- department -------------------------------------------------------------------------------
def test_only_the_responsible_department_signs_and_replies_after_signing(tw):
    ticket = file(tw, item=tw.item)
    for outsider in (tw.health_staff, tw.sibling_staff, tw.dispatcher, tw.citizen):
        assert refused(services.accept, caller(outsider), ticket).status == 403
    error = refused(services.reply, caller(tw.market_staff), ticket, "答复")
    assert (error.field, error.status) == ("state", 409)
    ticket = services.accept(caller(tw.market_staff), ticket)
    ticket = services.reply(caller(tw.market_staff), ticket, "已核实。")
    assert ticket.state == TicketState.REPLIED and ticket.replied_on_time is True


def test_a_late_reply_is_not_on_time(tw):
    ticket = file(tw, item=tw.item)
    Ticket.objects.filter(pk=ticket.pk).update(due_date=dt.date(2020, 1, 2))
    ticket = services.accept(caller(tw.market_staff), ticket)
    ticket = services.reply(caller(tw.market_staff), ticket, "迟到的答复")
    assert ticket.replied_on_time is False


def test_a_transfer_is_recorded_and_keeps_the_deadline(tw):
    ticket = file(tw, item=tw.item)
    due = ticket.due_date
    ticket = services.accept(caller(tw.market_staff), ticket)
    assert refused(services.transfer, caller(tw.market_staff), ticket, tw.health, "").field == (
        "reason"
    )
    ticket = services.transfer(caller(tw.market_staff), ticket, tw.health, "属于卫生许可")
    assert (ticket.state, ticket.department, ticket.due_date) == (
        TicketState.ASSIGNED,
        tw.health,
        due,
    )
    event = ticket.events.get(action=A.TRANSFERRED)
    assert (event.from_department, event.to_department, event.reason, event.actor) == (
        tw.market,
        tw.health,
        "属于卫生许可",
        tw.market_staff,
    )
    # the old department no longer handles it, the new one does
    assert refused(services.accept, caller(tw.market_staff), ticket).status == 403
    assert services.accept(caller(tw.health_staff), ticket).state == TicketState.ACCEPTED


def test_a_misdirected_ticket_is_returned_once_only(tw):
    ticket = file(tw, item=tw.item)
    assert refused(services.return_ticket, caller(tw.market_staff), ticket, " ").field == "reason"
    ticket = services.return_ticket(caller(tw.market_staff), ticket, "不属于本部门职责")
    assert (ticket.state, ticket.department, ticket.returned_once) == (
        TicketState.DISPATCHING,
        None,
        True,
    )
    assert ticket.events.get(action=A.RETURNED).from_department == tw.market
    ticket = services.assign(caller(tw.dispatcher), ticket, tw.health)
    error = refused(services.return_ticket, caller(tw.health_staff), ticket, "也不是我们的")
    assert error.status == 409
    assert "只能" in error.message or "不能再次退回" in error.message
    assert Ticket.objects.get(pk=ticket.pk).department == tw.health


# -- the filer --------------------------------------------------------------------------------
def test_the_filer_confirms_and_no_one_else(tw):
    ticket = handled(tw, file(tw, item=tw.item))
    assert refused(services.confirm, caller(tw.other), ticket).status == 403
    assert refused(services.confirm, caller(tw.market_staff), ticket).status == 403
    assert services.confirm(caller(tw.citizen), ticket).state == TicketState.CONFIRMED


def test_reopening_is_limited_and_restarts_the_clock(tw, settings, monkeypatch):
    settings.GOVSERVE = {**settings.GOVSERVE, "TICKET_MAX_REOPENS": 2}
    ticket = handled(tw, file(tw, item=tw.item))
    for n in (1, 2):
        monkeypatch.setattr(services, "_today", lambda n=n: dt.date(2026, 12, n))
        ticket = services.reopen(caller(tw.citizen), ticket, "答复不清楚")
        assert (ticket.state, ticket.reopen_count) == (TicketState.REOPENED, n)
        assert ticket.due_date == add_working_days(dt.date(2026, 12, n), 13).due
        ticket = services.reply(caller(tw.market_staff), ticket, f"第 {n + 1} 次答复")
    error = refused(services.reopen, caller(tw.citizen), ticket, "还是不清楚")
    assert error.status == 409 and "上限" in error.message
    assert Ticket.objects.get(pk=ticket.pk).reopen_count == 2
    assert ticket.events.filter(action=A.REOPENED).count() == 2


def test_an_anonymous_filer_acts_with_the_right_phone_only(tw):
    ticket, _ = services.file_ticket(
        caller(),
        kind="consultation",
        title="咨询",
        content="请问",
        region=tw.county,
        phone="139-0000-0002",
    )
    assert ticket.filer is None and ticket.phone == "13900000002"
    ticket = handled(tw, ticket)
    wrong = services.Caller(phone="13900000003")
    assert refused(services.confirm, wrong, ticket).status == 403
    right = services.Caller(phone="13900000002")
    assert services.confirm(right, ticket).state == TicketState.CONFIRMED


def test_anonymous_filing_needs_a_valid_mobile(tw):
    base = {"kind": "complaint", "title": "t", "content": "c", "region": tw.county}
    assert refused(services.file_ticket, caller(), **base).field == "phone"
    assert refused(services.file_ticket, caller(), phone="12345", **base).field == "phone"
    assert (
        refused(
            services.file_ticket, caller(), phone="13900000002", **{**base, "content": "长" * 2001}
        ).field
        == "content"
    )
    assert not Ticket.objects.exists()


def test_call_back_rating_and_close(tw):
    ticket = handled(tw, file(tw, item=tw.item))
    assert refused(services.visit, caller(tw.citizen), ticket, 6).field == "satisfaction"
    assert refused(services.close, caller(tw.dispatcher), ticket).status == 409
    assert refused(services.visit, caller(tw.market_staff), ticket, 5).status == 403
    ticket = services.visit(caller(tw.dispatcher), ticket, 4, "电话回访")
    assert (ticket.state, ticket.satisfaction) == (TicketState.VISITED, 4)
    assert refused(services.close, caller(tw.citizen), ticket).status == 403
    ticket = services.close(caller(tw.dispatcher), ticket)
    assert ticket.state == TicketState.CLOSED and ticket.closed_at is not None


# -- attachments and idempotency --------------------------------------------------------------
def test_attachments_are_checked_like_materials(tw):
    exe = SimpleUploadedFile(
        "scan.pdf", b"MZ" + b"\0" * 58 + b"\x40\0\0\0" + b"PE\0\0" + b"\0" * 200
    )
    error = refused(file, tw, uploads=[pdf(), exe])
    assert error.field == "attachments" and "scan.pdf" in error.message
    assert not Ticket.objects.exists()
    png_as_pdf = SimpleUploadedFile("photo.pdf", PNG_BYTES)
    assert "扩展名" in refused(file, tw, uploads=[png_as_pdf]).message
    ticket = file(tw, uploads=[pdf(), SimpleUploadedFile("photo.png", PNG_BYTES)])
    assert [a.content_type for a in ticket.attachments.all()] == ["application/pdf", "image/png"]


def test_the_same_idempotency_key_files_once(tw):
    first = file(tw, idempotency_key="k-1")
    again = file(tw, idempotency_key="k-1")
    assert first.pk == again.pk and Ticket.objects.count() == 1
    error = refused(file, tw, idempotency_key="k-1", title="另一件事")
    assert (error.field, error.status) == ("idempotency_key", 409)
    # another caller may use the same key
    assert file(tw, tw.other, idempotency_key="k-1").pk != first.pk
