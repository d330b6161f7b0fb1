"""The demo data files (src/govserve/catalog/fixtures/demo/) are complete and consistent.

No database: every check runs on the JSON itself, with the same rule and code functions the
import uses, so a demo file that passes here will not be rejected row by row on import.
"""

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from govserve.catalog.codes import parse_basic_code, parse_implementation_code
from govserve.catalog.rules import check_item
from govserve.catalog.serializers import ItemRowSerializer
from govserve.regions.validators import validate_uscc

DEMO = Path(__file__).resolve().parents[2] / "src" / "govserve" / "catalog" / "fixtures" / "demo"
FILES = [
    "departments.json",
    "halls.json",
    "items.json",
    "bundles.json",
    "negative_list.json",
    "synonyms.json",
]
LEVEL_OF_REGION = {"510000000000": 2, "511600000000": 3, "511602000000": 4}
# 测试 as a placeholder, not in legal wording such as 计量检定、测试 or 普通话水平测试
PLACEHOLDERS = re.compile(r"示例|(?<!水平)(?<!、)测试|XXX|TODO|lorem", re.IGNORECASE)


def load(name):
    return json.loads((DEMO / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def departments():
    return load("departments.json")


@pytest.fixture(scope="module")
def items():
    return load("items.json")


@pytest.fixture(scope="module")
def dept_index(departments):
    return {(d["region"], d["name"]): d for d in departments}


@pytest.mark.parametrize("name", FILES)
def test_file_is_pretty_utf8_json_without_placeholders(name):
    raw = (DEMO / name).read_bytes()
    text = raw.decode("utf-8")  # strict: invalid UTF-8 raises
    assert not raw.startswith(b"\xef\xbb\xbf"), "no BOM"
    data = json.loads(text)
    assert isinstance(data, list) and data
    assert "\\u" not in text, "written with ensure_ascii=False"
    assert text.startswith("[\n  {"), "pretty-printed with indent=2"
    assert not PLACEHOLDERS.search(text), PLACEHOLDERS.search(text).group(0)


def test_counts(departments, items):
    assert len(departments) >= 14
    assert len(items) >= 160
    assert len({(i["region"], i["department"]) for i in items}) >= 10
    assert {i["exercise_level"] for i in items} >= {2, 3, 4}
    assert len(load("bundles.json")) >= 4
    assert len(load("synonyms.json")) >= 60
    assert len(load("negative_list.json")) >= 8
    assert len(load("halls.json")) >= 3


def test_departments_have_valid_unique_usccs_and_distinct_phones(departments):
    usccs = [d["uscc"] for d in departments]
    assert len(usccs) == len(set(usccs))
    for d in departments:
        try:
            assert validate_uscc(d["uscc"]) == d["uscc"]
        except ValidationError as exc:  # pragma: no cover - the message names the code
            pytest.fail(f"{d['name']}: {exc.messages}")
        assert d["level"] == LEVEL_OF_REGION[d["region"]], d["name"]
        assert d["consult_phone"] not in ("0826-12345", "028-12345"), d["name"]
        prefix = "028-" if d["region"] == "510000000000" else "0826-"
        assert d["consult_phone"].startswith(prefix), d["name"]
    assert len({(d["region"], d["name"]) for d in departments}) == len(departments)


def test_item_rows_use_only_exchange_format_fields(items):
    known = set(ItemRowSerializer().fields)
    for item in items:
        unknown = set(item) - known
        assert not unknown, (item["name"], unknown)


def test_every_item_passes_the_consistency_rules(items):
    failures = {}
    for item in items:
        errors = check_item(dict(item), item.get("fees", []))
        if errors:
            failures[(item["name"], item["department"])] = errors
    assert not failures


def test_items_are_complete(items):
    for item in items:
        label = (item["name"], item["department"])
        assert item["service_objects"] and item["handling_forms"], label
        assert item["acceptance_conditions"] and item["procedure"] and item["materials"], label
        assert 2 <= len(item["materials"]) <= 7, label
        assert item["legal_bases"] or item["item_type"] == "20", label
        assert item["promised_limit_days"] <= item["statutory_limit_days"], label
        assert item["consult_phone"] != item["complaint_phone"], label
        assert (
            item["review_body"] and item["litigation_body"] and item["place"] and item["hours"]
        ), label
        if item.get("result_name"):
            assert item["result_sample"] == "generate" and item["result_type"], label
        if item["item_type"] == "01" and item["state"] == "published":
            assert {r["stage"] for r in item["responsibilities"]} >= {
                "accept",
                "review",
                "decide",
                "deliver",
                "supervise",
            }, label
        if item["state"] == "published":
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", item["effective_date"]), label
        for step in item["procedure"]:
            assert step["name"] and step["description"], label


def test_items_sit_with_a_department_of_their_region(items, dept_index):
    for item in items:
        assert (item["region"], item["department"]) in dept_index, (
            item["name"],
            item["department"],
        )
        assert item["exercise_level"] == LEVEL_OF_REGION[item["region"]], item["name"]


def test_no_duplicate_item_for_one_department(items):
    keys = Counter((i["name"], i["region"], i["department"]) for i in items)
    assert [k for k, n in keys.items() if n > 1] == []


def test_codes_are_valid_and_consistent(items, dept_index):
    by_basic = {}
    impl_codes = []
    for item in items:
        basic = item.get("basic_code")
        if basic:
            parsed = parse_basic_code(basic)
            assert parsed.item_type == item["item_type"], item["name"]
            assert by_basic.setdefault(basic, (item["name"], item["item_type"])) == (
                item["name"],
                item["item_type"],
            ), basic
        code = item.get("implementation_code")
        if code:
            parsed = parse_implementation_code(code)
            dept = dept_index[(item["region"], item["department"])]
            assert parsed.uscc == dept["uscc"], item["name"]
            assert parsed.level == str(item["exercise_level"]), item["name"]
            assert str(parsed.basic) == basic, item["name"]
            impl_codes.append(code)
        if item.get("local_code"):
            parts = item["local_code"].split("-")
            assert item["region"] in parts, item["local_code"]
            assert dept_index[(item["region"], item["department"])]["uscc"] in parts, item[
                "local_code"
            ]
    assert len(impl_codes) == len(set(impl_codes))
    # one basic code per item name and type
    names = defaultdict(set)
    for item in items:
        if item.get("basic_code"):
            names[(item["name"], item["item_type"])].add(item["basic_code"])
    assert all(len(codes) == 1 for codes in names.values())


def test_standard_materials_are_named_consistently(items):
    sources = defaultdict(set)
    for item in items:
        for m in item["materials"]:
            assert m["name"] and m["source"] in ("applicant", "issued", "shared", "other"), item[
                "name"
            ]
            assert m["form"] in ("paper", "electronic", "both"), item["name"]
            if m.get("common"):
                sources[m["common"]].add(m["source"])
    assert {
        "居民身份证",
        "户口簿",
        "营业执照",
        "结婚证",
        "出生医学证明",
        "不动产权证书",
        "授权委托书",
    } <= set(sources)
    assert sources["居民身份证"] == {"issued"} and sources["营业执照"] == {"issued"}


def test_mix_of_online_and_draft_items(items):
    fully = sum(i["fully_online"] for i in items)
    assert 0.25 <= fully / len(items) <= 0.45
    assert any(i["state"] == "draft" for i in items)
    assert any(i["fee_charged"] and i["fees"] for i in items)
    names_by_level = defaultdict(set)
    for i in items:
        names_by_level[i["name"]].add(i["exercise_level"])
    assert any(len(levels) >= 2 for levels in names_by_level.values())


def test_bundles_reference_existing_items(items, dept_index):
    index = defaultdict(list)
    for item in items:
        index[item["name"]].append(item)
    for bundle in load("bundles.json"):
        assert bundle["kind"] in ("life", "business")
        assert (bundle["region"], bundle["lead_department"]) in dept_index, bundle["name"]
        chosen = []
        for name in bundle["items"]:
            candidates = [
                i
                for i in index[name]
                if bundle["region"].startswith(i["region"].rstrip("0"))
                or i["region"] == bundle["region"]
            ]
            assert candidates, (bundle["name"], name)
            same_region = [i for i in candidates if i["region"] == bundle["region"]]
            chosen.append((same_region or candidates)[0])
        assert len({i["department"] for i in chosen}) >= 2, bundle["name"]
        materials = [m for i in chosen for m in i["materials"]]
        merged = {m["common"] or m["name"] for m in materials}
        assert len(merged) < len(materials), bundle["name"]


def test_negative_list_entries(items):
    basic_codes = {i["basic_code"] for i in items if i.get("basic_code")}
    entries = load("negative_list.json")
    assert len({e["code"] for e in entries}) == len(entries)
    for entry in entries:
        assert entry["category"] in ("prohibited", "restricted")
        assert entry["industry"] and entry["activity"] and entry["legal_basis"]
        assert set(entry["related_basic_codes"]) <= basic_codes, entry["code"]
    assert {e["category"] for e in entries} == {"prohibited", "restricted"}


def test_synonyms(items):
    entries = load("synonyms.json")
    terms = [e["term"] for e in entries]
    assert len(terms) == len(set(terms))
    assert {e["kind"] for e in entries} == {"synonym", "event", "homophone", "abbr"}
    for e in entries:
        assert e["term"] and e["expansions"].split(), e
        assert e["term"] not in e["expansions"].split(), e


def test_halls_and_windows(dept_index):
    for hall in load("halls.json"):
        assert hall["kind"] in ("centre", "hall", "station")
        assert re.fullmatch(r"\d{12}", hall["region"])
        assert hall["address"] and hall["opening_hours"] and hall["phone"]
        numbers = [w["number"] for w in hall["windows"]]
        assert len(numbers) == len(set(numbers)), hall["name"]
        county = hall["region"][:6] + "000000"
        for window in hall["windows"]:
            assert window["kind"] in ("comprehensive", "department")
            if window["kind"] == "department":
                assert len(window["departments"]) == 1, window
            for name in window["departments"]:
                assert (hall["region"], name) in dept_index or (county, name) in dept_index, (
                    hall["name"],
                    name,
                )
    kinds = Counter(h["kind"] for h in load("halls.json"))
    assert kinds["centre"] >= 3
