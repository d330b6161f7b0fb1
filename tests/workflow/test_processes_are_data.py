"""Processes are data, not code (issue 11): an uploaded definition cannot run Python on the
server. The proof of concept — a district catalog administrator's script task that wrote a file
when a clerk accepted a case — is refused at upload, and a stored one never runs."""

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from govserve.cases.models import CaseState
from govserve.workflow import bpmn, bundles, services
from govserve.workflow.expressions import ExpressionError
from govserve.workflow.models import ProcessDefinition, ProcessInstance
from tests.cases.worlds import staff
from tests.workflow import bpmn_samples as samples
from tests.workflow.worlds import accept, apply_bundle, apply_single, open_tasks

pytestmark = pytest.mark.django_db

PROCESSES = "/api/workflow/processes/"


def proof_of_concept(path: Path) -> str:
    return samples.with_script(f'open("{path}", "w").write("pwned")')


def upload(world, xml: str):
    client = APIClient()
    client.force_authenticate(staff("ga-catalog", "catalog_admin", world.county))
    return client.post(PROCESSES, {"item": world.item.pk, "bpmn_xml": xml}, format="json")


def test_the_proof_of_concept_upload_is_refused_with_the_element_named(world, tmp_path):
    answer = upload(world, proof_of_concept(tmp_path / "pwned"))
    assert answer.status_code == 400
    message = answer.json()["bpmn_xml"][0]
    assert "bpmn:scriptTask" in message and "id=note" in message and "“记录”" in message
    assert "不能包含脚本" in message
    assert not ProcessDefinition.objects.exists()
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        (
            samples.with_extension("<spiffworkflow:preScript>import os</spiffworkflow:preScript>"),
            "spiffworkflow:preScript",
        ),
        (
            samples.with_extension("<spiffworkflow:postScript>x = 1</spiffworkflow:postScript>"),
            "spiffworkflow:postScript",
        ),
        (
            samples.with_extension(
                '<camunda:executionListener event="start"><camunda:script scriptFormat="groovy">'
                "x</camunda:script></camunda:executionListener>",
                'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
            ),
            "camunda:executionListener",
        ),
        (samples.with_timer(), "bpmn:boundaryEvent"),
        (samples.with_condition('__import__("os")'), "不能调用“__import__”"),
        (samples.with_condition("outcome.__class__"), "属性访问"),
        (samples.with_condition("[x for x in range(10**9)]"), "推导式"),
        (samples.with_action("os_system"), "动作“os_system”未登记"),
        (
            samples.with_action(
                "joint_outcome",
                '<spiffworkflow:parameter id="p" type="str" value="open(\'/etc/passwd\')"/>',
            ),
            "服务任务参数不是允许的表达式",
        ),
    ],
)
def test_code_in_any_other_form_is_refused(xml, words):
    with pytest.raises(bpmn.BpmnError) as refused:
        bpmn.parse(xml)
    assert words in refused.value.message


def test_a_service_task_naming_a_deciding_action_is_a_process_that_decides():
    parsed = bpmn.parse(samples.with_action("joint_decision"))
    assert parsed.user_tasks == (("review", "审查", "reviewer"),)
    with pytest.raises(bpmn.BpmnError, match="没有作出决定的环节"):
        bpmn.parse(samples.with_action("joint_outcome"))


def test_a_stored_script_never_runs(world, tmp_path):
    """A version stored before the rules (inserted as it was): accepting a case of the item
    runs nothing of it, and revalidation withdraws it so the item falls back to the default."""
    target = tmp_path / "pwned"
    legacy = ProcessDefinition.objects.create(
        key=f"item-{world.item.pk}",
        version=1,
        name="带脚本的流程",
        item=world.item,
        process_id="scripted",
        bpmn_xml=proof_of_concept(target),
    )
    case = accept(world, apply_single(world))  # the start fails, logged; the case is accepted
    assert case.state == CaseState.IN_REVIEW and not target.exists()
    assert not ProcessInstance.objects.filter(case=case).exists()

    [(failed, problem)] = services.revalidate_definitions()
    assert failed == legacy and "不能包含脚本" in problem
    legacy.refresh_from_db()
    assert legacy.active is False
    services.start_process(case)
    assert case.process.definition.key == "default-single" and not target.exists()
    assert [t.role for t in open_tasks(case)] == ["reviewer"]


def test_the_engine_runs_no_script_and_only_the_legacy_action_assignment():
    calls = []
    environment = bpmn.RestrictedEnvironment(lambda name, params: calls.append(name) or "ok")
    for script in ("import os", "decision = open()", "x = 1", "decision = joint_decision(1)"):
        with pytest.raises(ExpressionError):
            environment.execute(script, {})
    data: dict = {}
    # a generated bundle process stored before issue 11 carries exactly this script
    environment.execute("decision = joint_decision()", data)
    assert data == {"decision": "ok"} and calls == ["joint_decision"]


def test_the_generated_bundle_process_decides_through_the_action(world):
    assert "scriptTask" not in bundles.bundle_xml([1, 2])
    case = accept(world, apply_bundle(world))
    assert len(open_tasks(case)) == 3  # one review per department, in parallel
