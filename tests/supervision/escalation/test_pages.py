"""The 督办 pages as a supervisor and as department staff would use them."""

import datetime as dt

from django.test import Client

from govserve.cases.models import CaseState
from govserve.supervision.escalation import services
from govserve.supervision.escalation.models import NoticeState, SupervisionNotice
from tests.cases.factories import CaseFactory


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def late(ew, item=None):
    return CaseFactory(
        item=item or ew.item,
        state=CaseState.IN_REVIEW,
        on=dt.date(2026, 9, 1),
        current_due=dt.date(2026, 9, 30),
    )


def test_supervisor_issues_a_notice_from_a_case_and_sees_it_listed(ew):
    case = late(ew)
    sup = client_for(ew.county_sup)
    form = sup.get(f"/supervision/notices/new/?case={case.pk}")
    assert form.status_code == 200 and case.number in form.content.decode()
    answer = sup.post(
        "/supervision/notices/new/",
        {"case": case.number, "subject": "超期督办", "body": "请说明原因", "reply_days": "3"},
    )
    notice = SupervisionNotice.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/supervision/notices/{notice.pk}/"
    listing = sup.get("/supervision/notices/").content.decode()
    assert notice.number in listing and "超期督办" in listing


def test_issue_form_shows_field_errors(ew):
    sup = client_for(ew.county_sup)
    answer = sup.post("/supervision/notices/new/", {"case": "nope", "subject": "x", "body": "y"})
    assert answer.status_code == 400 and "没有找到该办件" in answer.content.decode()
    other = late(ew, ew.sibling_item)
    answer = sup.post(
        "/supervision/notices/new/", {"case": other.number, "subject": "x", "body": "y"}
    )
    assert answer.status_code == 403 and "超出您的监察范围" in answer.content.decode()
    assert not SupervisionNotice.objects.exists()


def test_department_replies_and_supervisor_accepts_on_the_pages(ew):
    notice, _ = services.issue_notice(ew.county_sup, case=late(ew), subject="s", body="b")
    dept = client_for(ew.reviewer)
    todo = dept.get("/supervision/notices/replies/").content.decode()
    assert notice.number in todo
    page = dept.get(f"/supervision/notices/{notice.pk}/").content.decode()
    assert "回复督办" in page and "审核通过" not in page
    empty = dept.post(f"/supervision/notices/{notice.pk}/reply/", {"reply_text": ""})
    assert empty.status_code == 400
    done = dept.post(f"/supervision/notices/{notice.pk}/reply/", {"reply_text": "已办结"})
    assert done.status_code == 302
    sup = client_for(ew.county_sup)
    page = sup.get(f"/supervision/notices/{notice.pk}/").content.decode()
    assert "已办结" in page and "审核通过并办结" in page
    assert (
        sup.post(f"/supervision/notices/{notice.pk}/accept/", {"comment": "好"}).status_code == 302
    )
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED


def test_other_departments_and_counties_get_not_found(ew):
    notice, _ = services.issue_notice(ew.county_sup, case=late(ew), subject="s", body="b")
    for user in (ew.health_reviewer, ew.sibling_sup, ew.sibling_reviewer):
        client = client_for(user)
        assert client.get(f"/supervision/notices/{notice.pk}/").status_code == 404
        assert notice.number not in client.get("/supervision/notices/").content.decode()
        assert (
            client.post(f"/supervision/notices/{notice.pk}/reply/", {"reply_text": "x"}).status_code
            == 404
        )


def test_applicants_and_clerks_are_turned_away(ew):
    from govserve.accounts.models import Role
    from tests.accounts.worlds import make_staff

    clerk = make_staff("esc-clerk", Role.COUNTER_CLERK, ew.county)
    assert client_for(clerk).get("/supervision/notices/").status_code == 403
    assert client_for(ew.reviewer).get("/supervision/notices/new/").status_code == 403


def test_escalations_cards_csv_and_ladders(ew):
    case = late(ew)
    services.escalate(dt.date(2026, 10, 13))
    sup = client_for(ew.county_sup)
    escalations = sup.get("/supervision/escalations/").content.decode()
    assert case.number in escalations and "上一级监察人员" in escalations
    cards = sup.get("/supervision/cards/?month=2026-10").content.decode()
    assert ew.market.name in cards
    csv = sup.get("/supervision/cards.csv?month=2026-10")
    body = b"".join(csv.streaming_content).decode()
    assert csv["Content-Type"].startswith("text/csv") and f"2026-10,{ew.market.name}" in body
    ladders = sup.get("/supervision/ladders/").content.decode()
    assert "平台默认" in ladders and "部门审批负责人" in ladders
    other = client_for(ew.sibling_sup).get("/supervision/escalations/").content.decode()
    assert case.number not in other


def test_header_link_for_supervisors_and_department_staff(ew):
    link = 'href="/supervision/notices/"'
    assert link in client_for(ew.county_sup).get("/supervision/notices/").content.decode()
    assert link in client_for(ew.reviewer).get("/supervision/notices/").content.decode()
