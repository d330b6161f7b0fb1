"""Every write to accounts, one transaction each.

Bad input raises django's ValidationError with a field → messages dict (nothing written);
an action the caller may not take raises PermissionDenied with a message saying why.
Every change to a representation, a role or a personal-data grant leaves a SecurityEvent.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.regions.models import Department, Region
from govserve.regions.validators import validate_uscc

from . import policies
from .models import (
    DEPARTMENT_ROLES,
    SUBTREE_ROLES,
    AccountType,
    AssuranceLevel,
    Organisation,
    OrganisationKind,
    PersonalDataGrant,
    Representation,
    Role,
    RoleGrant,
    SecurityEvent,
    User,
)
from .validators import validate_mobile, validate_resident_id

MAX_DATA_GRANT = dt.timedelta(days=90)


def _field_errors(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check(errors: dict, field: str, func, value):
    """Run a validator; on failure store its messages under `field` and return None."""
    try:
        return func(value)
    except ValidationError as exc:
        errors.setdefault(field, []).extend(exc.messages)
        return None


def _event(event_kind, /, *, user=None, actor=None, **detail) -> SecurityEvent:
    return SecurityEvent.objects.create(
        kind=event_kind,
        user=user,
        actor=actor if actor is not None and actor.is_authenticated else None,
        username=getattr(user, "username", "") or "",
        detail=detail,
    )


def _check_password(errors: dict, password: str, user: User) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        errors.setdefault("password", []).extend(exc.messages)


def _check_unique_identity(
    errors: dict, *, username=None, id_number=None, mobile=None, exclude=None
) -> None:
    others = User.objects.exclude(pk=exclude.pk) if exclude is not None else User.objects.all()
    if username and others.filter(username__iexact=username).exists():
        errors.setdefault("username", []).append(_("该用户名已被使用"))
    if id_number and others.filter(id_number=id_number).exists():
        errors.setdefault("id_number", []).append(_("该身份证号码已注册"))
    if mobile and others.filter(mobile=mobile).exists():
        errors.setdefault("mobile", []).append(_("该手机号码已注册"))


def _future(errors: dict, field: str, when) -> None:
    if when is not None and when <= timezone.now():
        errors.setdefault(field, []).append(_("截止时间应晚于当前时间"))


def _new_username() -> str:
    while True:
        name = f"u{secrets.randbelow(10**10):010d}"
        if not User.objects.filter(username=name).exists():
            return name


def _save_new_user(user: User, password: str | None) -> User:
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent registration took the number first
        raise ValidationError(
            {"non_field_errors": [_("该身份证号码、手机号码或用户名已注册")]}
        ) from None
    return user


# -- applicants ------------------------------------------------------------------------------------
@transaction.atomic
def register_person(
    *, real_name: str, id_number: str, mobile: str, password: str, username: str | None = None
) -> User:
    """自然人注册: real name, resident ID number, mobile and password;
    self-declared assurance (level 1)."""
    errors: dict[str, list[str]] = {}
    real_name = (real_name or "").strip()
    if not real_name:
        errors["real_name"] = [_("请填写姓名")]
    elif len(real_name) > 100:
        errors["real_name"] = [_("姓名不能超过100个字符")]
    id_number = _check(errors, "id_number", validate_resident_id, id_number)
    mobile = _check(errors, "mobile", validate_mobile, mobile)
    # Not the mobile number by default: login names appear unmasked in lists and logs. People
    # sign in with their mobile or ID number anyway (the login accepts either).
    username = (username or "").strip() or _new_username()
    _check_unique_identity(errors, username=username, id_number=id_number, mobile=mobile)
    user = User(
        username=username or "",
        real_name=real_name,
        id_number=id_number,
        mobile=mobile,
        account_type=AccountType.PERSON,
        assurance_level=AssuranceLevel.SELF_DECLARED,
    )
    _check_password(errors, password, user)
    _field_errors(errors)
    return _save_new_user(user, password)


@transaction.atomic
def verify_identity_at_counter(person: User, *, clerk: User) -> User:
    """窗口核验: a counter clerk saw the person and their ID card; assurance rises to level 2."""
    if not policies.is_signed_in(clerk) or not (
        clerk.is_superuser or policies.has_role(clerk, Role.COUNTER_CLERK)
    ):
        raise PermissionDenied(_("只有综合窗口受理人员可以现场核验身份"))
    if person.account_type != AccountType.PERSON or not person.id_number:
        raise ValidationError({"person": [_("只能核验已登记身份证号码的自然人账户")]})
    person = User.objects.select_for_update().get(pk=person.pk)
    before = person.assurance_level
    person.assurance_level = max(before, AssuranceLevel.COUNTER_VERIFIED)
    person.assurance_verified_at = timezone.now()
    person.assurance_verified_by = clerk
    person.save(update_fields=["assurance_level", "assurance_verified_at", "assurance_verified_by"])
    _event(
        SecurityEvent.Kind.IDENTITY_VERIFIED,
        user=person,
        actor=clerk,
        channel="counter",
        level_before=before,
        level_after=person.assurance_level,
    )
    return person


@transaction.atomic
def register_person_at_counter(*, clerk: User, real_name: str, id_number: str, mobile: str) -> User:
    """窗口代注册: a counter clerk registers a walk-in applicant whose ID card they have seen.

    No password (the person sets one later by resetting it with their mobile number); the
    identity counts as verified at the counter (level 2). Same field checks as register_person.
    """
    if not policies.is_signed_in(clerk) or not (
        clerk.is_superuser or policies.has_role(clerk, Role.COUNTER_CLERK)
    ):
        raise PermissionDenied(_("只有综合窗口受理人员可以为来办群众登记账户"))
    errors: dict[str, list[str]] = {}
    real_name = (real_name or "").strip()
    if not real_name:
        errors["real_name"] = [_("请填写姓名")]
    elif len(real_name) > 100:
        errors["real_name"] = [_("姓名不能超过100个字符")]
    id_number = _check(errors, "id_number", validate_resident_id, id_number)
    mobile = _check(errors, "mobile", validate_mobile, mobile)
    _check_unique_identity(errors, id_number=id_number, mobile=mobile)
    _field_errors(errors)
    user = User(
        username=_new_username(),
        real_name=real_name,
        id_number=id_number,
        mobile=mobile,
        account_type=AccountType.PERSON,
        assurance_level=AssuranceLevel.COUNTER_VERIFIED,
        assurance_verified_at=timezone.now(),
        assurance_verified_by=clerk,
    )
    user = _save_new_user(user, None)
    _event(
        SecurityEvent.Kind.IDENTITY_VERIFIED,
        user=user,
        actor=clerk,
        channel="counter",
        action="registered_at_counter",
        level_before=AssuranceLevel.NONE,
        level_after=user.assurance_level,
    )
    return user


# -- organisations and who acts for them ---------------------------------------------------------
def _check_citizen(errors: dict, field: str, person: User | None) -> None:
    if (
        person is None
        or not person.is_active
        or person.account_type != AccountType.PERSON
        or person.assurance_level < AssuranceLevel.SELF_DECLARED
        or not person.id_number
    ):
        errors.setdefault(field, []).append(_("应为已实名注册的自然人"))


@transaction.atomic
def register_organisation(
    *,
    uscc: str,
    name: str,
    kind: str = OrganisationKind.ENTERPRISE,
    representative: User,
    as_kind: str = "legal",
) -> Organisation:
    """法人注册 by its legal representative (as_kind="legal") or an authorised agent ("agent")."""
    errors: dict[str, list[str]] = {}
    uscc = _check(errors, "uscc", validate_uscc, uscc)
    if uscc and Organisation.objects.filter(uscc=uscc).exists():
        errors.setdefault("uscc", []).append(_("该统一社会信用代码已登记"))
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写名称")]
    if kind not in OrganisationKind.values:
        errors["kind"] = [_("法人类型无效")]
    if as_kind not in Representation.Kind.values:
        errors["as_kind"] = [_("身份应为法定代表人或授权代理人")]
    _check_citizen(errors, "representative", representative)
    _field_errors(errors)
    # Characters 3-8 of the code are the registering authority's division code.
    region = Region.objects.filter(code=uscc[2:8] + "000000").first()
    organisation = Organisation.objects.create(uscc=uscc, name=name, kind=kind, region=region)
    rep = Representation.objects.create(
        organisation=organisation, person=representative, kind=as_kind, granted_by=representative
    )
    _event(
        SecurityEvent.Kind.REPRESENTATION,
        user=representative,
        actor=representative,
        action="registered",
        organisation=organisation.pk,
        uscc=uscc,
        representation=rep.pk,
        kind=as_kind,
    )
    return organisation


@transaction.atomic
def authorise_agent(
    organisation: Organisation, *, by: User, agent: User, valid_until=None
) -> Representation:
    """授权代理人: only the organisation's current legal representative may authorise a citizen."""
    if not policies.is_legal_representative(by, organisation):
        raise PermissionDenied(_("只有该法人的现任法定代表人可以授权代理人"))
    errors: dict[str, list[str]] = {}
    _check_citizen(errors, "agent", agent)
    if not errors and agent.pk == by.pk:
        errors["agent"] = [_("法定代表人无需授权自己")]
    elif not errors and organisation.pk in policies.represented_organisation_ids(agent):
        errors["agent"] = [_("该自然人已是该法人的授权代理人")]
    _future(errors, "valid_until", valid_until)
    _field_errors(errors)
    rep = Representation.objects.create(
        organisation=organisation,
        person=agent,
        kind=Representation.Kind.AGENT,
        granted_by=by,
        valid_until=valid_until,
    )
    _event(
        SecurityEvent.Kind.REPRESENTATION,
        user=agent,
        actor=by,
        action="authorised",
        organisation=organisation.pk,
        representation=rep.pk,
        kind=rep.kind,
        valid_until=valid_until.isoformat() if valid_until else None,
    )
    return rep


