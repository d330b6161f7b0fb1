"""Pages: the inbox (/workflow/inbox/) and a task (/workflow/tasks/<id>/) with its forms —
claim, complete (approve, deny, return …), suspend and resume the clock, ask for an extension
and, for approvers, decide pending extension requests. Thin: every write is a service call;
a refusal (Refused, ValidationError) is shown on the page with its 4xx status, never a 500.
"""

from __future__ import annotations

from typing import TypedDict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from govserve.accounts.masking import mask_id_number
from govserve.cases import permissions as case_permissions
from govserve.cases import services as case_services
from govserve.cases.models import CaseState, Extension, MaterialStatus
from govserve.core.errors import Refused
from govserve.core.pages import page, staff_required

from . import selectors, services
from .forms import CompleteForm, ExtensionForm, SuspendForm
from .models import OPEN_TASK_STATES, Task, TaskRole, TaskState
from .permissions import may_act

INBOX_PAGE_SIZE = 50


class _InboxFilters(TypedDict):
    """The filters of the inbox page: keyword arguments of `selectors.inbox`."""

    state: str | None
    mine: bool
    role: str | None
    overdue: bool | None
    q: str


def _flag(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


@never_cache
@staff_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    """待办任务: the tasks of the user's departments and regions, green channel first,
    by due date."""
    g = request.GET
    filters: _InboxFilters = {
        "state": g.get("state") if g.get("state") in OPEN_TASK_STATES else None,
        "mine": g.get("mine") == "1",
        "role": g.get("role") if g.get("role") in TaskRole.values else None,
        "overdue": _flag(g.get("overdue")),
        "q": (g.get("q") or "").strip()[:100],
    }
    tasks = selectors.inbox(request.user, **filters)
    paginator = Paginator(tasks, INBOX_PAGE_SIZE)
    page_obj = paginator.get_page(g.get("page") or 1)
    page_obj.object_list = selectors.with_marks(page_obj.object_list)
    query = urlencode({k: v for k, v in g.items() if k != "page" and isinstance(v, str) and v})
    return page(
        request,
        "workflow/inbox.html",
        {
            "page": page_obj,
            "query": query,
            "filters": filters,
            "states": [(s, TaskState(s).label) for s in OPEN_TASK_STATES],
            "roles": TaskRole.choices,
        },
    )


def _task(request: HttpRequest, pk: int) -> Task:
    task = selectors.visible_task(request.user, pk)
    if task is None:
        raise Http404(_("任务不存在"))
    return task


def _render(request: HttpRequest, task: Task, *, status: int = 200, **forms) -> HttpResponse:
    user, case = request.user, task.case
    acting = may_act(user, task)
    open_for_me = task.state == TaskState.OPEN or (
        task.state == TaskState.CLAIMED and task.claimed_by_id == user.pk
    )
    in_review = case.state == CaseState.IN_REVIEW
    decides_here = acting and task.role in (TaskRole.REVIEWER, TaskRole.APPROVER)
    has_extension = case.extensions.exclude(state=Extension.State.REJECTED).exists()
    is_approver = case_permissions.can_approve(user, case)
    mark = selectors.mark(task)
    context = {
        "task": task,
        "case": case,
        "mark": mark,
        "mark_label": selectors.Mark.LABELS[mark],
        "masked_id": mask_id_number(case.applicant_id_number),
        "may_act": acting,
        "can_claim": acting and task.state == TaskState.OPEN,
        "can_unclaim": task.state == TaskState.CLAIMED
        and (task.claimed_by_id == user.pk or user.is_superuser),
        "can_complete": acting and open_for_me and task.is_open,
        "can_suspend": decides_here and task.is_open and in_review and not case.clock_stopped,
        "can_resume": decides_here and task.is_open and case.clock_stopped,
        "can_extend": acting
        and task.role == TaskRole.REVIEWER
        and task.is_open
        and in_review
        and not has_extension
        and case.max_extension_days > 0,
        "open_suspension": case.suspensions.filter(ends_on__isnull=True).first(),
        "pending_extensions": selectors.pending_extensions(case) if is_approver else [],
        "case_items": case.case_items.select_related("item", "department", "reviewed_by"),
        "materials": case.materials.exclude(status=MaterialStatus.REPLACED).order_by("pk"),
        "documents": case.documents.order_by("issued_at", "pk"),
        "history": selectors.history(case),
        "case_tasks": selectors.case_tasks(case),
        "complete_form": forms.get("complete_form") or CompleteForm(task=task),
        "suspend_form": forms.get("suspend_form") or SuspendForm(),
        "extension_form": forms.get("extension_form") or ExtensionForm(),
    }
    return page(request, "workflow/task.html", context, status=status)


@never_cache
@staff_required
def task_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _task(request, pk))


