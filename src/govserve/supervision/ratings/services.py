"""Every write of the ratings part, one transaction each; refusals are `RatingError`
(field-level, nothing written).

- `invite(case)`: after the decision, the applicant is asked to rate (online once per case,
  on site once per visit): an in-app message with the link.
- `rate` (the case's applicant on the web or the citizen API) and `rate_by_channel` (a channel
  system with a client-credentials token: evaluator, terminal, hotline, app …).
- A bad real-name rating opens a `Rectification` for the case's department at once, due in
  GOVSERVE["RATING_RECTIFICATION_WORKING_DAYS"] working days.
- The department `verify`, `rectify`, `reply`; the rater sees the reply and may `re_rate` once;
  a supervisor `review`s (accept / return).
- The department `appeal`s a malicious or mistaken rating; a supervisor `decide_appeal`s: the
  rating is excluded only when the appeal is upheld.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts import policies
from govserve.cases.models import Case, CaseState, Visit
from govserve.cases.notifications import notify
from govserve.supervision.scope import department_scope, supervisor_scope
from govserve.workcalendar.deadlines import add_working_days

from . import selectors
from .errors import RatingError
from .models import (
    ALL_DIMENSIONS,
    BAD_LEVELS,
    COMMENT_MAX_LENGTH,
    ONLINE_DIMENSIONS,
    ONSITE_DIMENSIONS,
    AppealGround,
    AppealState,
    Rating,
    RatingAppeal,
    RatingChannel,
    RatingInvitation,
    RatingRequestKey,
    Rectification,
    RectificationState,
    RectificationStep,
)

# Cases that may be rated: a decision was taken (准予/不予), or the case was refused at intake.
RATEABLE_STATES = (CaseState.DECIDED, CaseState.CLOSED, CaseState.REFUSED)
TEXT_MAX_LENGTH = 2000

# Abusive input (辱骂、广告): refused with a field-level message.
ABUSIVE_WORDS = ("傻逼", "傻B", "煞笔", "操你", "草你", "去死", "王八蛋", "狗日", "贱人", "滚蛋")
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REPEAT = re.compile(r"(.)\1{9,}")


def today() -> dt.date:
    """The local date (tests move it)."""
    return timezone.localdate()


def rectification_working_days() -> int:
    return int(settings.GOVSERVE.get("RATING_RECTIFICATION_WORKING_DAYS", 5))


# -- invitations -------------------------------------------------------------------------------
@transaction.atomic
def invite(case: Case) -> int:
    """Ask the applicant to rate the case (online) and each visit (on site) not yet asked;
    returns how many invitations were sent (0 when all were sent before)."""
    if case.state not in RATEABLE_STATES:
        return 0
    sent = 0
    link = reverse("ratings:case", args=[case.pk])
    if not RatingInvitation.objects.filter(case=case, visit__isnull=True).exists():
        RatingInvitation.objects.create(case=case)
        sent += 1
    visits = list(Visit.objects.filter(case=case).order_by("at", "pk"))
    invited = set(
        RatingInvitation.objects.filter(case=case, visit__isnull=False).values_list(
            "visit_id", flat=True
        )
    )
    new_visits = [v for v in visits if v.pk not in invited]
    for visit in new_visits:
        RatingInvitation.objects.create(case=case, visit=visit)
        sent += 1
    if sent:
        body = _(
            "%(name)s：您的办件“%(title)s”（办件编号 %(number)s）已办理完毕。"
            "欢迎对本次服务作出评价（好差评），评价地址：%(link)s"
        ) % {
            "name": case.applicant_name,
            "title": case.title,
            "number": case.number,
            "link": link,
        }
        if new_visits:
            body += _("\n您到大厅现场办理 %(n)d 次，每次现场服务均可单独评价（一次一评）。") % {
                "n": len(new_visits)
            }
        notify(
            case.applicant_id,
            _("请评价：%(number)s") % {"number": case.number},
            body,
            case=case,
        )
    return sent


# -- input checks ------------------------------------------------------------------------------
def _level(value: Any, field: str = "level", *, required: bool = True) -> int | None:
    if value in (None, ""):
        if required:
            raise RatingError(field, _("请选择评价等级"))
        return None
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise RatingError(field, _("评价等级应为 1（非常不满意）至 5（非常满意）")) from None
    if not 1 <= level <= 5:
        raise RatingError(field, _("评价等级应为 1（非常不满意）至 5（非常满意）"))
    return level


def clean_text(value: Any, field: str, *, required: bool, limit: int = TEXT_MAX_LENGTH) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise RatingError(field, _("请填写此项"))
    if len(text) > limit:
        raise RatingError(field, _("不能超过 %(n)d 个字") % {"n": limit})
    if _CONTROL.search(text):
        raise RatingError(field, _("含有不可见的控制字符"))
    return text


def clean_comment(value: Any, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise RatingError("comment", _("不满意的评价请写明原因，便于核实整改"))
    if len(text) > COMMENT_MAX_LENGTH:
        raise RatingError("comment", _("评价内容不能超过 %(n)d 个字") % {"n": COMMENT_MAX_LENGTH})
    if _CONTROL.search(text):
        raise RatingError("comment", _("评价内容含有不可见的控制字符"))
    if _LINK.search(text):
        raise RatingError("comment", _("评价内容不能包含网址链接"))
    if _REPEAT.search(text):
        raise RatingError("comment", _("评价内容含有大量重复字符"))
    lowered = text.lower()
    if any(word.lower() in lowered for word in ABUSIVE_WORDS):
        raise RatingError("comment", _("评价内容含有辱骂或不文明用语，请修改后再提交"))
    return text


def clean_scores(scores: Mapping[str, Any] | None, *, onsite: bool, level: int) -> dict[str, int]:
    """The dimension scores of the mode (online or on site), 1–5 each; overall defaults to the
    level. A dimension of the other mode is refused."""
    allowed = ONSITE_DIMENSIONS if onsite else ONLINE_DIMENSIONS
    result: dict[str, int] = {}
    for name, value in (scores or {}).items():
        if name not in ALL_DIMENSIONS:
            raise RatingError(name, _("没有此评价维度"))
        if name not in allowed:
            if value in (None, ""):
                continue
            raise RatingError(
                name,
                _("现场评价没有此维度") if onsite else _("网上评价没有此维度"),
            )
        score = _level(value, name, required=False)
        if score is not None:
            result[name] = score
    result.setdefault("score_overall", level)
    return result


def _staff_member(case: Case, visit: Visit | None):
    if visit is not None:
        return visit.recorded_by_id
    if case.filed_by_id:
        return case.filed_by_id
    lead = case.case_items.filter(department_id=case.department_id).first()
    return lead.reviewed_by_id if lead else None


def _rater_key(rater) -> str:
    return f"u{rater.pk}" if rater is not None else "anon"


# -- rating ------------------------------------------------------------------------------------
def _create_rating(
    case: Case,
    *,
    rater,
    channel: str,
    level: Any,
    scores: Mapping[str, Any] | None,
    comment: Any,
    visit: Visit | None,
    client_id: str = "",
    real_name: bool = True,
    revises: Rating | None = None,
) -> Rating:
    if channel not in RatingChannel.values:
        raise RatingError("channel", _("不支持的评价渠道"))
    if case.state not in RATEABLE_STATES:
        raise RatingError("case", _("办件办结（作出决定）后才能评价"), status=409)
    if visit is not None and visit.case_id != case.pk:
        raise RatingError("visit", _("该到现场记录不属于本办件"))
    lvl = _level(level)
    assert lvl is not None
    clean = clean_scores(scores, onsite=visit is not None, level=lvl)
    text = clean_comment(comment, required=lvl in BAD_LEVELS and real_name)
    if revises is None:
        duplicate = Rating.objects.filter(
            case=case,
            visit=visit,
            rater_key=_rater_key(rater),
            channel=channel,
            revises__isnull=True,
        )
        if rater is not None and duplicate.exists():
            raise RatingError(
                "visit" if visit is not None else "case",
                _("您已通过该渠道评价过本次现场服务")
                if visit is not None
                else _("您已通过该渠道评价过本办件（一事一评）"),
                status=409,
            )
    rating = Rating(
        case=case,
        visit=visit,
        channel=channel,
        client_id=client_id[:100],
        rater=rater,
        rater_key=_rater_key(rater),
        real_name=real_name and rater is not None,
        level=lvl,
        comment=text,
        region_id=case.region_id,
        department_id=case.department_id,
        item_id=case.item_id,
        hall_id=(visit.hall_id if visit is not None and visit.hall_id else case.hall_id),
        window_id=case.window_id,
        staff_id=_staff_member(case, visit),
        revises=revises,
        **clean,
    )
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError:
        raise RatingError("case", _("您已通过该渠道评价过本办件（一事一评）"), status=409) from None
    if revises is None and rating.is_bad and rating.real_name:
        _open_rectification(rating)
    return rating


def _open_rectification(rating: Rating) -> Rectification:
    opened = today()
    rect = Rectification.objects.create(
        rating=rating,
        case=rating.case,
        region_id=rating.region_id,
        department_id=rating.department_id,
        opened_on=opened,
        due=add_working_days(opened, rectification_working_days()).due,
    )
    RectificationStep.objects.create(
        rectification=rect,
        action=RectificationStep.Action.OPENED,
        note=_("实名差评（%(level)s）自动转办责任部门核实整改")
        % {"level": rating.get_level_display()},
    )
    link = reverse("ratings:rectification", args=[rect.pk])
    for user_id in selectors.department_handler_ids(rect.department_id, rect.region):
        notify(
            user_id,
            _("差评整改：%(number)s") % {"number": rating.case.number},
            _("办件 %(number)s 收到实名差评，请于 %(due)s 前核实、整改并答复评价人：%(link)s")
            % {"number": rating.case.number, "due": rect.due.isoformat(), "link": link},
            case=rating.case,
        )
    return rect


def _request_hash(**request: Any) -> str:
    return hashlib.sha256(
        json.dumps(request, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()


def _with_key(
    owner: str, key: str | None, digest: str, make: Callable[[], Rating]
) -> tuple[Rating, bool]:
    """Run `make` once per (owner, key): a retry answers the first rating (created False)."""
    if key:
        if len(key) > 100:
            raise RatingError("idempotency_key", _("幂等键不能超过 100 个字符"))
        earlier = RatingRequestKey.objects.filter(owner=owner, key=key).first()
        if earlier is not None:
            if earlier.request_hash != digest:
                raise RatingError(
                    "idempotency_key", _("该幂等键已用于另一次不同的评价"), status=409
                )
            return earlier.rating, False
    rating = make()
    if key:
        RatingRequestKey.objects.create(owner=owner, key=key, request_hash=digest, rating=rating)
    return rating, True


@transaction.atomic
def rate(
    actor,
    case: Case,
    *,
    level: Any,
    scores: Mapping[str, Any] | None = None,
    comment: Any = "",
    visit: Visit | None = None,
    channel: str = RatingChannel.WEB,
    idempotency_key: str | None = None,
) -> tuple[Rating, bool]:
    """The case's applicant rates it (online) or one of its visits (on site), real name."""
    if not policies.is_signed_in(actor) or case.applicant_id != actor.pk:
        raise RatingError("case", _("只有本办件的申请人可以评价"), status=404)
    if channel not in (RatingChannel.WEB, RatingChannel.APP):
        raise RatingError("channel", _("本人评价只能通过政务服务网或移动端"))
    digest = _request_hash(
        case=case.pk,
        visit=visit and visit.pk,
        level=level,
        scores=scores,
        comment=comment,
        channel=channel,
    )
    return _with_key(
        f"u{actor.pk}",
        idempotency_key,
        digest,
        lambda: _create_rating(
            case,
            rater=actor,
            channel=channel,
            level=level,
            scores=scores,
            comment=comment,
            visit=visit,
        ),
    )