@transaction.atomic
def revoke_representation(rep: Representation, *, by: User) -> Representation:
    """The legal representative withdraws an agent's authorisation, or the agent gives it up."""
    rep = Representation.objects.select_for_update().get(pk=rep.pk)
    if rep.kind == Representation.Kind.LEGAL_REPRESENTATIVE:
        raise PermissionDenied(_("法定代表人变更须到窗口办理"))
    allowed = (
        by.is_superuser
        or by.pk == rep.person_id
        or policies.is_legal_representative(by, rep.organisation)
    )
    if not allowed:
        raise PermissionDenied(_("只有该法人的现任法定代表人或代理人本人可以撤销授权"))
    if rep.revoked_at is not None:
        raise ValidationError({"representation": [_("该授权已撤销")]})
    rep.revoked_at = timezone.now()
    rep.save(update_fields=["revoked_at"])
    _event(
        SecurityEvent.Kind.REPRESENTATION,
        user=rep.person,
        actor=by,
        action="revoked",
        organisation=rep.organisation_id,
        representation=rep.pk,
        kind=rep.kind,
    )
    return rep


# -- staff, roles and personal-data grants ---------------------------------------------------------
def _require_admin_of(granter: User, region: Region | None, *, subtree: bool = False) -> None:
    """The granter is a superuser, or a system administrator whose grant covers the region
    (and, to hand on a subtree, covers that subtree too)."""
    if not policies.is_signed_in(granter):
        raise PermissionDenied(_("请先登录"))
    if granter.is_superuser:
        return
    for g in policies.active_grants(granter, [Role.SYSTEM_ADMIN]):
        if policies.grant_covers(g, region) and (not subtree or g.covers_subtree):
            return
    where = region.full_name or region.name if region is not None else _("未指定区划")
    if subtree:
        raise PermissionDenied(
            _("您无权在“%(region)s”及其下级区划授权：超出您的管理范围") % {"region": where}
        )
    raise PermissionDenied(_("您无权管理“%(region)s”：超出您的管理区划") % {"region": where})


