"""Account pages (/accounts/): thin views over the accounts services, policies and selectors.

Applicants: 注册, 登录 (username, mobile or ID number; a TOTP code too once enrolled), 退出,
个人中心, 修改密码, 法人 (register a business, authorise and revoke agents).
Staff: 工作台 (the catalog items their posts cover), 动态口令 enrolment, person lookup and the
logged full view of an ID number. System administrators: 工作人员 and 岗位授权, 安全日志.

Every write goes through `services`; a refusal (PermissionDenied) is shown with its reason.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from govserve.catalog.models import ImplementationItem
from govserve.core.pages import (
    account_required,
    applicant_required,
    denied,
    page,
    staff_required,
    system_admin_required,
)
from govserve.regions.models import Department, Region

from . import lockout, policies, selectors, services
from .forms import (
    AgentForm,
    ChangePasswordForm,
    DataGrantForm,
    LoginForm,
    OrganisationForm,
    OtpTokenForm,
    PersonLookupForm,
    RegistrationForm,
    RevealForm,
    RevokeForm,
    RoleGrantForm,
    SecurityLogFilterForm,
    StaffForm,
)
from .masking import mask_id_number, mask_login_name, mask_mobile
from .models import (
    DEPARTMENT_ROLES,
    Organisation,
    PersonalDataGrant,
    Representation,
    Role,
    RoleGrant,
    SecurityEvent,
)
from .pages import handles_people, is_system_admin
from .security import (
    confirmed_totp_device,
    is_staff_account,
    lockout_response,
    needs_second_factor,
    record,
    second_factor_pending,
)
from .typing import SignedInRequest

User = get_user_model()

PENDING_LOGIN = "accounts_pending_login"  # session key: password checked, TOTP code awaited
PENDING_SECONDS = 5 * 60
LOG_PAGE_SIZE = 50
LIST_PAGE_SIZE = 50


# -- helpers -----------------------------------------------------------------------------
def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _page(request: HttpRequest, queryset, size: int):
    paginator = Paginator(queryset, size)
    return paginator.get_page(request.GET.get("page") or 1)


# -- sign in and out ---------------------------------------------------------------------
@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if needs_second_factor(user):
            request.session[PENDING_LOGIN] = {
                "user": user.pk,
                "backend": user.backend,  # type: ignore[attr-defined]  # set on the user by authenticate()
                "at": time.time(),
                "next": next_url,
            }
            return redirect("accounts:verify")
        auth_login(request, user)
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return page(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "lock_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@sensitive_post_parameters("otp_token")
@never_cache
@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    """动态口令: the second step of a login, or a signed-in session proving its device."""
    pending = request.session.get(PENDING_LOGIN)
    next_url = _next_url(request)
    if pending:
        if time.time() - pending.get("at", 0) > PENDING_SECONDS:
            request.session.pop(PENDING_LOGIN, None)
            messages.error(request, _("验证超时，请重新登录。"))
            return redirect("accounts:login")
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        next_url = pending.get("next") or next_url
    elif second_factor_pending(request):
        assert request.user.is_authenticated  # second_factor_pending: signed in
        user = request.user
    else:
        return redirect(
            next_url or ("accounts:profile" if request.user.is_authenticated else "accounts:login")
        )
    device = confirmed_totp_device(user) if user is not None else None
    if user is None or device is None:
        request.session.pop(PENDING_LOGIN, None)
        return redirect("accounts:login")

    form = OtpTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": user.get_username()}
        # A code is checked only once it is counted, like a password (lockout.py).
        attempt = lockout.take(request, credentials)
        if attempt is None:
            return lockout_response(request)
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            lockout.not_checked(attempt)
            form.add_error("otp_token", _("尝试次数过多，请稍候再输入。"))
        elif device.verify_token(form.cleaned_data["otp_token"]):
            lockout.succeeded(attempt, signed_in=True)
            if pending:
                request.session.pop(PENDING_LOGIN, None)
                request.accounts_second_factor = True  # type: ignore[attr-defined]  # noted in the login's security event
                auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        else:
            # A wrong code is a failed login: logged, and counted towards the lockout.
            user_login_failed.send(
                sender=__name__, credentials={**credentials, "step": "totp"}, request=request
            )
            form.add_error("otp_token", _("动态口令错误或已使用，请输入验证器上显示的最新口令。"))
    return page(request, "accounts/verify.html", {"form": form, "next": next_url})


@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        was_signed_in = request.user.is_authenticated
        request.session.pop(PENDING_LOGIN, None)
        auth_logout(request)
        if was_signed_in:
            messages.success(request, _("您已安全退出。"))
        return redirect(settings.LOGOUT_REDIRECT_URL)
    return page(request, "accounts/logout.html")


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_person(
                real_name=data["real_name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                password=data["password1"],
            )
        except ValidationError as exc:
            form.apply_service_errors(exc, form.SERVICE_FIELDS)
        else:
            messages.success(request, _("注册成功，请使用手机号码或身份证号码登录。"))
            return redirect("accounts:login")
    return page(request, "accounts/register.html", {"form": form})


@sensitive_post_parameters()
@never_cache
@account_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: SignedInRequest) -> HttpResponse:
    form = ChangePasswordForm(request.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        record(SecurityEvent.Kind.PASSWORD_CHANGED, request=request, user=user, actor=user)
        messages.success(request, _("密码已修改。"))
        return redirect("accounts:profile")
    return page(request, "accounts/password_change.html", {"form": form})


# -- profile -----------------------------------------------------------------------------
@never_cache
@account_required
def profile_view(request: SignedInRequest) -> HttpResponse:
    user = request.user
    my_representations = (
        Representation.objects.filter(
            person=user, organisation_id__in=policies.represented_organisation_ids(user)
        )
        .filter(revoked_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    authorised_agents = [
        rep
        for rep in Representation.objects.filter(
            granted_by=user, kind=Representation.Kind.AGENT, revoked_at__isnull=True
        )
        .select_related("organisation", "person")
        .order_by("organisation__name", "valid_from")
        if rep.is_active()
    ]
    grants = (
        RoleGrant.objects.filter(user=user)
        .select_related("region", "department")
        .order_by("-granted_at")
    )
    context = {
        "profile": user,
        "login_name": mask_login_name(user.get_username()),
        "masked_id": mask_id_number(user.id_number),
        "masked_mobile": mask_mobile(user.mobile),
        "representations": my_representations,
        "authorised_agents": authorised_agents,
        "grants": [g for g in grants if g.is_active()],
        "is_staff_account": is_staff_account(user),
        "totp_enabled": needs_second_factor(user),
        "is_system_admin": is_system_admin(user),
        "revoke_form": RevokeForm(),
    }
    return page(request, "accounts/profile.html", context)


# -- second factor enrolment ---------------------------------------------------------------
def qr_svg(data: str) -> str:
    """A QR code as inline SVG, drawn here (no image service, no CDN)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def totp_view(request: SignedInRequest) -> HttpResponse:
    """动态口令 enrolment: scan the QR code, type the code, and the device is confirmed."""
    user = request.user
    confirmed = confirmed_totp_device(user)
    if confirmed is not None:
        return page(request, "accounts/totp.html", {"enabled": True, "device": confirmed})
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(
            user=user, name=str(_("政务服务网动态口令")), confirmed=False
        )
    form = OtpTokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            otp_login(request, device)
            record(
                SecurityEvent.Kind.TOTP_ENABLED,
                request=request,
                user=user,
                actor=user,
                device=device.pk,
            )
            messages.success(request, _("动态口令已启用。今后登录时需输入验证器上的口令。"))
            return redirect("accounts:profile")
        form.add_error("otp_token", _("动态口令错误，请核对手机时间后输入验证器上显示的最新口令。"))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context = {
        "enabled": False,
        "form": form,
        "qr": mark_safe(qr_svg(device.config_url)),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return page(request, "accounts/totp.html", context)


# -- 法人: businesses and their agents -------------------------------------------------------
@never_cache
@applicant_required
@require_http_methods(["GET", "POST"])
def business_view(request: SignedInRequest) -> HttpResponse:
    user = request.user
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = services.register_organisation(
                uscc=data["uscc"],
                name=data["name"],
                kind=data["kind"],
                representative=user,
                as_kind="legal",
            )
        except ValidationError as exc:
            form.apply_service_errors(exc, {"representative": "__all__"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("已登记法人“%(name)s”，您是其法定代表人。") % {"name": organisation.name}
            )
            return redirect("accounts:business-detail", pk=organisation.pk)
    representations = (
        Representation.objects.filter(
            person=user, organisation_id__in=policies.represented_organisation_ids(user)
        )
        .filter(revoked_at__isnull=True)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name")
    )
    return page(
        request, "accounts/business.html", {"form": form, "representations": representations}
    )


def _organisation_for(user, pk: int) -> Organisation:
    if pk not in policies.represented_organisation_ids(user):
        raise Http404(_("法人不存在或您未获授权"))
    return get_object_or_404(Organisation, pk=pk)


def _business_detail(
    request, organisation: Organisation, agent_form: AgentForm, status: int = 200, refusal: str = ""
) -> HttpResponse:
    user = request.user
    reps = sorted(  # the legal representative first, then agents in the order authorised
        selectors.current_representations(organisation),
        key=lambda rep: (rep.kind != Representation.Kind.LEGAL_REPRESENTATIVE, rep.valid_from),
    )
    for rep in reps:
        rep.masked_id = mask_id_number(rep.person.id_number)  # type: ignore[attr-defined]  # for the template
        rep.masked_mobile = mask_mobile(rep.person.mobile)  # type: ignore[attr-defined]  # for the template
    is_legal = policies.is_legal_representative(user, organisation)
    return page(
        request,
        "accounts/business_detail.html",
        {
            "organisation": organisation,
            "representations": reps,
            "is_legal": is_legal,
            "agent_form": agent_form,
            "refusal": refusal,
        },
        status=status,
    )


@never_cache
@applicant_required
def business_detail_view(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for(request.user, pk)
    return _business_detail(request, organisation, AgentForm())


@never_cache
@applicant_required
@require_POST
def authorise_agent_view(request: SignedInRequest, pk: int) -> HttpResponse:
    organisation = _organisation_for(request.user, pk)
    form = AgentForm(request.POST)
    if form.is_valid():
        agent = selectors.find_citizen(form.cleaned_data["identifier"])
        if agent is None:
            form.add_error(
                "identifier", _("未找到该身份证号码或手机号码对应的已注册自然人，请代理人先注册。")
            )
        else:
            try:
                services.authorise_agent(
                    organisation,
                    by=request.user,
                    agent=agent,
                    valid_until=form.valid_until_datetime(),
                )
            except ValidationError as exc:
                form.apply_service_errors(exc, form.SERVICE_FIELDS)
            except PermissionDenied as exc:
                return _business_detail(
                    request, organisation, AgentForm(), status=403, refusal=str(exc)
                )
            else:
                messages.success(
                    request,
                    _("已授权 %(name)s 代理“%(org)s”办理业务。")
                    % {"name": agent.real_name, "org": organisation.name},
                )
                return redirect("accounts:business-detail", pk=organisation.pk)
    return _business_detail(request, organisation, form)


@never_cache
@applicant_required
@require_POST
def revoke_representation_view(request: SignedInRequest, pk: int) -> HttpResponse:
    user = request.user
    rep = Representation.objects.select_related("organisation").filter(pk=pk).first()
    if rep is None or (
        rep.person_id != user.pk
        and rep.organisation_id not in policies.represented_organisation_ids(user)
    ):
        raise Http404(_("授权不存在"))
    try:
        services.revoke_representation(rep, by=user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(
            request,
            _("已撤销 %(name)s 对“%(org)s”的代理授权。")
            % {"name": rep.person.real_name, "org": rep.organisation.name},
        )
    if rep.organisation_id in policies.represented_organisation_ids(user):
        return redirect("accounts:business-detail", pk=rep.organisation_id)
    return redirect("accounts:profile")


# -- staff: workbench, people ---------------------------------------------------------------
def workbench_items_q(user) -> Q:
    """Catalog items a staff member's posts cover: clerks and supervisors every department of
    their region (subtree, if granted so), reviewers and approvers their own department;
    catalog administrators the items they maintain (policies.changeable_items_q)."""
    q = Q(pk__in=[])
    for grant in policies.active_grants(user, policies.CASE_ROLES | {Role.SUPERVISOR}):
        part = policies.scope_q([grant])
        if grant.role in DEPARTMENT_ROLES:
            part &= Q(department_id=grant.department_id)
        q |= part
    return q | policies.changeable_items_q(user)


@never_cache
@staff_required
def workbench_view(request: SignedInRequest) -> HttpResponse:
    user = request.user
    items = (
        ImplementationItem.objects.filter(workbench_items_q(user))
        .select_related("department", "region")
        .order_by("region__code", "department__name", "name")
    )
    grants = policies.active_grants(user)
    for grant in grants:
        grant.department_name = grant.department.name if grant.department is not None else ""  # type: ignore[attr-defined]  # for the template
    return page(
        request,
        "accounts/workbench.html",
        {
            "page": _page(request, items, LIST_PAGE_SIZE),
            "grants": grants,
            "is_system_admin": is_system_admin(user),
        },
    )


@sensitive_post_parameters("q")
@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def people_view(request: SignedInRequest) -> HttpResponse:
    """人员查询: find a registered person by ID or mobile number; shown masked. A POST, so the
    number stays out of URLs and server logs, and the page does not echo it back."""
    user = request.user
    if not handles_people(user):
        return denied(request, _("您的岗位不能查询个人信息。"))
    form = PersonLookupForm(request.POST if request.method == "POST" else None)
    person = None
    searched = False
    if form.is_bound and form.is_valid():
        searched = True
        found = selectors.find_citizen(form.cleaned_data["q"])
        if found is not None and policies.can_view_person(user, found):
            person = found
        form = PersonLookupForm()
    context: dict[str, Any] = {"form": form, "person": person, "searched": searched}
    if person is not None:
        context.update(
            masked_id=mask_id_number(person.id_number), masked_mobile=mask_mobile(person.mobile)
        )
    return page(request, "accounts/people.html", context)


@sensitive_post_parameters()
@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def reveal_view(request: SignedInRequest, pk: int) -> HttpResponse:
    """查看完整身份信息, with a reason; every full view is recorded by reveal_personal_data."""
    viewer = request.user
    subject = User.objects.filter(pk=pk).first()
    if subject is None or not policies.can_view_person(viewer, subject):
        raise Http404(_("人员不存在"))
    form = RevealForm(request.POST if request.method == "POST" else None)
    revealed = None
    status = 200
    clerk = policies.has_role(viewer, Role.COUNTER_CLERK)
    if request.method == "POST" and form.is_valid():
        try:
            revealed = selectors.reveal_personal_data(
                viewer,
                subject,
                reason=form.cleaned_data["reason"],
                channel="page",
                verifying=clerk and request.POST.get("verifying") == "1",
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        except ValidationError as exc:
            form.apply_service_errors(exc)
    return page(
        request,
        "accounts/reveal.html",
        {
            "subject": subject,
            "masked_id": mask_id_number(subject.id_number),
            "masked_mobile": mask_mobile(subject.mobile),
            "form": form,
            "revealed": revealed,
            "clerk": clerk,
        },
        status=status,
    )


# -- system administrators: staff, roles, security log -------------------------------------
def admin_scope(user) -> tuple[list[Region], list[Department]]:
    """Regions and departments a system administrator may pick: their grants' regions, and
    down to two levels below (no lower than townships) where a grant covers the subtree."""
    if user.is_superuser:
        regions = Region.objects.filter(level__lte=3)
    else:
        q = Q(pk__in=[])
        for grant in policies.active_grants(user, [Role.SYSTEM_ADMIN]):
            if grant.covers_subtree:
                q |= Q(
                    code__startswith=grant.region.prefix, level__lte=min(grant.region.level + 2, 4)
                )
            else:
                q |= Q(pk=grant.region_id)
        regions = Region.objects.filter(q)
    departments = (
        Department.objects.filter(region__in=regions)
        .select_related("region")
        .order_by("region__code", "name")
    )
    return list(regions.order_by("code")[:3000]), list(departments[:3000])


@never_cache
@system_admin_required
def staff_list_view(request: SignedInRequest) -> HttpResponse:
    staff = (
        selectors.staff_in_scope(request.user)
        .annotate(
            active_grants=Count(
                "role_grants",
                filter=Q(role_grants__revoked_at__isnull=True)
                & (
                    Q(role_grants__valid_until__isnull=True)
                    | Q(role_grants__valid_until__gt=timezone.now())
                ),
            )
        )
        .order_by("region__code", "department__name", "username")
    )
    q = (request.GET.get("q") or "").strip()
    if q:
        staff = staff.filter(Q(username__icontains=q) | Q(real_name__icontains=q))
    page_obj = _page(request, staff, LIST_PAGE_SIZE)
    for member in page_obj:
        member.login_name = mask_login_name(member.username)
        member.masked_mobile = mask_mobile(member.mobile)
    return page(request, "accounts/staff_list.html", {"page": page_obj, "q": q})


@sensitive_post_parameters("password1", "password2", "id_number", "mobile")
@never_cache
@system_admin_required
@require_http_methods(["GET", "POST"])
def staff_create_view(request: SignedInRequest) -> HttpResponse:
    regions, departments = admin_scope(request.user)
    form = StaffForm(
        request.POST if request.method == "POST" else None, regions=regions, departments=departments
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            staff = services.create_staff(
                by=request.user,
                username=data["username"],
                real_name=data["real_name"],
                password=data["password1"],
                region=data["region"],
                department=data["department"],
                mobile=data["mobile"] or None,
                id_number=data["id_number"] or None,
            )
        except ValidationError as exc:
            form.apply_service_errors(exc, form.SERVICE_FIELDS)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(
                request, _("已创建工作人员账户 %(name)s。") % {"name": staff.real_name}
            )
            return redirect("accounts:staff-detail", pk=staff.pk)
    return page(request, "accounts/staff_form.html", {"form": form}, status=status)


def _staff_in_scope(user, pk: int):
    staff = selectors.staff_in_scope(user).filter(pk=pk).first()
    if staff is None:
        raise Http404(_("工作人员不存在或不在您的管理范围内"))
    return staff


def _staff_detail(
    request, staff, form: RoleGrantForm, status: int = 200, data_form: DataGrantForm | None = None
) -> HttpResponse:
    grants = (
        RoleGrant.objects.filter(user=staff)
        .select_related("region", "department", "granted_by")
        .order_by("revoked_at", "-granted_at")
    )
    return page(
        request,
        "accounts/staff_detail.html",
        {
            "staff": staff,
            "login_name": mask_login_name(staff.username),
            "masked_id": mask_id_number(staff.id_number),
            "masked_mobile": mask_mobile(staff.mobile),
            "grants": grants,
            "form": form,
            "revoke_form": RevokeForm(),
            "totp_enabled": needs_second_factor(staff),
            "data_form": data_form or DataGrantForm(),
            "data_grants": PersonalDataGrant.objects.filter(
                user=staff, valid_until__gt=timezone.now()
            )
            .select_related("granted_by")
            .order_by("valid_until"),
        },
        status=status,
    )


@never_cache
@system_admin_required
def staff_detail_view(request: SignedInRequest, pk: int) -> HttpResponse:
    staff = _staff_in_scope(request.user, pk)
    regions, departments = admin_scope(request.user)
    initial = {"region": staff.region.code if staff.region_id else ""}
    return _staff_detail(
        request, staff, RoleGrantForm(initial=initial, regions=regions, departments=departments)
    )


@never_cache
@system_admin_required
@require_POST
def grant_role_view(request: SignedInRequest, pk: int) -> HttpResponse:
    staff = _staff_in_scope(request.user, pk)
    regions, departments = admin_scope(request.user)
    form = RoleGrantForm(request.POST, regions=regions, departments=departments)
    if form.is_valid():
        data = form.cleaned_data
        try:
            grant = services.grant_role(
                granter=request.user,
                user=staff,
                role=data["role"],
                region=data["region"],
                department=data["department"],
                covers_subtree=data["covers_subtree"],
                valid_until=form.valid_until_datetime(),
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.apply_service_errors(exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return _staff_detail(request, staff, form, status=403)
        else:
            messages.success(
                request,
                _("已授予 %(name)s “%(role)s”（%(where)s）。")
                % {
                    "name": staff.real_name,
                    "role": grant.get_role_display(),
                    "where": grant.region.full_name or grant.region.name,
                },
            )
            return redirect("accounts:staff-detail", pk=staff.pk)
    return _staff_detail(request, staff, form)


@never_cache
@system_admin_required
@require_POST
def data_grant_view(request: SignedInRequest, pk: int) -> HttpResponse:
    """临时个人信息查看授权 for a staff member in scope (services.grant_personal_data_access)."""
    staff = _staff_in_scope(request.user, pk)
    regions, departments = admin_scope(request.user)
    role_form = RoleGrantForm(
        initial={"region": staff.region.code if staff.region_id else ""},
        regions=regions,
        departments=departments,
    )
    form = DataGrantForm(request.POST)
    if form.is_valid():
        try:
            services.grant_personal_data_access(
                granter=request.user,
                user=staff,
                reason=form.cleaned_data["reason"],
                valid_until=form.valid_until_datetime(),
            )
        except ValidationError as exc:
            form.apply_service_errors(exc, {"user": "__all__"})
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return _staff_detail(request, staff, role_form, status=403, data_form=form)
        else:
            messages.success(
                request, _("已授予 %(name)s 临时查看个人信息的权限。") % {"name": staff.real_name}
            )
            return redirect("accounts:staff-detail", pk=staff.pk)
    return _staff_detail(request, staff, role_form, data_form=form)


@never_cache
@system_admin_required
@require_POST
def revoke_grant_view(request: SignedInRequest, pk: int) -> HttpResponse:
    grant = selectors.grants_in_scope(request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404(_("授权不存在或不在您的管理范围内"))
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.revoke_role(grant, by=request.user, reason=reason)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已撤销“%(role)s”授权。") % {"role": grant.get_role_display()})
    return redirect("accounts:staff-detail", pk=grant.user_id)


def security_events_for(user):
    """Superusers, and system administrators of a whole province, read every event; other
    system administrators the events of staff accounts in their scope."""
    events = SecurityEvent.objects.select_related("user", "actor")
    if user.is_superuser or any(
        g.covers_subtree and g.region.level == 1
        for g in policies.active_grants(user, [Role.SYSTEM_ADMIN])
    ):
        return events
    staff_ids = selectors.staff_in_scope(user).values("pk")
    return events.filter(Q(user_id__in=staff_ids) | Q(actor_id__in=staff_ids))


def describe_event(detail: dict) -> str:
    """A security event's details in words (unknown keys as key=value)."""
    words = {
        "identifier": {
            "id_number": _("以身份证号码登录"),
            "mobile": _("以手机号码登录"),
            "username": _("以用户名登录"),
        },
        "step": {"password": _("密码错误"), "totp": _("动态口令错误")},
        "action": {
            "registered": _("登记法人"),
            "authorised": _("授权代理人"),
            "revoked": _("撤销授权"),
        },
    }
    parts = []
    for key, value in sorted(detail.items()):
        if value in (None, "", [], False):
            continue
        if key in words:
            parts.append(str(words[key].get(value, value)))
        elif key == "second_factor":
            parts.append(_("已验证动态口令"))
        elif key == "failures":
            parts.append(_("累计失败 %(count)s 次") % {"count": value})
        elif key == "role" and value in Role.values:
            parts.append(_("角色：%(role)s") % {"role": Role(value).label})
        elif key == "region":
            parts.append(_("区划：%(code)s") % {"code": value})
        elif key == "reason":
            parts.append(_("理由：%(reason)s") % {"reason": value})
        elif key == "covers_subtree":
            parts.append(_("含下级区划"))
        else:
            parts.append(f"{key}={value}")
    return "；".join(parts)


@never_cache
@system_admin_required
def security_log_view(request: SignedInRequest) -> HttpResponse:
    form = SecurityLogFilterForm(request.GET or None, kinds=SecurityEvent.Kind.choices)
    events = security_events_for(request.user)
    if form.is_bound and form.is_valid():
        if form.cleaned_data["kind"]:
            events = events.filter(kind=form.cleaned_data["kind"])
        if form.cleaned_data["username"]:
            events = events.filter(username=form.cleaned_data["username"].strip())
    page_obj = _page(request, events.order_by("-at", "-pk"), LOG_PAGE_SIZE)
    for event in page_obj:
        event.login_name = mask_login_name(event.username)
        event.detail_text = describe_event(event.detail or {})
    query = request.GET.copy()
    query.pop("page", None)
    return page(
        request,
        "accounts/security_log.html",
        {"form": form, "page": page_obj, "query": query.urlencode()},
    )
