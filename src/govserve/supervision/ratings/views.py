"""Pages of 好差评: the public satisfaction page, the applicant's rating pages, the department's
rectifications and appeals, the supervisor's review and decisions. Thin: rules in `services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from govserve.cases import selectors as case_selectors
from govserve.cases.models import Case, Visit
from govserve.core.pages import account_required, page, staff_required
from govserve.regions.models import Region
from govserve.supervision.scope import department_scope, supervisor_scope

from . import selectors, services
from .errors import RatingError
from .forms import (
    LEVEL_CHOICES,
    AppealForm,
    DecideAppealForm,
    PublicFilterForm,
    RatingForm,
    ReviewForm,
    TextForm,
)
from .models import (
    AppealState,
    Rating,
    RatingAppeal,
    RatingChannel,
    Rectification,
    RectificationState,
)

PAGE_SIZE = 20


def _refused(form, error: RatingError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


# -- public ------------------------------------------------------------------------------------
def public(request: HttpRequest) -> HttpResponse:
    """满意度: per department, hall, item or region, with the latest comments (masked)."""
    form = PublicFilterForm(request.GET or None)
    group, region, since, until = "department", None, None, None
    if form.is_valid():
        group = form.cleaned_data.get("group") or "department"
        code = (form.cleaned_data.get("region") or "").strip()
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                form.add_error("region", _("区划代码不存在"))
        since, until = form.cleaned_data.get("since"), form.cleaned_data.get("until")
    rows = selectors.satisfaction(group, region=region, since=since, until=until)
    totals = {
        "count": sum(r.count for r in rows),
        "satisfied": sum(r.satisfied for r in rows),
        "bad": sum(r.bad for r in rows),
        "rectified": sum(r.rectified for r in rows),
    }
    return page(
        request,
        "ratings/public.html",
        {
            "form": form,
            "group": group,
            "region": region,
            "rows": rows,
            "totals": totals,
            "satisfaction": selectors._pct(totals["satisfied"], totals["count"]),
            "rectification_rate": selectors._pct(totals["rectified"], totals["bad"]),
            "comments": selectors.latest_comments(region=region),
            "levels": [label for _v, label in LEVEL_CHOICES],
        },
    )


# -- the applicant -----------------------------------------------------------------------------
@never_cache
@account_required
def mine(request: HttpRequest) -> HttpResponse:
    """我的评价: finished cases of the applicant, rated or waiting for a rating."""
    cases = Case.objects.filter(
        applicant_id=request.user.pk, state__in=services.RATEABLE_STATES
    ).order_by("-decided_at", "-pk")
    page_ = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    rated = set(
        Rating.objects.filter(
            rater_id=request.user.pk, case__in=list(page_.object_list), visit__isnull=True
        ).values_list("case_id", flat=True)
    )
    return page(request, "ratings/mine.html", {"page": page_, "rated": rated})


def _own_case(request: HttpRequest, pk: int) -> Case:
    case = Case.objects.filter(pk=pk, applicant_id=request.user.pk).select_related("item").first()
    if case is None:
        raise Http404(_("办件不存在"))
    return case


@never_cache
@account_required
def case_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Rate a finished case (online) or a visit (on site); see the reply; re-rate once."""
    case = _own_case(request, pk)
    visit = None
    visit_id = request.POST.get("visit") or request.GET.get("visit")
    if visit_id:
        visit_pk = int(visit_id) if str(visit_id).isdigit() and len(str(visit_id)) < 12 else 0
        visit = Visit.objects.filter(pk=visit_pk, case=case).first()
        if visit is None:
            raise Http404(_("到现场记录不存在"))
    ratings = selectors.ratings_of_case(case, request.user)
    form = RatingForm(onsite=visit is not None)
    rerate_form = None
    action = request.POST.get("action") if request.method == "POST" else None
    rerate_target = next(
        (
            r
            for r in ratings
            if r.revises_id is None
            and r.is_current
            and not r.excluded
            and hasattr(r, "rectification")
            and r.rectification.state in (RectificationState.REPLIED, RectificationState.ACCEPTED)
        ),
        None,
    )
    if rerate_target is not None:
        rerate_form = RatingForm(onsite=rerate_target.visit_id is not None, prefix="re")
    if action == "rate":
        form = RatingForm(request.POST, onsite=visit is not None)
        if form.is_valid():
            try:
                services.rate(
                    request.user,
                    case,
                    level=form.cleaned_data["level"],
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    visit=visit,
                )
            except RatingError as error:
                _refused(form, error)
            else:
                messages.success(request, _("感谢您的评价！"))
                return redirect("ratings:case", case.pk)
    elif action == "rerate" and rerate_target is not None:
        rerate_form = RatingForm(
            request.POST, onsite=rerate_target.visit_id is not None, prefix="re"
        )
        if rerate_form.is_valid():
            try:
                services.re_rate(
                    request.user,
                    rerate_target,
                    level=rerate_form.cleaned_data["level"],
                    scores=rerate_form.scores(),
                    comment=rerate_form.cleaned_data["comment"],
                )
            except RatingError as error:
                _refused(rerate_form, error)
            else:
                messages.success(request, _("追评已提交，感谢您的监督！"))
                return redirect("ratings:case", case.pk)
    rated_online = any(
        r.visit_id is None and r.channel == RatingChannel.WEB and r.revises_id is None
        for r in ratings
    )
    rated_visits = {r.visit_id for r in ratings if r.visit_id and r.channel == RatingChannel.WEB}
    visits = list(Visit.objects.filter(case=case).select_related("hall").order_by("at", "pk"))
    can_rate = case.state in services.RATEABLE_STATES and (
        (visit is None and not rated_online) or (visit is not None and visit.pk not in rated_visits)
    )
    status = 400 if request.method == "POST" else 200
    return page(
        request,
        "ratings/case.html",
        {
            "case": case,
            "visit": visit,
            "visits": visits,
            "rated_visits": rated_visits,
            "ratings": ratings,
            "form": form if can_rate else None,
            "rateable": case.state in services.RATEABLE_STATES,
            "rerate_target": rerate_target,
            "rerate_form": rerate_form,
        },
        status=status,
    )


