"""The rules of 好差评: one rating per case/visit per rater per channel, levels and dimensions,
comments, rectification in working days, who may rectify, re-rating, appeals, invitations."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from govserve.cases import signals
from govserve.cases.models import Case, CaseState, Notification, Visit
from govserve.supervision.ratings import services
from govserve.supervision.ratings.errors import RatingError
from govserve.supervision.ratings.models import (
    AppealState,
    Rating,
    RatingInvitation,
    Rectification,
    RectificationState,
)
from govserve.supervision.ratings.selectors import counted
from tests.cases.factories import CaseFactory


def bad(rw, case=None, **kwargs):
    rating, _ = services.rate(
        rw.applicant, case or rw.decided, level=1, comment="窗口让我跑了三趟", **kwargs
    )
    return rating


def replied(rw, rating=None):
    rating = rating or bad(rw)
    rect = rating.rectification
    services.verify(rw.market_reviewer, rect, verification="属实")
    services.rectify(rw.market_reviewer, rect, measures="已培训窗口人员")
    services.reply(rw.market_reviewer, rect, text="已整改，致歉")
    return rating, Rectification.objects.get(pk=rect.pk)


# -- uniqueness ----------------------------------------------------------------
def test_one_rating_per_case_per_rater_per_channel(rw):
    services.rate(rw.applicant, rw.decided, level=5)
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.decided, level=4)
    assert refused.value.field == "case" and refused.value.status == 409
    # another channel (the mobile app) is another rating
    services.rate(rw.applicant, rw.decided, level=4, channel="app")
    assert Rating.objects.filter(case=rw.decided).count() == 2


def test_the_database_refuses_a_duplicate_too(rw):
    first, _ = services.rate(rw.applicant, rw.decided, level=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(
            case=rw.decided,
            channel=first.channel,
            rater=rw.applicant,
            rater_key=first.rater_key,
            level=3,
            region=first.region,
            department=first.department,
            item=first.item,
        )


def test_on_site_one_rating_per_visit(rw):
    v1 = Visit.objects.create(case=rw.closed, purpose="提交材料", recorded_by=rw.clerk)
    v2 = Visit.objects.create(case=rw.closed, purpose="领取证照", recorded_by=rw.clerk)
    services.rate(rw.applicant, rw.closed, level=5, visit=v1, scores={"score_attitude": 5})
    services.rate(rw.applicant, rw.closed, level=4, visit=v2)
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.closed, level=3, visit=v1)
    assert refused.value.field == "visit"
    # the online rating of the case is still open
    services.rate(rw.applicant, rw.closed, level=5)
    r = Rating.objects.get(visit=v1)
    assert r.staff == rw.clerk  # the rated staff member is the one who served the visit


# -- levels, dimensions, comments ----------------------------------------------------------------
@pytest.mark.parametrize("level", [0, 6, "x", None, ""])
def test_levels_are_one_to_five(rw, level):
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.decided, level=level)
    assert refused.value.field == "level"
    assert not Rating.objects.exists()


def test_dimensions_of_the_mode_only(rw):
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.decided, level=5, scores={"score_attitude": 5})
    assert refused.value.field == "score_attitude"
    visit = Visit.objects.create(case=rw.decided, purpose="领证", recorded_by=rw.clerk)
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.decided, level=5, visit=visit, scores={"score_guide": 5})
    assert refused.value.field == "score_guide"
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.decided, level=5, scores={"score_efficiency": 9})
    assert refused.value.field == "score_efficiency"
    rating, _ = services.rate(
        rw.applicant, rw.decided, level=4, scores={"score_guide": 3, "score_usability": 5}
    )
    assert (rating.score_overall, rating.score_guide, rating.score_usability) == (4, 3, 5)
    assert dict(rating.dimensions())["办事指南准确性"] == 3


@pytest.mark.parametrize(
    "comment",
    [
        "好" * 301,
        "请看 http://spam.example.com 优惠",
        "办事员是个傻逼",
        "差" * 12,
        "bad\x00",
    ],
)
def test_abusive_or_oversized_comments_are_refused(rw, comment):
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.decided, level=3, comment=comment)
    assert refused.value.field == "comment"
    assert not Rating.objects.exists()


def test_a_bad_real_name_rating_needs_a_reason(rw):
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.decided, level=2, comment="  ")
    assert refused.value.field == "comment"


# -- who may rate what ----------------------------------------------------------------
def test_only_the_applicant_rates_and_only_a_finished_case(rw):
    with pytest.raises(RatingError) as refused:
        services.rate(rw.other_applicant, rw.decided, level=5)
    assert refused.value.status == 404
    with pytest.raises(RatingError) as refused:
        services.rate(rw.market_reviewer, rw.decided, level=5)
    assert refused.value.status == 404
    with pytest.raises(RatingError) as refused:
        services.rate(rw.applicant, rw.open_case, level=5)
    assert refused.value.status == 409


def test_rated_objects_come_from_the_case(rw):
    rating, _ = services.rate(rw.applicant, rw.decided, level=5)
    assert rating.region == rw.county
    assert rating.department == rw.market
    assert rating.item == rw.item
    assert rating.channel == "web" and rating.real_name


# -- rectification ----------------------------------------------------------------
def test_bad_real_name_rating_opens_a_rectification_due_in_working_days(rw, monkeypatch, settings):
    # 2025-09-30 (Tuesday) + 5 working days crosses 国庆 (1–8 October; 11 October a working
    # Saturday): 9, 10, 11, 13, 14 October.
    monkeypatch.setattr(services, "today", lambda: dt.date(2025, 9, 30))
    rating = bad(rw)
    rect = rating.rectification
    assert rect.department == rw.market and rect.region == rw.county
    assert rect.opened_on == dt.date(2025, 9, 30)
    assert rect.due == dt.date(2025, 10, 14)
    assert rect.state == RectificationState.OPEN
    # the department's staff are told
    assert Notification.objects.filter(recipient=rw.market_reviewer, subject__contains="差评整改")
    # the number of working days is a setting
    settings.GOVSERVE = {**settings.GOVSERVE, "RATING_RECTIFICATION_WORKING_DAYS": 15}
    other = bad(rw, case=rw.closed)
    assert other.rectification.due == dt.date(2025, 10, 28)


def test_good_or_anonymous_ratings_open_no_rectification(rw):
    services.rate(rw.applicant, rw.decided, level=4)
    services.rate_by_channel(
        "terminal-1", channel="terminal", case_number=rw.closed.number, level=1, real_name=False
    )
    assert not Rectification.objects.exists()


def test_only_the_departments_staff_rectify(rw):
    rect = bad(rw).rectification
    for outsider in (rw.health_reviewer, rw.sibling_reviewer, rw.supervisor, rw.applicant):
        with pytest.raises(RatingError) as refused:
            services.verify(outsider, rect, verification="x")
        assert refused.value.status == 403
    services.verify(rw.market_approver, rect, verification="经核实属实")
    with pytest.raises(RatingError) as refused:
        services.reply(rw.market_reviewer, rect, text="先答复")
    assert refused.value.status == 409  # the steps go in order
    services.rectify(rw.market_reviewer, rect, measures="整改")
    services.reply(rw.market_reviewer, rect, text="答复")
    rect.refresh_from_db()
    assert rect.state == RectificationState.REPLIED and rect.on_time
    assert Notification.objects.filter(recipient=rw.applicant, subject__contains="整改答复")


def test_supervisor_reviews_accept_or_return(rw):
    _, rect = replied(rw)
    with pytest.raises(RatingError):
        services.review(rw.sibling_supervisor, rect, accept=True)
    with pytest.raises(RatingError) as refused:
        services.review(rw.supervisor, rect, accept=False, note="")
    assert refused.value.field == "note"
    services.review(rw.supervisor, rect, accept=False, note="答复过于简单")
    rect.refresh_from_db()
    assert rect.state == RectificationState.RETURNED
    services.rectify(rw.market_reviewer, rect, measures="再次整改")
    services.reply(rw.market_reviewer, rect, text="详细答复")
    services.review(rw.city_supervisor, rect, accept=True)
    rect.refresh_from_db()
    assert rect.state == RectificationState.ACCEPTED
    assert [s.action for s in rect.steps.all()] == [
        "opened",
        "verified",
        "rectified",
        "replied",
        "returned",
        "rectified",
        "replied",
        "accepted",
    ]


# -- re-rating -------------------------------------------------------------------------------------
def test_re_rating_once_after_the_reply_keeps_the_history(rw):
    rating = bad(rw)
    with pytest.raises(RatingError) as refused:
        services.re_rate(rw.applicant, rating, level=5)
    assert refused.value.status == 409  # not before the reply
    rating, _ = replied(rw, rating)
    with pytest.raises(RatingError):
        services.re_rate(rw.other_applicant, rating, level=5)
    new = services.re_rate(rw.applicant, rating, level=4, comment="已经改进")
    rating.refresh_from_db()
    assert new.revises == rating and new.is_current and not rating.is_current
    assert list(counted().filter(case=rw.decided)) == [new]
    with pytest.raises(RatingError) as refused:
        services.re_rate(rw.applicant, rating, level=5)
    assert refused.value.status == 409
    with pytest.raises(RatingError):
        services.re_rate(rw.applicant, new, level=5)


# -- appeals ----------------------------------------------------------------
def test_a_rating_is_excluded_only_when_the_appeal_is_upheld(rw):
    rating = bad(rw)
    with pytest.raises(RatingError) as refused:
        services.appeal(rw.health_reviewer, rating, ground="malicious", reasons="x")
    assert refused.value.status == 403
    appeal = services.appeal(rw.market_reviewer, rating, ground="malicious", reasons="恶意差评")
    rating.refresh_from_db()
    assert not rating.excluded  # filing changes nothing
    with pytest.raises(RatingError) as refused:
        services.appeal(rw.market_reviewer, rating, ground="mistaken", reasons="again")
    assert refused.value.status == 409
    with pytest.raises(RatingError):
        services.decide_appeal(rw.market_approver, appeal, uphold=True, reasons="自己裁定")
    with pytest.raises(RatingError) as refused:
        services.decide_appeal(rw.supervisor, appeal, uphold=False, reasons="")
    assert refused.value.field == "reasons"
    services.decide_appeal(rw.supervisor, appeal, uphold=False, reasons="评价有据")
    rating.refresh_from_db()
    assert not rating.excluded and rating in counted()
    second = services.appeal(rw.market_reviewer, rating, ground="mistaken", reasons="误评")
    services.decide_appeal(rw.supervisor, second, uphold=True, reasons="申请人确认误评")
    rating.refresh_from_db()
    second.refresh_from_db()
    assert second.state == AppealState.UPHELD
    assert rating.excluded and rating.excluded_reason == "申请人确认误评"
    assert rating not in counted()
    with pytest.raises(RatingError):
        services.decide_appeal(rw.supervisor, second, uphold=False, reasons="改判")


# -- invitations ----------------------------------------------------------------
def test_deciding_a_case_invites_the_applicant_once(rw):
    # cases.services.decide sends case_decided on commit (the PDF of the decision needs a CJK
    # font the test machine may lack, so the signal is sent here as the cases app sends it).
    case = CaseFactory(item=rw.item, applicant=rw.applicant, state=CaseState.DECIDED)
    Visit.objects.create(case=case, purpose="提交材料", recorded_by=rw.clerk)
    signals.case_decided.send(sender=Case, case=case)
    assert RatingInvitation.objects.filter(case=case).count() == 2  # online + one visit
    note = Notification.objects.get(recipient=rw.applicant, subject__startswith="请评价")
    assert f"/ratings/cases/{case.pk}/" in note.body
    signals.case_closed.send(sender=Case, case=case)  # closing later sends nothing new
    assert (
        Notification.objects.filter(recipient=rw.applicant, subject__startswith="请评价").count()
        == 1
    )
    open_case = CaseFactory(item=rw.item, applicant=rw.applicant, state=CaseState.IN_REVIEW)
    assert services.invite(open_case) == 0
