from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.static import serve

admin.site.site_header = _("GovServe 政务服务平台管理")
admin.site.site_title = _("GovServe 管理")
admin.site.index_title = _("目录与机构管理")

# An /api/ address that names nothing answers JSON, as the API's other 404s do.
handler404 = "govserve.api.errors.not_found"

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", include("govserve.api.urls")),
    path("accounts/", include("govserve.accounts.urls")),
    path("workcalendar/", include("govserve.workcalendar.urls")),
    path("workflow/", include("govserve.workflow.urls")),
    # Licences: /verify/… (public), /licences/… (wallet, staff).
    path("", include("govserve.licences.urls")),
    # The platform CA's public files: /licences/ca/<algorithm>.crt|.crl.
    path("", include("govserve.signing.urls")),
    # Case archive packages: /cases/<id>/archive.zip.
    path("", include("govserve.audit.urls")),
    # Applications (办件): /cases/… for applicants, /counter/… for the 综合窗口.
    path("", include("govserve.cases.urls")),
    # OpenID Connect provider: /o/… endpoints and /.well-known/openid-configuration.
    path("", include("govserve.accounts.oidc_urls")),
    # Supervision: /supervision/… (workbench, 督办), /ratings/…, /tickets/…, /statistics/….
    path("supervision/", include("govserve.supervision.urls")),
    path("supervision/", include("govserve.supervision.escalation.urls")),
    path("ratings/", include("govserve.supervision.ratings.urls")),
    path("tickets/", include("govserve.supervision.tickets.urls")),
    path("statistics/", include("govserve.supervision.stats.urls")),
    path("", include("govserve.portal.urls")),
]

# Only the public catalog samples (blank forms, filled samples, result samples) are plain
# files. Case materials and documents are personal data: they are served only through the
# views that check who may see them and log the access — never from /media/.
if settings.DEBUG:
    urlpatterns += [
        re_path(r"^media/(?P<path>samples/.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]
