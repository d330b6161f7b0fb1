"""Reads for accounts: people in a viewer's scope, and the one way to see personal data in full."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from . import policies
from .models import (
    AccountType,
    Organisation,
    PersonalDataAccess,
    Representation,
    Role,
    RoleGrant,
    User,
)


@dataclass(frozen=True)
class PersonalData:
    id_number: str
    mobile: str


@transaction.atomic
def reveal_personal_data(
    viewer: User, subject: User, *, reason: str, channel: str = "page", verifying: bool = False
) -> PersonalData:
    """The subject's full ID and mobile numbers, if the policy allows; each view is recorded.

    Raises PermissionDenied (nothing recorded) when the viewer may not see them, and
    ValidationError when no reason is given.
    """
    reason = (reason or "").strip()
    if not policies.can_view_full_personal_data(viewer, subject, verifying=verifying):
        raise PermissionDenied(_("您无权查看该用户的完整个人信息"))
    if not reason:
        raise ValidationError({"reason": [_("请说明查看理由")]})
    fields = [name for name in ("id_number", "mobile") if getattr(subject, name)]
    PersonalDataAccess.objects.create(
        viewer=viewer,
        subject=subject,
        fields=",".join(fields) or "-",
        reason=reason[:300],
        channel=channel[:20],
    )
    return PersonalData(id_number=subject.id_number or "", mobile=subject.mobile or "")


def organisations_of(user: User) -> QuerySet[Organisation]:
    """Organisations the user currently acts for, with how."""
    return Organisation.objects.filter(
        pk__in=policies.represented_organisation_ids(user)
    ).select_related("region")


def current_representations(organisation: Organisation) -> QuerySet[Representation]:
    now = timezone.now()
    return (
        Representation.objects.filter(
            organisation=organisation, revoked_at__isnull=True, valid_from__lte=now
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("person")
        .order_by("kind", "valid_from")
    )


def staff_in_scope(admin: User) -> QuerySet[User]:
    """Staff accounts whose home region a system administrator covers (all, for superusers)."""
    staff = User.objects.filter(account_type=AccountType.STAFF).select_related(
        "region", "department"
    )
    if policies.is_signed_in(admin) and admin.is_superuser:
        return staff
    grants = policies.active_grants(admin, [Role.SYSTEM_ADMIN])
    return staff.filter(policies.scope_q(grants)) if grants else staff.none()


def grants_in_scope(admin: User) -> QuerySet[RoleGrant]:
    """Role grants in the regions a system administrator covers (all, for superusers)."""
    qs = RoleGrant.objects.select_related("user", "region", "department", "granted_by")
    if policies.is_signed_in(admin) and admin.is_superuser:
        return qs
    grants = policies.active_grants(admin, [Role.SYSTEM_ADMIN])
    return qs.filter(policies.scope_q(grants)) if grants else qs.none()


def find_citizen(identifier: str) -> User | None:
    """A registered citizen by resident ID number or mobile number (exact)."""
    value = (identifier or "").strip().upper()
    if not value:
        return None
    return (
        User.objects.filter(account_type=AccountType.PERSON, is_active=True)
        .filter(Q(id_number=value) | Q(mobile=value))
        .first()
    )
