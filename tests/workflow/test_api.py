"""The workflow API as a department system or a script would call it."""

import pytest
from rest_framework.test import APIClient

from govserve.cases.models import CaseState
from govserve.workflow.models import ProcessDefinition, TaskState
from tests.cases.worlds import staff
from tests.workflow import bpmn_samples as samples
from tests.workflow.worlds import accept, apply_bundle, apply_single, on_commit, open_tasks

pytestmark = pytest.mark.django_db

TASKS = "/api/workflow/tasks/"
PROCESSES = "/api/workflow/processes/"


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_the_inbox_lists_tasks_with_their_deadline_and_mark(world):
    case = accept(world, apply_single(world))
    answer = api(world.market_reviewer).get(TASKS)
    assert answer.status_code == 200
    [row] = answer.json()["results"]
    assert row["case_number"] == case.number and row["label"] == "审查"
    assert row["role"] == "reviewer" and row["department"] == world.market.pk
    assert row["due"] == case.promised_due.isoformat() and row["mark"] in ("", "due_soon")
    assert row["outcomes"] == ["approve", "deny", "return"] and row["state"] == "open"
    assert api(world.health_reviewer).get(TASKS).json()["results"] == []


def test_filters(world):
    accept(world, apply_single(world))
    accept(world, apply_bundle(world))
    client = api(world.market_reviewer)
    assert client.get(TASKS).json()["count"] == 2
    first = client.get(TASKS).json()["results"][0]
    client.post(f"{TASKS}{first['id']}/claim/")
    assert [r["id"] for r in client.get(TASKS, {"mine": "true"}).json()["results"]] == [first["id"]]
    assert client.get(TASKS, {"state": "open"}).json()["count"] == 1
    assert client.get(TASKS, {"role": "approver"}).json()["count"] == 0
    assert client.get(TASKS, {"q": "我要开饭店"}).json()["count"] == 1


def test_claim_complete_and_the_second_attempt_conflicts(world):
    case = accept(world, apply_single(world))
    task = open_tasks(case)[0]
    second = staff("market-reviewer-2", "reviewer", world.county, world.market)
    claimed = api(world.market_reviewer).post(f"{TASKS}{task.pk}/claim/")
    assert claimed.status_code == 200 and claimed.json()["state"] == "claimed"
    assert claimed.json()["claimed_by"] == "market-reviewer"
    taken = api(second).post(f"{TASKS}{task.pk}/complete/", {"outcome": "approve"})
    assert taken.status_code == 409 and taken.json() == {"task": ["任务已由他人认领"]}
    with on_commit():
        done = api(world.market_reviewer).post(
            f"{TASKS}{task.pk}/complete/", {"outcome": "approve", "reasons": "符合条件"}
        )
    assert done.status_code == 200 and done.json()["state"] == TaskState.DONE
    again = api(world.market_reviewer).post(f"{TASKS}{task.pk}/complete/", {"outcome": "approve"})
    assert again.status_code == 409 and again.json() == {"task": ["任务已由他人处理"]}
    [decide] = api(world.market_approver).get(TASKS).json()["results"]
    with on_commit():
        closed = api(world.market_approver).post(
            f"{TASKS}{decide['id']}/complete/", {"outcome": "approve"}
        )
    assert closed.status_code == 200
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED


def test_bad_answers_are_field_errors(world):
    task = open_tasks(accept(world, apply_single(world)))[0]
    client = api(world.market_reviewer)
    unknown = client.post(f"{TASKS}{task.pk}/complete/", {"outcome": "maybe"})
    assert unknown.status_code == 400 and "outcome" in unknown.json()
    no_reasons = client.post(f"{TASKS}{task.pk}/complete/", {"outcome": "deny"})
    assert no_reasons.status_code == 400
    assert no_reasons.json() == {"reasons": ["不同意（不予）须写明理由"]}
    not_offered = client.post(f"{TASKS}{task.pk}/complete/", {"outcome": "deliver"})
    assert not_offered.status_code == 400 and "请选择办理结论" in not_offered.json()["outcome"][0]


def test_other_departments_and_supervisors_cannot_act(world):
    case = accept(world, apply_bundle(world))
    market = open_tasks(case, department=world.market)[0]
    # A co-handling department reads the bundle's tasks, but acts only on its own.
    refused = api(world.health_reviewer).post(
        f"{TASKS}{market.pk}/complete/", {"outcome": "approve"}
    )
    assert refused.status_code == 403 and refused.json() == {"task": ["您无权办理该任务"]}
    supervisor = staff("gac-supervisor", "supervisor", world.county)
    assert api(supervisor).get(TASKS).json()["count"] == 0
    assert api(supervisor).post(f"{TASKS}{market.pk}/claim/").status_code == 403
    single = open_tasks(accept(world, apply_single(world)))[0]
    assert api(world.health_reviewer).get(f"{TASKS}{single.pk}/").status_code == 404


def test_applicants_and_anonymous_callers_are_refused(world):
    accept(world, apply_single(world))
    assert api().get(TASKS).status_code in (401, 403)
    assert api(world.applicant).get(TASKS).status_code == 403


def test_upload_a_process_version(world):
    admin = staff("ga-catalog", "catalog_admin", world.county)
    client = api(admin)
    created = client.post(
        PROCESSES, {"item": world.item.pk, "bpmn_xml": samples.one_step()}, format="json"
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["key"], body["version"], body["item"]) == (
        f"item-{world.item.pk}",
        1,
        world.item.pk,
    )
    assert "<bpmn:process" in body["bpmn_xml"]
    second = client.post(
        PROCESSES, {"item": world.item.pk, "bpmn_xml": samples.one_step("v2")}, format="json"
    )
    assert second.json()["version"] == 2
    listed = client.get(PROCESSES, {"item": world.item.pk}).json()["results"]
    assert [r["version"] for r in listed] == [2, 1] and "bpmn_xml" not in listed[0]


def test_an_invalid_upload_is_refused_with_the_parsers_reason(world):
    admin = staff("ga-catalog", "catalog_admin", world.county)
    answer = api(admin).post(
        PROCESSES,
        {"item": world.item.pk, "bpmn_xml": samples.with_condition("outcome = 1")},
        format="json",
    )
    assert answer.status_code == 400
    assert "流转条件不是允许的表达式" in answer.json()["bpmn_xml"][0]
    assert not ProcessDefinition.objects.exists()


def test_a_reviewer_cannot_upload_a_process(world):
    answer = api(world.market_reviewer).post(
        PROCESSES, {"item": world.item.pk, "bpmn_xml": samples.one_step()}, format="json"
    )
    assert answer.status_code == 403 and "事项目录管理员" in answer.json()["item"][0]
    assert not ProcessDefinition.objects.exists()
