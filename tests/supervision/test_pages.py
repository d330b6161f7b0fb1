"""The workbench pages: who may see them, what a supervisor sees, the drill-down."""

import pytest
from django.urls import reverse

from govserve.accounts.models import PersonalDataAccess
from govserve.supervision import registries
from govserve.supervision.registries import HistoryEntry
from tests.supervision.workbench_world import build_workbench_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def wb(db):
    return build_workbench_world()


WORKBENCH = "/supervision/"


def test_anonymous_visitors_are_sent_to_sign_in(client, wb):
    response = client.get(WORKBENCH)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.parametrize("who", ["reviewer", "citizen"])
def test_others_are_refused(client, wb, who):
    client.force_login(getattr(wb, who))
    response = client.get(WORKBENCH)
    assert response.status_code == 403
    assert "仅供监察人员" in response.content.decode()
    assert client.get(reverse("supervision:case", args=[wb.cases.red.pk])).status_code == 403
    assert client.get(reverse("supervision:export-csv")).status_code == 403


def test_the_header_links_the_workbench_for_supervisors_only(client, wb):
    client.force_login(wb.reviewer)
    assert "监察工作台" not in client.get("/").content.decode()
    client.force_login(wb.county_supervisor)
    assert f'href="{WORKBENCH}"' in client.get("/").content.decode()


def test_a_county_supervisor_sees_tiles_tables_and_the_list(client, wb):
    client.force_login(wb.county_supervisor)
    html = client.get(WORKBENCH).content.decode()
    assert reverse("supervision:workbench") == WORKBENCH
    for text in (
        "已超期",
        "即将到期",
        "暂停计时超时",
        "受理超期",
        "已决定待送达",
        "按部门",
        "按事项",
    ):
        assert text in html
    assert wb.places.market.name in html and "超期的审查" in html
    assert "前锋区超期" not in html and "市级超期" not in html
    red = client.get(WORKBENCH, {"category": "red"}).content.decode()
    assert "超期的审查" in red and "即将到期的审查" not in red
    assert "badge badge-red" in red and "超期 " in red


def test_a_filter_outside_the_scope_is_refused_with_a_message(client, wb):
    client.force_login(wb.county_supervisor)
    response = client.get(WORKBENCH, {"region": "511603000000"})
    assert response.status_code == 400
    assert "不在您的监察范围内" in response.content.decode()


def test_the_drill_down_shows_the_timeline_masked_and_logged(client, wb):
    case = wb.cases.hearing
    case.events.create(action="accept", label="受理", actor_role="窗口人员")

    def history(case_id):
        if case_id != case.pk:
            return []
        return [HistoryEntry(at=case.submitted_at, kind="督办", text="督办通知 测试", url="/x/")]

    registries.CASE_HISTORY.register("test-workbench", history)
    try:
        client.force_login(wb.county_supervisor)
        response = client.get(reverse("supervision:case", args=[case.pk]))
    finally:
        registries.CASE_HISTORY._parts.pop("test-workbench")
    html = response.content.decode()
    assert response.status_code == 200
    assert "督办通知 测试" in html and "受理" in html and "暂停计时" in html
    assert "听证" in html and "超时" in html
    assert case.applicant_id_number not in html
    assert case.applicant_id_number[:4] + "*" in html
    assert PersonalDataAccess.objects.filter(
        viewer=wb.county_supervisor, subject_id=case.applicant_id
    ).exists()


def test_a_case_outside_the_scope_is_not_found(client, wb):
    client.force_login(wb.county_supervisor)
    response = client.get(reverse("supervision:case", args=[wb.cases.sibling_red.pk]))
    assert response.status_code == 404
    assert client.get("/supervision/cases/99999999999999999999/").status_code == 404


def test_superusers_see_everything(client, wb, django_user_model):
    admin = django_user_model.objects.create_superuser("wb-admin", password="x-Ga2024-service")
    client.force_login(admin)
    html = client.get(WORKBENCH, {"category": "red"}).content.decode()
    assert "前锋区超期" in html and "超期的审查" in html and "市级超期" in html
