"""Pages of the licences app, namespace ``licences``: public verification (/verify/…), the
applicant's licence wallet (/licences/…), staff lifecycle pages, archive packages."""

from . import urls_archive, urls_lifecycle, urls_public

app_name = "licences"
urlpatterns = [*urls_public.urlpatterns, *urls_lifecycle.urlpatterns, *urls_archive.urlpatterns]
