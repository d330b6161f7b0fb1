"""Authorization, written once: who may read or change what. Plain functions, no requests.

Every API endpoint and page asks these functions; tests/accounts/test_matrix.py holds the
whole table. The rules:

- Anonymous users read published catalog items and nothing else.
- Applicants read and act on their own records, and on those of an organisation they
  currently represent (legal representative or authorised agent).
- Counter clerks, reviewers and approvers read and change records within the region of
  their grant (its subtree when the grant covers it); reviewers and approvers only those of
  their own department. Supervisors read every department's records in their region (or
  subtree) and change nothing. Catalog and system administrators see no cases.
- Catalog administrators (and system administrators, as catalog administrators) change
  items of their own region and level: the grant's region and the level of that region,
  or the whole subtree and every level below when the grant covers the subtree. Items of
  分级管理 (tiered) level belong to whoever holds their region.
- Personal data is shown masked to staff who handle people; in full only to the person,
  system administrators, staff with a current personal-data grant, and counter clerks
  while verifying someone at the counter.
- Superusers may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone

from govserve.catalog.models import ImplementationItem, ItemState
from govserve.regions.models import AdministrativeLevel, Region, level_for_region

from .models import (
    DEPARTMENT_ROLES,
    AccountType,
    PersonalDataGrant,
    Representation,
    Role,
    RoleGrant,
)

CASE_ROLES = {Role.COUNTER_CLERK, Role.REVIEWER, Role.APPROVER}
CATALOG_ROLES = {Role.CATALOG_ADMIN, Role.SYSTEM_ADMIN}
PEOPLE_ROLES = {
    Role.COUNTER_CLERK,
    Role.REVIEWER,
    Role.APPROVER,
    Role.SUPERVISOR,
    Role.SYSTEM_ADMIN,
}


# -- who holds what ------------------------------------------------------------------------
def is_signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def active_grants(user, roles: Iterable[str] | None = None) -> list[RoleGrant]:
    """The user's role grants in force now (not revoked, not expired), optionally of some roles."""
    if not is_signed_in(user):
        return []
    now = timezone.now()
    qs = RoleGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now)
    )
    if roles is not None:
        qs = qs.filter(role__in=list(roles))
    return list(qs.select_related("region"))


def has_role(user, role: str) -> bool:
    return bool(active_grants(user, [role]))


def grant_covers(grant: RoleGrant, region: Region | None) -> bool:
    """A grant covers its own region, and the regions below it when it covers the subtree."""
    if region is None:
        return False
    if grant.region_id == region.pk:
        return True
    return (
        grant.covers_subtree
        and region.code.startswith(grant.region.prefix)
        and region.pk != grant.region_id
    )


def region_scope(user, role: str) -> list[RoleGrant]:
    """The grants by which `user` holds `role`; each covers `grant.region`
    (and its subtree if flagged)."""
    return active_grants(user, [role])


def scope_q(grants: Iterable[RoleGrant], path: str = "region") -> Q:
    """A filter for rows whose `path` region lies in any of the grants (path "" for regions
    themselves); matches nothing if there are no grants."""
    code, ident = (f"{path}__code", f"{path}_id") if path else ("code", "pk")
    q = Q(pk__in=[])
    for g in grants:
        q |= (
            Q(**{f"{code}__startswith": g.region.prefix})
            if g.covers_subtree
            else Q(**{ident: g.region_id})
        )
    return q


