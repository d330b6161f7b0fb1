"""Running the processes of cases, one transaction per write.

- `start_process(case)` when a case is accepted (receivers: `cases.signals.case_accepted`):
  the item's own active process if it has one, else the default template, in its latest
  active version; a bundle a version uploaded by a superuser (key `default-bundle`) if there
  is one, else its generated parent process (`bundle_definition`: one review branch per
  department behind a parallel gateway, see bundles.py). The case keeps that version to the end.
- `claim_task`, `unclaim_task`, `complete_task(task, user, outcome=…, reasons=…)`: the task
  row and the process instance are locked, the answer takes effect on the case through the
  cases services, the engine runs to the next wait, the state is saved under an optimistic
  version check and the task projection is brought up to date. Two people completing the
  same task at once: exactly one wins; the other is told “任务已由他人处理” (HTTP 409).
- `cancel_process(case)` when a case is withdrawn; `finish_process(case)` when it is closed
  outside the process.
- `upload_definition(user, …)`: a new version (max + 1) of an item's process, validated
  (bpmn.parse: no scripts, conditions in the restricted expression language, actions from
  the registry) and allowed only to catalog administrators of the item's region and level.

What a person's answer does on the case (by the task's role):

| role | approve / deny | return | resubmit | deliver |
| --- | --- | --- | --- | --- |
| reviewer | `record_review` ¹ | — (the process routes it) | | |
| approver | `decide` | `reopen_review` of the reviewed items | | |
| clerk | | | — | `deliver` |

¹ of the task's case item, or of every item of the task's department.

A service task may name the action `joint_decision` (actions.py): `decide(case, None, …)`
with `joint_outcome(case)`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from SpiffWorkflow.exceptions import SpiffWorkflowException

from govserve.accounts.policies import can_change_item, is_signed_in
from govserve.cases import services as case_services
from govserve.cases.errors import CaseError
from govserve.cases.models import Case, CaseItem, CaseState
from govserve.cases.models import Outcome as CaseOutcome
from govserve.catalog.models import ImplementationItem
from govserve.core.errors import Refused

from . import bpmn, bundles
from .actions import ACTIONS
from .models import (
    OPEN_TASK_STATES,
    InstanceStatus,
    Outcome,
    ProcessDefinition,
    ProcessInstance,
    ProcessKind,
    Task,
    TaskRole,
    TaskState,
)
from .permissions import may_act

log = logging.getLogger(__name__)

PROCESS_DIR = Path(__file__).resolve().parent / "processes"
# Keys a superuser may upload versions of. `default-single` ships as processes/default-single.bpmn;
# `default-bundle` has no file: a bundle runs its generated process unless one was uploaded.
DEFAULT_KEYS = {ProcessKind.SINGLE: "default-single", ProcessKind.BUNDLE: "default-bundle"}
TEMPLATE_FILES: dict[str, str] = {ProcessKind.SINGLE: "default-single"}  # by kind (a str)
REASONS_REQUIRED = {Outcome.DENY, Outcome.RETURN}
CASE_OUTCOME: dict[str, CaseOutcome] = {
    Outcome.APPROVE: CaseOutcome.APPROVED,
    Outcome.DENY: CaseOutcome.DENIED,
}


def _conflict(message: str | None = None) -> CaseError:
    return CaseError("task", message or _("任务已由他人处理"), status=409)


# -- definitions -----------------------------------------------------------------------------
def default_definition(kind: str = ProcessKind.SINGLE) -> ProcessDefinition:
    """The latest active version of the default single-item template, loaded from
    processes/<key>.bpmn as version 1 on first use."""
    key = TEMPLATE_FILES[kind]
    found = ProcessDefinition.objects.filter(key=key).order_by("-active", "-version").first()
    if found is not None:
        return found
    xml = (PROCESS_DIR / f"{key}.bpmn").read_text(encoding="utf-8")
    parsed = bpmn.parse(xml, f"{key}.bpmn")
    try:
        with transaction.atomic():
            return ProcessDefinition.objects.create(
                key=key,
                version=1,
                name=parsed.name,
                kind=kind,
                process_id=parsed.process_id,
                bpmn_xml=xml,
            )
    except IntegrityError:  # loaded at the same moment by another request
        return ProcessDefinition.objects.get(key=key, version=1)


def uploaded_bundle_definition() -> ProcessDefinition | None:
    """The latest active `default-bundle` version a superuser uploaded, if any (it takes
    precedence over the generated processes, for every bundle)."""
    return (
        ProcessDefinition.objects.filter(
            key=DEFAULT_KEYS[ProcessKind.BUNDLE],
            kind=ProcessKind.BUNDLE,
            active=True,
            uploaded_by__isnull=False,
        )
        .order_by("-version")
        .first()
    )


def bundle_key(case: Case) -> str:
    assert case.bundle is not None  # a bundle case
    return f"bundle-{case.bundle.code}"[:80]


def bundle_definition(case: Case) -> ProcessDefinition:
    """The generated parent process of a bundle case: a parallel gateway starts one review
    branch per department of the case's items (bundles.bundle_xml). Stored under
    `bundle-<bundle code>`; a version whose content hash matches is reused, otherwise the
    definition is validated like an upload and stored as a new version (max + 1)."""
    key = bundle_key(case)
    bundle = case.bundle
    assert bundle is not None  # a bundle case
    xml = bundles.bundle_xml(case.case_items.values_list("department_id", flat=True))
    digest = bundles.content_hash(xml)
    for _attempt in range(3):
        stored = ProcessDefinition.objects.filter(key=key).only("pk", "bpmn_xml")
        for found in stored.order_by("-version"):
            if bundles.content_hash(found.bpmn_xml) == digest:
                return ProcessDefinition.objects.get(pk=found.pk)
        parsed = validate_xml(xml)
        latest = max(stored.values_list("version", flat=True), default=0)
        try:
            with transaction.atomic():
                return ProcessDefinition.objects.create(
                    key=key,
                    version=latest + 1,
                    name=f"{bundle.name} · {parsed.name}"[:200],
                    kind=ProcessKind.BUNDLE,
                    process_id=parsed.process_id,
                    bpmn_xml=xml,
                )
        except IntegrityError:  # another case of the bundle stored a version at the same moment
            continue
    raise CaseError("process", _("一件事审批流程生成失败，请稍后重试"), status=409)


def definition_for(case: Case) -> ProcessDefinition:
    """A bundle runs the uploaded bundle process, else its generated one; an item its own
    active process, else the default."""
    if case.bundle_id:
        return uploaded_bundle_definition() or bundle_definition(case)
    own = (
        ProcessDefinition.objects.filter(item_id=case.item_id, kind=ProcessKind.SINGLE, active=True)
        .order_by("-version")
        .first()
    )
    return own or default_definition(ProcessKind.SINGLE)


def item_key(item: ImplementationItem) -> str:
    return f"item-{item.pk}"


def check_upload(user, *, item: ImplementationItem | None, key: str = "") -> str:
    """Who may upload which process; returns the definition key. Raises CaseError (403/400)."""
    if not is_signed_in(user):
        raise CaseError("item", _("请先登录"), status=403)
    if item is not None:
        if not can_change_item(user, item):
            raise CaseError(
                "item",
                _("只有该事项所在区划和层级的事项目录管理员可以上传其审批流程"),
                status=403,
            )
        return item_key(item)
    if key not in DEFAULT_KEYS.values():
        raise CaseError("item", _("请选择流程所属的事项"))
    if not user.is_superuser:
        raise CaseError("key", _("默认流程模板只能由超级管理员上传新版本"), status=403)
    return key


def validate_xml(bpmn_xml: str) -> bpmn.Parsed:
    try:
        return bpmn.parse(bpmn_xml)
    except bpmn.BpmnError as exc:
        raise ValidationError({"bpmn_xml": [exc.message]}) from None


@transaction.atomic
def upload_definition(
    user,
    *,
    bpmn_xml: str,
    item: ImplementationItem | None = None,
    key: str = "",
    name: str = "",
) -> ProcessDefinition:
    """A new version of a process (max + 1), active at once for cases accepted from now on.

    Authoring a process is an administrator's privilege; a definition is data (bpmn.parse
    refuses scripts and anything outside the restricted expression language). Cases already
    running keep the version they started with.
    """
    key = check_upload(user, item=item, key=key)
    parsed = validate_xml(bpmn_xml)
    kind = ProcessKind.BUNDLE if key == DEFAULT_KEYS[ProcessKind.BUNDLE] else ProcessKind.SINGLE
    if kind == ProcessKind.BUNDLE and not any(
        role == TaskRole.REVIEWER for _id, _name, role in parsed.user_tasks
    ):
        raise ValidationError({"bpmn_xml": [_("一件事流程须有部门审查（reviewer）环节")]})
    # Lock the versions of this key, so two uploads at once number themselves one after the other.
    versions = list(
        ProcessDefinition.objects.select_for_update()
        .filter(key=key)
        .values_list("version", flat=True)
    )
    latest = max(versions, default=0)
    try:
        with transaction.atomic():
            return ProcessDefinition.objects.create(
                key=key,
                version=latest + 1,
                name=(name or "").strip()[:200] or parsed.name,
                kind=kind,
                item=item,
                process_id=parsed.process_id,
                bpmn_xml=bpmn_xml,
                uploaded_by=user,
            )
    except IntegrityError:
        raise CaseError(
            "bpmn_xml", _("同一流程的另一个新版本刚刚上传，请刷新后重试"), status=409
        ) from None


def definition_problem(xml: str) -> str | None:
    """Why a stored definition could not be uploaded today (None if it could)."""
    try:
        bpmn.parse(xml)
    except bpmn.BpmnError as exc:
        return exc.message
    return None


@transaction.atomic
def revalidate_definitions(*, deactivate: bool = True) -> list[tuple[ProcessDefinition, str]]:
    """Check every active stored version against today's rules (no scripts, restricted
    expressions, registered actions) and withdraw the ones that fail from new cases; cases
    already running keep their version (their engine runs no script). Returns the failures."""
    failures = []
    for definition in ProcessDefinition.objects.select_for_update().filter(active=True):
        problem = definition_problem(definition.bpmn_xml)
        if problem is None:
            continue
        failures.append((definition, problem))
        if deactivate:
            definition.active = False
            definition.save(update_fields=["active"])
    return failures


@transaction.atomic
def set_active(definition: ProcessDefinition, user, *, active: bool) -> ProcessDefinition:
    """Withdraw a version from new cases (or bring it back); running cases are not affected."""
    definition = ProcessDefinition.objects.select_for_update().get(pk=definition.pk)
    check_upload(user, item=definition.item, key=definition.key)
    definition.active = active
    definition.save(update_fields=["active"])
    return definition


# -- the engine, bound to one case -----------------------------------------------------------------
def _engine(case: Case):
    """The engine of one case: conditions over its task data, actions on this case."""

    def run_action(name: str, params: dict):
        return ACTIONS.get(name).run(case, params)

    return bpmn.script_engine(run_action)


def _run(step):
    """Run engine code; a refusal (`Refused`) or ValidationError raised by a script
    reaches the caller as is."""
    try:
        return step()
    except SpiffWorkflowException as exc:
        inner = bpmn.unwrap(exc)
        if isinstance(inner, Refused | ValidationError):
            raise inner from None
        log.exception("process error")
        raise CaseError(
            "process",
            _("审批流程执行出错，请联系事项目录管理员检查流程定义：%(msg)s") % {"msg": exc},
            status=409,
        ) from None


def _start_data(case: Case) -> dict:
    return {
        "case_id": case.pk,
        "case_items": list(case.case_items.order_by("pk").values_list("pk", flat=True)),
        "delivery_method": case.delivery_method,
        "bundle": case.bundle_id is not None,
    }


def _status(workflow) -> str:
    return InstanceStatus.COMPLETED if workflow.completed else InstanceStatus.RUNNING


def _save_instance(instance: ProcessInstance, workflow, status: str | None = None) -> None:
    """Write the state back only if nobody has since (optimistic lock on `version`)."""
    state = bpmn.dump(workflow)
    status = status or _status(workflow)
    updated = ProcessInstance.objects.filter(pk=instance.pk, version=instance.version).update(
        state=state, status=status, version=instance.version + 1, updated_at=timezone.now()
    )
    if updated != 1:
        raise _conflict()
    instance.state, instance.status, instance.version = state, status, instance.version + 1


def _sync_tasks(instance: ProcessInstance, workflow, case: Case) -> list[Task]:
    """Make the Task rows match the engine: rows for user tasks that became ready, closed rows
    for those that are no longer ready (cancelled by the process)."""
    ready = {str(t.id): t for t in bpmn.ready_user_tasks(workflow)}
    Task.objects.filter(instance=instance, state__in=OPEN_TASK_STATES).exclude(
        spiff_task_id__in=list(ready)
    ).update(state=TaskState.CANCELLED)
    known = set(
        Task.objects.filter(instance=instance, spiff_task_id__in=list(ready)).values_list(
            "spiff_task_id", flat=True
        )
    )
    items = {ci.pk: ci for ci in case.case_items.all()}
    new = []
    for task_id, spiff_task in ready.items():
        if task_id in known:
            continue
        role, outcomes = bpmn.task_role(spiff_task.task_spec)
        department_id = bpmn.task_department(spiff_task.task_spec)
        of_department = [ci for ci in items.values() if ci.department_id == department_id]
        if of_department:  # a department's branch: all its items (named when only one)
            case_item = of_department[0] if len(of_department) == 1 else None
        else:
            department_id = None  # a department the case has no item of: ignored
            case_item = items.get(spiff_task.data.get("case_item"))
            if case_item is None and len(items) == 1:
                case_item = next(iter(items.values()))
        if department_id is None:
            department_id = case_item.department_id if case_item else case.department_id
        new.append(
            Task(
                instance=instance,
                case=case,
                spiff_task_id=task_id,
                spec_name=spiff_task.task_spec.name[:200],
                label=(spiff_task.task_spec.bpmn_name or spiff_task.task_spec.name)[:200],
                role=role if role in TaskRole.values else TaskRole.REVIEWER,
                outcomes=",".join(outcomes)[:200],
                department_id=department_id,
                region_id=case.region_id,
                case_item=case_item,
                due=case.current_due or case.promised_due,
                green_channel=case.green_channel,
            )
        )
    return Task.objects.bulk_create(new)


@transaction.atomic
def start_process(case: Case) -> ProcessInstance | None:
    """Start the case's process (once); None if the case is not in review."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    existing = ProcessInstance.objects.filter(case=case).first()
    if existing is not None:
        return existing
    if case.state != CaseState.IN_REVIEW:
        return None
    definition = definition_for(case)
    parsed = bpmn.parsed_definition(definition.pk, definition.bpmn_xml)
    workflow = _run(lambda: bpmn.start(parsed, _start_data(case), _engine(case)))
    instance = ProcessInstance.objects.create(
        case=case, definition=definition, state=bpmn.dump(workflow), status=_status(workflow)
    )
    _sync_tasks(instance, workflow, Case.objects.get(pk=case.pk))
    return instance


