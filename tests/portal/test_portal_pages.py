"""Public pages render the catalog in Chinese, without logging in."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from govserve.catalog.services import change_state

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    """The page as text, tags removed, whitespace collapsed (asserts read like the page)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def result_names(response) -> list[str]:
    return re.findall(r'class="result-title"><a [^>]+>([^<]+)</a>', response.content.decode())


def test_home_has_search_box_and_entries(client, portal_catalog):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert 'href="#main"' in html  # skip link
    assert 'action="/i18n/setlang/"' in html
    assert "/static/portal/portal.css" in html
    assert 'placeholder="例如：营业执照、开饭店、yyzz"' in html
    assert re.search(r'<label for="id_q"[^>]*>搜索办事事项</label>', html)
    page = text_of(response)
    for words in [
        "政务服务网",
        "个人办事",
        "法人办事",
        "一件事",
        "权力清单",
        "责任清单",
        "负面清单",
        "数据统计",
        "改革台账",
    ]:
        assert words in page
    assert "我要开饭店" in page
    assert 'href="/search/?service_object=1"' in html


def test_guide_shows_everything_an_applicant_needs(client, portal_catalog):
    food = portal_catalog.food
    response = client.get(reverse("portal:item", args=[food.pk]))
    assert response.status_code == 200
    page = text_of(response)
    assert "食品经营许可" in page
    assert "510121002000" in page  # 基本编码
    assert "行政许可" in page and "县级" in page
    assert "广安市广安区市场监督管理局" in page
    assert "自然人、企业法人" in page
    assert "《中华人民共和国食品安全法》 第三十五条" in page
    assert "国家对食品生产经营实行许可制度。" in page
    assert "申请人应当具有与经营的食品品种" in page  # acceptance conditions
    assert "食品经营许可申请书" in page and "填写完整并签字" in page
    assert "原件 1 份 / 复印件 2 份" in page
    assert "非必需" in page
    assert "可免提交" in page  # 营业执照 is issued by the government
    assert "受理 审查 决定" in page
    assert "20 个工作日" in page and "10 个工作日" in page
    assert "《食品经营许可管理办法》规定20个工作日" in page
    assert "承诺件" in page
    assert "不收费" in page
    assert "需到现场的原因：需核验原件并现场核查经营场所" in page
    assert "互联网咨询、收件、预审、受理" in page
    assert "0826-2222111" in page and "0826-12345" in page
    assert "受理责任" in page and "对符合法定条件的申请不予受理的。" in page
    assert "我要开饭店" in page
    assert "第 1 版" in page and "2024-01-01 起施行" in page
    html = response.content.decode()
    assert re.search(
        r'<a class="button button-primary" href="/cases/apply/item/\d+/">在线办理 / 申请</a>', html
    )


def test_guide_of_fully_online_item_and_fees(client, portal_catalog):
    page = text_of(client.get(reverse("portal:item", args=[portal_catalog.licence.pk])))
    assert "全程网办" in page and "零跑动" in page
    assert "3 个工作日" in page and "材料齐全当日受理" in page
    assert "511A0101000000-511602000000-000-LOCAL-1-00" in page  # 地方编码
    assert "跨省通办" in page
    assert "广安区人民政府" in page and "广安区人民法院" in page
    assert "广安区政务服务中心一楼市场准入窗口" in page

    page = text_of(client.get(reverse("portal:item", args=[portal_catalog.hygiene.pk])))
    assert "卫生检测费" in page and "每次200元" in page
    assert "收费依据：《公共场所卫生管理条例》" in page

    page = text_of(client.get(reverse("portal:item", args=[portal_catalog.service.pk])))
    assert "即办件" in page and "即办（当场办结）" in page


def test_unpublished_item_is_404(client, portal_catalog):
    assert client.get(reverse("portal:item", args=[portal_catalog.draft.pk])).status_code == 404
    assert client.get(reverse("portal:item", args=[999999])).status_code == 404


def test_guide_of_item_with_missing_elements(client, portal_catalog):
    item = portal_catalog.penalty
    item.elements_complete = False
    item.statutory_limit_days = item.promised_limit_days = None
    item.save()
    response = client.get(reverse("portal:item", args=[item.pk]))
    assert response.status_code == 200
    page = text_of(response)
    assert "暂不能在线申请" in page
    assert "指南待完善" in page
    assert "是否收费 待补充" in page  # unknown, not 不收费
    assert "法定办结时限 待补充" in page
    assert "全程网办 待补充" in page


def test_power_list_grouped_by_type(client, portal_catalog):
    response = client.get(reverse("portal:power-list"))
    assert response.status_code == 200
    page = text_of(response)
    assert "共 4 项行政权力事项" in page
    assert page.index("行政许可 3 项") < page.index("行政处罚 1 项")
    assert "对未取得食品经营许可从事食品经营活动的行政处罚" in page
    assert "食品安全政策咨询" not in page  # 公共服务 is not a power
    assert "尚未发布的草稿事项" not in page


