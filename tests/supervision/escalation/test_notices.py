"""督办: issue, reply, return, accept; overdue replies escalate; who may do and see what."""

import datetime as dt

import pytest

from govserve.cases.models import CaseState, Notification
from govserve.supervision.escalation import selectors, services
from govserve.supervision.escalation.errors import EscalationError
from govserve.supervision.escalation.models import (
    Escalation,
    NoticeEvent,
    NoticeState,
    SupervisionNotice,
    Target,
)
from govserve.supervision.registries import CASE_HISTORY, METRIC_SOURCES
from tests.cases.factories import CaseFactory

ISSUED = dt.date(2026, 9, 7)  # Monday; 5 working days → 14 September (Monday)


def issue(ew, actor=None, **kwargs):
    kwargs.setdefault("case", CaseFactory(item=ew.item, state=CaseState.IN_REVIEW))
    kwargs.setdefault("subject", "办件超期未办结")
    kwargs.setdefault("body", "请说明超期原因并限期办结。")
    kwargs.setdefault("reply_days", 5)
    kwargs.setdefault("today", ISSUED)
    notice, created = services.issue_notice(actor or ew.county_sup, **kwargs)
    return notice


def test_issue_numbers_the_notice_sets_the_due_date_and_tells_the_department(ew):
    notice = issue(ew)
    assert notice.number == "DB511602202600001"
    assert notice.department == ew.market and notice.region == ew.county
    assert notice.due == dt.date(2026, 9, 14) and notice.state == NoticeState.OPEN
    told = set(
        Notification.objects.filter(subject__contains=notice.number).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"esc-reviewer", "esc-approver"}
    assert issue(ew).number == "DB511602202600002"


def test_default_reply_days_come_from_settings(ew, settings):
    settings.GOVSERVE = {**settings.GOVSERVE, "SUPERVISION_NOTICE_REPLY_WORKING_DAYS": 2}
    notice = issue(ew, reply_days=None)
    assert notice.reply_days == 2 and notice.due == dt.date(2026, 9, 9)


def test_about_an_item(ew):
    notice = issue(ew, case=None, item=ew.item)
    assert notice.item == ew.item and notice.department == ew.market


def test_reply_return_reply_accept(ew):
    notice = issue(ew)
    services.reply_notice(ew.reviewer, notice, "已核实，三日内办结。", today=dt.date(2026, 9, 11))
    notice.refresh_from_db()
    assert notice.state == NoticeState.REPLIED and notice.first_reply_on_time is True
    assert Notification.objects.filter(recipient=ew.county_sup).exists()
    services.return_notice(ew.county_sup, notice, "未说明超期原因", today=dt.date(2026, 9, 15))
    notice.refresh_from_db()
    assert notice.state == NoticeState.OPEN and notice.round == 2
    assert notice.due == dt.date(2026, 9, 21)  # Sunday 20 September is a make-up workday
    services.reply_notice(ew.approver, notice, "超期原因：现场核查排期。已办结。")
    services.accept_notice(ew.county_sup, notice, "同意")
    notice.refresh_from_db()
    assert notice.state == NoticeState.CLOSED and notice.closed_by == ew.county_sup
    actions = list(notice.events.values_list("action", flat=True))
    assert actions == ["issued", "replied", "returned", "replied", "accepted"]
    history = CASE_HISTORY.get("escalation")(notice.case_id)
    assert len(history) == 5 and all(e.kind == "督办" for e in history)


def test_wrong_state_and_empty_input_are_refused(ew):
    notice = issue(ew)
    with pytest.raises(EscalationError) as exc:
        services.accept_notice(ew.county_sup, notice)
    assert exc.value.status == 409
    with pytest.raises(EscalationError) as exc:
        services.reply_notice(ew.reviewer, notice, "   ")
    assert exc.value.field == "reply_text" and exc.value.status == 400
    with pytest.raises(EscalationError):
        issue(ew, subject="")
    with pytest.raises(EscalationError):
        issue(ew, reply_days=0)
    with pytest.raises(EscalationError):
        issue(ew, item=ew.item)  # both a case and an item
    assert NoticeEvent.objects.filter(notice=notice).count() == 1


