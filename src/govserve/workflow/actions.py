"""Platform actions a process may take: the named service tasks (服务任务) of a definition.

A process cannot run code of its own; what it does beyond routing is one of these actions,
named in a service task::

    <bpmn:serviceTask id="decide_jointly" name="联合决定">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="joint_decision" resultVariable="decision">
          <spiffworkflow:parameters/>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>

An action receives the case and its parameters (each an expression of the restricted
language, evaluated over the task's data) and returns a JSON-able value, stored in the task
data under `resultVariable`. Another app adds an action with `ACTIONS.register(name, Action(…))`
in its `ready()`; a definition naming an unknown action is refused at upload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from govserve.cases import services as case_services
from govserve.cases.models import Case
from govserve.core.registry import Registry


@dataclass(frozen=True)
class Action:
    run: Callable[[Case, dict[str, Any]], Any]
    label: str
    decides: bool = False  # the process reaches a decision through this action


ACTIONS: Registry[Action] = Registry("process action")


def _joint_decision(case: Case, params: dict[str, Any]) -> str:
    """联合决定: all items approved → approved; any denied → denied with its reasons."""
    outcome, reasons = case_services.joint_outcome(case)
    case_services.decide(case, None, outcome=outcome, reasons=reasons)
    return str(outcome)


def _joint_outcome(case: Case, params: dict[str, Any]) -> str:
    return str(case_services.joint_outcome(case)[0])


ACTIONS.register("joint_decision", Action(_joint_decision, "联合决定", decides=True))
ACTIONS.register("joint_outcome", Action(_joint_outcome, "联合审查结论"))
