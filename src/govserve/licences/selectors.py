"""Reads for the licence wallet (证照夹) and for departments a licence was shared with.

Holders see their own licences and those of organisations they currently act for (legal
representative or authorised agent, accounts.policies.represented_organisation_ids); anything
else is "not found", never "forbidden", so a licence's existence does not leak. Departments see
only what was shared with them (live shares) and use it through `sharing.use`, which records it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.accounts import policies
from govserve.accounts.masking import mask_id_number
from govserve.accounts.models import DEPARTMENT_ROLES, Role
from govserve.regions.models import Department, Region

from .models import Licence, LicenceShare, LicenceStatus, LicenceUse

# A licence this close to its end date is shown as 即将到期 (renewal opens 30 days before).
EXPIRING_DAYS = 30
# Staff roles that may obtain a shared licence for their department: the people who handle
# applications. Supervisors and administrators do not take applicants' licences.
USING_ROLES = tuple(policies.CASE_ROLES)


# -- the holder's side ---------------------------------------------------------------------------
def holder_q(user) -> Q:
    """Licences `user` holds: personally, or through an organisation they act for now."""
    if not policies.is_signed_in(user):
        return Q(pk__in=[])
    q = Q(holder_user_id=user.pk)
    orgs = policies.represented_organisation_ids(user)
    if orgs:
        q |= Q(holder_organisation_id__in=orgs)
    return q


def wallet(user) -> QuerySet[Licence]:
    """证照夹: every version of every licence `user` holds or acts for, newest first."""
    return (
        Licence.objects.filter(holder_q(user))
        .select_related("licence_type", "issuer", "holder_organisation")
        .order_by("-issued_on", "-version", "-pk")
    )


def is_holder(user, licence: Licence) -> bool:
    """The holder of `licence`, or someone acting for the holding organisation now."""
    if not policies.is_signed_in(user):
        return False
    if licence.holder_user_id is not None and licence.holder_user_id == user.pk:
        return True
    return (
        licence.holder_organisation_id is not None
        and licence.holder_organisation_id in policies.represented_organisation_ids(user)
    )


def licence_for_holder(user, pk) -> Licence:
    """The licence if `user` holds it (or acts for its holder); Http404 otherwise."""
    try:
        return wallet(user).get(pk=int(pk))
    except (Licence.DoesNotExist, TypeError, ValueError):
        raise Http404(_("证照不存在")) from None


def versions_of(licence: Licence) -> QuerySet[Licence]:
    """All versions of the same licence (same type, issuer and serial), newest first."""
    return Licence.objects.filter(
        licence_type_id=licence.licence_type_id, issuer_id=licence.issuer_id, serial=licence.serial
    ).order_by("-version", "-pk")


@dataclass
class WalletEntry:
    """One licence in the wallet: its newest version and the versions it replaced."""

    current: Licence
    history: list[Licence] = field(default_factory=list)


def wallet_entries(user) -> list[WalletEntry]:
    """The wallet grouped: one entry per licence, newest version on top, older versions under
    it (历史版本). Entries ordered by the newest version's issue date."""
    entries: dict[tuple, WalletEntry] = {}
    for licence in wallet(user):
        key = (licence.licence_type_id, licence.issuer_id, licence.serial)
        entry = entries.get(key)
        if entry is None:
            entries[key] = WalletEntry(current=licence)
        elif licence.version > entry.current.version:
            entry.history.insert(0, entry.current)
            entry.current = licence
        else:
            entry.history.append(licence)
    for entry in entries.values():
        entry.history.sort(key=lambda lic: (-lic.version, -lic.pk))
    return sorted(entries.values(), key=lambda e: (e.current.issued_on, e.current.pk), reverse=True)


def shares_of(licence: Licence) -> QuerySet[LicenceShare]:
    """The holder's grants for one licence version, newest first (live and ended)."""
    return licence.shares.select_related("department", "granted_by").order_by("-created_at", "-pk")


