"""Who supervises what (监察范围), from role grants.

A supervisor's grant names a region (and its subtree when `covers_subtree`) and, optionally, a
department: with a department the supervisor sees only that department's records there. The
same `Scope` serves the department side (reviewers and approvers, whose grants always name a
department): the staff who reply to 督办 notices, rectify bad ratings and handle tickets.

`Scope.q()` filters any queryset with a region and a department foreign key; `covers()` asks
about one record. A superuser's scope is everything; no grant, nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from govserve.accounts import policies
from govserve.accounts.models import Role, RoleGrant
from govserve.regions.models import Region

SUPERVISOR_ROLES = (Role.SUPERVISOR,)
DEPARTMENT_ROLES = (Role.REVIEWER, Role.APPROVER)


@dataclass(frozen=True)
class Scope:
    grants: tuple[RoleGrant, ...]
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.grants)

    def q(self, region: str = "region", department: str = "department") -> Q:
        """Rows whose `region` lies in a grant and, where the grant names a department, whose
        `department` is that one. Matches nothing without grants."""
        if self.everything:
            return Q()
        q = Q(pk__in=[])
        for grant in self.grants:
            where = (
                Q(**{f"{region}__code__startswith": grant.region.prefix})
                if grant.covers_subtree
                else Q(**{f"{region}_id": grant.region_id})
            )
            if grant.department_id is not None:
                where &= Q(**{f"{department}_id": grant.department_id})
            q |= where
        return q

    def covers(self, region: Region | None, department_id: int | None = None) -> bool:
        if self.everything:
            return True
        return any(
            policies.grant_covers(grant, region)
            and (grant.department_id is None or grant.department_id == department_id)
            for grant in self.grants
        )

    @property
    def regions(self) -> list[Region]:
        """The regions named by the grants (the roots of the scope), without repeats."""
        seen: dict[int, Region] = {}
        for grant in self.grants:
            seen.setdefault(grant.region_id, grant.region)
        return list(seen.values())


def scope_for(user, roles: Iterable[str]) -> Scope:
    if not policies.is_signed_in(user):
        return Scope(())
    if user.is_superuser:
        return Scope((), everything=True)
    return Scope(tuple(policies.active_grants(user, roles)))


def supervisor_scope(user) -> Scope:
    """What `user` supervises (监察人员 grants)."""
    return scope_for(user, SUPERVISOR_ROLES)


def department_scope(user) -> Scope:
    """What `user` handles for a department (审查人员 and 审批负责人 grants)."""
    return scope_for(user, DEPARTMENT_ROLES)
