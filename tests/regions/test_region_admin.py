import pytest
from django.contrib.auth import get_user_model

from govserve.regions.models import Region, ServiceHall, ServiceWindow
from tests.regions.factories import DepartmentFactory, sichuan_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("admin", password="x"))
    return client


def test_admin_pages_render(admin_client):
    _province, _city, county, _town = sichuan_tree()
    department = DepartmentFactory(region=county)
    hall = ServiceHall.objects.create(name="广安区政务服务中心", region=county, address="金安大道")
    ServiceWindow.objects.create(hall=hall, number="1", name="综合受理", kind="comprehensive")
    for url in (
        "/admin/regions/region/?q=广安",
        "/admin/regions/region/?level=4",
        f"/admin/regions/region/{county.pk}/change/",
        "/admin/regions/department/",
        f"/admin/regions/department/{department.pk}/change/",
        "/admin/regions/servicehall/",
        f"/admin/regions/servicehall/{hall.pk}/change/",
        "/admin/autocomplete/?app_label=regions&model_name=region&field_name=parent&term=广安",
    ):
        assert admin_client.get(url).status_code == 200, url


def test_admin_region_gets_its_full_name(admin_client):
    _province, city, _county, _town = sichuan_tree()
    response = admin_client.post(
        "/admin/regions/region/add/",
        {"code": "511603000000", "name": "前锋区", "level": 3, "parent": city.pk, "full_name": ""},
    )
    assert response.status_code == 302, response.content
    region = Region.objects.get(code="511603000000")
    assert (region.full_name, region.prefix) == ("四川省广安市前锋区", "511603")


def test_admin_rejects_a_parent_at_the_same_level(admin_client):
    _province, city, _county, _town = sichuan_tree()
    response = admin_client.post(
        "/admin/regions/region/add/",
        {"code": "511700000000", "name": "达州市", "level": 2, "parent": city.pk},
    )
    assert response.status_code == 200
    assert "上级区划的层级必须高于本级" in response.content.decode()