def uses_of(licence: Licence) -> QuerySet[LicenceUse]:
    """用证记录 of the licence and its other versions, newest first (what the holder sees)."""
    return (
        LicenceUse.objects.filter(licence__in=versions_of(licence).values("pk"))
        .select_related("department", "user", "case", "licence")
        .order_by("-at", "-pk")
    )


# -- words for pages and the API -------------------------------------------------------------
STATUS_WORDS = {
    LicenceStatus.VALID: ("valid", "badge-green"),
    "expiring": ("expiring", "badge-blue"),
    LicenceStatus.EXPIRED: ("expired", "badge-gray"),
    LicenceStatus.SUSPENDED: ("suspended", "badge-red"),
    LicenceStatus.REVOKED: ("revoked", "badge-red"),
    LicenceStatus.SUPERSEDED: ("superseded", "badge-gray"),
}


def status_code(licence: Licence, on: dt.date | None = None) -> str:
    """The effective status, with "expiring" for a valid licence within 30 days of its end."""
    on = on or timezone.localdate()
    status = licence.effective_status(on)
    if (
        status == LicenceStatus.VALID
        and licence.valid_until is not None
        and licence.valid_until <= on + dt.timedelta(days=EXPIRING_DAYS)
    ):
        return "expiring"
    return str(status)


def status_label(code: str) -> str:
    labels = {
        "valid": _("有效"),
        "expiring": _("即将到期"),
        "expired": _("已过期"),
        "suspended": _("已中止"),
        "revoked": _("已撤销"),
        "superseded": _("已被替代"),
    }
    return labels.get(code, code)


def status_badge(code: str) -> str:
    return STATUS_WORDS.get(code, (code, "badge-gray"))[1]


def holder_id_masked(licence: Licence) -> str:
    """A person's ID number masked; an organisation's credit code is public and shown whole."""
    if licence.holder_organisation_id is not None:
        return licence.holder_id_number
    return mask_id_number(licence.holder_id_number)


def data_rows(licence: Licence) -> list[tuple[str, object]]:
    """照面信息 as (label, value), in the order the licence type defines its fields."""
    data = licence.data or {}
    labels = {f.get("name"): f.get("label") or f.get("name") for f in licence.licence_type.fields}
    rows = [(labels[name], data[name]) for name in labels if name in data]
    rows += [(name, value) for name, value in data.items() if name not in labels]
    return rows


def staff_name(user) -> str:
    """Who used a licence, as the holder sees it: the staff member's name, never an ID."""
    if user is None:
        return _("系统")
    return user.real_name or _("工作人员")


# -- the department's side ------------------------------------------------------------------------
def acts_for(user, department: Department) -> bool:
    """`user` handles applications for `department`: a reviewer or approver of it, or a counter
    clerk of its region (综合窗口 receive for every department there, 受办分离)."""
    if department is None:
        return False
    return any(
        policies.holds_role(user, role, department.region, department.pk) for role in USING_ROLES
    )


def staff_departments_q(user) -> Q:
    """A Department filter for the departments `user` acts for (see `acts_for`)."""
    if not policies.is_signed_in(user):
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for grant in policies.active_grants(user, USING_ROLES):
        part = policies.scope_q([grant])
        if grant.role in DEPARTMENT_ROLES:
            part &= Q(pk=grant.department_id)
        q |= part
    return q


def staff_departments(user) -> QuerySet[Department]:
    return Department.objects.filter(staff_departments_q(user)).select_related("region")


def live_shares() -> QuerySet[LicenceShare]:
    """Grants not withdrawn and not past their end date, of licences valid today (a share ends
    in effect when its licence is suspended, revoked, superseded or expires)."""
    today = timezone.localdate()
    return LicenceShare.objects.filter(
        revoked_at__isnull=True, expires_on__gte=today, licence__status=LicenceStatus.VALID
    ).filter(Q(licence__valid_until__isnull=True) | Q(licence__valid_until__gte=today))