def test_power_list_region_filter(client, portal_catalog):
    response = client.get(reverse("portal:power-list"), {"region": "511600000000"})
    assert "共 4 项行政权力事项" in text_of(response)
    response = client.get(reverse("portal:power-list"), {"region": "not-a-region"})
    assert response.status_code == 200


def test_responsibility_list(client, portal_catalog):
    response = client.get(reverse("portal:responsibility-list"))
    assert response.status_code == 200
    page = text_of(response)
    assert "广安市广安区市场监督管理局" in page
    assert "食品经营许可" in page
    assert "受理责任" in page and "决定责任" in page
    assert "公共场所卫生许可" not in page  # no responsibilities entered

    other = client.get(
        reverse("portal:responsibility-list"), {"department": portal_catalog.health.pk}
    )
    assert "食品经营许可" not in text_of(other)


def test_negative_list(client, portal_catalog):
    response = client.get(reverse("portal:negative-list"))
    assert response.status_code == 200
    page = text_of(response)
    assert (
        page.index("禁止准入类 1 项")
        < page.index("禁止违规开展近海捕捞")
        < page.index("许可准入类 1 项")
        < page.index("未获得许可，不得从事食品经营")
    )
    assert "食品经营许可" in page


def test_bundle_pages_merge_materials(client, portal_catalog):
    response = client.get(reverse("portal:bundles"))
    assert response.status_code == 200
    assert "我要开饭店" in text_of(response)
    assert "3 个事项" in text_of(response)

    response = client.get(reverse("portal:bundle", args=["KFD001"]))
    assert response.status_code == 200
    page = text_of(response)
    assert "广安市广安区卫生健康局" in page and "涉及部门 2 个" in page
    # 7 materials across the items, 居民身份证 and 营业执照 asked once each
    assert "分别办理需提交 7 份材料，一件事合并后只需 5 份，少交 2 份。" in page
    assert page.count("居民身份证") == 1
    assert "2 个事项共用" in page


def test_unknown_or_unpublished_bundle_is_404(client, portal_catalog):
    assert client.get(reverse("portal:bundle", args=["NOPE"])).status_code == 404
    portal_catalog.bundle.published = False
    portal_catalog.bundle.save()
    assert client.get(reverse("portal:bundle", args=["KFD001"])).status_code == 404


def test_statistics_page(client, portal_catalog):
    response = client.get(reverse("portal:stats"))
    assert response.status_code == 200
    page = text_of(response)
    assert "已发布事项 5 项" in page
    assert "网上可办率 100.0%" in page
    assert "全程网办率 20.0%" in page
    assert "即办件比例 20.0%" in page
    assert "县级 5 100.0%" in page
    assert "<svg" in response.content.decode()


def test_ledger_page_defaults_and_errors(client, portal_catalog):
    response = client.get(reverse("portal:ledger"))
    assert response.status_code == 200
    assert "该期间没有取消、下放或合并的事项。" in text_of(response)

    response = client.get(reverse("portal:ledger"), {"start": "2025-12-31", "end": "2025-01-01"})
    assert response.status_code == 200
    assert "截止日期不能早于起始日期" in text_of(response)


def test_language_switch_to_english_keeps_page_working(client, portal_catalog):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_ledger_page_shows_the_reform_history(client, portal_catalog):
    change_state(
        portal_catalog.penalty,
        "cancel",
        effective_date=dt.date(2025, 3, 1),
        reason="无法律法规依据",
        document_no="广安府发〔2025〕3号",
    )
    page = text_of(client.get(reverse("portal:ledger")))  # default window: the whole history
    assert "2025-01-01 至" in page
    assert "对未取得食品经营许可从事食品经营活动的行政处罚" in page
    assert "广安府发〔2025〕3号" in page and "无法律法规依据" in page

    response = client.get(
        reverse("portal:ledger"),
        {"start": "2025-01-01", "end": "2025-12-31", "region": "511602000000"},
    )
    page = text_of(response)
    assert "期初事项 5 取消 1 下放 0 合并 0" in page
    assert "期末事项 4 精简幅度 20.0%" in page
    assert "累计取消、下放和合并事项 1 项，占期初清单的 20.0%。" in page


def test_ledger_page_when_the_list_grew(client, portal_catalog):
    # every item took effect on 2024-01-01: the list grew from 0 to 5
    page = text_of(
        client.get(reverse("portal:ledger"), {"start": "2024-01-01", "end": "2024-12-31"})
    )
    assert "期初事项 0" in page and "期末事项 5" in page
    assert "清单净增 +5 项" in page
    assert "精简幅度" not in page


@pytest.fixture
def indexed(portal_catalog):
    """Every item in the search index
    (update_items: rebuild() TRUNCATEs, not inside a test's transaction)."""
    from govserve.catalog.models import ImplementationItem
    from govserve.catalog.search import index

    index.update_items(list(ImplementationItem.objects.values_list("id", flat=True)))
    return portal_catalog


