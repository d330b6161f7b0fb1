"""Demo ratings (好差评) for `load_demo`: good and bad ratings on finished demo cases over the
months the statistics show, one bad rating whose rectification is under way (verified and
rectified, the reply still due), one appeal waiting for the supervisor (gac-supervisor covers
广安市). Idempotent: a second run adds nothing.

Finished cases come from the cases services where they can be made (the demo citizen
13800000001 applies, the clerk accepts, the approver decides: two cases the citizen can rate
and see followed up), and otherwise from the finished cases other demos made (the statistics'
history).
"""

from __future__ import annotations

import datetime as dt
import logging
import random

from django.db import transaction
from django.utils import timezone

from govserve.accounts.models import User
from govserve.cases import demo as cases_demo
from govserve.cases import services as case_services
from govserve.cases.models import Case, CaseState, IdempotencyKey, Visit
from govserve.workcalendar.deadlines import add_working_days

from . import selectors, services
from .models import Rating, RatingChannel, Rectification

log = logging.getLogger(__name__)

DEMO_CLIENT = "demo"  # client_id of the demo's channel ratings: the mark of a loaded demo
SEED = 39734
COMMENTS = {
    5: ["办理很快，一次办好", "窗口人员耐心细致", "网上提交很方便，全程没跑腿"],
    4: ["整体满意，排队稍久", "指南清楚，材料一次备齐"],
    3: ["还可以，希望再快一些", ""],
    2: ["材料要求前后说法不一致，多跑了一趟", "等候时间太长"],
    1: ["办事指南与窗口要求不一致，跑了三趟", "电话一直无人接听"],
}
LEVELS = [5, 5, 5, 5, 4, 4, 4, 3, 3, 2, 1]
CHANNELS = [
    RatingChannel.WEB,
    RatingChannel.WEB,
    RatingChannel.APP,
    RatingChannel.EVALUATOR,
    RatingChannel.TERMINAL,
    RatingChannel.HOTLINE,
]


def _citizen_cases() -> list[tuple[str, Case]]:
    """Two decided cases of the demo citizen, made through the cases services (once):
    ("good", case) and ("bad", case)."""
    citizen = User.objects.filter(mobile="13800000001").first()
    clerk = User.objects.filter(username="ga-clerk").first()
    approver = User.objects.filter(username="ga-approver").first()
    if not (citizen and clerk and approver):
        return []
    keys = {"demo-rating-good": "good", "demo-rating-bad": "bad"}
    made = [
        (keys[k.key], k.case)
        for k in IdempotencyKey.objects.filter(user=citizen, key__in=list(keys))
        .select_related("case")
        .order_by("pk")
        if k.case.state in services.RATEABLE_STATES
    ]
    if made:
        return made
    first = (
        Case.objects.filter(applicant=citizen, bundle__isnull=True)
        .select_related("item")
        .order_by("pk")
        .first()
    )
    if first is None:
        return []
    item = first.item
    for key, kind in keys.items():
        try:
            with transaction.atomic():
                case, _ = case_services.apply(
                    citizen,
                    idempotency_key=key,
                    item=item,
                    form_data=cases_demo.FORM,
                    uploads=cases_demo._uploads([item]),
                )
                case = case_services.accept(case, clerk)
                case_services.record_visit(case, clerk, purpose="窗口提交材料")
                case = case_services.decide(
                    case, approver, outcome="approved", reasons="材料齐全，符合法定条件"
                )
                made.append((kind, case))
        except Exception:  # a demo without signing keys or fonts: rate other finished cases
            log.warning("demo: could not decide a case for the ratings demo", exc_info=True)
            break
    return made


def load() -> list[str]:
    if Rating.objects.filter(client_id=DEMO_CLIENT).exists():
        return []
    citizen_cases = _citizen_cases()
    others = list(
        Case.objects.filter(state=CaseState.CLOSED, number__isnull=False)
        .exclude(pk__in=[c.pk for _kind, c in citizen_cases])
        .order_by("pk")[:400]
    )
    if not citizen_cases and not others:
        return ["好差评演示：没有已办结的办件可评价"]
    rng = random.Random(SEED)
    lines: list[str] = []
    with transaction.atomic():
        rated = 0
        for case in rng.sample(others, min(len(others), 120)):
            level = rng.choice(LEVELS)
            channel = rng.choice(CHANNELS)
            real_name = channel != RatingChannel.HOTLINE or rng.random() < 0.5
            rating = services._create_rating(
                case,
                rater=case.applicant if real_name else None,
                channel=channel,
                level=level,
                scores={"score_efficiency": max(1, min(5, level + rng.choice([-1, 0, 0, 1])))},
                comment=rng.choice(COMMENTS[level]) or ("" if level > 2 else "办理太慢"),
                visit=None,
                client_id=DEMO_CLIENT,
                real_name=real_name,
            )
            when = (case.closed_at or case.decided_at or timezone.now()) + dt.timedelta(hours=2)
            Rating.objects.filter(pk=rating.pk).update(created_at=when)
            rect = Rectification.objects.filter(rating=rating).first()
            if rect is not None:
                _settle_history(rect, when.date(), rng)
            rated += 1
        lines.append(f"好差评演示评价 {rated} 条（统计历史办件，多渠道，含差评整改）")
        lines += _citizen_ratings(citizen_cases)
        if not any(kind == "bad" for kind, _case in citizen_cases):
            lines += _under_way()
        lines += _appeal(others)
    return lines