def _lock_task(task: Task) -> Task:
    try:
        return (
            Task.objects.select_for_update(of=("self",))
            .select_related("case", "case__region", "case_item", "region", "department")
            .get(pk=task.pk)
        )
    except Task.DoesNotExist:
        raise CaseError("task", _("任务不存在"), status=404) from None


def _check_may_act(task: Task, user) -> None:
    if not may_act(user, task):
        raise CaseError("task", _("您无权办理该任务"), status=403)


def _check_open_for(task: Task, user) -> None:
    if task.state == TaskState.CLAIMED and task.claimed_by_id != user.pk:
        raise _conflict(_("任务已由他人认领"))
    if task.state not in OPEN_TASK_STATES:
        raise _conflict()


@transaction.atomic
def claim_task(task: Task, user) -> Task:
    task = _lock_task(task)
    _check_may_act(task, user)
    _check_open_for(task, user)
    if task.state == TaskState.CLAIMED:
        return task
    task.state, task.claimed_by, task.claimed_at = TaskState.CLAIMED, user, timezone.now()
    task.save(update_fields=["state", "claimed_by", "claimed_at"])
    return task


@transaction.atomic
def unclaim_task(task: Task, user) -> Task:
    """Give a claimed task back to the department's pool (the claimer, or a superuser)."""
    task = _lock_task(task)
    if task.state != TaskState.CLAIMED:
        raise _conflict(_("该任务未被认领"))
    if task.claimed_by_id != user.pk and not user.is_superuser:
        raise CaseError("task", _("只有认领人可以释放该任务"), status=403)
    task.state, task.claimed_by, task.claimed_at = TaskState.OPEN, None, None
    task.save(update_fields=["state", "claimed_by", "claimed_at"])
    return task