# -- the department and the supervisor ---------------------------------------------------------
@never_cache
@staff_required
def rectifications(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_rectifications(request.user)
    state = request.GET.get("state", "")
    if state in RectificationState.values:
        qs = qs.filter(state=state)
    page_ = Paginator(qs.order_by("due", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return page(
        request,
        "ratings/rectifications.html",
        {
            "page": page_,
            "state": state,
            "states": RectificationState.choices,
            "query": f"state={state}" if state else "",
            "appeals_count": selectors.visible_appeals(request.user)
            .filter(state=AppealState.PENDING)
            .count(),
        },
    )


_DEPARTMENT_ACTIONS = {
    "verify": (RectificationState.OPEN,),
    "rectify": (RectificationState.VERIFIED, RectificationState.RETURNED),
    "reply": (RectificationState.RECTIFIED,),
}
_ACTION_LABELS = {
    "verify": _("核实情况"),
    "rectify": _("整改措施"),
    "reply": _("答复评价人"),
}


@never_cache
@staff_required
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    rect = selectors.visible_rectifications(request.user).filter(pk=pk).first()
    if rect is None:
        raise Http404(_("整改记录不存在"))
    case_selectors.log_personal_data_read(request.user, rect.case, channel="page:rectification")
    dept = department_scope(request.user).covers(rect.region, rect.department_id)
    sup = supervisor_scope(request.user).covers(rect.region, rect.department_id)
    forms_: dict[str, object] = {}
    if dept:
        for name, states in _DEPARTMENT_ACTIONS.items():
            if rect.state in states:
                forms_[name] = TextForm(prefix=name, label=str(_ACTION_LABELS[name]))
    review_form = (
        ReviewForm(prefix="review") if sup and rect.state == RectificationState.REPLIED else None
    )
    current = Rating.objects.filter(pk=rect.rating_id).first()
    revision = Rating.objects.filter(revises_id=rect.rating_id).first()
    appealable = revision or current
    appeal_form = (
        AppealForm(prefix="appeal")
        if dept
        and appealable is not None
        and not appealable.excluded
        and not RatingAppeal.objects.filter(rating=appealable, state=AppealState.PENDING).exists()
        else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in forms_:
                bound = TextForm(request.POST, prefix=action, label=str(_ACTION_LABELS[action]))
                forms_[action] = bound
                if bound.is_valid():
                    text = bound.cleaned_data["text"]
                    if action == "verify":
                        services.verify(request.user, rect, verification=text)
                    elif action == "rectify":
                        services.rectify(request.user, rect, measures=text)
                    else:
                        services.reply(request.user, rect, text=text)
                    messages.success(request, _("已保存"))
                    return redirect("ratings:rectification", rect.pk)
            elif action == "review" and review_form is not None:
                review_form = ReviewForm(request.POST, prefix="review")
                if review_form.is_valid():
                    services.review(
                        request.user,
                        rect,
                        accept=review_form.cleaned_data["decision"] == "accept",
                        note=review_form.cleaned_data["note"],
                    )
                    messages.success(request, _("复核意见已保存"))
                    return redirect("ratings:rectification", rect.pk)
            elif action == "appeal" and appeal_form is not None and appealable is not None:
                appeal_form = AppealForm(request.POST, prefix="appeal")
                if appeal_form.is_valid():
                    services.appeal(
                        request.user,
                        appealable,
                        ground=appeal_form.cleaned_data["ground"],
                        reasons=appeal_form.cleaned_data["reasons"],
                    )
                    messages.success(request, _("申诉已提交，等待监察人员裁定"))
                    return redirect("ratings:rectification", rect.pk)
            else:
                messages.error(request, _("当前状态不能办理此操作，或您无权办理"))
                return redirect("ratings:rectification", rect.pk)
        except RatingError as error:
            target = {
                "review": review_form,
                "appeal": appeal_form,
            }.get(action) or forms_.get(action)
            if target is not None:
                _refused(target, error)
            else:
                messages.error(request, str(error.message))
        status = 400
    return page(
        request,
        "ratings/rectification.html",
        {
            "rect": rect,
            "rating": current,
            "revision": revision,
            "steps": rect.steps.select_related("actor"),
            "forms": forms_,
            "review_form": review_form,
            "appeal_form": appeal_form,
            "appeals": RatingAppeal.objects.filter(
                rating__in=[r for r in (current, revision) if r]
            ),
            "is_department": dept,
            "is_supervisor": sup,
        },
        status=status,
    )


@never_cache
@staff_required
def appeals(request: HttpRequest) -> HttpResponse:
    qs = selectors.visible_appeals(request.user)
    state = request.GET.get("state", "")
    if state in AppealState.values:
        qs = qs.filter(state=state)
    page_ = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(
        request,
        "ratings/appeals.html",
        {
            "page": page_,
            "state": state,
            "states": AppealState.choices,
            "query": f"state={state}" if state else "",
        },
    )


@never_cache
@staff_required
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    ap = selectors.visible_appeals(request.user).filter(pk=pk).first()
    if ap is None:
        raise Http404(_("申诉记录不存在"))
    sup = supervisor_scope(request.user).covers(ap.region, ap.department_id)
    form = DecideAppealForm() if sup and ap.state == AppealState.PENDING else None
    status = 200
    if request.method == "POST" and form is not None:
        form = DecideAppealForm(request.POST)
        if form.is_valid():
            try:
                services.decide_appeal(
                    request.user,
                    ap,
                    uphold=form.cleaned_data["decision"] == "uphold",
                    reasons=form.cleaned_data["reasons"],
                )
            except RatingError as error:
                _refused(form, error)
            else:
                messages.success(request, _("裁定已保存"))
                return redirect("ratings:appeal", ap.pk)
        status = 400
    rect = Rectification.objects.filter(
        rating__in=[ap.rating_id, ap.rating.revises_id or 0]
    ).first()
    return page(
        request,
        "ratings/appeal.html",
        {"appeal": ap, "rating": ap.rating, "form": form, "rect": rect},
        status=status,
    )
