"""The pages: rating a finished case, the department's rectification forms, the supervisor's
review and appeal decision, the public satisfaction page; who sees what."""

import re

import pytest

from govserve.supervision.ratings import services
from govserve.supervision.ratings.models import Rating, RectificationState


def text(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def as_user(client, user):
    client.force_login(user)
    return client


def bad_rating(rw, comment="窗口让我跑了三趟"):
    rating, _ = services.rate(rw.applicant, rw.decided, level=1, comment=comment)
    return rating


# -- the applicant -----------------------------------------------------------------------------
def test_applicant_rates_a_finished_case_on_the_page(rw, client):
    as_user(client, rw.applicant)
    page = client.get(f"/ratings/cases/{rw.decided.pk}/")
    assert page.status_code == 200
    assert "评价本次网上办事服务" in text(page) and "办事指南准确性" in text(page)
    assert "服务态度" not in text(page)  # an on-site dimension
    response = client.post(
        f"/ratings/cases/{rw.decided.pk}/",
        {"action": "rate", "level": "5", "score_efficiency": "4", "comment": "很快"},
    )
    assert response.status_code == 302
    rating = Rating.objects.get(case=rw.decided)
    assert (rating.level, rating.score_efficiency, rating.comment) == (5, 4, "很快")
    page = client.get(f"/ratings/cases/{rw.decided.pk}/")
    assert "非常满意" in text(page) and "提交评价" not in text(page)


def test_field_level_messages_and_nothing_written(rw, client):
    as_user(client, rw.applicant)
    response = client.post(
        f"/ratings/cases/{rw.decided.pk}/",
        {"action": "rate", "level": "1", "comment": "你们就是一群王八蛋"},
    )
    assert response.status_code == 400
    assert "不文明用语" in text(response)
    assert not Rating.objects.exists()


def test_comments_are_escaped(rw, client):
    services.rate(rw.applicant, rw.decided, level=3, comment='<script>alert("x")</script>一般')
    as_user(client, rw.applicant)
    page = client.get(f"/ratings/cases/{rw.decided.pk}/").content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    client.logout()
    public = client.get("/ratings/").content.decode()
    assert "<script>alert" not in public and "&lt;script&gt;alert" in public


def test_applicants_only_reach_their_own_cases(rw, client):
    as_user(client, rw.other_applicant)
    assert client.get(f"/ratings/cases/{rw.decided.pk}/").status_code == 404
    response = client.post(f"/ratings/cases/{rw.decided.pk}/", {"action": "rate", "level": "1"})
    assert response.status_code == 404
    assert not Rating.objects.exists()
    client.logout()
    assert client.get(f"/ratings/cases/{rw.decided.pk}/").status_code == 302  # sign in first


def test_my_ratings_lists_finished_cases(rw, client):
    as_user(client, rw.applicant)
    page = text(client.get("/ratings/mine/"))
    assert rw.decided.number in page and rw.closed.number in page
    assert rw.open_case.number not in page and rw.other_case.number not in page


def test_reply_and_re_rating_on_the_page(rw, client):
    rating = bad_rating(rw)
    rect = rating.rectification
    as_user(client, rw.market_reviewer)
    url = f"/ratings/rectifications/{rect.pk}/"
    assert "核实情况" in text(client.get(url))
    assert client.post(url, {"action": "verify", "verify-text": "属实"}).status_code == 302
    assert client.post(url, {"action": "rectify", "rectify-text": "已培训"}).status_code == 302
    assert (
        client.post(url, {"action": "reply", "reply-text": "已整改，向您致歉"}).status_code == 302
    )
    rect.refresh_from_db()
    assert rect.state == RectificationState.REPLIED
    as_user(client, rw.applicant)
    page = text(client.get(f"/ratings/cases/{rw.decided.pk}/"))
    assert "已整改，向您致歉" in page and "追评" in page
    response = client.post(
        f"/ratings/cases/{rw.decided.pk}/",
        {"action": "rerate", "re-level": "4", "re-comment": "改进了"},
    )
    assert response.status_code == 302
    assert Rating.objects.get(revises=rating).level == 4
    page = text(client.get(f"/ratings/cases/{rw.decided.pk}/"))
    assert "已被追评取代" in page and "提交追评" not in page


# -- department and supervisor -------------------------------------------------------------------
def test_only_the_department_gets_the_forms(rw, client):
    rect = bad_rating(rw).rectification
    url = f"/ratings/rectifications/{rect.pk}/"
    as_user(client, rw.health_reviewer)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "verify", "verify-text": "x"}).status_code == 404
    as_user(client, rw.supervisor)  # sees it, reviews later, does not rectify
    page = text(client.get(url))
    assert "核实情况" not in page
    response = client.post(url, {"action": "verify", "verify-text": "x"})
    assert response.status_code == 302
    rect.refresh_from_db()
    assert rect.state == RectificationState.OPEN


