"""The workbench API: list, timeline, summary; scope and the token's scope."""

import datetime as dt

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from govserve.supervision import registries
from govserve.supervision.registries import HistoryEntry
from tests.supervision.workbench_world import build_workbench_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def wb(db):
    return build_workbench_world()


API = "/api/supervision/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_list_with_filters_and_pages(wb):
    api = api_for(wb.county_supervisor)
    body = api.get(f"{API}cases/", {"category": "red"}).json()
    assert body["page"] == 1 and body["page_size"] == 50 and body["has_next"] is False
    assert {r["title"] for r in body["results"]} == {"超期的审查", "受理超期的申请", "送达超期"}
    first = body["results"][0]
    assert first["colour"] == "red" and first["days_overdue"] > 0
    assert first["remaining_working_days"] < 0
    assert "*" in first["applicant_name"]
    body = api.get(f"{API}cases/", {"category": "yellow"}).json()
    assert [r["title"] for r in body["results"]] == ["即将到期的审查"]
    assert api.get(f"{API}cases/", {"category": "nope"}).status_code == 400
    assert api.get(f"{API}cases/", {"page": "0x"}).status_code == 400


def test_the_summary(wb):
    body = api_for(wb.county_supervisor).get(f"{API}summary/").json()
    assert body["tiles"]["red"] == 3 and body["tiles"]["stopped"] == 2
    assert body["by_stage"]["in_review"] == 7
    assert {r["name"] for r in body["by_department"]} == {
        wb.places.market.name,
        wb.places.health.name,
    }
    assert {r["name"] for r in body["by_item"]} == {"食品经营许可", "公共场所卫生许可"}


def test_the_timeline_merges_case_history_sources(wb):
    case = wb.cases.red
    case.events.create(action="accept", label="受理")
    at = timezone.now() + dt.timedelta(minutes=5)
    registries.CASE_HISTORY.register(
        "test-api-history",
        lambda case_id: (
            [HistoryEntry(at=at, kind="评价", text="非常不满意")] if case_id == case.pk else []
        ),
    )
    try:
        body = api_for(wb.county_supervisor).get(f"{API}cases/{case.pk}/timeline/").json()
    finally:
        registries.CASE_HISTORY._parts.pop("test-api-history")
    kinds = [e["kind"] for e in body["entries"]]
    assert kinds[-1] == "评价" and "办理过程" in kinds
    assert body["entries"][-1]["origin"] == "test-api-history"
    assert case.applicant_id_number not in str(body)


def test_scope_and_roles(wb):
    case = wb.cases.sibling_red
    assert api_for(wb.county_supervisor).get(f"{API}cases/{case.pk}/timeline/").status_code == 404
    assert api_for(wb.sibling_supervisor).get(f"{API}cases/{case.pk}/timeline/").status_code == 200
    assert (
        api_for(wb.county_supervisor).get(f"{API}cases/99999999999999999999/timeline/").status_code
        == 404
    )
    for who in (wb.reviewer, wb.citizen):
        assert api_for(who).get(f"{API}cases/").status_code == 403
        assert api_for(who).get(f"{API}summary/").status_code == 403
    assert APIClient().get(f"{API}summary/").status_code in (401, 403)
    body = api_for(wb.health_supervisor).get(f"{API}cases/").json()
    assert {r["department"] for r in body["results"]} == {wb.places.health.pk}


def test_a_bearer_token_needs_supervision_read(wb):
    app = Application.objects.create(
        name="监察系统",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://jc.example.gov.cn/cb",
    )

    def token(scope):
        value = f"wb-{scope.replace(' ', '-')}"
        AccessToken.objects.create(
            user=wb.county_supervisor,
            application=app,
            token=value,
            scope=scope,
            expires=timezone.now() + dt.timedelta(hours=1),
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {value}"}

    client = APIClient()
    assert client.get(f"{API}summary/", **token("openid")).status_code == 403
    assert client.get(f"{API}summary/", **token("openid supervision.read")).status_code == 200


def test_the_schema_describes_every_answer():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = {
        p: v
        for p, v in schema["paths"].items()
        if p.startswith("/api/supervision/") and "notice" not in p
    }
    ours = {
        "/api/supervision/cases/",
        "/api/supervision/cases/{id}/timeline/",
        "/api/supervision/summary/",
        "/api/supervision/export/",
    }
    assert ours <= set(paths)
    for path in ours:
        responses = paths[path]["get"]["responses"]
        assert {"200", "401", "403"} <= set(responses), path
    assert "404" in paths["/api/supervision/cases/{id}/timeline/"]["get"]["responses"]
    assert "400" in paths["/api/supervision/cases/"]["get"]["responses"]
    export = paths["/api/supervision/export/"]["get"]["responses"]["200"]["content"]
    assert {"text/csv", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"} <= set(
        export
    )