@transaction.atomic
def create_staff(
    *,
    by: User,
    username: str,
    real_name: str,
    password: str | None,
    region: Region,
    department: Department | None = None,
    mobile: str | None = None,
    id_number: str | None = None,
    email: str = "",
) -> User:
    """工作人员账户 in a region (and department),
    created by a system administrator of that region."""
    _require_admin_of(by, region)
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = [_("请填写用户名")]
    real_name = (real_name or "").strip()
    if not real_name:
        errors["real_name"] = [_("请填写姓名")]
    if department is not None and department.region_id != region.pk:
        errors["department"] = [
            _("部门“%(dept)s”不属于“%(region)s”") % {"dept": department.name, "region": region}
        ]
    mobile = _check(errors, "mobile", validate_mobile, mobile) if mobile else None
    id_number = _check(errors, "id_number", validate_resident_id, id_number) if id_number else None
    _check_unique_identity(errors, username=username, id_number=id_number, mobile=mobile)
    user = User(
        username=username,
        real_name=real_name,
        mobile=mobile,
        id_number=id_number,
        email=email or "",
        account_type=AccountType.STAFF,
        is_staff=True,
        region=region,
        department=department,
    )
    if password:
        _check_password(errors, password, user)
    _field_errors(errors)
    user = _save_new_user(user, password)
    _event(
        SecurityEvent.Kind.STAFF_CREATED,
        user=user,
        actor=by,
        region=region.code,
        department=department.pk if department else None,
    )
    return user