@transaction.atomic
def rate_by_channel(
    client_id: str,
    *,
    channel: str,
    case_number: str,
    visit_id: int | None = None,
    level: Any,
    scores: Mapping[str, Any] | None = None,
    comment: Any = "",
    real_name: bool = True,
    idempotency_key: str | None = None,
) -> tuple[Rating, bool]:
    """A channel system (评价器、自助终端、热线、移动端…) posts a rating with its client
    credentials: the case by its number, the rater is the case's applicant; a visit id for an
    on-site rating."""
    if not client_id:
        raise RatingError("client", _("缺少渠道系统的客户端凭证"), status=403)
    if channel not in RatingChannel.values or channel == RatingChannel.WEB:
        raise RatingError("channel", _("不支持的评价渠道"))
    case = Case.objects.filter(number=(case_number or "").strip()).first()
    if case is None:
        raise RatingError("case_number", _("办件编号不存在"), status=404)
    visit = None
    if visit_id is not None:
        visit = Visit.objects.filter(pk=visit_id, case=case).first()
        if visit is None:
            raise RatingError("visit", _("该到现场记录不属于本办件"), status=404)
    digest = _request_hash(
        case=case.pk,
        visit=visit_id,
        level=level,
        scores=scores,
        comment=comment,
        channel=channel,
        real_name=real_name,
    )
    return _with_key(
        f"c{client_id}",
        idempotency_key,
        digest,
        lambda: _create_rating(
            case,
            rater=case.applicant if real_name else None,
            channel=channel,
            level=level,
            scores=scores,
            comment=comment,
            visit=visit,
            client_id=client_id,
            real_name=real_name,
        ),
    )