def test_a_county_supervisor_never_sees_another_countys_rectifications(rw, client):
    rect = bad_rating(rw).rectification
    services.rate(rw.other_applicant, rw.sibling_case, level=2, comment="态度差")
    as_user(client, rw.sibling_supervisor)
    listing = text(client.get("/ratings/rectifications/"))
    assert rw.sibling_case.number in listing and rw.decided.number not in listing
    assert client.get(f"/ratings/rectifications/{rect.pk}/").status_code == 404
    as_user(client, rw.supervisor)
    listing = text(client.get("/ratings/rectifications/"))
    assert rw.decided.number in listing and rw.sibling_case.number not in listing
    as_user(client, rw.city_supervisor)
    listing = text(client.get("/ratings/rectifications/"))
    assert rw.decided.number in listing and rw.sibling_case.number in listing
    as_user(client, rw.applicant)
    assert client.get("/ratings/rectifications/").status_code == 403


def test_supervisor_reviews_and_decides_an_appeal_on_the_pages(rw, client):
    rating = bad_rating(rw)
    rect = rating.rectification
    services.verify(rw.market_reviewer, rect, verification="属实")
    services.rectify(rw.market_reviewer, rect, measures="整改")
    services.reply(rw.market_reviewer, rect, text="答复")
    as_user(client, rw.market_reviewer)
    url = f"/ratings/rectifications/{rect.pk}/"
    response = client.post(
        url, {"action": "appeal", "appeal-ground": "mistaken", "appeal-reasons": "申请人选错"}
    )
    assert response.status_code == 302
    as_user(client, rw.supervisor)
    response = client.post(url, {"action": "review", "review-decision": "accept"})
    assert response.status_code == 302
    rect.refresh_from_db()
    assert rect.state == RectificationState.ACCEPTED
    appeal = rating.appeals.get()
    assert rw.decided.number in text(client.get("/ratings/appeals/"))
    page = client.get(f"/ratings/appeals/{appeal.pk}/")
    assert "裁定申诉" in text(page)
    response = client.post(
        f"/ratings/appeals/{appeal.pk}/", {"decision": "uphold", "reasons": "核实为误评"}
    )
    assert response.status_code == 302
    rating.refresh_from_db()
    assert rating.excluded
    as_user(client, rw.sibling_supervisor)
    assert client.get(f"/ratings/appeals/{appeal.pk}/").status_code == 404


def test_header_link_for_department_staff(rw, client):
    as_user(client, rw.market_reviewer)
    assert 'href="/ratings/rectifications/"' in client.get("/ratings/").content.decode()
    as_user(client, rw.applicant)
    assert 'href="/ratings/rectifications/"' not in client.get("/ratings/").content.decode()


# -- public ------------------------------------------------------------------------------------
def test_public_page_shows_figures_and_masked_comments(rw, client):
    rw.decided.applicant_name = "王小明"
    rw.decided.save()
    services.rate(
        rw.applicant, rw.decided, level=1, comment="电话13912345678 身份证511602199001011234 没人接"
    )
    services.rate(rw.applicant, rw.closed, level=5, comment="很好")
    services.rate(rw.other_applicant, rw.sibling_case, level=4)
    page = client.get("/ratings/")
    assert page.status_code == 200
    body = text(page)
    assert "好差评" in body and rw.market.name in body and rw.sibling_market.name in body
    assert "王**" in body and "王小明" not in body
    assert "13912345678" not in body and "511602199001011234" not in body
    assert "139****5678" in body
    assert "50.0%" in body  # the market: one of two satisfied
    county = text(client.get("/ratings/", {"region": rw.sibling.code, "group": "item"}))
    assert "食品经营许可（前锋）" in county and rw.market.name not in county
    assert client.get("/ratings/", {"region": "x", "since": "nope"}).status_code == 200


@pytest.mark.parametrize("group", ["department", "hall", "item", "region"])
def test_public_groupings(rw, client, group):
    services.rate(rw.applicant, rw.closed, level=5)
    assert client.get("/ratings/", {"group": group}).status_code == 200