def test_overdue_reply_escalates_and_a_returned_notice_starts_a_new_round(ew):
    notice = issue(ew)
    services.escalate(dt.date(2026, 9, 15))  # due 14 September: 1 working day late
    esc = Escalation.objects.get(kind="notice")
    assert esc.key == f"notice:{notice.pk}:1" and esc.target == Target.HANDLER
    assert esc.recipients == 2 and esc.case_id == notice.case_id
    services.escalate(dt.date(2026, 9, 16))  # 2 working days: the department head
    assert Escalation.objects.filter(kind="notice", target=Target.DEPARTMENT_HEAD).count() == 1
    services.reply_notice(ew.reviewer, notice, "已办理", today=dt.date(2026, 9, 16))
    notice.refresh_from_db()
    assert notice.first_reply_on_time is False
    services.escalate(dt.date(2026, 9, 17))
    assert Escalation.objects.filter(kind="notice").count() == 2  # replied: no longer late
    services.return_notice(
        ew.county_sup, notice, "回复不完整", reply_days=1, today=dt.date(2026, 9, 17)
    )
    services.escalate(dt.date(2026, 10, 12))
    assert Escalation.objects.filter(kind="notice", key=f"notice:{notice.pk}:2").exists()
    month = dt.date(2026, 9, 1)
    assert [m.count for m in METRIC_SOURCES.get("supervision.notices")(month)] == [1]
    assert [m.count for m in METRIC_SOURCES.get("supervision.notices_on_time")(month)] == [0]


# -- authorization ---------------------------------------------------------------------------------
def test_a_county_supervisor_cannot_issue_to_another_county(ew):
    other = CaseFactory(item=ew.sibling_item, state=CaseState.IN_REVIEW)
    with pytest.raises(EscalationError) as exc:
        issue(ew, actor=ew.county_sup, case=other)
    assert exc.value.status == 403
    assert not SupervisionNotice.objects.exists()
    assert issue(ew, actor=ew.city_sup, case=other).department == ew.sibling_market


def test_department_staff_cannot_issue(ew):
    with pytest.raises(EscalationError) as exc:
        issue(ew, actor=ew.reviewer)
    assert exc.value.status == 403


def test_who_sees_a_notice(ew):
    notice = issue(ew)
    other = issue(
        ew, actor=ew.sibling_sup, case=CaseFactory(item=ew.sibling_item, state=CaseState.IN_REVIEW)
    )
    assert set(selectors.visible_notices(ew.county_sup)) == {notice}
    assert set(selectors.visible_notices(ew.sibling_sup)) == {other}
    assert set(selectors.visible_notices(ew.city_sup)) == {notice, other}
    assert set(selectors.visible_notices(ew.reviewer)) == {notice}
    assert set(selectors.notices_to_reply(ew.approver)) == {notice}
    assert set(selectors.visible_notices(ew.health_reviewer)) == set()
    assert set(selectors.visible_notices(ew.sibling_reviewer)) == {other}


def test_only_the_department_replies_and_only_the_issuers_scope_reviews(ew):
    notice = issue(ew)
    for outsider in (ew.health_reviewer, ew.county_sup, ew.sibling_reviewer):
        with pytest.raises(EscalationError) as exc:
            services.reply_notice(outsider, notice, "回复")
        assert exc.value.status == 403
    services.reply_notice(ew.reviewer, notice, "回复")
    for outsider in (ew.sibling_sup, ew.reviewer):
        with pytest.raises(EscalationError) as exc:
            services.accept_notice(outsider, notice)
        assert exc.value.status == 403
    services.accept_notice(ew.city_sup, notice)  # the city covers the county


def test_idempotency_key(ew):
    case = CaseFactory(item=ew.item, state=CaseState.IN_REVIEW)
    first, created = services.issue_notice(
        ew.county_sup, case=case, subject="a", body="b", idempotency_key="k1"
    )
    again, created_again = services.issue_notice(
        ew.county_sup, case=case, subject="a", body="b", idempotency_key="k1"
    )
    assert created and not created_again and first.pk == again.pk
    with pytest.raises(EscalationError) as exc:
        services.issue_notice(ew.county_sup, case=case, subject="c", body="b", idempotency_key="k1")
    assert exc.value.status == 409
    assert SupervisionNotice.objects.count() == 1