def _reviewed_items(task: Task) -> list[CaseItem]:
    if task.case_item is not None:
        return [task.case_item]
    return list(task.case.case_items.exclude(outcome=""))


def _take_effect(task: Task, user, outcome: str, reasons: str) -> None:
    """What the answer does on the case (see the table in the module docstring)."""
    case = task.case
    if outcome in CASE_OUTCOME and task.role == TaskRole.REVIEWER:
        # one conclusion of the department for every item of it in the case
        items = (
            [task.case_item]
            if task.case_item is not None
            else list(case.case_items.filter(department_id=task.department_id).order_by("pk"))
        )
        for case_item in items:
            case_services.record_review(
                case_item, user, outcome=CASE_OUTCOME[outcome], reasons=reasons
            )
    elif outcome in CASE_OUTCOME and task.role == TaskRole.APPROVER:
        case_services.decide(case, user, outcome=CASE_OUTCOME[outcome], reasons=reasons)
    elif outcome == Outcome.RETURN and task.role == TaskRole.APPROVER:
        for case_item in _reviewed_items(task):
            case_services.reopen_review(case_item, user, reasons=reasons)
    elif outcome == Outcome.DELIVER:
        case_services.deliver(case, user)


def _check_answer(task: Task, outcome: str, reasons: str) -> None:
    if outcome not in task.outcome_list:
        choices = "、".join(str(Outcome(o).label) for o in task.outcome_list if o in Outcome.values)
        raise ValidationError(
            {"outcome": [_("请选择办理结论：%(choices)s") % {"choices": choices}]}
        )
    if outcome in REASONS_REQUIRED and not reasons:
        raise ValidationError(
            {
                "reasons": [
                    _("不同意（不予）须写明理由")
                    if outcome == Outcome.DENY
                    else _("退回须写明理由")
                ]
            }
        )