def represented_organisation_ids(user) -> set[int]:
    """Organisations the user acts for now, as legal representative or authorised agent."""
    if not is_signed_in(user):
        return set()
    now = timezone.now()
    return set(
        Representation.objects.filter(
            person_id=user.pk, revoked_at__isnull=True, valid_from__lte=now
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .values_list("organisation_id", flat=True)
    )


def is_legal_representative(user, organisation) -> bool:
    return (
        is_signed_in(user)
        and Representation.objects.filter(
            organisation=organisation,
            person_id=user.pk,
            kind=Representation.Kind.LEGAL_REPRESENTATIVE,
            revoked_at__isnull=True,
            valid_from__lte=timezone.now(),
        ).exists()
    )


# -- catalog items --------------------------------------------------------------------------
def _grant_covers_item(grant: RoleGrant, region: Region, level: int) -> bool:
    if not grant_covers(grant, region):
        return False
    own = level_for_region(grant.region)
    if level == AdministrativeLevel.TIERED:
        return True
    return level == own or (grant.covers_subtree and level > own)


def can_change_item(user, item: ImplementationItem) -> bool:
    """Catalog administrators of the item's region and level (system administrators too)."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return any(
        _grant_covers_item(g, item.region, item.exercise_level)
        for g in active_grants(user, CATALOG_ROLES)
    )


def can_read_item(user, item: ImplementationItem) -> bool:
    return item.state == ItemState.PUBLISHED or can_change_item(user, item)


def changeable_items_q(user) -> Q:
    """Filter for the items `user` may change (for querysets of ImplementationItem)."""
    if is_signed_in(user) and user.is_superuser:
        return Q()
    q = Q(pk__in=[])
    for g in active_grants(user, CATALOG_ROLES):
        own = level_for_region(g.region)
        if g.covers_subtree:
            q |= Q(region__code__startswith=g.region.prefix, exercise_level__gte=own)
        else:
            q |= Q(region_id=g.region_id, exercise_level__in=[own, AdministrativeLevel.TIERED])
    return q


def visible_items_queryset(user, queryset=None):
    queryset = ImplementationItem.objects.all() if queryset is None else queryset
    if is_signed_in(user) and user.is_superuser:
        return queryset
    return queryset.filter(Q(state=ItemState.PUBLISHED) | changeable_items_q(user))


def can_define_for(user, region: Region | None) -> bool:
    """Catalog administrators of `region` at its own level (a subtree grant above it too) may
    define what that region's authorities own (licence types); `None` — national, or a region
    not in the tree — only superusers (national administrators)."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    if region is None:
        return False
    level = level_for_region(region)
    return any(_grant_covers_item(g, region, level) for g in active_grants(user, CATALOG_ROLES))


def can_administer_region(user, region: Region | None) -> bool:
    """System administrators of the region (departments, halls, staff and their roles there)."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return any(grant_covers(g, region) for g in active_grants(user, [Role.SYSTEM_ADMIN]))


# -- scoped records (cases and the like) -------------------------------------------------------
def _applicant_may(user, owner_id, organisation_id) -> bool:
    if owner_id is not None and owner_id == user.pk:
        return True
    return organisation_id is not None and organisation_id in represented_organisation_ids(user)


def _staff_grant_covers(grant: RoleGrant, department_id, region) -> bool:
    if not grant_covers(grant, region):
        return False
    return grant.role not in DEPARTMENT_ROLES or grant.department_id == department_id


def holds_role(user, role: str, region, department_id=None) -> bool:
    """`user` holds `role` covering `region` and, for a department role, `department_id`."""
    if not is_signed_in(user):
        return False
    if user.is_superuser:
        return True
    return any(_staff_grant_covers(g, department_id, region) for g in active_grants(user, [role]))


def can_read_scoped(user, *, department_id, region, owner_id=None, organisation_id=None) -> bool:
    """Read a record that belongs to a department and region and, for applicants, an owner."""
    if not is_signed_in(user):
        return False
    if user.is_superuser or _applicant_may(user, owner_id, organisation_id):
        return True
    for grant in active_grants(user, CASE_ROLES | {Role.SUPERVISOR}):
        if grant.role == Role.SUPERVISOR and grant_covers(grant, region):
            return True
        if grant.role in CASE_ROLES and _staff_grant_covers(grant, department_id, region):
            return True
    return False


def can_change_scoped(user, *, department_id, region, owner_id=None, organisation_id=None) -> bool:
    """Act on such a record: its applicant (or representative),
    or the staff handling it; not supervisors."""
    if not is_signed_in(user):
        return False
    if user.is_superuser or _applicant_may(user, owner_id, organisation_id):
        return True
    return any(
        _staff_grant_covers(g, department_id, region) for g in active_grants(user, CASE_ROLES)
    )


# -- people and their personal data -------------------------------------------------------------
def can_manage_staff(admin, staff) -> bool:
    """System administrators manage staff accounts whose home region they cover."""
    if not is_signed_in(admin) or staff.account_type != AccountType.STAFF:
        return False
    return admin.is_superuser or (
        staff.region_id is not None and can_administer_region(admin, staff.region)
    )


def can_view_person(viewer, subject) -> bool:
    """See someone's profile, masked: the person, superusers, staff who handle people."""
    if not is_signed_in(viewer):
        return False
    if viewer.pk == subject.pk or viewer.is_superuser:
        return True
    if subject.account_type == AccountType.STAFF:
        return can_manage_staff(viewer, subject)
    return bool(active_grants(viewer, PEOPLE_ROLES))


def has_personal_data_grant(user) -> bool:
    return (
        is_signed_in(user)
        and PersonalDataGrant.objects.filter(
            user_id=user.pk, valid_until__gt=timezone.now()
        ).exists()
    )


def can_view_full_personal_data(viewer, subject, *, verifying: bool = False) -> bool:
    """See an ID number or phone number in full.
    Every such view is recorded (selectors.reveal_personal_data)."""
    if not is_signed_in(viewer):
        return False
    if viewer.pk == subject.pk or viewer.is_superuser:
        return True
    if subject.account_type == AccountType.STAFF and not can_manage_staff(viewer, subject):
        return False
    if has_role(viewer, Role.SYSTEM_ADMIN) or has_personal_data_grant(viewer):
        return True
    return (
        verifying
        and subject.account_type == AccountType.PERSON
        and has_role(viewer, Role.COUNTER_CLERK)
    )


def meets_assurance(user, item: ImplementationItem) -> bool:
    """Whether the applicant's real-name level reaches the item's minimum (实名认证等级)."""
    return is_signed_in(user) and user.assurance_level >= item.min_assurance_level
