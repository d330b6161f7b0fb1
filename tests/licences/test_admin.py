"""Admin for licences: catalog administrators define types; licences are read-only.
(Certificates and seals: tests/signing/test_admin.py; the archive: tests/audit/test_admin.py.)"""

import json

import pytest
from django.urls import reverse

from govserve.accounts.models import PersonalDataAccess
from govserve.licences.models import LicenceStatus, LicenceType
from tests.catalog.factories import ImplementationItemFactory
from tests.licences.worlds import FOOD_LICENCE_CODE, MINISTRY_USCC, staff_user
from tests.regions.factories import DepartmentFactory, RegionFactory, make_uscc

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "Root-2026-pass")


@pytest.fixture
def catalog_admin(world):
    return staff_user("catalog-admin", "catalog_admin", world.county)


def _type_form(world, **overrides) -> dict:
    data = {
        "name": "食品经营许可证",
        "type_code": FOOD_LICENCE_CODE,
        "ministry_name": "国家市场监督管理总局",
        "validity_months": "60",
        "fields": json.dumps(
            [{"name": "business_address", "label": "经营场所", "kind": "text", "required": True}],
            ensure_ascii=False,
        ),
        "layout": json.dumps({"title": "食品经营许可证", "orientation": "landscape"}),
        "items": [world.item.pk],
        "active": "on",
    }
    data.update(overrides)
    return data


def test_a_catalog_admin_defines_a_type_and_links_their_items(client, world, catalog_admin):
    client.force_login(catalog_admin)
    response = client.post(reverse("admin:licences_licencetype_add"), _type_form(world))
    assert response.status_code == 302, response.content.decode()[:2000]
    licence_type = LicenceType.objects.get(type_code=FOOD_LICENCE_CODE)
    assert list(licence_type.items.all()) == [world.item]
    assert licence_type.fields[0]["required"] is True


def test_bad_definitions_are_refused_next_to_each_field(client, world, catalog_admin):
    client.force_login(catalog_admin)
    bad_code = MINISTRY_USCC[:-1] + ("0" if MINISTRY_USCC[-1] != "0" else "1") + "001"
    response = client.post(
        reverse("admin:licences_licencetype_add"),
        _type_form(
            world,
            type_code=bad_code,
            fields=json.dumps([{"name": "1st", "label": "", "kind": "colour"}]),
            layout=json.dumps({"orientation": "diagonal"}),
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200 and not LicenceType.objects.exists()
    assert "校验位或编码不正确" in page  # the ministry's credit code
    assert "第 1 项" in page and "标签（label）不能为空" in page and "类型（kind）应为" in page
    assert "版式方向（orientation）应为" in page


def test_items_outside_the_admins_region_cannot_be_linked(client, world, catalog_admin):
    city = world.city
    elsewhere = RegionFactory(
        code="511621000000", name="岳池县", full_name="四川省广安市岳池县", level=3, parent=city
    )
    other_item = ImplementationItemFactory(
        department=DepartmentFactory(region=elsewhere, uscc=make_uscc(30000099))
    )
    client.force_login(catalog_admin)
    response = client.post(
        reverse("admin:licences_licencetype_add"), _type_form(world, items=[other_item.pk])
    )
    assert response.status_code == 200 and not LicenceType.objects.exists()


def test_other_staff_read_types_but_do_not_change_them(client, world, licence_type):
    client.force_login(world.market_approver)
    url = reverse("admin:licences_licencetype_change", args=[licence_type.pk])
    assert client.get(url).status_code == 200
    client.post(url, _type_form(world, name="改名"))
    licence_type.refresh_from_db()
    assert licence_type.name == "食品经营许可证"
    assert client.get(reverse("admin:licences_licencetype_add")).status_code == 403


def test_a_national_type_is_not_renamed_by_a_district_catalog_admin(
    client, world, catalog_admin, superuser
):
    national = LicenceType.objects.create(name="食品经营许可证", type_code="111000000000131433001")
    url = reverse("admin:licences_licencetype_change", args=[national.pk])
    client.force_login(catalog_admin)
    assert client.get(url).status_code == 200  # read, not change
    client.post(url, _type_form(world, name="改名", type_code=national.type_code, items=[]))
    national.refresh_from_db()
    assert national.name == "食品经营许可证"
    made = client.post(
        reverse("admin:licences_licencetype_add"),
        _type_form(world, type_code="111000000000131433002"),
    )
    assert "该证照类型由国家部委定义，只有国家级管理员可以维护" in made.content.decode()
    assert not LicenceType.objects.filter(type_code="111000000000131433002").exists()
    client.force_login(superuser)
    client.post(url, _type_form(world, name="改名", type_code=national.type_code, items=[]))
    national.refresh_from_db()
    assert national.name == "改名"


def test_a_licence_is_read_only_with_a_masked_id_and_the_read_logged(
    client, world, issued_licence, superuser
):
    client.force_login(superuser)
    listing = client.get(reverse("admin:licences_licence_changelist")).content.decode()
    assert issued_licence.number in listing
    url = reverse("admin:licences_licence_change", args=[issued_licence.pk])
    page = client.get(url).content.decode()
    full = issued_licence.holder_id_number
    assert full not in page and full[:4] + "**********" + full[-4:] in page
    assert "签发" in page  # the events inline
    client.post(url, {"status": LicenceStatus.REVOKED})
    issued_licence.refresh_from_db()
    assert issued_licence.status == LicenceStatus.VALID
    assert client.get(reverse("admin:licences_licence_add")).status_code == 403
    assert PersonalDataAccess.objects.filter(
        viewer=superuser, subject=world.applicant, channel="admin"
    ).exists()


def test_staff_of_another_department_do_not_see_the_licence(client, world, issued_licence):
    client.force_login(world.health_approver)
    listing = client.get(reverse("admin:licences_licence_changelist"))
    assert listing.status_code == 200 and issued_licence.number not in listing.content.decode()
    response = client.get(reverse("admin:licences_licence_change", args=[issued_licence.pk]))
    assert response.status_code == 302  # "does not exist" for them
    client.force_login(world.market_reviewer)
    listing = client.get(reverse("admin:licences_licence_changelist")).content.decode()
    assert issued_licence.number in listing