def shared_with(department: Department) -> QuerySet[LicenceShare]:
    """Licences shared with one department now, newest first."""
    return (
        live_shares()
        .filter(department=department)
        .select_related("licence", "licence__licence_type", "licence__issuer", "department")
        .order_by("-created_at", "-pk")
    )


def shared_with_staff(user) -> QuerySet[LicenceShare]:
    """Live shares with any department `user` acts for (the "shared with me" list)."""
    if not policies.is_signed_in(user):
        return LicenceShare.objects.none()
    departments = Department.objects.filter(staff_departments_q(user)).values("pk")
    return (
        live_shares()
        .filter(department_id__in=departments)
        .select_related("licence", "licence__licence_type", "licence__issuer", "department")
        .order_by("-created_at", "-pk")
    )


# Staff see the licence a use gave them for this long; afterwards they state a purpose again.
USE_WINDOW = dt.timedelta(hours=1)


def use_for_staff(user, pk) -> LicenceUse:
    """A use `user` recorded within the last hour (what lets them see and download the PDF);
    Http404 otherwise."""
    try:
        user_id = getattr(user, "pk", None)
        if user_id is None:  # not signed in: no use is theirs
            raise LicenceUse.DoesNotExist
        use = LicenceUse.objects.select_related(
            "licence", "licence__licence_type", "licence__issuer", "department"
        ).get(pk=int(pk), user_id=user_id)
    except (LicenceUse.DoesNotExist, TypeError, ValueError):
        raise Http404(_("用证记录不存在")) from None
    if use.at < timezone.now() - USE_WINDOW:
        raise Http404(_("查看期限已过，请重新说明用途后查看"))
    return use


def department_choices(query: str = "", *, near: Department | None = None, limit: int = 100):
    """Departments for the share form's picker: by name (or short name) when searched, else
    those of `near`'s region and the regions above it."""
    qs = Department.objects.select_related("region").order_by("region__code", "name")
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    elif near is not None:
        regions = []
        region: Region | None = near.region
        while region is not None:
            regions.append(region.pk)
            region = region.parent
        qs = qs.filter(region_id__in=regions)
    return list(qs[:limit])


# -- staff reads of issued licences -------------------------------------------------------------
def can_read_licence(user, licence: Licence) -> bool:
    """Staff of the issuing department (clerks of its region), supervisors of the region."""
    return policies.can_read_scoped(
        user, department_id=licence.issuer_id, region=licence.issuer.region
    )


def can_manage_licence(user, licence: Licence) -> bool:
    """Approvers (审批负责人) of the issuing department change, renew, suspend, resume, revoke."""
    return policies.holds_role(user, Role.APPROVER, licence.issuer.region, licence.issuer_id)


def staff_licences(user) -> QuerySet[Licence]:
    """Licences `user` may read as staff (can_read_licence, as a filter)."""
    qs = Licence.objects.select_related("licence_type", "issuer", "issuer__region")
    if not policies.is_signed_in(user):
        return qs.none()
    if user.is_superuser:
        return qs
    q = Q(pk__in=[])
    for grant in policies.active_grants(user, policies.CASE_ROLES | {Role.SUPERVISOR}):
        part = policies.scope_q([grant], path="issuer__region")
        if grant.role in DEPARTMENT_ROLES:
            part &= Q(issuer_id=grant.department_id)
        q |= part
    return qs.filter(q)


def renewal_state(licence: Licence) -> dict:
    """For the holder's page: the pending renewal application, or whether one may be filed now
    (延续: from 30 days before the end date up to it)."""
    pending = licence.renewals.select_related("case").first()
    if pending is not None:
        return {"case": pending.case}
    if licence.valid_until is None or licence.effective_status() != LicenceStatus.VALID:
        return {}
    opens = licence.renewal_opens_on
    assert opens is not None  # valid_until is set
    return {"opens": opens, "open_now": opens <= timezone.localdate() <= licence.valid_until}