def _refused(request, task, exc: Exception, *, form=None, form_name: str = "") -> HttpResponse:
    """Show a refusal on the page: field errors on the form, anything else as a message."""
    if isinstance(exc, Refused):  # a refused action (the form may no longer be offered)
        messages.error(request, exc.message)
        status = exc.status
    else:
        assert isinstance(exc, ValidationError)
        errors: dict[str | None, list[str]]  # None: not about one field
        if hasattr(exc, "error_dict"):
            errors = {field: msgs for field, msgs in exc.message_dict.items()}
        else:
            errors = {None: exc.messages}
        for field, msgs in errors.items():
            if form is not None and field in form.fields:
                form.add_error(field, msgs)
            else:
                messages.error(request, "；".join(msgs))
        status = 400
    return _render(request, task, status=status, **({form_name: form} if form_name else {}))


def _back(task: Task) -> HttpResponse:
    return redirect("workflow:task", pk=task.pk)


@require_POST
@staff_required
def claim_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    try:
        services.claim_task(task, request.user)
    except (Refused, ValidationError) as exc:
        return _refused(request, task, exc)
    messages.success(request, _("已认领，该任务只由您办理，直至完成或释放。"))
    return _back(task)


@require_POST
@staff_required
def unclaim_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    try:
        services.unclaim_task(task, request.user)
    except (Refused, ValidationError) as exc:
        return _refused(request, task, exc)
    messages.success(request, _("已释放，任务回到部门待办。"))
    return _back(task)


@require_POST
@staff_required
def complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    form = CompleteForm(request.POST, task=task)
    if not form.is_valid():
        return _render(request, task, status=400, complete_form=form)
    try:
        done = services.complete_task(
            task,
            request.user,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
        )
    except (Refused, ValidationError) as exc:
        return _refused(request, task, exc, form=form, form_name="complete_form")
    messages.success(
        request,
        _("已办理“%(label)s”（%(outcome)s），办件 %(number)s。")
        % {"label": done.label, "outcome": done.get_outcome_display(), "number": done.case.number},
    )
    return redirect("workflow:inbox")


@require_POST
@staff_required
def suspend_view(request: HttpRequest, pk: int) -> HttpResponse:
    """现场检查 / 专家评审 …: the clock stops with a legal reason;
    the applicant is told in writing."""
    task = _task(request, pk)
    form = SuspendForm(request.POST)
    if not may_act(request.user, task):
        return _refused(request, task, Refused("task", _("您无权办理该任务"), status=403))
    if not form.is_valid():
        return _render(request, task, status=400, suspend_form=form)
    data = form.cleaned_data
    try:
        case_services.suspend_clock(
            task.case,
            request.user,
            reason=data["reason"],
            explanation=data["explanation"],
            expected_end=data["expected_end"],
            department=task.department,
        )
    except (Refused, ValidationError) as exc:
        return _refused(request, task, exc, form=form, form_name="suspend_form")
    messages.success(request, _("已暂停计时，暂停计时告知书已发送申请人。"))
    return _back(task)


@require_POST
@staff_required
def resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    if not may_act(request.user, task):
        return _refused(request, task, Refused("task", _("您无权办理该任务"), status=403))
    try:
        case_services.resume_clock(task.case, request.user)
    except (Refused, ValidationError) as exc:
        return _refused(request, task, exc)
    messages.success(request, _("已恢复计时，办结期限已重新计算。"))
    return _back(task)


@require_POST
@staff_required
def extension_view(request: HttpRequest, pk: int) -> HttpResponse:
    """延期申请: once per case, to be approved by the department head."""
    task = _task(request, pk)
    form = ExtensionForm(request.POST)
    if not may_act(request.user, task):
        return _refused(request, task, Refused("task", _("您无权办理该任务"), status=403))
    if not form.is_valid():
        return _render(request, task, status=400, extension_form=form)
    try:
        case_services.request_extension(
            task.case,
            request.user,
            days=form.cleaned_data["days"],
            reasons=form.cleaned_data["reasons"],
        )
    except (Refused, ValidationError) as exc:
        return _refused(request, task, exc, form=form, form_name="extension_form")
    messages.success(request, _("延期申请已提交，待本部门审批负责人批准。"))
    return _back(task)


@require_POST
@staff_required
def extension_decide_view(request: HttpRequest, pk: int, extension_pk: int) -> HttpResponse:
    task = _task(request, pk)
    extension = task.case.extensions.filter(pk=extension_pk).first()
    if extension is None:
        raise Http404(_("延期申请不存在"))
    approve = request.POST.get("decision") == "approve"
    try:
        case_services.decide_extension(extension, request.user, approve=approve)
    except (Refused, ValidationError) as exc:
        return _refused(request, task, exc)
    messages.success(
        request,
        _("已批准延期，新的期限已告知申请人。") if approve else _("已驳回延期申请。"),
    )
    return _back(task)