def check_role_grant(
    *,
    granter: User,
    user: User,
    role: str,
    region: Region,
    department: Department | None = None,
    covers_subtree: bool = False,
    valid_until=None,
    **_ignored,
) -> None:
    """Everything grant_role checks, without writing (forms call it to show errors in place)."""
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [_("角色无效")]
    if region is None:
        errors["region"] = [_("请选择区划")]
    _field_errors(errors)
    _require_admin_of(granter, region, subtree=covers_subtree)
    if user.account_type != AccountType.STAFF or not user.is_active:
        errors["user"] = [_("只能为在职的工作人员账户授予角色")]
    elif user.pk == granter.pk and not granter.is_superuser:
        errors["user"] = [_("不能为自己授予角色")]
    if covers_subtree and role not in SUBTREE_ROLES:
        errors["covers_subtree"] = [
            _("“%(role)s”只能在本级区划授予，不能覆盖下级") % {"role": Role(role).label}
        ]
    if role in DEPARTMENT_ROLES:
        if department is None:
            errors["department"] = [
                _("“%(role)s”须按部门授予，请选择部门") % {"role": Role(role).label}
            ]
        elif department.region_id != region.pk:
            errors["department"] = [
                _("部门“%(dept)s”不属于“%(region)s”") % {"dept": department.name, "region": region}
            ]
    elif department is not None:
        errors["department"] = [
            _("“%(role)s”按区划授予，不属于某个部门") % {"role": Role(role).label}
        ]
    _future(errors, "valid_until", valid_until)
    if not errors and any(
        g.region_id == region.pk and g.department_id == (department.pk if department else None)
        for g in policies.active_grants(user, [role])
    ):
        errors["role"] = [_("该工作人员已有相同的有效授权")]
    _field_errors(errors)