@transaction.atomic
def re_rate(
    actor, rating: Rating, *, level: Any, scores: Mapping[str, Any] | None = None, comment: Any = ""
) -> Rating:
    """追评: after the department's reply the rater may rate once more; the new rating revises
    the first (history kept) and is the one that counts."""
    rating = Rating.objects.select_for_update().select_related("case").get(pk=rating.pk)
    if not policies.is_signed_in(actor) or rating.rater_id != actor.pk:
        raise RatingError("rating", _("只有评价人本人可以追评"), status=404)
    if rating.revises_id is not None or Rating.objects.filter(revises=rating).exists():
        raise RatingError("rating", _("每条评价只能追评一次"), status=409)
    rect = Rectification.objects.filter(rating=rating).first()
    if rect is None or rect.state not in (RectificationState.REPLIED, RectificationState.ACCEPTED):
        raise RatingError("rating", _("责任部门答复后才能追评"), status=409)
    if rating.excluded:
        raise RatingError("rating", _("该评价已被剔除"), status=409)
    new = _create_rating(
        rating.case,
        rater=actor,
        channel=rating.channel,
        level=level,
        scores=scores,
        comment=comment,
        visit=rating.visit,
        client_id=rating.client_id,
        real_name=rating.real_name,
        revises=rating,
    )
    Rating.objects.filter(pk=rating.pk).update(is_current=False)
    RectificationStep.objects.create(
        rectification=rect,
        action=RectificationStep.Action.RERATED,
        actor=actor,
        note=_("评价人追评：%(level)s") % {"level": new.get_level_display()},
    )
    return new


