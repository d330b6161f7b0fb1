"""BPMN 2.0 through SpiffWorkflow: parsing and validating a definition, making, saving and
loading the running state of a process. No database access here (see services.py).

Conventions a process must follow (docs/processes.md):

- exactly one executable process (`isExecutable="true"`);
- every task a person works on (`userTask`, `manualTask`, plain `task`) names the role that
  does it in a SpiffWorkflow extension property, and may list the answers it accepts::

      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="role" value="reviewer"/>
          <spiffworkflow:property name="outcomes" value="approve,deny,return"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>

  roles: reviewer (审查人员 of the department), approver (审批负责人 of the department),
  clerk (综合窗口 of the region); outcomes: approve, deny, return (reviewer, approver),
  resubmit, deliver (clerk). reviewer and approver default to "approve,deny";
- the answer is in the task data as `outcome` (and `reasons`), for the gateways to read;
- a task may name the department whose staff work on it in the property `department` (a
  department id; the generated bundle processes of bundles.py do, one review branch per
  department); a task inside a multi-instance over `case_items` reviews the case item in
  `case_item`;
- the process must reach a decision: an approver task that may approve, or a service task
  naming a deciding action (`joint_decision`, actions.py).

A process is data, not code. Only the elements in ALLOWED_ELEMENTS may appear (no script
tasks, no pre/post scripts, no business-rule, call-activity, timer or message elements);
conditions, multi-instance cardinalities and completion conditions and service task
parameters are expressions of the restricted language (expressions.py), evaluated over the
task's data only; what a process does beyond routing is a named platform action
(actions.ACTIONS). A definition with anything else is refused at upload, the element named.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

from django.utils.translation import gettext as _
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import (
    BasePythonScriptEngineEnvironment,
)
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task as SpiffTask
from SpiffWorkflow.util.task import TaskState

from . import expressions
from .actions import ACTIONS

ROLES = ("reviewer", "approver", "clerk")
OUTCOMES_BY_ROLE = {
    "reviewer": ("approve", "deny", "return"),
    "approver": ("approve", "deny", "return"),
    "clerk": ("resubmit", "deliver"),
}
DEFAULT_OUTCOMES = {"reviewer": "approve,deny", "approver": "approve,deny"}
MAX_XML_BYTES = 1024 * 1024

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# The diagram's layout (BPMNDI, DC, DI) is drawing only: any of its elements may appear.
LAYOUT_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
        "http://www.omg.org/spec/DD/20100524/DI",
    }
)
ALLOWED_ELEMENTS = {
    BPMN_NS: frozenset(
        {
            "definitions",
            "process",
            "documentation",
            "extensionElements",
            "startEvent",
            "endEvent",
            "terminateEventDefinition",
            "task",
            "userTask",
            "manualTask",
            "serviceTask",
            "subProcess",
            "exclusiveGateway",
            "parallelGateway",
            "inclusiveGateway",
            "sequenceFlow",
            "conditionExpression",
            "incoming",
            "outgoing",
            "multiInstanceLoopCharacteristics",
            "loopCardinality",
            "completionCondition",
            "loopDataInputRef",
            "loopDataOutputRef",
            "inputDataItem",
            "outputDataItem",
            "laneSet",
            "lane",
            "childLaneSet",
            "flowNodeRef",
            "textAnnotation",
            "text",
            "association",
        }
    ),
    SPIFF_NS: frozenset(
        {"properties", "property", "serviceTaskOperator", "parameters", "parameter"}
    ),
}


class BpmnError(Exception):
    """A definition that cannot be used; `message` says why, in words an author can act on."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Parsed:
    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    user_tasks: tuple[tuple[str, str, str], ...]  # (bpmn id, name, role)


# -- parsing and validation ----------------------------------------------------------------
def _where(exc: ValidationException) -> str:
    parts = []
    if getattr(exc, "tag", ""):
        parts.append(exc.tag)
    if getattr(exc, "id", ""):
        parts.append(f"id={exc.id}")
    if getattr(exc, "name", ""):
        parts.append(f"“{exc.name}”")
    if getattr(exc, "line_number", ""):
        parts.append(_("第 %(line)s 行") % {"line": exc.line_number})
    return "（" + "，".join(parts) + "）" if parts else ""