def _handler(rect: Rectification):
    ids = selectors.department_handler_ids(rect.department_id, rect.region)
    return User.objects.filter(pk__in=ids).order_by("pk").first()


def _supervisor():
    return User.objects.filter(username="gac-supervisor").first()


def _settle_history(rect: Rectification, day: dt.date, rng: random.Random) -> None:
    """Old bad ratings: followed up (most on time, some late, a few still open)."""
    handler, supervisor = _handler(rect), _supervisor()
    due = add_working_days(day, services.rectification_working_days()).due
    Rectification.objects.filter(pk=rect.pk).update(opened_on=day, due=due)
    rect.refresh_from_db()
    if handler is None or supervisor is None or rng.random() < 0.15:
        return
    services.verify(handler, rect, verification="已联系申请人核实，情况属实")
    services.rectify(handler, rect, measures="已对窗口人员开展业务培训，修订办事指南")
    services.reply(handler, rect, text="您反映的问题已核实整改，感谢监督")
    late = rng.random() < 0.2
    replied = add_working_days(day, rng.randint(6, 9) if late else rng.randint(1, 5)).due
    Rectification.objects.filter(pk=rect.pk).update(replied_on=replied)
    rect.refresh_from_db()
    services.review(supervisor, rect, accept=True, note="整改到位")


def _citizen_ratings(cases: list[tuple[str, Case]]) -> list[str]:
    """The demo citizen's cases: a good on-site rating, and a bad online rating whose
    rectification is under way (verified, rectified; the reply is due)."""
    lines = []
    for kind, case in cases:
        citizen = case.applicant
        if kind == "good":
            visit = Visit.objects.filter(case=case).first()
            services._create_rating(
                case,
                rater=citizen,
                channel=RatingChannel.EVALUATOR,
                level=5,
                scores={"score_attitude": 5, "score_competence": 5},
                comment="窗口人员耐心细致",
                visit=visit,
                client_id=DEMO_CLIENT,
            )
            lines.append(f"好差评演示：{case.number} 现场评价“非常满意”（13800000001）")
        else:
            rating = services._create_rating(
                case,
                rater=citizen,
                channel=RatingChannel.WEB,
                level=1,
                scores={"score_guide": 1},
                comment="办事指南写的材料和窗口要求不一致，多跑了一趟",
                visit=None,
                client_id=DEMO_CLIENT,
            )
            rect = Rectification.objects.get(rating=rating)
            handler = _handler(rect)
            if handler is not None:
                services.verify(handler, rect, verification="经核实，办事指南材料清单未及时更新")
                services.rectify(handler, rect, measures="已更新办事指南并通知窗口统一口径")
            url = f"/ratings/rectifications/{rect.pk}/"
            lines.append(f"好差评演示：{case.number} 实名差评，整改进行中（{url}）")
    return lines


def _under_way() -> list[str]:
    """Without the citizen's cases: the latest open rectification is verified and rectified,
    its reply due from today."""
    for rect in Rectification.objects.filter(state="open").order_by("-rating__created_at"):
        handler = _handler(rect)
        if handler is None:
            continue
        today = services.today()
        due = add_working_days(today, services.rectification_working_days()).due
        Rectification.objects.filter(pk=rect.pk).update(opened_on=today, due=due)
        services.verify(handler, rect, verification="已电话联系申请人，情况属实")
        services.rectify(handler, rect, measures="已调整窗口引导，增加导办人员")
        return [f"好差评演示：差评整改进行中（/ratings/rectifications/{rect.pk}/）"]
    return []


def _appeal(others: list[Case]) -> list[str]:
    """One appeal waiting for the supervisor: a bad rating its department calls malicious."""
    candidates = (
        Rating.objects.filter(
            client_id=DEMO_CLIENT,
            level__lte=2,
            is_current=True,
            excluded=False,
            real_name=True,
            case__in=others,
        )
        .select_related("region")
        .order_by("level", "pk")
    )
    for rating in candidates:
        rect = Rectification.objects.filter(rating=rating).select_related("region").first()
        handler = _handler(rect) if rect is not None else None
        if handler is None:
            continue
        appeal = services.appeal(
            handler,
            rating,
            ground="malicious",
            reasons="评价人在同日多次来电表示对结果不满而给出差评，评价内容与办理过程不符",
        )
        url = f"/ratings/appeals/{appeal.pk}/"
        return [f"好差评演示：待裁定申诉 1 件（{url}，gac-supervisor 可裁定）"]
    return []