def test_search_finds_the_item_first_with_its_badges(client, indexed):
    response = client.get(reverse("portal:search"), {"q": "营业执照"})
    assert response.status_code == 200
    html = response.content.decode()
    assert result_names(response)[0] == "企业设立登记（营业执照）"
    assert f'<a href="/items/{indexed.licence.pk}/">企业设立登记（营业执照）</a>' in html
    page = text_of(response)
    assert "与“营业执照”相关的事项" in page
    assert "全程网办" in page and "零跑动" in page and "承诺 3 个工作日" in page
    assert "广安市广安区市场监督管理局" in page and "四川省广安市广安区" in page


def test_search_filters_and_bundles(client, indexed):
    response = client.get(reverse("portal:search"), {"q": "开饭店"})
    assert "我要开饭店" in text_of(response)  # the bundle is offered with the items

    response = client.get(
        reverse("portal:search"),
        {"q": "许可", "department": indexed.health.pk, "fully_online": "on"},
    )
    assert response.status_code == 200
    assert result_names(response) == []  # 公共场所卫生许可 is not fully online
    response = client.get(reverse("portal:search"), {"q": "许可", "department": indexed.health.pk})
    assert result_names(response) == ["公共场所卫生许可"]


def test_search_page_filters_offer_only_what_the_catalog_has(client, indexed):
    html = client.get(reverse("portal:search")).content.decode()
    assert '<option value="511602000000">' in html  # 广安区
    assert '<option value="511602002000">' not in html  # a township without items
    assert "广安市广安区卫生健康局</option>" in html
    assert '<label for="id_region">区划</label>' in html
    assert '<label for="id_fully_online">只看全程网办</label>' in html


def test_browse_by_service_object_without_words(client, indexed):
    response = client.get(reverse("portal:search"), {"service_object": "1"})
    assert response.status_code == 200
    assert "共 5 个事项" in text_of(response)


def test_empty_result_shows_suggestions_and_expanded_terms(client, portal_catalog, monkeypatch):
    from govserve.catalog.search import selectors as search_selectors

    def fake_search(query, **kwargs):
        return search_selectors.SearchResult(
            items=[],
            total=0,
            suggestions=["食品经营许可"],
            expanded_terms=["食品经营许可", "营业执照"],
        )

    monkeypatch.setattr(search_selectors, "search_items", fake_search)
    monkeypatch.setattr(search_selectors, "search_bundles", lambda query: [])
    response = client.get(reverse("portal:search"), {"q": "开个小饭馆"})
    page = text_of(response)
    assert "没有找到相关事项" in page
    assert "您是不是要找： 食品经营许可" in page
    assert "已同时搜索： 食品经营许可 营业执照" in page
    assert (
        'href="/search/?q=%E9%A3%9F%E5%93%81%E7%BB%8F%E8%90%A5%E8%AE%B8%E5%8F%AF"'
        in response.content.decode()
    )


def test_search_pages_through_results(client, portal_catalog, monkeypatch):
    from govserve.catalog.search import selectors as search_selectors

    seen = {}

    def fake_search(query, **kwargs):
        seen.update(kwargs)
        return search_selectors.SearchResult(items=[portal_catalog.food], total=45)

    monkeypatch.setattr(search_selectors, "search_items", fake_search)
    monkeypatch.setattr(search_selectors, "search_bundles", lambda query: [])
    response = client.get(reverse("portal:search"), {"q": "许可", "page": "2", "level": "4"})
    assert seen["offset"] == 20 and seen["limit"] == 20 and seen["level"] == 4
    page = text_of(response)
    assert "第 2 / 3 页" in page
    html = response.content.decode()
    assert 'href="?q=%E8%AE%B8%E5%8F%AF&amp;page=3&amp;level=4"' in html
    assert '<ol class="result-list" start="21">' in html


def test_guide_links_blank_forms_samples_and_the_result_sample(client, portal_catalog):
    food = portal_catalog.food
    application = food.materials.get(name="食品经营许可申请书")
    application.blank_form = "samples/forms/food-application.docx"
    application.sample = "samples/materials/food-application-sample.pdf"
    application.save()
    food.result_name = "食品经营许可证"
    food.result_type = "licence"
    food.result_sample = "samples/results/food-licence.pdf"
    food.save()
    response = client.get(reverse("portal:item", args=[food.pk]))
    html = response.content.decode()
    assert '<a href="/media/samples/forms/food-application.docx" download>空白表格</a>' in html
    assert (
        '<a href="/media/samples/materials/food-application-sample.pdf" download>示例样表</a>'
        in html
    )
    assert '<a href="/media/samples/results/food-licence.pdf">查看结果样本</a>' in html
    assert "食品经营许可证（证照）" in text_of(response)


def test_law_title_marks_are_added_once():
    from govserve.portal.templatetags.portal_tags import law_title

    assert law_title("中华人民共和国食品安全法") == "《中华人民共和国食品安全法》"
    assert law_title("《中华人民共和国食品安全法》") == "《中华人民共和国食品安全法》"
    assert law_title("《食品经营许可和备案管理办法》（总局令第78号）").count("《") == 1