# -- rectification -----------------------------------------------------------------------------
def _lock_rectification(rect: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update().select_related("region", "rating").get(pk=rect.pk)
    )


def _department_check(actor, rect: Rectification) -> None:
    if not department_scope(actor).covers(rect.region, rect.department_id):
        raise RatingError("rectification", _("只有责任部门的工作人员可以办理整改"), status=403)


def _step(rect: Rectification, action: str, actor, note: str) -> None:
    RectificationStep.objects.create(rectification=rect, action=action, actor=actor, note=note)


@transaction.atomic
def verify(actor, rect: Rectification, *, verification: Any) -> Rectification:
    """核实: the department states what it found."""
    rect = _lock_rectification(rect)
    _department_check(actor, rect)
    if rect.state != RectificationState.OPEN:
        raise RatingError("state", _("该整改已核实"), status=409)
    rect.verification = clean_text(verification, "verification", required=True)
    rect.state = RectificationState.VERIFIED
    rect.save(update_fields=["verification", "state"])
    _step(rect, RectificationStep.Action.VERIFIED, actor, rect.verification)
    return rect


@transaction.atomic
def rectify(actor, rect: Rectification, *, measures: Any) -> Rectification:
    """整改: the measures taken (again after a supervisor returned it)."""
    rect = _lock_rectification(rect)
    _department_check(actor, rect)
    if rect.state not in (RectificationState.VERIFIED, RectificationState.RETURNED):
        raise RatingError("state", _("请先核实差评情况"), status=409)
    rect.measures = clean_text(measures, "measures", required=True)
    rect.state = RectificationState.RECTIFIED
    rect.save(update_fields=["measures", "state"])
    _step(rect, RectificationStep.Action.RECTIFIED, actor, rect.measures)
    return rect


@transaction.atomic
def reply(actor, rect: Rectification, *, text: Any) -> Rectification:
    """答复: the reply the rater sees (and after which they may re-rate)."""
    rect = _lock_rectification(rect)
    _department_check(actor, rect)
    if rect.state != RectificationState.RECTIFIED:
        raise RatingError("state", _("整改完成后才能答复评价人"), status=409)
    rect.reply = clean_text(text, "reply", required=True)
    rect.state = RectificationState.REPLIED
    rect.replied_on = today()
    rect.save(update_fields=["reply", "state", "replied_on"])
    _step(rect, RectificationStep.Action.REPLIED, actor, rect.reply)
    rating = rect.rating
    if rating.rater_id:
        notify(
            rating.rater_id,
            _("差评整改答复：%(number)s") % {"number": rect.case.number},
            _(
                "您对办件 %(number)s 的评价已由责任部门核实整改并答复：\n%(reply)s\n"
                "查看答复并可追评一次：%(link)s"
            )
            % {
                "number": rect.case.number,
                "reply": rect.reply,
                "link": reverse("ratings:case", args=[rect.case_id]),
            },
            case=rect.case,
        )
    return rect


