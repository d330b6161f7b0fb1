"""Small BPMN files for the tests, written as an administrator would upload them."""

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="defs" targetNamespace="http://govserve.example/bpmn">
"""


def role(value: str, outcomes: str | None = None) -> str:
    extra = f'<spiffworkflow:property name="outcomes" value="{outcomes}"/>' if outcomes else ""
    return (
        "<bpmn:extensionElements><spiffworkflow:properties>"
        f'<spiffworkflow:property name="role" value="{value}"/>{extra}'
        "</spiffworkflow:properties></bpmn:extensionElements>"
    )


def one_step(
    label: str = "简易决定",
    process_id: str = "simple",
    task_role: str = role("approver", "approve,deny"),
    executable: str = "true",
) -> str:
    """start → one user task → end: the shortest process that decides."""
    return (
        HEAD
        + f"""
  <bpmn:process id="{process_id}" name="简易程序" isExecutable="{executable}">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:userTask id="decide" name="{label}">{task_role}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
    )


def with_condition(condition: str) -> str:
    """审查 → gateway (a condition on the outcome) → 决定."""
    return (
        HEAD
        + f"""
  <bpmn:process id="conditional" name="带条件的流程" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="审查">{role("reviewer")}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" default="f4">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing><bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="decide">
      <bpmn:conditionExpression>{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="decide"/>
    <bpmn:userTask id="decide" name="决定">{role("approver")}
      <bpmn:incoming>f3</bpmn:incoming><bpmn:incoming>f4</bpmn:incoming><bpmn:outgoing>f5</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f5" sourceRef="decide" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f5</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
    )


def with_script(script: str) -> str:
    """决定 (approver) → a script task → end."""
    return (
        HEAD
        + f"""
  <bpmn:process id="scripted" name="带脚本的流程" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>
    <bpmn:userTask id="decide" name="决定">{role("approver")}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="note"/>
    <bpmn:scriptTask id="note" name="记录">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:script>{script}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f3" sourceRef="note" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
    )


def two_processes() -> str:
    body = one_step().split(HEAD, 1)[1].rsplit("</bpmn:definitions>", 1)[0]
    second = body
    for old in ('id="', 'sourceRef="', 'targetRef="', "<bpmn:incoming>", "<bpmn:outgoing>"):
        second = second.replace(old, old + "b_")
    return HEAD + body + second + "</bpmn:definitions>\n"


def with_extension(extension: str, namespaces: str = "") -> str:
    """one_step() with `extension` inside the user task's extensionElements."""
    xml = one_step().replace(
        "</spiffworkflow:properties></bpmn:extensionElements>",
        f"</spiffworkflow:properties>{extension}</bpmn:extensionElements>",
    )
    return xml.replace('id="defs"', f'{namespaces} id="defs"')


def with_action(action: str, params: str = "") -> str:
    """审查 (reviewer) → a service task naming `action` → end."""
    return (
        HEAD
        + f"""
  <bpmn:process id="serviced" name="带服务任务的流程" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <bpmn:userTask id="review" name="审查">{role("reviewer")}
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="act"/>
    <bpmn:serviceTask id="act" name="平台动作">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="{action}" resultVariable="decision">
          <spiffworkflow:parameters>{params}</spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="act" targetRef="end"/>
    <bpmn:endEvent id="end"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
"""
    )


def with_timer() -> str:
    """one_step() with a timer boundary on the decision (timers are expressions: refused)."""
    return one_step().replace(
        '<bpmn:endEvent id="end">',
        '<bpmn:boundaryEvent id="late" attachedToRef="decide">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>"
        '__import__("os").system("id")'
        "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:endEvent id="end">',
    )
