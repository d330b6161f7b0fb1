import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from drf_spectacular.drainage import reset_generator_stats
from rest_framework.test import APIClient

from govserve.accounts.models import RoleGrant
from govserve.regions.models import Department, ServiceHall
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc, sichuan_tree

pytestmark = pytest.mark.django_db

REAL = "11511301008778183N"


@pytest.fixture
def tree():
    return sichuan_tree()


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def staff(tree):
    """A system administrator of 四川省 and everything below it (writes go through the policies)."""
    user = get_user_model().objects.create_user(
        "clerk", password="x", is_staff=True, account_type="staff"
    )
    RoleGrant.objects.create(user=user, role="system_admin", region=tree[0], covers_subtree=True)
    client = APIClient()
    client.force_authenticate(user)
    return client


def codes(response):
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def test_region_list_filters(anon, tree):
    RegionFactory(code="440000000000", name="广东省", full_name="广东省")
    assert codes(anon.get("/api/regions/", {"level": 1})) == ["440000000000", "510000000000"]
    assert codes(anon.get("/api/regions/", {"parent": "5116"})) == ["511602000000"]
    assert codes(anon.get("/api/regions/", {"parent": "511600000000"})) == ["511602000000"]
    assert codes(anon.get("/api/regions/", {"q": "广安"})) == ["511600000000", "511602000000"]
    assert codes(anon.get("/api/regions/", {"subtree": "5116", "level": 4})) == ["511602002000"]
    bad = anon.get("/api/regions/", {"parent": "51x"})
    assert bad.status_code == 400 and "parent" in bad.json()


def test_region_retrieve_by_short_or_full_code(anon, tree):
    body = anon.get("/api/regions/511602/").json()
    assert body == {
        "code": "511602000000",
        "name": "广安区",
        "level": 3,
        "level_display": "县级",
        "parent": "511600000000",
        "prefix": "511602",
        "full_name": "四川省广安市广安区",
    }
    assert anon.get("/api/regions/511602000000/").json()["code"] == "511602000000"
    assert anon.get("/api/regions/51/").json()["parent"] is None
    assert anon.get("/api/regions/519900/").status_code == 404


def test_region_children(anon, sichuan):
    response = anon.get("/api/regions/511602/children/", {"limit": 100})
    assert response.json()["count"] == 25
    assert {r["level"] for r in response.json()["results"]} == {4}
    assert codes(anon.get("/api/regions/51/children/", {"limit": 1})) == ["510100000000"]


def test_regions_are_read_only(staff, tree):
    assert staff.post("/api/regions/", {"code": "511699000000"}).status_code in (403, 405)


def test_department_filters(anon, tree):
    county = tree[2]
    mine = DepartmentFactory(region=county)
    RegionFactory(code="440000000000", name="广东省", full_name="广东省")
    DepartmentFactory(
        region=RegionFactory(code="440000000000"), name="广东省市场监督管理局", level=2
    )
    names = lambda r: [d["name"] for d in r.json()["results"]]  # noqa: E731
    assert names(anon.get("/api/departments/", {"region_subtree": "51"})) == [mine.name]
    assert names(anon.get("/api/departments/", {"region": "511602"})) == [mine.name]
    assert names(anon.get("/api/departments/", {"region": "5116"})) == []
    assert len(names(anon.get("/api/departments/", {"level": 2}))) == 1
    assert names(anon.get("/api/departments/", {"region_subtree": "520000"})) == []


def test_department_create_validates_uscc(staff, tree):
    data = {"name": "广安市广安区人民政府办公室", "region": "511602", "uscc": REAL[:-1] + "M"}
    response = staff.post("/api/departments/", data, format="json")
    assert response.status_code == 400
    assert response.json()["uscc"] == [f"统一社会信用代码“{REAL[:-1]}M”无效：校验码错误"]

    response = staff.post(
        "/api/departments/", {**data, "uscc": "11511301008778184" + "X"}, format="json"
    )
    assert response.status_code == 400 and "uscc" in response.json()

    response = staff.post("/api/departments/", {**data, "uscc": REAL.lower()}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["uscc"], body["region"], body["level"], body["region_name"]) == (
        REAL,
        "511602000000",
        4,
        "四川省广安市广安区",
    )

    response = staff.post(
        "/api/departments/", {**data, "name": "另一个", "uscc": ""}, format="json"
    )
    assert response.status_code == 400 and "uscc" in response.json()
    response = staff.post("/api/departments/", {**data, "region": "519900"}, format="json")
    assert response.json()["region"] == ["区划代码“519900”不存在"]


def test_department_update_and_permissions(anon, staff, tree):
    department = DepartmentFactory(region=tree[2])
    url = f"/api/departments/{department.pk}/"
    assert (
        anon.patch(url, {"consult_phone": "0826-1"}, format="json").status_code == 401
    )  # anonymous: authenticate first
    response = staff.patch(url, {"uscc": make_uscc(1)[:-1] + "0"}, format="json")
    assert response.status_code == 400 and "uscc" in response.json()
    response = staff.patch(url, {"consult_phone": "0826-2222111"}, format="json")
    assert response.status_code == 200
    assert Department.objects.get().consult_phone == "0826-2222111"


def test_halls_with_windows(anon, staff, tree):
    department = DepartmentFactory(region=tree[2])
    data = {
        "name": "广安区政务服务中心",
        "region": "511602",
        "address": "广安区金安大道",
        "windows": [
            {"number": "1", "name": "综合受理", "kind": "comprehensive"},
            {
                "number": "2",
                "name": "市场监管",
                "kind": "department",
                "departments": [department.pk],
            },
        ],
    }
    response = staff.post("/api/halls/", data, format="json")
    assert response.status_code == 201, response.content
    hall = ServiceHall.objects.get()
    assert [(w.number, list(w.departments.all())) for w in hall.windows.all()] == [
        ("1", []),
        ("2", [department]),
    ]

    url = f"/api/halls/{hall.pk}/"
    windows = [
        {"number": "2", "name": "市场监管（食品）", "kind": "department"},
        {"number": "3", "name": "税务", "kind": "department"},
    ]
    response = staff.patch(url, {"windows": windows}, format="json")
    assert response.status_code == 200, response.content
    assert [(w["number"], w["name"]) for w in response.json()["windows"]] == [
        ("2", "市场监管（食品）"),
        ("3", "税务"),
    ]

    response = staff.patch(url, {"windows": [windows[0], windows[0]]}, format="json")
    assert response.status_code == 400 and "窗口号重复" in str(response.json()["windows"])

    listed = anon.get("/api/halls/", {"region_subtree": "51"}).json()["results"]
    assert [h["name"] for h in listed] == ["广安区政务服务中心"]
    assert anon.get("/api/halls/", {"region_subtree": "44"}).json()["results"] == []


def test_schema_has_no_warnings_for_these_views(capsys, tmp_path):
    reset_generator_stats()  # warnings already seen in this process would not be printed again
    call_command("spectacular", "--validate", "--file", str(tmp_path / "schema.yml"))
    err = capsys.readouterr().err
    mine = [
        line
        for line in err.splitlines()
        if any(n in line for n in ("regions", "Department", "ServiceHall", "Region"))
    ]
    assert mine == []
    schema = (tmp_path / "schema.yml").read_text()
    for path in ("/api/regions/{code}/children/", "/api/departments/{id}/", "/api/halls/"):
        assert path in schema
