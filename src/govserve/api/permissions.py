"""API permissions until accounts and roles arrive: the public reads, catalog staff write."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOnlyOrCatalogAdmin(BasePermission):
    """Reads are public (the catalog is published); writes need the model's Django permission."""

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if not (user and user.is_authenticated and user.is_staff):
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return user.is_superuser or user.has_perm("catalog.change_implementationitem")
        opts = queryset.model._meta
        return user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
