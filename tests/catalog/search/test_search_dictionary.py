"""The dictionary (检索词典): built-in defaults, administrators' rows,
changes take effect at once."""

from __future__ import annotations

from govserve.catalog.models import SearchSynonym
from govserve.catalog.search import synonyms
from govserve.catalog.search.selectors import search_items


def first(query: str) -> str | None:
    result = search_items(query)
    return result.items[0].name if result.items else None


def test_new_row_changes_results_immediately(catalog):
    assert first("开面馆") != "食品经营许可"
    SearchSynonym.objects.create(
        term="开面馆", expansions="食品经营许可 营业执照", kind=SearchSynonym.Kind.LIFE_EVENT
    )
    result = search_items("开面馆")
    assert result.items[0].name == "食品经营许可"
    assert result.expanded_terms == ["食品经营许可", "营业执照"]


def test_edit_and_delete_take_effect(catalog):
    row = SearchSynonym.objects.create(term="开面馆", expansions="食品经营许可")
    assert first("开面馆") == "食品经营许可"
    row.expansions = "公共场所卫生许可"
    row.save()
    assert first("开面馆") == "公共场所卫生许可"
    row.delete()
    assert search_items("开面馆").expanded_terms == []


def test_row_replaces_the_default(catalog):
    assert first("开饭店") == "食品经营许可"
    SearchSynonym.objects.create(term="开饭店", expansions="公共场所卫生许可")
    assert first("开饭店") == "公共场所卫生许可"


def test_disabled_row_switches_a_default_off(catalog):
    assert first("低保") == "最低生活保障"
    SearchSynonym.objects.create(term="低保", expansions="最低生活保障", enabled=False)
    result = search_items("低保")
    assert result.expanded_terms == []
    assert not result.items or result.items[0].name != "最低生活保障"


def test_homophone_entry(catalog):
    SearchSynonym.objects.create(
        term="户口前移", expansions="户口迁移", kind=SearchSynonym.Kind.HOMOPHONE
    )
    assert first("户口前移") == "户口迁移审批"


def test_longest_term_wins_and_latin_terms_match_whole_words(catalog):
    SearchSynonym.objects.create(
        term="gsz", expansions="公司设立登记", kind=SearchSynonym.Kind.ABBREVIATION
    )
    expansions, matched = synonyms.expand("身份证丢了 gsz")
    assert [m.term for m in matched] == ["身份证丢了", "gsz"]  # not also 身份证-something shorter
    assert synonyms.expand("gszx")[1] == []


def test_defaults_file_is_well_formed():
    rows = synonyms.load_defaults()
    assert len(rows) >= 50
    kinds = {k for _t, k, _e in rows}
    assert kinds <= set(SearchSynonym.Kind.values)
    assert len({t for t, _k, _e in rows}) == len(rows)


def test_load_command_copies_defaults_once(db):
    from django.core.management import call_command

    call_command("load-search-synonyms", verbosity=0)
    count = SearchSynonym.objects.count()
    assert count == len(synonyms.load_defaults())
    SearchSynonym.objects.filter(term="开饭店").update(expansions="公共场所卫生许可")
    call_command(
        "load-search-synonyms", verbosity=0
    )  # never overwrites what administrators changed
    assert SearchSynonym.objects.count() == count
    assert SearchSynonym.objects.get(term="开饭店").expansions == "公共场所卫生许可"
