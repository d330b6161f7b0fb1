"""Demo tickets in 广安区: one in every state, some anonymous, one returned, one reopened, one
overdue, a few handled in earlier months (for the statistics). Filed through the services, so
every step is recorded; created once (the demo idempotency keys), a second run adds nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from govserve.accounts.models import User
from govserve.catalog.models import ImplementationItem
from govserve.regions.models import Department, Region
from govserve.workcalendar.deadlines import add_working_days

from . import services
from .models import Ticket, TicketEvent, TicketKind

OWNER_PREFIX = "demo-ticket-"
APPROVAL = "广安市广安区行政审批局"
HEALTH = "广安市广安区卫生健康局"


def _file(caller, n: int, **fields) -> Ticket:
    ticket, _created = services.file_ticket(caller, idempotency_key=f"{OWNER_PREFIX}{n}", **fields)
    return ticket


def _backdate(ticket: Ticket, days: int) -> None:
    """Move a handled ticket and its steps `days` back (earlier months for the statistics)."""
    shift = dt.timedelta(days=days)
    fields = {}
    for name in ("created_at", "replied_at", "first_replied_at", "closed_at"):
        value = getattr(ticket, name)
        if value is not None:
            fields[name] = value - shift
    for name in ("dispatched_on", "due_date"):
        value = getattr(ticket, name)
        if value is not None:
            fields[name] = value - shift
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    for event in TicketEvent.objects.filter(ticket=ticket):
        TicketEvent.objects.filter(pk=event.pk).update(at=event.at - shift)


@transaction.atomic
def load() -> list[str]:
    """Create the demo tickets once; return lines to print."""
    if Ticket.objects.filter(idempotency_key=f"{OWNER_PREFIX}1").exists():
        return []
    county = Region.objects.filter(code="511602000000").first()
    approval = Department.objects.filter(name=APPROVAL).first()
    health = Department.objects.filter(name=HEALTH).first()
    citizen = User.objects.filter(mobile="13800000001").first()
    dispatcher_user = User.objects.filter(username="gac-supervisor").first()
    reviewer_user = User.objects.filter(username="ga-reviewer").first()
    health_user = User.objects.filter(username="ga-health-reviewer").first()
    if not all((county, approval, health, citizen, dispatcher_user, reviewer_user, health_user)):
        return ["投诉建议：缺少演示区划、部门或账户，未创建演示工单"]
    assert approval is not None and health is not None
    item = ImplementationItem.objects.filter(department=approval).order_by("pk").first()
    me = services.Caller(user=citizen)
    dispatcher = services.Caller(user=dispatcher_user)
    reviewer = services.Caller(user=reviewer_user)
    health_staff = services.Caller(user=health_user)
    anonymous = services.Caller(phone="13900000002")

    def anon(n: int, **fields) -> Ticket:
        return _file(services.Caller(), n, phone="13900000002", **fields)

    base = {"region": county}
    # 1 dispatching: anonymous, in the queue.
    anon(
        1,
        kind=TicketKind.SUGGESTION,
        title="建议政务大厅延长周六办公时间",
        content="上班族工作日难以请假，建议周六全天开放综合窗口。",
        **base,
    )
    # 2 assigned (auto-dispatched from the item).
    t2 = _file(
        me,
        2,
        kind=TicketKind.CONSULTATION,
        title="食品经营许可需要哪些材料",
        content="想开一家小餐馆，请问申请食品经营许可需要准备哪些材料？",
        item=item,
        **({} if item else {"region": county}),
    )
    if t2.department_id is None:
        services.assign(dispatcher, t2, approval)
    # 3 accepted, and overdue (its deadline moved into the past).
    t3 = anon(
        3,
        kind=TicketKind.COMPLAINT,
        title="窗口人员要求重复提交材料",
        content="在综合窗口办理时，工作人员要求我再次提交已经上传的营业执照复印件。",
        **base,
    )
    services.assign(dispatcher, t3, approval, "涉及行政审批局窗口")
    services.accept(reviewer, t3)
    today = timezone.localdate()
    Ticket.objects.filter(pk=t3.pk).update(
        dispatched_on=today - dt.timedelta(days=30),
        due_date=add_working_days(today - dt.timedelta(days=30), 13).due,
    )
    # 4 returned once by the health bureau, reassigned to the approval bureau, accepted.
    t4 = _file(
        me,
        4,
        kind=TicketKind.COMPLAINT,
        title="营业执照变更登记超过承诺时限",
        content="变更登记已提交十多个工作日，仍未办结，也没有人联系我。",
        **base,
    )
    services.assign(dispatcher, t4, health)
    services.return_ticket(health_staff, t4, "营业执照变更登记不属于卫生健康局职责")
    services.assign(dispatcher, t4, approval, "退回后重新派单")
    services.accept(reviewer, t4)
    # 5 replied, awaiting the filer.
    t5 = _file(
        me,
        5,
        kind=TicketKind.CONSULTATION,
        title="公共场所卫生许可能否网上办理",
        content="请问公共场所卫生许可是否可以全程网上办理？",
        **base,
    )
    services.assign(dispatcher, t5, health)
    services.accept(health_staff, t5)
    services.reply(
        health_staff, t5, "可以。登录政务服务网搜索“公共场所卫生许可”，在线提交申请即可。"
    )
    # 6 reopened once: the filer was not satisfied with the first answer.
    t6 = _file(
        me,
        6,
        kind=TicketKind.COMPLAINT,
        title="办件进度长时间不更新",
        content="我的办件进度一周没有变化，电话也打不通。",
        **base,
    )
    services.assign(dispatcher, t6, approval)
    services.accept(reviewer, t6)
    services.reply(reviewer, t6, "已督促审查人员加快办理。")
    services.reopen(me, t6, "答复没有说明何时办结")
    # 7 confirmed by an anonymous filer.
    t7 = anon(
        7,
        kind=TicketKind.CONSULTATION,
        title="不动产登记需要本人到场吗",
        content="办理不动产转移登记是否需要买卖双方本人到场？",
        **base,
    )
    services.assign(dispatcher, t7, approval)
    services.accept(reviewer, t7)
    services.reply(reviewer, t7, "需要双方本人到场或委托代理人持公证委托书办理。")
    services.confirm(anonymous, t7)
    # 8 visited (rated) and 9–10 closed, handled in earlier months.
    t8 = _file(
        me,
        8,
        kind=TicketKind.SUGGESTION,
        title="建议增加自助打印终端",
        content="大厅只有一台自助打印机，高峰时排队很久。",
        **base,
    )
    services.assign(dispatcher, t8, approval)
    services.accept(reviewer, t8)
    services.reply(reviewer, t8, "已采纳，下月增设两台自助终端。")
    services.visit(me, t8, 5, "满意")
    for n, months, rating, title in (
        (9, 1, 4, "咨询个体工商户注册流程"),
        (10, 2, 2, "投诉窗口午休时间无人"),
    ):
        t = _file(
            me,
            n,
            kind=TicketKind.CONSULTATION if n == 9 else TicketKind.COMPLAINT,
            title=title,
            content=title + "，请相关部门答复。",
            **base,
        )
        services.assign(dispatcher, t, approval)
        services.accept(reviewer, t)
        services.reply(reviewer, t, "已按规定处理并答复。")
        services.visit(dispatcher, t, rating, "电话回访")
        services.close(dispatcher, t)
        _backdate(Ticket.objects.get(pk=t.pk), 31 * months)
    # 11 a report (举报): not shown publicly by default.
    t11 = anon(
        11,
        kind=TicketKind.REPORT,
        title="举报中介代办收费",
        content="大厅门口有人以加急为名收取代办费用。",
        **base,
    )
    services.assign(dispatcher, t11, approval)
    return [f"投诉建议：{Ticket.objects.count()} 件演示工单（广安区，各环节齐全）"]
