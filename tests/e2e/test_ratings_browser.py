"""好差评 in a real browser (chromium, headless): a citizen rates a finished case 非常不满意,
the department's reviewer verifies, rectifies and replies, the citizen reads the reply and
re-rates; the re-rating is the one that counts on the public page.

Screenshots: /tmp/ratings-rate.png, /tmp/ratings-rectification.png, /tmp/ratings-rerate-phone.png.
"""

import re
from contextlib import ExitStack

import pytest
from playwright.sync_api import expect

from govserve.supervision.ratings.models import Rating, Rectification, RectificationState
from tests.e2e.test_accounts_browser import log_in
from tests.supervision.ratings.worlds import build_ratings_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def signed_in(chromium, live_server):
    with ExitStack() as stack:

        def open_as(username: str, *, phone: bool = False):
            size = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
            context = chromium.new_context(locale="zh-CN", viewport=size, is_mobile=phone)
            stack.callback(context.close)
            context.set_default_timeout(15_000)
            page = context.new_page()
            log_in(page, live_server.url, username)
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            return page

        yield open_as


def test_bad_rating_rectified_replied_and_re_rated(live_server, signed_in):
    rw = build_ratings_world()
    base = live_server.url
    case = rw.decided

    # The citizen rates the finished case 非常不满意.
    citizen = signed_in(rw.applicant.username)
    citizen.goto(f"{base}/ratings/cases/{case.pk}/")
    expect(citizen.get_by_role("heading", name="评价本次网上办事服务")).to_be_visible()
    citizen.get_by_label("非常不满意", exact=True).check()
    citizen.get_by_label("办事指南准确性").select_option(label="非常不满意")
    citizen.get_by_label(re.compile("^评价内容")).fill(
        "办事指南写的材料和窗口要求不一致，多跑了一趟"
    )
    citizen.screenshot(path="/tmp/ratings-rate.png", full_page=True)
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.get_by_text("感谢您的评价！")).to_be_visible()
    expect(citizen.get_by_text("待核实")).to_be_visible()
    rect = Rectification.objects.get()

    # The department verifies, rectifies and replies.
    reviewer = signed_in(rw.market_reviewer.username)
    reviewer.locator(".account-links").get_by_role("link", name="整改", exact=True).click()
    reviewer.get_by_role("link", name=case.number).click()
    expect(reviewer).to_have_url(re.compile(rf"/ratings/rectifications/{rect.pk}/$"))
    for label, text in (
        ("核实情况", "经核实，办事指南材料清单未及时更新"),
        ("整改措施", "已更新办事指南，窗口统一口径"),
        ("答复评价人", "您反映的问题属实，办事指南已更新，向您致歉"),
    ):
        reviewer.get_by_role("textbox", name=re.compile(f"^{label}")).fill(text)
        reviewer.get_by_role("button", name="提交", exact=True).click()
        expect(reviewer.get_by_text("已保存")).to_be_visible()
    reviewer.screenshot(path="/tmp/ratings-rectification.png", full_page=True)
    rect.refresh_from_db()
    assert rect.state == RectificationState.REPLIED

    # The citizen (on a phone) reads the reply and re-rates.
    phone = signed_in(rw.applicant.username, phone=True)
    phone.goto(f"{base}/ratings/cases/{case.pk}/")
    expect(phone.get_by_text("您反映的问题属实，办事指南已更新，向您致歉")).to_be_visible()
    rerate = phone.locator("form", has=phone.get_by_role("button", name="提交追评"))
    rerate.get_by_label("满意", exact=True).check()
    rerate.get_by_label(re.compile("^评价内容")).fill("已经改进，谢谢")
    phone.screenshot(path="/tmp/ratings-rerate-phone.png", full_page=True)
    rerate.get_by_role("button", name="提交追评").click()
    expect(phone.get_by_text("追评已提交，感谢您的监督！")).to_be_visible()
    expect(phone.get_by_text("已被追评取代")).to_be_visible()
    first = Rating.objects.get(revises__isnull=True)
    latest = Rating.objects.get(revises=first)
    assert (first.level, first.is_current) == (1, False)
    assert (latest.level, latest.is_current) == (4, True)

    # The public page counts the latest rating only.
    citizen.goto(f"{base}/ratings/")
    row = citizen.get_by_role("row", name=re.compile(rw.market.name))
    expect(row).to_contain_text("100.0%")