@transaction.atomic
def review(actor, rect: Rectification, *, accept: bool, note: Any = "") -> Rectification:
    """复核: a supervisor over the region and department accepts the rectification or returns it
    to the department (which rectifies and replies again)."""
    rect = _lock_rectification(rect)
    if not supervisor_scope(actor).covers(rect.region, rect.department_id):
        raise RatingError("rectification", _("只有监察人员可以复核整改"), status=403)
    if rect.state != RectificationState.REPLIED:
        raise RatingError("state", _("答复评价人后才能复核"), status=409)
    rect.review_note = clean_text(note, "note", required=not accept)
    rect.state = RectificationState.ACCEPTED if accept else RectificationState.RETURNED
    rect.reviewed_at = timezone.now()
    rect.reviewed_by = actor
    rect.save(update_fields=["review_note", "state", "reviewed_at", "reviewed_by"])
    _step(
        rect,
        RectificationStep.Action.ACCEPTED if accept else RectificationStep.Action.RETURNED,
        actor,
        rect.review_note,
    )
    return rect


# -- appeals -----------------------------------------------------------------------------------
@transaction.atomic
def appeal(actor, rating: Rating, *, ground: Any, reasons: Any) -> RatingAppeal:
    """申诉: the rated department asks to exclude a malicious or mistaken rating."""
    rating = Rating.objects.select_for_update().select_related("region").get(pk=rating.pk)
    if not department_scope(actor).covers(rating.region, rating.department_id):
        raise RatingError("rating", _("只有被评价部门的工作人员可以申诉"), status=403)
    if rating.excluded:
        raise RatingError("rating", _("该评价已被剔除"), status=409)
    if not rating.is_current:
        raise RatingError("rating", _("该评价已被追评取代，请对最新评价申诉"), status=409)
    if ground not in AppealGround.values:
        raise RatingError("ground", _("请选择申诉理由类别"))
    if RatingAppeal.objects.filter(rating=rating, state=AppealState.PENDING).exists():
        raise RatingError("rating", _("该评价已有待裁定的申诉"), status=409)
    return RatingAppeal.objects.create(
        rating=rating,
        department_id=rating.department_id,
        region_id=rating.region_id,
        ground=ground,
        reasons=clean_text(reasons, "reasons", required=True),
        filed_by=actor,
    )


@transaction.atomic
def decide_appeal(actor, appeal_: RatingAppeal, *, uphold: bool, reasons: Any) -> RatingAppeal:
    """裁定: a supervisor upholds the appeal (the rating is excluded from every figure) or rejects
    it; the reasons are recorded either way."""
    appeal_ = RatingAppeal.objects.select_for_update().select_related("region").get(pk=appeal_.pk)
    if not supervisor_scope(actor).covers(appeal_.region, appeal_.department_id):
        raise RatingError("appeal", _("只有监察人员可以裁定申诉"), status=403)
    if appeal_.state != AppealState.PENDING:
        raise RatingError("state", _("该申诉已裁定"), status=409)
    appeal_.decision_reasons = clean_text(reasons, "reasons", required=True)
    appeal_.state = AppealState.UPHELD if uphold else AppealState.REJECTED
    appeal_.decided_by = actor
    appeal_.decided_at = timezone.now()
    appeal_.save(update_fields=["decision_reasons", "state", "decided_by", "decided_at"])
    if uphold:
        Rating.objects.filter(pk=appeal_.rating_id).update(
            excluded=True, excluded_reason=appeal_.decision_reasons[:500]
        )
        rect = Rectification.objects.filter(rating_id=appeal_.rating_id).first()
        if rect is not None and rect.state != RectificationState.ACCEPTED:
            rect.state = RectificationState.ACCEPTED
            rect.review_note = _("申诉成立，评价已剔除：%(r)s") % {"r": appeal_.decision_reasons}
            rect.reviewed_by, rect.reviewed_at = actor, timezone.now()
            rect.save(update_fields=["state", "review_note", "reviewed_by", "reviewed_at"])
            _step(rect, RectificationStep.Action.ACCEPTED, actor, rect.review_note)
    return appeal_
