"""REST routes under /api/licences/ (no namespace, like the other API routes)."""

from . import api_archive, api_lifecycle, api_pki, api_public, api_wallet

urlpatterns = [
    *api_public.urlpatterns,
    *api_wallet.urlpatterns,
    *api_lifecycle.urlpatterns,
    *api_pki.urlpatterns,
    *api_archive.urlpatterns,
]