@transaction.atomic
def complete_task(task: Task, user, *, outcome: str, reasons: str = "") -> Task:
    """Complete a task with the person's answer, in one transaction (see the module docstring)."""
    reasons = (reasons or "").strip()
    task = _lock_task(task)
    _check_may_act(task, user)
    _check_open_for(task, user)
    _check_answer(task, outcome, reasons)
    instance = ProcessInstance.objects.select_for_update().get(pk=task.instance_id)
    if instance.status != InstanceStatus.RUNNING:
        raise _conflict()
    workflow = bpmn.load(instance.state, _engine(task.case))
    spiff_task = bpmn.find_task(workflow, task.spiff_task_id)
    if spiff_task is None or not bpmn.is_ready(spiff_task):
        raise _conflict()
    _take_effect(task, user, outcome, reasons)
    _run(
        lambda: bpmn.complete(
            workflow, spiff_task, {"outcome": outcome, "reasons": reasons, "actor": user.pk}
        )
    )
    _save_instance(instance, workflow)
    task.state, task.outcome, task.reasons = TaskState.DONE, outcome, reasons
    task.completed_by, task.completed_at = user, timezone.now()
    if task.claimed_by_id is None:
        task.claimed_by, task.claimed_at = user, task.completed_at
    task.save(
        update_fields=[
            "state",
            "outcome",
            "reasons",
            "completed_by",
            "completed_at",
            "claimed_by",
            "claimed_at",
        ]
    )
    _sync_tasks(instance, workflow, Case.objects.get(pk=task.case_id))
    return task


