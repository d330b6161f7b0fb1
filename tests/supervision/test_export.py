"""The workbench list as CSV and XLSX (pages and API), parsed back."""

import csv
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tests.supervision.workbench_world import build_workbench_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def wb(db):
    return build_workbench_world()


HEADERS = [
    "办件编号",
    "申请事项",
    "牵头部门",
    "办理区划",
    "办理阶段",
    "申请渠道",
    "申请人",
    "提交时间",
    "当前期限",
    "剩余工作日",
    "预警",
]


def csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_of_the_filtered_list(client, wb):
    client.force_login(wb.county_supervisor)
    response = client.get("/supervision/export.csv", {"category": "red"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    assert {r[1] for r in rows[1:]} == {"超期的审查", "受理超期的申请", "送达超期"}
    assert all(r[10] == "超期" and int(r[9]) <= 0 for r in rows[1:])
    assert all(wb.cases.red.applicant_name not in r for r in rows[1:])  # names masked


def test_xlsx_of_the_filtered_list(client, wb):
    client.force_login(wb.county_supervisor)
    response = client.get("/supervision/export.xlsx", {"department": wb.places.health.pk})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert {r[1] for r in rows[1:]} == {"即将到期的审查", "待送达", "听证过长"}


def test_the_export_stays_in_the_scope(client, wb):
    client.force_login(wb.sibling_supervisor)
    rows = csv_rows(b"".join(client.get("/supervision/export.csv").streaming_content))
    assert [r[1] for r in rows[1:]] == ["前锋区超期"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_api_export(wb, fmt):
    api = APIClient()
    api.force_authenticate(wb.city_supervisor)
    response = api.get("/api/supervision/export/", {"format": fmt, "category": "red"})
    assert response.status_code == 200
    if fmt == "csv":
        rows = csv_rows(response.content)
    else:
        rows = [
            list(r)
            for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        ]
    assert rows[0] == HEADERS and len(rows) == 6


def test_the_api_export_refuses_in_json(wb):
    api = APIClient()
    api.force_authenticate(wb.county_supervisor)
    response = api.get("/api/supervision/export/", {"format": "csv", "region": "511603000000"})
    assert response.status_code == 400
    assert "region" in response.json()
    api.force_authenticate(wb.reviewer)
    assert api.get("/api/supervision/export/", {"format": "csv"}).status_code == 403
