"""The parent process of a bundle (一件事), generated from the departments of its items.

Processes are data: when a bundle case is accepted, `services.bundle_definition` asks this
module for the BPMN of the case's departments and stores it as a version of the bundle's own
process (`bundle-<bundle code>`), reusing a stored version whose content is the same.

The generated process::

    受理 → fork (parallelGateway)
           ├─ 部门审查 (reviewer, department A) ⇄ 窗口核实 (clerk) on return ─┐
           ├─ 部门审查 (reviewer, department B) ⇄ 窗口核实 …                 ├→ join
           └─ …  one branch per department, all started at once              ┘
         → 联合决定 (service task: action joint_decision)
         → electronic delivery? → 办结 | 送达 (clerk) → 办结

Each branch's tasks carry the department's id in the extension property `department`, which
the task projection copies (the inbox filters on it). The XML depends only on the set of
departments (their ids, in ascending order) and on TEMPLATE_VERSION, so its hash changes
exactly when one of those does. No database access here.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterable

# Raise when the generated XML changes shape: stored versions then no longer match, and the
# next case of each bundle gets a new version (running cases keep theirs).
TEMPLATE_VERSION = 2  # 2: the joint decision is a service task, not a script
PROCESS_ID = "bundle_parallel_review"
PROCESS_NAME = "一件事联合审批（按部门并联审查）"
REVIEW_NAME = "部门审查"
COUNTER_CHECK_NAME = "窗口核实"

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ET.register_namespace("bpmn", BPMN_NS)
ET.register_namespace("spiffworkflow", SPIFF_NS)


def _bpmn(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"


class _Process:
    """A small helper that appends BPMN elements to one process and wires its flows."""

    def __init__(self, root: ET.Element):
        self.root = root
        self.nodes: dict[str, ET.Element] = {}

    def node(self, tag: str, node_id: str, name: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(self.root, _bpmn(tag), {"id": node_id, **attrs})
        if name:
            element.set("name", name)
        self.nodes[node_id] = element
        return element

    def person(
        self, node_id: str, name: str, role: str, outcomes: str, department: int | None = None
    ) -> ET.Element:
        """A user task with its role, outcomes and (for a branch) department properties."""
        task = self.node("userTask", node_id, name)
        ext = ET.SubElement(task, _bpmn("extensionElements"))
        props = ET.SubElement(ext, f"{{{SPIFF_NS}}}properties")
        values = {"role": role, "outcomes": outcomes}
        if department is not None:
            values["department"] = str(department)
        for key, value in values.items():
            ET.SubElement(props, f"{{{SPIFF_NS}}}property", {"name": key, "value": value})
        return task

    def flow(self, flow_id: str, source: str, target: str, *, name: str = "", condition=""):
        flow = ET.SubElement(
            self.root,
            _bpmn("sequenceFlow"),
            {"id": flow_id, "sourceRef": source, "targetRef": target},
        )
        if name:
            flow.set("name", name)
        if condition:
            ET.SubElement(flow, _bpmn("conditionExpression")).text = condition
        # BPMN lists a node's flows inside it, incoming before outgoing (the schema's order).
        ET.SubElement(self.nodes[source], _bpmn("outgoing")).text = flow_id
        target_node = self.nodes[target]
        incoming = ET.Element(_bpmn("incoming"))
        incoming.text = flow_id
        position = sum(
            1
            for child in target_node
            if child.tag in {_bpmn("extensionElements"), _bpmn("incoming")}
        )
        target_node.insert(position, incoming)
        return flow


def department_set(department_ids: Iterable[int]) -> tuple[int, ...]:
    """The canonical form of a bundle's departments: distinct ids, ascending."""
    return tuple(sorted({int(d) for d in department_ids}))


def bundle_xml(department_ids: Iterable[int]) -> str:
    """BPMN 2.0 XML of the parent process: a parallel gateway forks one review branch per
    department (each with its return-to-counter loop), a parallel gateway joins them, then the
    joint decision and the delivery tail."""
    departments = department_set(department_ids)
    if not departments:
        raise ValueError("a bundle process needs at least one department")
    definitions = ET.Element(
        _bpmn("definitions"),
        {"id": "Definitions_bundle", "targetNamespace": "http://govserve.example/bpmn"},
    )
    definitions.append(
        ET.Comment(
            f" 一件事联合审批流程（自动生成，模板版本 {TEMPLATE_VERSION}）：并行网关为每个部门"
            "开启一个审查分支，同时开始，全部完成后汇合，"
            "再由服务任务调用 joint_decision 动作作出联合决定。"
            " 说明见 docs/processes.md。 "
        )
    )
    root = ET.SubElement(
        definitions,
        _bpmn("process"),
        {"id": PROCESS_ID, "name": PROCESS_NAME, "isExecutable": "true"},
    )
    p = _Process(root)
    p.node("startEvent", "start", "受理")
    p.node("parallelGateway", "fork", "并联审查开始", gatewayDirection="Diverging")
    p.node("parallelGateway", "join", "并联审查汇合", gatewayDirection="Converging")
    p.flow("f_start", "start", "fork")
    for dept in departments:
        review, check, gw = f"review_{dept}", f"counter_check_{dept}", f"gw_review_{dept}"
        p.person(review, REVIEW_NAME, "reviewer", "approve,deny,return", dept)
        p.node("exclusiveGateway", gw, "审查结论", default=f"f_done_{dept}")
        p.person(check, COUNTER_CHECK_NAME, "clerk", "resubmit", dept)
        p.flow(f"f_fork_{dept}", "fork", review)
        p.flow(f"f_review_{dept}", review, gw)
        p.flow(f"f_return_{dept}", gw, check, name="退回窗口", condition='outcome == "return"')
        p.flow(f"f_resubmit_{dept}", check, review)
        p.flow(f"f_done_{dept}", gw, "join")
    decision = p.node("serviceTask", "decide_jointly", "联合决定")
    operator = ET.SubElement(
        ET.SubElement(decision, _bpmn("extensionElements")),
        f"{{{SPIFF_NS}}}serviceTaskOperator",
        {"id": "joint_decision", "resultVariable": "decision"},
    )
    ET.SubElement(operator, f"{{{SPIFF_NS}}}parameters")  # the schema asks for the element
    p.flow("f_join", "join", "decide_jointly")
    p.node("exclusiveGateway", "gw_delivery", "送达方式", default="f_to_deliver")
    p.person("deliver", "送达", "clerk", "deliver")  # the counter of the case's region
    p.node("endEvent", "end", "办结")
    p.flow("f_decided", "decide_jointly", "gw_delivery")
    p.flow(
        "f_electronic",
        "gw_delivery",
        "end",
        name="电子送达",
        condition='delivery_method == "electronic"',
    )
    p.flow("f_to_deliver", "gw_delivery", "deliver")
    p.flow("f_delivered", "deliver", "end")
    ET.indent(definitions, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(definitions, "unicode") + "\n"


def content_hash(xml: str) -> str:
    return hashlib.sha256(xml.encode("utf-8")).hexdigest()
