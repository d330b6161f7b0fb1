"""Validating a BPMN definition on upload: what an administrator is told when a file is unusable."""

from pathlib import Path

import pytest

from govserve.workflow import bpmn, bundles
from tests.workflow import bpmn_samples as samples

PROCESSES = Path(bpmn.__file__).resolve().parent / "processes"


def refused(xml) -> str:
    with pytest.raises(bpmn.BpmnError) as exc:
        bpmn.parse(xml)
    return exc.value.message


def test_the_default_single_item_template_reviews_decides_and_delivers():
    parsed = bpmn.parse((PROCESSES / "default-single.bpmn").read_text(encoding="utf-8"))
    assert parsed.process_id == "default_single"
    assert [(name, role) for _id, name, role in parsed.user_tasks] == [
        ("审查", "reviewer"),
        ("窗口核实", "clerk"),
        ("决定", "approver"),
        ("送达", "clerk"),
    ]


def test_the_generated_bundle_process_reviews_per_department_and_decides_jointly():
    parsed = bpmn.parse(bundles.bundle_xml([7, 9]))
    assert parsed.process_id == bundles.PROCESS_ID
    assert sorted((tid, name, role) for tid, name, role in parsed.user_tasks) == [
        ("counter_check_7", "窗口核实", "clerk"),
        ("counter_check_9", "窗口核实", "clerk"),
        ("deliver", "送达", "clerk"),
        ("review_7", "部门审查", "reviewer"),
        ("review_9", "部门审查", "reviewer"),
    ]
    assert {type(parsed.spec.task_specs[g]).__name__ for g in ("fork", "join")} == {
        "ParallelGateway"
    }


def test_a_minimal_process_is_accepted():
    parsed = bpmn.parse(samples.one_step())
    assert parsed.name == "简易程序" and parsed.user_tasks == (("decide", "简易决定", "approver"),)


@pytest.mark.parametrize(
    ("xml", "words"),
    [
        ("", "为空"),
        ("<bpmn:definitions", "不是有效的 XML"),
        ("<html><body>不是流程</body></html>", "BPMN 校验未通过"),
        (samples.two_processes(), "只能包含一个可执行流程"),
        (samples.one_step(executable="false"), "现有 0 个"),
        (samples.one_step(task_role=""), "须用扩展属性 role 指明办理角色"),
        (samples.one_step(task_role=samples.role("supervisor")), "当前为“supervisor”"),
        (samples.one_step(task_role=samples.role("clerk", "approve")), "outcomes 只能取"),
        (samples.one_step(task_role=samples.role("reviewer")), "没有作出决定的环节"),
        (samples.with_condition("outcome = 'approve'"), "流转条件不是允许的表达式"),
        (samples.with_script("if True print(1)"), "流程中不能包含脚本"),
    ],
)
def test_an_unusable_file_is_refused_with_the_reason(xml, words):
    assert words in refused(xml)


def test_a_file_with_an_external_entity_is_refused_without_fetching_it():
    xml = samples.one_step().replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE x [<!ENTITY ext SYSTEM "http://203.0.113.1/secret">]>',
    )
    xml = xml.replace('name="简易程序"', 'name="&ext;"')
    # Entities are not resolved and nothing is fetched (no_network): the file is refused.
    assert "不是有效的 XML" in refused(xml)


def test_a_syntax_error_names_the_task():
    message = refused(samples.with_condition("outcome =="))
    assert "审查" in message or "gw" in message


def test_an_oversized_file_is_refused():
    assert "1 MB" in refused(samples.one_step() + "<!--" + "x" * (1024 * 1024) + "-->")