# -- the case ends outside the process -------------------------------------------------------------
def _stop(case: Case, status: str) -> ProcessInstance | None:
    instance = ProcessInstance.objects.select_for_update().filter(case_id=case.pk).first()
    if instance is None or instance.status != InstanceStatus.RUNNING:
        return instance
    workflow = bpmn.load(instance.state, _engine(case))
    _run(lambda: bpmn.cancel(workflow))
    _save_instance(instance, workflow, status)
    Task.objects.filter(instance=instance, state__in=OPEN_TASK_STATES).update(
        state=TaskState.CANCELLED
    )
    return instance


@transaction.atomic
def cancel_process(case: Case) -> ProcessInstance | None:
    """The applicant withdrew: the process stops and its open tasks leave the inboxes."""
    return _stop(case, InstanceStatus.CANCELLED)


@transaction.atomic
def finish_process(case: Case) -> ProcessInstance | None:
    """The case was closed by a step outside the process (e.g. delivery at the counter)."""
    return _stop(case, InstanceStatus.COMPLETED)


def refresh_task_dates(case: Case) -> int:
    """Copy the case's current due date and green-channel flag to its open tasks."""
    return Task.objects.filter(case_id=case.pk, state__in=OPEN_TASK_STATES).update(
        due=case.current_due or case.promised_due, green_channel=case.green_channel
    )
