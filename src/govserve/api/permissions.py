"""API permissions: the public reads the published catalog and the division tree; every write
is decided by `govserve.accounts.policies`.

`ScopedWrites` is the default permission class (settings.REST_FRAMEWORK). Apps below
accounts (catalog, regions) cannot import the policies, so their views ask through DRF:
`view.check_object_permissions(request, obj)` on the record being changed — or, for a record
still to be created, on an unsaved instance carrying its region (and level) — and this class
answers with the policy for that kind of record:

- catalog items: `can_change_item` (catalog administrators of the item's region and level);
- the search dictionary: any catalog administrator;
- departments, halls and regions: `can_administer_region` (system administrators);
- anything else: superusers only.
"""

from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from govserve.accounts import policies
from govserve.accounts.models import Role
from govserve.catalog.models import ImplementationItem, SearchSynonym
from govserve.regions.models import Department, Region, ServiceHall

REGION_MODELS = (Department, ServiceHall, Region)


def _model(view):
    queryset = getattr(view, "queryset", None)
    # Views without a queryset (the catalog import) write catalog items.
    return queryset.model if queryset is not None else ImplementationItem


class ScopedWrites(BasePermission):
    """Reads are public; writes need a role whose grant covers the record (or a superuser)."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not policies.is_signed_in(user):
            return False
        if user.is_superuser:
            return True
        model = _model(view)
        if issubclass(model, ImplementationItem | SearchSynonym):
            allowed = bool(policies.active_grants(user, policies.CATALOG_ROLES))
            self.message = _("仅事项目录管理员可以维护事项目录")
        elif issubclass(model, REGION_MODELS):
            allowed = policies.has_role(user, Role.SYSTEM_ADMIN)
            self.message = _("仅系统管理员可以维护部门和大厅")
        else:
            allowed = False
        return allowed

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if isinstance(obj, ImplementationItem):
            self.message = _(
                "您无权维护“%(region)s”的%(level)s事项：超出您的目录管理区划或层级"
            ) % {
                "region": obj.region.full_name or obj.region.name,
                "level": obj.get_exercise_level_display(),
            }
            return policies.can_change_item(user, obj)
        if isinstance(obj, REGION_MODELS):
            region = obj if isinstance(obj, Region) else obj.region
            self.message = _("您无权维护“%(region)s”的部门和大厅：超出您的管理区划") % {
                "region": region.full_name or region.name
            }
            return policies.can_administer_region(user, region)
        return self.has_permission(request, view)


# The name settings used before accounts arrived.
ReadOnlyOrCatalogAdmin = ScopedWrites
