"""Pages of the licences app, namespace ``licences``: public verification (/verify/…), the
applicant's licence wallet (/licences/…), staff lifecycle pages, the CA's public files, archive
packages."""

from . import urls_archive, urls_lifecycle, urls_pki, urls_public, urls_wallet

app_name = "licences"
urlpatterns = [
    *urls_public.urlpatterns,
    *urls_wallet.urlpatterns,
    *urls_lifecycle.urlpatterns,
    *urls_pki.urlpatterns,
    *urls_archive.urlpatterns,
]
