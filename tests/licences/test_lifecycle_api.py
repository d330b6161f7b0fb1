"""The licence types and issued-licence API as department systems and catalog admins use it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient
from stdnum.cn.uscc import calc_check_digit as uscc_check_digit

from govserve.accounts.models import PersonalDataAccess
from govserve.licences.identifiers import parse_identifier
from govserve.licences.models import Licence, LicenceStatus, LicenceType
from tests.catalog.factories import ImplementationItemFactory
from tests.licences.worlds import FOOD_LICENCE_CODE, MINISTRY_USCC, staff_user
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _as(api, user):
    api.force_authenticate(user)
    return api


TYPE = {
    "name": "食品经营许可证",
    "type_code": FOOD_LICENCE_CODE,
    "ministry_name": "国家市场监督管理总局",
    "validity_months": 60,
    "fields": [{"name": "business_address", "label": "经营场所", "kind": "text", "required": True}],
    "layout": {"title": "食品经营许可证", "orientation": "landscape", "number_prefix": "JY"},
}


# -- licence types ---------------------------------------------------------------------------------
def test_anyone_reads_active_types(api, world, licence_type):
    LicenceType.objects.create(name="停用证照", type_code=MINISTRY_USCC + "009", active=False)
    response = api.get(reverse("licence-type-list"))
    assert response.status_code == 200
    names = [t["name"] for t in response.json()["results"]]
    assert names == ["食品经营许可证"]
    detail = api.get(reverse("licence-type-detail", args=[licence_type.pk])).json()
    assert detail["type_code"] == FOOD_LICENCE_CODE and detail["items"] == [world.item.pk]


def test_a_catalog_admin_creates_and_updates_a_type(api, world):
    admin = staff_user("catalog-admin", "catalog_admin", world.county)
    response = _as(api, admin).post(
        reverse("licence-type-list"), {**TYPE, "items": [world.item.pk]}, format="json"
    )
    assert response.status_code == 201, response.json()
    created = LicenceType.objects.get(pk=response.json()["id"])
    assert list(created.items.all()) == [world.item]
    response = api.patch(
        reverse("licence-type-detail", args=[created.pk]),
        {"validity_months": 36, "layout": {"orientation": "portrait"}},
        format="json",
    )
    assert response.status_code == 200
    created.refresh_from_db()
    assert created.validity_months == 36 and created.layout["orientation"] == "portrait"


def test_bad_type_definitions_get_field_level_answers(api, world):
    admin = staff_user("catalog-admin", "catalog_admin", world.county)
    response = _as(api, admin).post(
        reverse("licence-type-list"),
        {
            **TYPE,
            "type_code": "91110000MA00000000001",
            "fields": [
                {"name": "a", "label": "甲", "kind": "choice"},
                {"name": "a", "label": "乙", "kind": "text", "max_length": 0},
            ],
            "layout": {"orientation": "sideways", "colour": "red"},
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()
    assert "统一社会信用代码" in errors["type_code"][0]
    assert any("choices" in m for m in errors["fields"])
    assert any("重复" in m for m in errors["fields"])
    assert any("max_length" in m for m in errors["fields"])
    assert any("orientation" in m for m in errors["layout"])
    assert any("colour" in m for m in errors["layout"])
    assert not LicenceType.objects.exists()


def test_only_catalog_admins_write_types_and_only_for_their_items(api, world, licence_type):
    response = _as(api, world.market_approver).post(
        reverse("licence-type-list"), {**TYPE, "type_code": MINISTRY_USCC + "002"}, format="json"
    )
    assert response.status_code == 403
    elsewhere = RegionFactory(
        code="511621000000",
        name="岳池县",
        full_name="四川省广安市岳池县",
        level=3,
        parent=world.city,
    )
    other_item = ImplementationItemFactory(
        department=DepartmentFactory(region=elsewhere, uscc=make_uscc(30000099))
    )
    admin = staff_user("catalog-admin", "catalog_admin", world.county)
    response = _as(api, admin).patch(
        reverse("licence-type-detail", args=[licence_type.pk]),
        {"items": [world.item.pk, other_item.pk]},
        format="json",
    )
    assert response.status_code == 403
    assert "items" in response.json()
    assert list(licence_type.items.all()) == [world.item]
    assert api.logout() is None
    anonymous = APIClient().post(reverse("licence-type-list"), TYPE, format="json")
    assert anonymous.status_code in (401, 403)


def test_a_type_with_licences_keeps_its_code(api, world, issued_licence):
    admin = staff_user("catalog-admin", "catalog_admin", world.county)
    response = _as(api, admin).patch(
        reverse("licence-type-detail", args=[issued_licence.licence_type_id]),
        {"type_code": MINISTRY_USCC + "005"},
        format="json",
    )
    assert response.status_code == 400 and "type_code" in response.json()


# A national ministry's USCC (division 100000: 中央), as 国家市场监督管理总局 defines its types.
NATIONAL_USCC = "111000000000131433"


def test_a_district_catalog_admin_cannot_rename_a_national_type(api, world):
    national = LicenceType.objects.create(name="食品经营许可证", type_code=NATIONAL_USCC + "001")
    admin = staff_user("catalog-admin", "catalog_admin", world.county)
    url = reverse("licence-type-detail", args=[national.pk])
    response = _as(api, admin).patch(url, {"name": "随便改的名字"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "该证照类型由国家部委定义，只有国家级管理员可以维护"}
    national.refresh_from_db()
    assert national.name == "食品经营许可证"
    root = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw-1aA!")
    renamed = _as(APIClient(), root).patch(url, {"name": "食品经营许可证（新版）"}, format="json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "食品经营许可证（新版）"


def test_nor_define_one_nor_take_over_a_type_of_another_region(api, world, licence_type):
    admin = staff_user("catalog-admin", "catalog_admin", world.county)
    client = _as(api, admin)
    created = client.post(
        reverse("licence-type-list"), {**TYPE, "type_code": NATIONAL_USCC + "002"}, format="json"
    )
    assert created.status_code == 403
    assert created.json() == {"type_code": ["该证照类型由国家部委定义，只有国家级管理员可以维护"]}
    moved = client.patch(
        reverse("licence-type-detail", args=[licence_type.pk]),
        {"type_code": NATIONAL_USCC + "003"},
        format="json",
    )
    assert moved.status_code == 403 and "type_code" in moved.json()
    assert not LicenceType.objects.filter(type_code__startswith=NATIONAL_USCC).exists()


def test_a_type_of_the_city_is_the_city_admins(api, world):
    city_code = "11" + "511600" + MINISTRY_USCC[8:]  # the same body under 广安市's division
    city_uscc = city_code[:17] + uscc_check_digit(city_code[:17])
    city_type = LicenceType.objects.create(name="市级证照", type_code=city_uscc + "001")
    url = reverse("licence-type-detail", args=[city_type.pk])
    county_admin = staff_user("county-catalog", "catalog_admin", world.county)
    assert _as(api, county_admin).patch(url, {"name": "改"}, format="json").status_code == 403
    city_admin = staff_user("city-catalog", "catalog_admin", world.city)
    renamed = _as(APIClient(), city_admin).patch(url, {"name": "市级证照（修订）"}, format="json")
    assert renamed.status_code == 200


def test_a_field_spec_nested_a_thousand_deep_in_a_form_is_400(api, world):
    admin = staff_user("catalog-admin", "catalog_admin", world.county)
    deep = '{"a":' * 1000 + "1" + "}" * 1000
    response = _as(api, admin).post(
        reverse("licence-type-list"), {**TYPE, "fields": deep, "layout": "{}"}, format="multipart"
    )
    assert response.status_code == 400
    assert response.json() == {"fields": ["JSON 嵌套层数过多：最多 32 层"]}
    assert not LicenceType.objects.exists()


# -- issued licences -------------------------------------------------------------------------------
def test_staff_list_and_read_their_departments_licences(api, world, issued_licence):
    client = _as(api, world.market_reviewer)
    listing = client.get(reverse("licence-issued-list"), {"q": "王小"}).json()
    assert [row["number"] for row in listing["results"]] == [issued_licence.number]
    assert client.get(reverse("licence-issued-list"), {"q": "无此人"}).json()["count"] == 0
    detail = client.get(reverse("licence-issued-detail", args=[issued_licence.pk])).json()
    full = issued_licence.holder_id_number
    assert detail["holder_id_number"] == full[:4] + "**********" + full[-4:]
    assert detail["can_manage"] is False and detail["events"][0]["action"] == "issued"
    assert PersonalDataAccess.objects.filter(
        viewer=world.market_reviewer, subject=world.applicant, channel="api"
    ).exists()
    pdf = client.get(reverse("licence-issued-pdf", args=[issued_licence.pk]))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    bad = client.get(reverse("licence-issued-list"), {"status": "lost"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_other_departments_and_applicants_do_not_see_it(api, world, issued_licence):
    client = _as(api, world.health_approver)
    assert client.get(reverse("licence-issued-list")).json()["count"] == 0
    for name in ("licence-issued-detail", "licence-issued-pdf"):
        assert client.get(reverse(name, args=[issued_licence.pk])).status_code == 404
    response = client.post(
        reverse("licence-issued-revoke", args=[issued_licence.pk]), {"reason": "x"}, format="json"
    )
    assert response.status_code == 404
    applicant = _as(APIClient(), world.applicant)
    assert applicant.get(reverse("licence-issued-list")).status_code == 403


def test_approvers_change_a_licence_through_the_api(api, world, issued_licence):
    client = _as(api, world.market_approver)
    url = reverse("licence-issued-change", args=[issued_licence.pk])
    missing = client.post(url, {"data": {"business_address": ""}, "reason": "迁址"}, format="json")
    assert missing.status_code == 400 and "data.business_address" in missing.json()
    no_reason = client.post(url, {"data": {"business_scope": "x"}}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    not_a_dict = client.post(url, {"data": "x", "reason": "迁址"}, format="json")
    assert not_a_dict.status_code == 400 and "data" in not_a_dict.json()
    for odd in (["a", {"b": 1}], {"b": 1}, True, None):
        refused = client.post(
            url, {"data": {"business_address": odd}, "reason": "迁址"}, format="json"
        )
        assert refused.status_code == 400 and "data.business_address" in refused.json(), odd
    response = client.post(
        url, {"data": {"business_address": "广安区建设路 10 号"}, "reason": "迁址"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["version"] == 2 and body["supersedes"] == issued_licence.pk
    assert parse_identifier(body["identifier"]).version == 2
    assert body["data"]["business_address"] == "广安区建设路 10 号"
    old = client.get(reverse("licence-issued-detail", args=[issued_licence.pk])).json()
    assert old["status"] == LicenceStatus.SUPERSEDED and old["superseded_by"] == body["id"]
    again = client.post(url, {"data": {"business_scope": "y"}, "reason": "再变"}, format="json")
    assert again.status_code == 409


def test_suspend_resume_revoke_and_renew_answers(api, world, issued_licence):
    reviewer = _as(APIClient(), world.market_reviewer)
    url = reverse("licence-issued-suspend", args=[issued_licence.pk])
    assert reviewer.post(url, {"reason": "整顿"}, format="json").status_code == 403
    client = _as(api, world.market_approver)
    assert client.post(url, {"reason": ""}, format="json").status_code == 400
    response = client.post(url, {"reason": "责令整顿"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == LicenceStatus.SUSPENDED
    response = client.post(
        reverse("licence-issued-resume", args=[issued_licence.pk]),
        {"reason": "整改完成"},
        format="json",
    )
    assert response.json()["status"] == LicenceStatus.VALID
    renew = client.post(
        reverse("licence-issued-renew", args=[issued_licence.pk]), {}, format="json"
    )
    assert renew.status_code == 409 and "licence" in renew.json()
    response = client.post(
        reverse("licence-issued-revoke", args=[issued_licence.pk]),
        {"reason": "欺骗取得"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == LicenceStatus.REVOKED
    response = client.post(
        reverse("licence-issued-resume", args=[issued_licence.pk]),
        {"reason": "申诉"},
        format="json",
    )
    assert response.status_code == 409
    assert Licence.objects.get(pk=issued_licence.pk).status == LicenceStatus.REVOKED


def test_a_missing_pdf_file_answers_404_and_logs_no_read(api, world, issued_licence):
    from govserve.accounts.models import PersonalDataAccess

    issued_licence.pdf.storage.delete(issued_licence.pdf.name)
    before = PersonalDataAccess.objects.count()
    client = _as(api, world.market_approver)
    response = client.get(reverse("licence-issued-pdf", args=[issued_licence.pk]))
    assert response.status_code == 404
    assert PersonalDataAccess.objects.count() == before
