"""A citizen finds an item and reads its guide, in a real browser (chromium, headless).

Screenshot of the guide: /tmp/e2e-guide.png (desktop) and /tmp/e2e-guide-phone.png.
"""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from govserve.catalog import models as catalog
from govserve.catalog.search import index as search_index
from tests.catalog.factories import BasicItemFactory, ImplementationItemFactory, MaterialFactory
from tests.regions.factories import DepartmentFactory, make_uscc, sichuan_tree

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def small_catalog() -> catalog.ImplementationItem:
    """A county's few items; returns 企业设立登记（营业执照）."""
    _province, _city, county, _town = sichuan_tree()
    market = DepartmentFactory(
        name="广安市广安区市场监督管理局", uscc=make_uscc(40000001), region=county
    )
    health = DepartmentFactory(
        name="广安市广安区卫生健康局", uscc=make_uscc(40000002), region=county
    )
    id_card = catalog.CommonMaterial.objects.create(name="居民身份证")

    licence = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121001000", name="企业设立登记（营业执照）"),
        department=market,
        statutory_limit_days=15,
        promised_limit_days=3,
        promised_limit_note="材料齐全的当场受理，3个工作日内办结",
        keywords="营业执照 开公司 注册公司",
        consult_phone="0826-2388001",
        complaint_phone="0826-12345",
        place="广安区政务服务中心一楼市场准入窗口",
        hours="工作日 9:00-12:00，13:30-17:30",
        effective_date=dt.date(2024, 1, 1),
    )
    catalog.LegalBasis.objects.create(
        basic_item=licence.basic_item,
        law="《中华人民共和国市场主体登记管理条例》",
        article="第三条",
        text="市场主体应当依照本条例办理登记。未经登记，不得以市场主体名义从事经营活动。",
    )
    MaterialFactory(item=licence, name="公司登记（备案）申请书", originals=1, order=1)
    MaterialFactory(item=licence, name="公司章程", originals=1, order=2)
    MaterialFactory(item=licence, name="法定代表人身份证件", common=id_card, copies=1, order=3)

    food = ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121002000", name="食品经营许可"),
        department=market,
        keywords="开饭店 开餐馆",
    )
    MaterialFactory(item=food, name="食品经营许可申请书")
    ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121003000", name="公共场所卫生许可"), department=health
    )
    ImplementationItemFactory(
        basic_item=BasicItemFactory(code="510121004000", name="药品零售企业许可"), department=market
    )
    ImplementationItemFactory(
        basic_item=BasicItemFactory(
            code="510721005000", name="个体工商户营业执照注销登记", item_type="07"
        ),
        department=market,
    )
    search_index.rebuild()
    return licence


def search_from(page, words: str) -> None:
    box = page.get_by_label("搜索办事事项")
    box.fill(words)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))


def test_citizen_finds_the_business_licence_and_reads_its_guide(live_server, web_page):
    licence = small_catalog()
    page = web_page

    page.goto(live_server.url + "/")
    expect(page).to_have_title(re.compile("政务服务网"))
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.keyboard.press("Tab")  # the first stop is the skip link
    expect(page.locator(":focus")).to_have_text("跳到主要内容")

    # Chinese words: the item is the first hit
    search_from(page, "营业执照")
    results = page.locator(".result-title a")
    expect(results.first).to_have_text("企业设立登记（营业执照）")

    unlabelled = page.evaluate(
        """[...document.querySelectorAll('input:not([type=hidden]), select')]
            .filter(el => el.labels.length === 0 && !el.getAttribute('aria-label'))
            .map(el => el.name)"""
    )
    assert unlabelled == [], f"form controls without a label: {unlabelled}"

    # pinyin initials, as people type on a phone
    search_from(page, "yyzz")
    expect(page.locator(".result-title a", has_text="企业设立登记（营业执照）")).to_have_count(1)

    page.locator(".result-title a", has_text="企业设立登记（营业执照）").click()
    page.wait_for_url(f"**/items/{licence.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("企业设立登记（营业执照）")

    materials = page.locator("#materials table")
    for name in ("公司登记（备案）申请书", "公司章程", "法定代表人身份证件"):
        expect(materials).to_contain_text(name)
    limits = page.locator("#limits")
    expect(limits).to_contain_text("15 个工作日")
    expect(limits).to_contain_text("3 个工作日")
    expect(limits).to_contain_text("材料齐全的当场受理，3个工作日内办结")
    basis = page.locator("#basis")
    expect(basis).to_contain_text("《中华人民共和国市场主体登记管理条例》")
    expect(basis).to_contain_text("第三条")
    expect(page.locator("#contact")).to_contain_text("0826-2388001")
    expect(page.get_by_role("link", name="在线办理 / 申请")).to_be_visible()
    page.screenshot(path="/tmp/e2e-guide.png", full_page=True)

    # the same guide on a phone: nothing wider than the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a phone screen"
    expect(page.locator("#materials")).to_contain_text("法定代表人身份证件")
    page.screenshot(path="/tmp/e2e-guide-phone.png", full_page=True)


def test_unknown_words_offer_suggestions_or_an_empty_state(live_server, web_page):
    small_catalog()
    page = web_page
    page.goto(live_server.url + "/search/?q=" + "食品经营许")
    expect(page.locator(".result-title a").first).to_have_text("食品经营许可")
    page.goto(live_server.url + "/search/?q=zzzzqqqq")
    expect(page.locator(".empty")).to_contain_text("没有找到相关事项")
