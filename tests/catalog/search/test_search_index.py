"""Index maintenance: lifecycle changes, edits, deletes, renames, bulk rebuild."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from govserve.catalog import services
from govserve.catalog.search import index
from govserve.catalog.search.documents import DepartmentLabels
from govserve.catalog.search.models import SearchDocument, SearchEntry
from govserve.catalog.search.selectors import search_items


def ids(query: str, **filters) -> set[int]:
    return {i.pk for i in search_items(query, limit=100, **filters).items}


def test_suspend_and_resume_through_services(catalog):
    item = catalog.items["结婚登记"]
    services.change_state(item, "suspend", effective_date=dt.date(2025, 1, 2))
    assert item.pk not in ids("结婚登记")
    services.change_state(item, "resume", effective_date=dt.date(2025, 2, 2))
    assert item.pk in ids("结婚登记")


def test_revised_name_is_searchable_at_once(catalog):
    item = catalog.items["结婚登记"]
    services.revise_item(item, {"name": "内地居民结婚登记"}, reason="规范名称")
    assert search_items("内地居民结婚登记").items[0].pk == item.pk
    assert search_items("ndjmjhdj").items[0].pk == item.pk


def test_direct_save_is_indexed(catalog):
    item = catalog.items["离婚登记"]
    item.keywords = "协议离婚"
    item.save()
    assert item.pk in ids("协议离婚")


def test_deleted_item_leaves_the_index(catalog):
    item = catalog.items["公积金贷款试算"]
    item.delete()
    assert not SearchEntry.objects.filter(item_id=item.pk).exists()
    assert search_items("公积金贷款试算").total == 0


def test_department_rename_reindexes_its_items(catalog):
    water = catalog.items["取水许可证新办审批"].department
    water.name = "广安市广安区河湖长制办公室"
    water.save()
    assert catalog.items["取水许可证新办审批"].pk in ids("河湖长制")


def test_counties_share_one_document(catalog):
    docs = SearchEntry.objects.filter(item__name="食品经营许可").values_list(
        "document_id", flat=True
    )
    assert len(docs) == 3 and len(set(docs)) == 1


def test_department_label_drops_region_names(catalog):
    dept = catalog.items["食品经营许可"].department
    assert dept.name == "四川省广安市广安区市场监督管理局"
    assert DepartmentLabels().get([dept.pk])[dept.pk] == "市场监督管理局"


def test_rebuild_gives_the_same_results(catalog):
    before = {
        q: [i.pk for i in search_items(q, limit=100).items]
        for q in ("许可", "yyzz", "开饭店", "身份证")
    }
    assert index.rebuild() == len(catalog.items) + 3  # the 3 copies in other regions
    index.prune()
    assert {q: [i.pk for i in search_items(q, limit=100).items] for q in before} == before
    assert SearchDocument.objects.count() == len({i.name for i in catalog.items.values()})


def test_bulk_indexing_defers_until_the_end(catalog):
    item = catalog.items["失业登记"]
    with index.bulk_indexing():
        item.name = "就业困难人员认定"
        item.save()
        assert item.pk not in ids("就业困难人员认定")
    assert item.pk in ids("就业困难人员认定")


def test_update_items_of_unknown_ids_is_harmless(db):
    index.update_items([999999, None])
    index.update_items([])


def test_rebuild_command(catalog, capsys):
    call_command("rebuild-search-index")
    assert "已索引" in capsys.readouterr().out
    assert search_items("yyzz").items[0].name == "增发、补发营业执照"


def test_department_edit_search_does_not_see_reindexes_nothing(
    catalog, django_assert_max_num_queries
):
    water = catalog.items["取水许可证新办审批"].department
    water.consult_phone = "0826-1234567"
    with django_assert_max_num_queries(6):
        water.save()
