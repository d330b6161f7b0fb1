"""Answers the schemathesis probe (bench/probe_api.py) once got wrong, kept right."""

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import StaffFactory

pytestmark = pytest.mark.django_db

HUGE = "19586850345824708243493256777695232"  # beyond any integer column: SQLite cannot bind it


def test_process_list_refuses_an_item_id_no_row_can_have():
    client = APIClient()
    client.force_authenticate(StaffFactory())
    answer = client.get("/api/workflow/processes/", {"item": HUGE})
    assert answer.status_code == 400 and answer.json() == {"item": ["应为整数"]}
    assert client.get("/api/workflow/processes/", {"item": "7"}).json()["count"] == 0
