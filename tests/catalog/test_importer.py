import json
from pathlib import Path

import pytest

from govserve.catalog import importer, realdata
from govserve.catalog.models import ImplementationItem, ItemEvent, Material
from govserve.regions.models import Department

pytestmark = pytest.mark.django_db

REAL_ITEMS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real-items.jsonl"


def _json(rows) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode("utf-8")


def test_json_import_creates_item_with_all_parts(item_row):
    report = importer.import_file(_json([item_row]), "json")
    assert report.ok, report.errors
    item = ImplementationItem.objects.get(pk=report.item_ids[0])
    assert item.item_type == "01" and item.basic_item.code == "510121001000"
    assert item.materials.count() == 3
    assert item.materials.get(name="营业执照").common.name == "营业执照"
    assert item.basic_item.legal_bases.get().article == "第三十五条"
    assert item.result_sample.name.endswith(".svg")
    assert item.events.get().action == ItemEvent.Action.CREATE
    assert item.is_actionable


def test_one_bad_row_rejects_the_whole_file(item_row):
    bad = {**item_row, "name": "公共场所卫生许可", "promised_limit_days": 30}
    report = importer.import_file(_json([item_row, bad]), "json")
    assert not report.ok
    assert [(e.line, e.field) for e in report.errors] == [(2, "promised_limit_days")]
    assert "不能超过法定办结时限" in report.errors[0].reason
    assert ImplementationItem.objects.count() == 0 and Material.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field", "fragment"),
    [
        ({"region": "519999000000"}, "region", "不存在"),
        ({"department": "不存在的局"}, "department", "不存在"),
        ({"item_type": "行政审判"}, "item_type", ""),
        ({"basic_code": "5101210010"}, "basic_code", "格式错误"),
        ({"statutory_limit_days": -3}, "statutory_limit_days", "不能为负数"),
        ({"statutory_limit_days": None}, "statutory_limit_days", "请填写"),
        ({"service_objects": ["8"]}, "service_objects[1]", ""),
        ({"materials": [{"originals": 1}]}, "materials[1].name", ""),
        (
            {"implementation_code": "11511301008778183N4510121001000"},
            "implementation_code",
            "不一致",
        ),
        ({"colour": "red"}, "row", "未知字段"),
    ],
)
def test_field_level_errors(item_row, changes, field, fragment):
    report = importer.import_file(_json([{**item_row, **changes}]), "json")
    assert not report.ok
    assert report.errors[0].field == field
    assert fragment in report.errors[0].reason
    assert ImplementationItem.objects.count() == 0


def test_duplicates_in_file_and_catalog(item_row):
    report = importer.import_file(_json([item_row, item_row]), "json")
    assert [(e.line, e.field) for e in report.errors] == [(2, "name")]
    assert importer.import_file(_json([item_row]), "json").ok
    again = importer.import_file(_json([item_row]), "json")
    assert again.errors[0].field == "name" and "已有同名事项" in again.errors[0].reason


def test_duplicate_implementation_code(item_row, market_bureau):
    code = f"{market_bureau.uscc}4510121001000"
    first = {**item_row, "implementation_code": code}
    second = {**item_row, "name": "食品经营许可（延续）", "implementation_code": code}
    report = importer.import_file(_json([first, second]), "json")
    assert report.errors[0].field == "implementation_code" and "重复" in report.errors[0].reason


def test_wrong_encoding_and_format():
    gbk = "name,item_type\n食品经营许可,01\n".encode("gbk")
    report = importer.import_file(gbk, "csv")
    assert report.errors[0].field == "file" and "UTF-8" in report.errors[0].reason
    assert "JSON格式错误" in importer.import_file(b"[{", "json").errors[0].reason
    assert "不支持的文件格式" in importer.import_file(b"x", "xlsx").errors[0].reason


def test_json_nested_a_thousand_deep_is_a_file_error_not_a_500(db):
    for deep in ("[" * 1000 + "]" * 1000, '{"items":' * 1000 + "[]" + "}" * 1000):
        report = importer.import_file(deep.encode(), "json")
        assert not report.ok and not ImplementationItem.objects.exists()
        assert [(e.field, e.reason) for e in report.errors] == [
            ("file", "JSON 嵌套层数过多：最多 32 层")
        ]


def test_csv_round_trip(item_row):
    assert importer.import_file(_json([item_row]), "json").ok
    rows = importer.export_rows(ImplementationItem.objects.all())
    text = importer.export_csv(rows)
    ImplementationItem.objects.all().delete()
    report = importer.import_file(("\ufeff" + text).encode("utf-8"), "csv")
    assert report.ok, report.errors
    item = ImplementationItem.objects.get()
    assert item.materials.count() == 3 and item.service_objects == ["1", "2"]


def test_csv_errors_name_the_file_line(item_row):
    assert importer.import_file(_json([item_row]), "json").ok
    text = importer.export_csv(importer.export_rows(ImplementationItem.objects.all()))
    ImplementationItem.objects.all().delete()
    header, line = text.splitlines()[0], text.splitlines()[1]
    bad_line = line.replace("食品经营许可,", "公共场所卫生许可,", 1).replace(",20,", ",-2,", 1)
    report = importer.import_file("\n".join([header, line, bad_line]).encode(), "csv")
    assert not report.ok and report.errors[0].line == 3


def test_dry_run_writes_nothing(item_row):
    report = importer.import_file(_json([item_row]), "json", dry_run=True)
    assert report.ok and report.created == 0
    assert ImplementationItem.objects.count() == 0


@pytest.mark.skipif(
    not REAL_ITEMS.exists(), reason="shared/data/real-items.jsonl is not beside the repo"
)
def test_real_public_lists_load_without_rejecting_local_codes():
    from django.core.management import call_command

    for province in ("51", "31", "21"):
        call_command("import_regions", province=province, verbosity=0)
    rows = realdata.rows_from_jsonl(REAL_ITEMS.read_text(encoding="utf-8").splitlines())
    report = importer.import_rows(rows, create_departments=True)
    assert report.ok, report.errors[:5]
    assert report.created == 1409
    sichuan = ImplementationItem.objects.get(
        local_code="511A0138000000-511602000000-000-115113010833722043-1-00"
    )
    assert sichuan.name == "适龄儿童、少年因身体状况需要延缓入学或者休学审批"
    assert (
        sichuan.region.full_name.endswith("广安区")
        and sichuan.department.uscc == "115113010833722043"
    )
    assert not sichuan.is_actionable  # shown and searchable, but no limits known yet
    assert Department.objects.filter(name="区行政审批局").count() == 1
    assert ImplementationItem.objects.filter(region__code__startswith="31").count() == 252
