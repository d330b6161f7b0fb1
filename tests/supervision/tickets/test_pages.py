"""The ticket pages as people use them (Django's test client, no JavaScript): file signed in
or anonymously, follow by number + phone, confirm/reopen/rate; the department inbox with its
warnings and actions; the dispatcher queue; the public anonymised list; who sees what."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from govserve.accounts.models import PersonalDataAccess
from govserve.supervision.tickets import services
from govserve.supervision.tickets.models import Ticket, TicketKindPolicy, TicketState
from tests.cases.factories import CaseFactory
from tests.cases.worlds import pdf
from tests.supervision.tickets.worlds import caller, file

pytestmark = pytest.mark.django_db


def text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def signed_in(client, user):
    client.force_login(user)
    return client


def form(**extra):
    data = {
        "kind": "complaint",
        "title": "窗口要求重复提交材料",
        "content": "已上传的营业执照又被要求提交复印件。",
        "public": "on",
    }
    data.update(extra)
    return data


def test_an_anonymous_visitor_files_with_a_phone_and_follows_it(tw, client):
    page = client.get(reverse("tickets:new"))
    assert page.status_code == 200 and "手机号码" in text(page)
    refused = client.post(reverse("tickets:new"), form(region=tw.county.pk))
    assert refused.status_code == 200 and "匿名反映请填写手机号码" in text(refused)
    done = client.post(
        reverse("tickets:new"),
        form(region=tw.county.pk, phone="13900000002", attachments=[pdf()]),
        follow=True,
    )
    ticket = Ticket.objects.get()
    assert ticket.filer is None and ticket.attachments.count() == 1
    assert ticket.number in text(done) and "139****0002" in text(done)
    assert "13900000002" not in done.content.decode()
    # a new browser needs the number and the right phone
    other = client.__class__()
    assert other.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404
    wrong = other.post(reverse("tickets:follow"), {"number": ticket.number, "phone": "13900000003"})
    assert "未找到" in text(wrong)
    assert other.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404
    right = other.post(
        reverse("tickets:follow"), {"number": ticket.number, "phone": "13900000002"}, follow=True
    )
    assert ticket.title in text(right)


def test_an_exe_renamed_pdf_is_refused_on_the_page(tw, client):
    exe = SimpleUploadedFile("invoice.pdf", b"MZ" + b"\0" * 58 + b"\x40\0\0\0PE\0\0" + b"\0" * 64)
    page = client.post(
        reverse("tickets:new"), form(region=tw.county.pk, phone="13900000002", attachments=[exe])
    )
    assert page.status_code == 200 and "invoice.pdf" in text(page)
    assert not Ticket.objects.exists()


def test_a_citizen_files_about_their_case_from_its_link_and_sees_it_in_mine(tw, client):
    case = CaseFactory(item=tw.item, applicant=tw.citizen)
    signed_in(client, tw.citizen)
    page = client.get(reverse("tickets:new") + f"?case={case.pk}")
    assert case.number in text(page)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.content.decode()).group(1)
    data = form(case=case.pk, idempotency_key=key)
    client.post(reverse("tickets:new"), data)
    client.post(reverse("tickets:new"), data)  # a double click files once
    ticket = Ticket.objects.get()
    assert (ticket.filer, ticket.department) == (tw.citizen, tw.market)
    mine = client.get(reverse("tickets:mine"))
    assert ticket.number in text(mine)
    # another citizen sees neither the list entry nor the ticket
    signed_in(client, tw.other)
    assert ticket.number not in text(client.get(reverse("tickets:mine")))
    assert client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 404


def test_someone_elses_case_link_is_not_prefilled(tw, client):
    case = CaseFactory(item=tw.item, applicant=tw.other)
    signed_in(client, tw.citizen)
    assert case.number not in text(client.get(reverse("tickets:new") + f"?case={case.pk}"))


def test_the_department_signs_and_replies_and_the_filer_rates(tw, client):
    ticket = file(tw, item=tw.item)
    signed_in(client, tw.market_staff)
    inbox = client.get(reverse("tickets:inbox"))
    assert ticket.number in text(inbox)
    url = reverse("tickets:staff-action", args=[ticket.pk, "accept"])
    assert client.post(url, {}).status_code == 302
    url = reverse("tickets:staff-action", args=[ticket.pk, "reply"])
    client.post(url, {"reply": "已约谈窗口人员并整改。"})
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.REPLIED
    signed_in(client, tw.citizen)
    detail = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert "已约谈窗口人员并整改" in text(detail) and "申请重办" in text(detail)
    reopen = client.post(reverse("tickets:filer-action", args=[ticket.pk, "reopen"]), {})
    assert reopen.status_code == 400
    client.post(reverse("tickets:filer-action", args=[ticket.pk, "confirm"]), {})
    client.post(reverse("tickets:filer-action", args=[ticket.pk, "rate"]), {"satisfaction": "5"})
    ticket.refresh_from_db()
    assert (ticket.state, ticket.satisfaction) == (TicketState.VISITED, 5)


def test_inbox_marks_overdue_red_and_due_soon_yellow(tw, client):
    late = file(tw, item=tw.item, title="超期工单")
    soon = file(tw, item=tw.item, title="将到期工单")
    Ticket.objects.filter(pk=late.pk).update(due_date=dt.date(2020, 1, 2))
    Ticket.objects.filter(pk=soon.pk).update(due_date=timezone.localdate())
    signed_in(client, tw.market_staff)
    html = client.get(reverse("tickets:inbox")).content.decode()
    assert "badge-red" in html and "badge-yellow" in html
    assert html.index("超期工单") < html.index("将到期工单")


def test_transfer_and_return_forms(tw, client):
    ticket = file(tw, item=tw.item)
    signed_in(client, tw.market_staff)
    detail = client.get(reverse("tickets:staff-detail", args=[ticket.pk]))
    assert "退回分拨" in text(detail) and "转办其他部门" in text(detail)
    assert "139****0001" in text(detail) and "13912340001" not in detail.content.decode()
    assert PersonalDataAccess.objects.filter(viewer=tw.market_staff).exists()
    url = reverse("tickets:staff-action", args=[ticket.pk, "return"])
    client.post(url, {"reason": "不属于本部门职责"})
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DISPATCHING and ticket.returned_once
    # the dispatcher sees it in the queue and assigns it again
    signed_in(client, tw.dispatcher)
    queue = client.get(reverse("tickets:queue"))
    assert ticket.number in text(queue) and "曾退回" in text(queue)
    url = reverse("tickets:staff-action", args=[ticket.pk, "assign"])
    client.post(url, {"department": tw.market.pk})
    signed_in(client, tw.market_staff)
    detail = client.get(reverse("tickets:staff-detail", args=[ticket.pk]))
    assert "退回分拨" not in text(detail)  # once only
    refused = client.post(
        reverse("tickets:staff-action", args=[ticket.pk, "return"]), {"reason": "再退"}
    )
    assert refused.status_code == 400 and "不能再次退回" in text(refused)


def test_a_county_never_sees_another_countys_tickets(tw, client):
    ours = file(tw, item=tw.item)
    queued = file(tw)
    theirs = file(tw, region=tw.sibling)
    for user in (tw.sibling_staff, tw.sibling_dispatcher):
        signed_in(client, user)
        for t in (ours, queued):
            assert client.get(reverse("tickets:staff-detail", args=[t.pk])).status_code == 404
        assert ours.number not in text(client.get(reverse("tickets:inbox")))
    signed_in(client, tw.sibling_dispatcher)
    assert theirs.number in text(client.get(reverse("tickets:queue")))
    assert queued.number not in text(client.get(reverse("tickets:queue")))
    # the health bureau of the same county does not see the market bureau's ticket either
    signed_in(client, tw.health_staff)
    assert client.get(reverse("tickets:staff-detail", args=[ours.pk])).status_code == 404
    # a citizen is refused the staff pages
    signed_in(client, tw.citizen)
    assert client.get(reverse("tickets:inbox")).status_code == 403
    # the city supervisor sees both counties
    signed_in(client, tw.city_supervisor)
    for t in (ours, queued, theirs):
        assert client.get(reverse("tickets:staff-detail", args=[t.pk])).status_code == 200


def test_a_department_staff_member_is_refused_the_dispatcher_queue(tw, client):
    signed_in(client, tw.market_staff)
    assert client.get(reverse("tickets:queue")).status_code == 403


def _closed(tw, **fields):
    ticket = file(tw, item=tw.item, **fields)
    ticket = services.accept(caller(tw.market_staff), ticket)
    ticket = services.reply(caller(tw.market_staff), ticket, "已处理，联系电话 0826-2345678。")
    ticket = services.visit(caller(tw.dispatcher), ticket, 4)
    return services.close(caller(tw.dispatcher), ticket)


def test_the_public_list_is_anonymised_and_per_kind(tw, client):
    shown = _closed(
        tw,
        title="投诉窗口",
        content="我叫张三0，手机13912340001，身份证511602199003071234，办件没人理。",
        name="张三0",
    )
    hidden_report = _closed(tw, kind="report", title="举报代办收费")
    private = _closed(tw, title="不愿公开的投诉", public=False)
    open_one = file(tw, item=tw.item, title="尚未办结")
    page = client.get(reverse("tickets:public"))
    body = text(page)
    assert "投诉窗口" in body and "已处理" in body
    for secret in ("13912340001", "511602199003071234", "张三0", "0826-2345678", shown.number):
        assert secret not in page.content.decode()
    for title in (hidden_report.title, private.title, open_one.title):
        assert title not in body
    assert "投诉建议" in body  # the public nav link
    # reports may be made public per kind
    TicketKindPolicy.objects.create(kind="report", public=True)
    assert hidden_report.title in text(client.get(reverse("tickets:public")))
    by_department = client.get(reverse("tickets:public") + f"?department={tw.health.pk}")
    assert "投诉窗口" not in text(by_department)


def test_the_staff_header_link_shows_for_ticket_staff_only(tw, client):
    signed_in(client, tw.market_staff)
    link = f'href="{reverse("tickets:inbox")}"'
    assert link in client.get(reverse("tickets:public")).content.decode()
    signed_in(client, tw.clerk)
    assert link not in client.get(reverse("tickets:public")).content.decode()


def test_the_item_guide_and_the_case_page_link_to_the_form(tw, client):
    guide = client.get(reverse("portal:item", args=[tw.item.pk]))
    assert f"{reverse('tickets:new')}?item={tw.item.pk}" in guide.content.decode()
    case = CaseFactory(item=tw.item, applicant=tw.citizen)
    signed_in(client, tw.citizen)
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert f"{reverse('tickets:new')}?case={case.pk}" in page.content.decode()
    form_page = client.get(reverse("tickets:new") + f"?item={tw.item.pk}")
    assert tw.item.name in text(form_page)