def _xml_tree(xml: str | bytes):
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    if not data.strip():
        raise BpmnError(_("BPMN 文件为空"))
    if len(data) > MAX_XML_BYTES:
        raise BpmnError(_("BPMN 文件不能超过 1 MB"))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BpmnError(
            _("BPMN 文件不是有效的 XML：%(msg)s（第 %(line)s 行）")
            % {"msg": exc.msg, "line": exc.lineno}
        ) from None


def _properties(task_spec) -> dict:
    return (getattr(task_spec, "extensions", None) or {}).get("properties") or {}


def task_role(task_spec) -> tuple[str, list[str]]:
    """The role and the accepted outcomes a user task declares (empty role if none)."""
    props = _properties(task_spec)
    role = (props.get("role") or "").strip()
    outcomes = props.get("outcomes") or DEFAULT_OUTCOMES.get(role, "")
    return role, [o.strip() for o in outcomes.split(",") if o.strip()]


def task_department(task_spec) -> int | None:
    """The department id a task names in its `department` property, if any."""
    value = str(_properties(task_spec).get("department") or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def _label(task_spec) -> str:
    return getattr(task_spec, "bpmn_name", None) or getattr(task_spec, "bpmn_id", None) or ""


def _element(node) -> str:
    """An element as an author finds it in the file: its tag, id, name and line."""
    qname = etree.QName(node)
    prefix = node.prefix + ":" if node.prefix else ""
    parts = [prefix + qname.localname]
    if node.get("id"):
        parts.append(f"id={node.get('id')}")
    if node.get("name"):
        parts.append(f"“{node.get('name')}”")
    if node.sourceline:
        parts.append(_("第 %(line)s 行") % {"line": node.sourceline})
    return "，".join(parts)


def _check_elements(tree) -> None:
    """Only the elements of ALLOWED_ELEMENTS (and the diagram's layout) may appear."""
    for node in tree.iter():
        if not isinstance(node.tag, str):  # comments, processing instructions
            continue
        qname = etree.QName(node)
        if qname.namespace in LAYOUT_NAMESPACES:
            continue
        if qname.localname in ALLOWED_ELEMENTS.get(qname.namespace or "", ()):
            continue
        if qname.localname in ("scriptTask", "script", "preScript", "postScript"):
            reason = _(
                "流程中不能包含脚本：流程是数据，不是代码。平台动作请用服务任务（serviceTask）调用已登记的动作：%(actions)s"
            ) % {"actions": ", ".join(ACTIONS)}
        else:
            reason = _("GovServe 的流程不支持该元素")
        raise BpmnError(
            _("流程定义中有不允许的元素（%(element)s）：%(reason)s")
            % {"element": _element(node), "reason": reason}
        )


def _check_expression(source: str | None, what: str, task_spec) -> None:
    if not source:
        return
    try:
        expressions.check(source)
    except expressions.ExpressionError as exc:
        raise BpmnError(
            _("环节“%(task)s”的%(what)s不是允许的表达式：%(msg)s")
            % {"task": _label(task_spec), "what": what, "msg": exc.message}
        ) from None


def _check_action(task_spec) -> bool:
    """A service task names a registered action; its parameters are expressions. True if the
    action decides the case."""
    name = getattr(task_spec, "operation_name", None)
    if name is None:
        return False
    if name not in ACTIONS:
        raise BpmnError(
            _("服务任务“%(task)s”调用的动作“%(name)s”未登记；可用的动作：%(actions)s")
            % {"task": _label(task_spec), "name": name, "actions": ", ".join(ACTIONS)}
        )
    for param in (getattr(task_spec, "operation_params", None) or {}).values():
        _check_expression(param.get("value"), _("服务任务参数"), task_spec)
    return ACTIONS.get(name).decides


def _check_specs(specs: Iterable) -> tuple[list[tuple[str, str, str]], bool]:
    user_tasks: list[tuple[str, str, str]] = []
    decides = False
    for spec in specs:
        for task_spec in spec.task_specs.values():
            for condition, _target in getattr(task_spec, "cond_task_specs", None) or []:
                if condition is not None:
                    _check_expression(condition.args[0], _("流转条件"), task_spec)
            for attr in ("script", "prescript", "postscript"):
                if getattr(task_spec, attr, None):  # the element check refused them already
                    raise BpmnError(
                        _("环节“%(task)s”含有脚本：流程中不能包含脚本")
                        % {"task": _label(task_spec)}
                    )
            for attr in ("condition", "cardinality"):
                value = getattr(task_spec, attr, None)
                if isinstance(value, str):
                    _check_expression(value, _("多实例或循环条件"), task_spec)
            if _check_action(task_spec):
                decides = True
            if not getattr(task_spec, "manual", False):
                continue
            role, outcomes = task_role(task_spec)
            label = _label(task_spec)
            department = str(_properties(task_spec).get("department") or "").strip()
            if department and not (
                department.isascii() and department.isdigit() and len(department) <= 18
            ):
                raise BpmnError(
                    _(
                        "人工环节“%(task)s”的扩展属性 department 须为部门编号（数字），当前为“%(value)s”"  # noqa: E501
                    )
                    % {"task": label, "value": department}
                )
            if role not in ROLES:
                raise BpmnError(
                    _(
                        "人工环节“%(task)s”须用扩展属性 role 指明办理角色（reviewer 审查人员、approver 审批负责人、clerk 综合窗口），当前为“%(role)s”"  # noqa: E501
                    )
                    % {"task": label, "role": role or _("未填写")}
                )
            allowed = OUTCOMES_BY_ROLE[role]
            bad = [o for o in outcomes if o not in allowed]
            if not outcomes or bad:
                raise BpmnError(
                    _("人工环节“%(task)s”的可选结论 outcomes 只能取 %(allowed)s，当前为“%(given)s”")
                    % {
                        "task": label,
                        "allowed": ", ".join(allowed),
                        "given": ",".join(outcomes) or _("未填写"),
                    }
                )
            if role == "approver" and "approve" in outcomes:
                decides = True
            user_tasks.append((task_spec.bpmn_id or task_spec.name, label, role))
    return user_tasks, decides


def parse(xml: str | bytes, filename: str = "process.bpmn", *, strict: bool = True) -> Parsed:
    """Parse (and, when `strict`, validate) a definition; raises BpmnError with the reason."""
    tree = _xml_tree(xml)
    parser = SpiffBpmnParser(validator=VALIDATOR if strict else None)
    try:
        parser.add_bpmn_xml(tree, filename)  # validated against the BPMN schema when strict
        _check_elements(tree)
        ids = parser.get_process_ids()
        if len(ids) != 1:
            raise BpmnError(
                _('BPMN 文件须且只能包含一个可执行流程（isExecutable="true"），现有 %(n)d 个')
                % {"n": len(ids)}
            )
        process_id = ids[0]
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except ValidationException as exc:
        raise BpmnError(
            _("BPMN 校验未通过：%(msg)s%(where)s")
            % {"msg": str(exc).rstrip(". "), "where": _where(exc)}
        ) from None
    except SpiffWorkflowException as exc:
        raise BpmnError(_("BPMN 解析失败：%(msg)s") % {"msg": str(exc).rstrip(". ")}) from None
    user_tasks, decides = _check_specs([spec, *subprocess_specs.values()])
    if strict and not decides:
        raise BpmnError(
            _(
                "流程中没有作出决定的环节：须有一个可“同意”的审批负责人（approver）环节，或调用 joint_decision 动作的服务任务"  # noqa: E501
            )
        )
    name = parser.get_process_parser(process_id).get_name() or process_id
    return Parsed(process_id, name, spec, subprocess_specs, tuple(user_tasks))


@functools.lru_cache(maxsize=128)
def parsed_definition(definition_pk: int, xml: str) -> Parsed:
    """Parsing is the slow part of starting a process; a stored version never changes."""
    return parse(xml, f"definition-{definition_pk}.bpmn", strict=False)


# -- running state ---------------------------------------------------------------------------
_local = threading.local()


def _serializer() -> BpmnWorkflowSerializer:
    # The serializer flips a flag on its registry while encoding: one per thread.
    ser = getattr(_local, "serializer", None)
    if ser is None:
        ser = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        _local.serializer = ser
    return ser


RunAction = Callable[[str, dict], object]
# Generated bundle processes stored before service tasks carried their one script,
# `decision = joint_decision()`; a running instance keeps its spec, so the engine still
# understands exactly that form — an assignment of a registered action's result — and no other.
_LEGACY_ACTION_SCRIPT = re.compile(r"\A\s*([A-Za-z]\w*)\s*=\s*([a-z]\w*)\(\)\s*\Z")


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Where SpiffWorkflow evaluates expressions and runs tasks: the restricted expression
    language over the task's data, named actions, and no scripts."""

    def __init__(self, run_action: RunAction | None = None):
        super().__init__({})
        self.run_action = run_action

    def evaluate(self, expression, context, external_context=None):
        return expressions.evaluate(expression, {**(external_context or {}), **context})

    def execute(self, script, context, external_context=None):
        legacy = _LEGACY_ACTION_SCRIPT.match(script or "")
        if legacy is None or legacy.group(2) not in ACTIONS:
            raise expressions.ExpressionError(_("流程中的脚本不会被执行：流程中不能包含脚本"))
        context[legacy.group(1)] = self._run(legacy.group(2), {})
        return True

    def call_service(self, context, operation_name=None, operation_params=None, **kwargs):
        params = {k: v["value"] for k, v in (operation_params or {}).items()}
        return json.dumps(self._run(operation_name or "", params))

    def _run(self, name: str, params: dict):
        if self.run_action is None or name not in ACTIONS:
            raise expressions.ExpressionError(_("流程调用的动作“%(name)s”未登记") % {"name": name})
        return self.run_action(name, params)


class RestrictedScriptEngine(PythonScriptEngine):
    def call_service(self, task, **kwargs):
        # SpiffWorkflow's own wraps a failure with a name it never defined (`script`).
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            raise WorkflowTaskException(
                f"{type(err).__name__}: {err}", task=task, exception=err
            ) from err


def script_engine(run_action: RunAction | None = None) -> PythonScriptEngine:
    return RestrictedScriptEngine(environment=RestrictedEnvironment(run_action))


def start(parsed: Parsed, data: dict, engine: PythonScriptEngine) -> BpmnWorkflow:
    """A new workflow with `data` on its start task, run up to the first tasks people work on."""
    workflow = BpmnWorkflow(parsed.spec, parsed.subprocess_specs, script_engine=engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.set_data(**data)
    workflow.do_engine_steps()
    return workflow


def dump(workflow: BpmnWorkflow) -> str:
    return _serializer().serialize_json(workflow)


def load(state: str, engine: PythonScriptEngine) -> BpmnWorkflow:
    workflow = _serializer().deserialize_json(state)
    workflow.script_engine = engine
    return workflow


def ready_user_tasks(workflow: BpmnWorkflow) -> list[SpiffTask]:
    return [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]


def find_task(workflow: BpmnWorkflow, task_id: str) -> SpiffTask | None:
    try:
        return workflow.get_task_from_id(UUID(task_id))
    except (ValueError, SpiffWorkflowException):
        return None


def is_ready(task: SpiffTask) -> bool:
    return task.has_state(TaskState.READY)


def complete(workflow: BpmnWorkflow, task: SpiffTask, data: dict) -> None:
    """Complete a user task with the person's answer and run the engine to the next wait."""
    task.set_data(**data)
    task.run()
    workflow.do_engine_steps()


def cancel(workflow: BpmnWorkflow) -> None:
    workflow.cancel()


def unwrap(exc: BaseException) -> BaseException:
    """The exception a script raised, from under SpiffWorkflow's wrapper
    (CaseError and the like)."""
    seen = exc
    while isinstance(seen, SpiffWorkflowException) and seen.__context__ is not None:
        seen = seen.__context__
    return seen
