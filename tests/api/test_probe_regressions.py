"""Answers the schemathesis probe (bench/probe_api.py) once got wrong, kept right."""

import pytest
from rest_framework.test import APIClient

from govserve.regions.models import ServiceHall
from tests.accounts.factories import StaffFactory
from tests.regions.factories import sichuan_tree

pytestmark = pytest.mark.django_db

HUGE = "19586850345824708243493256777695232"  # beyond any integer column: SQLite cannot bind it


def test_process_list_refuses_an_item_id_no_row_can_have():
    client = APIClient()
    client.force_authenticate(StaffFactory())
    answer = client.get("/api/workflow/processes/", {"item": HUGE})
    assert answer.status_code == 400 and answer.json() == {"item": ["应为整数"]}
    assert client.get("/api/workflow/processes/", {"item": "7"}).json()["count"] == 0


def test_a_hall_patched_with_a_window_without_its_number_is_400():
    county = sichuan_tree()[2]
    hall = ServiceHall.objects.create(
        name="广安区政务服务中心", kind="centre", region=county, address="建设路1号"
    )
    client = APIClient()
    client.force_authenticate(StaffFactory(is_superuser=True))
    window = {"name": "综合窗口", "kind": "comprehensive", "departments": []}
    answer = client.patch(f"/api/halls/{hall.pk}/", {"windows": [window]}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"windows": ["每个窗口都要填写窗口号"]}
    window["number"] = "1"
    answer = client.patch(f"/api/halls/{hall.pk}/", {"windows": [window]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["windows"][0]["number"] == "1"


def test_an_api_address_that_names_nothing_answers_json(client, settings):
    settings.DEBUG = False
    answer = client.get("/api/accounts/organisations/abc/agents/")
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": "未找到。"}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