@transaction.atomic
def grant_role(
    *,
    granter: User,
    user: User,
    role: str,
    region: Region,
    department: Department | None = None,
    covers_subtree: bool = False,
    valid_until=None,
    reason: str = "",
) -> RoleGrant:
    """岗位授权, refused unless the granter administers the region (and subtree, if asked for)."""
    check_role_grant(
        granter=granter,
        user=user,
        role=role,
        region=region,
        department=department,
        covers_subtree=covers_subtree,
        valid_until=valid_until,
    )
    grant = RoleGrant.objects.create(
        user=user,
        role=role,
        region=region,
        department=department,
        covers_subtree=covers_subtree,
        valid_until=valid_until,
        reason=(reason or "").strip()[:300],
        granted_by=granter,
    )
    _event(
        SecurityEvent.Kind.ROLE_GRANTED,
        user=user,
        actor=granter,
        grant=grant.pk,
        role=role,
        region=region.code,
        department=department.pk if department else None,
        covers_subtree=covers_subtree,
        valid_until=valid_until.isoformat() if valid_until else None,
        reason=grant.reason,
    )
    return grant


@transaction.atomic
def revoke_role(grant: RoleGrant, *, by: User, reason: str = "") -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().select_related("region").get(pk=grant.pk)
    _require_admin_of(by, grant.region)
    if grant.revoked_at is not None:
        raise ValidationError({"grant": [_("该授权已撤销")]})
    grant.revoked_at = timezone.now()
    grant.save(update_fields=["revoked_at"])
    _event(
        SecurityEvent.Kind.ROLE_REVOKED,
        user=grant.user,
        actor=by,
        grant=grant.pk,
        role=grant.role,
        region=grant.region.code,
        department=grant.department_id,
        reason=(reason or "").strip()[:300],
    )
    return grant


def check_personal_data_grant(*, granter: User, user: User, reason: str, valid_until) -> None:
    """Everything grant_personal_data_access checks, without writing."""
    # Staff without a home region can be granted only by a superuser.
    _require_admin_of(granter, user.region if user.account_type == AccountType.STAFF else None)
    errors: dict[str, list[str]] = {}
    if user.account_type != AccountType.STAFF or not user.is_active:
        errors["user"] = [_("只能授权在职的工作人员")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请说明授权理由")]
    if valid_until is None:
        errors["valid_until"] = [_("请填写截止时间")]
    else:
        _future(errors, "valid_until", valid_until)
        if valid_until > timezone.now() + MAX_DATA_GRANT:
            errors.setdefault("valid_until", []).append(
                _("临时授权最长%(days)s天") % {"days": MAX_DATA_GRANT.days}
            )
    _field_errors(errors)


@transaction.atomic
def grant_personal_data_access(
    *, granter: User, user: User, reason: str, valid_until
) -> PersonalDataGrant:
    """Temporary right for a staff member to see personal data in full, with a reason and an end."""
    check_personal_data_grant(granter=granter, user=user, reason=reason, valid_until=valid_until)
    reason = reason.strip()
    grant = PersonalDataGrant.objects.create(
        user=user, reason=reason[:300], valid_until=valid_until, granted_by=granter
    )
    _event(
        SecurityEvent.Kind.DATA_GRANT,
        user=user,
        actor=granter,
        grant=grant.pk,
        reason=grant.reason,
        valid_until=valid_until.isoformat(),
    )
    return grant


@transaction.atomic
def update_profile(user: User, *, mobile=None, email=None, real_name=None) -> User:
    """A person's own changes to their profile. The ID number is fixed once registered."""
    errors: dict[str, list[str]] = {}
    changes = {}
    if mobile is not None:
        changes["mobile"] = _check(errors, "mobile", validate_mobile, mobile)
        _check_unique_identity(errors, mobile=changes["mobile"], exclude=user)
    if email is not None:
        changes["email"] = (email or "").strip()
        _check(errors, "email", validate_email, changes["email"]) if changes["email"] else None
    if real_name is not None:
        changes["real_name"] = (real_name or "").strip()
        if (
            user.assurance_level >= AssuranceLevel.COUNTER_VERIFIED
            and changes["real_name"] != user.real_name
        ):
            errors["real_name"] = [_("已核验身份的账户不能自行修改姓名")]
        elif not changes["real_name"]:
            errors["real_name"] = [_("请填写姓名")]
    _field_errors(errors)
    for name, value in changes.items():
        setattr(user, name, value)
    if changes:
        user.save(update_fields=list(changes))
    return user
