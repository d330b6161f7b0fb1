"""Ranking: what citizens type, and the item that must come first."""

from __future__ import annotations

import pytest

from govserve.catalog.search.selectors import search_items

# query → the name of the item that must be first ("~x": the first name contains x)
FIRST = [
    ("营业执照", "增发、补发营业执照"),
    ("yyzz", "增发、补发营业执照"),
    ("yingyezhizhao", "增发、补发营业执照"),
    ("ying ye zhi zhao", "增发、补发营业执照"),
    ("ＹＹＺＺ", "增发、补发营业执照"),  # full-width letters
    ("营业执造", "增发、补发营业执照"),  # one wrong character
    ("食品经营许可", "食品经营许可"),
    ("食品经营", "食品经营许可"),
    ("shipinjingying", "食品经营许可"),
    ("spjy", "食品经营许可"),
    ("spjyxk", "食品经营许可"),
    ("食品经赢许可", "食品经营许可"),  # homophone typo
    ("食品经营许课", "食品经营许可"),
    ("开饭店", "食品经营许可"),  # life event in the dictionary
    ("我要开饭店", "食品经营许可"),
    ("生孩子", "~出生医学证明"),
    ("出生证明", "~出生医学证明"),
    ("结婚", "结婚登记"),
    ("结婚登记", "结婚登记"),
    ("身份证", "居民身份证换领"),
    ("身份证丢了", "居民身份证挂失申报、丢失招领"),
    ("换身份证", "居民身份证换领"),
    ("sfz", "居民身份证换领"),
    ("开公司", "企业设立登记"),  # item keyword and dictionary agree
    ("公司注销", "公司注销登记"),
    ("个体户", "个体工商户设立登记"),
    ("低保", "最低生活保障"),
    ("驾照", "机动车驾驶证换证"),
    ("无犯罪证明", "无犯罪记录证明"),
    ("居住证", "居住证办理"),
    ("暂住证", "居住证办理"),  # old name in the dictionary
    ("砍树", "林木采伐许可证核发（县级权限）"),
    ("退休", "企业职工基本养老保险正常退休申请"),
    ("户口迁移", "户口迁移审批"),
    ("怎么办营业执照", "增发、补发营业执照"),
    ("护照", "普通护照签发"),
    ("消防验收", "特殊建设工程消防验收"),
    ("gjj", "公积金贷款试算"),
]


@pytest.mark.parametrize(("query", "expected"), FIRST)
def test_first_result(catalog, query, expected):
    result = search_items(query)
    assert result.items, f"{query!r} found nothing"
    first = result.items[0].name
    if expected.startswith("~"):
        assert expected[1:] in first, [i.name for i in result.items[:5]]
    else:
        assert first == expected, [i.name for i in result.items[:5]]


def test_word_inside_another_word_ranks_lower(catalog):
    """身份证 inside 身份证明 is another word: 临时身份证明 comes after the 居民身份证 items."""
    names = [i.name for i in search_items("身份证").items]
    assert names.index("临时身份证明") > names.index("居民身份证挂失申报、丢失招领")


def test_shorter_name_first_among_equals(catalog):
    names = [i.name for i in search_items("食品经营许可").items]
    assert names.index("食品经营许可") < names.index("食品经营许可注销")


def test_expanded_terms_say_what_was_added(catalog):
    result = search_items("开饭店")
    assert result.expanded_terms[:2] == ["食品经营许可", "营业执照"]
    assert search_items("食品经营许可").expanded_terms == []


def test_results_are_deterministic(catalog):
    first = [i.pk for i in search_items("许可", limit=50).items]
    assert first == [i.pk for i in search_items("许可", limit=50).items]


def test_weak_partial_matches_are_dropped(catalog):
    """营业执照 finds the 营业执照 items, not every name that merely shares 营业 (营业性演出)."""
    names = [i.name for i in search_items("营业执照").items]
    assert "举办营业性演出审批" not in names
