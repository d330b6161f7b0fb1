from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from govserve.accounts import api as accounts_api
from govserve.cases import api as cases_api
from govserve.catalog import api as catalog_api
from govserve.regions.api import DepartmentViewSet, RegionViewSet, ServiceHallViewSet
from govserve.workcalendar import api as workcalendar_api
from govserve.workflow import api as workflow_api

router = DefaultRouter()
router.register("items", catalog_api.ItemViewSet, basename="item")
router.register("basic-items", catalog_api.BasicItemViewSet, basename="basic-item")
router.register("bundles", catalog_api.BundleViewSet, basename="bundle")
router.register("negative-list", catalog_api.NegativeListViewSet, basename="negative-list")
router.register("synonyms", catalog_api.SynonymViewSet, basename="synonym")
router.register("regions", RegionViewSet, basename="region")
router.register("departments", DepartmentViewSet, basename="department")
router.register("halls", ServiceHallViewSet, basename="hall")
router.register(
    r"accounts/organisations/(?P<organisation_pk>\d+)/agents",
    accounts_api.AgentViewSet,
    basename="organisation-agent",
)
router.register("accounts/staff", accounts_api.StaffViewSet, basename="staff")
router.register("accounts/role-grants", accounts_api.RoleGrantViewSet, basename="role-grant")
router.register("accounts/data-grants", accounts_api.DataGrantViewSet, basename="data-grant")
router.register("accounts/users", accounts_api.UserViewSet, basename="account-user")
router.register("workflow/tasks", workflow_api.TaskViewSet, basename="workflow-task")
router.register("workflow/processes", workflow_api.ProcessViewSet, basename="workflow-process")
# Drafts before cases: /api/cases/drafts/ is not a case id (case ids are digits anyway).
router.register("cases/drafts", cases_api.DraftViewSet, basename="case-draft")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("notifications", cases_api.NotificationViewSet, basename="notification")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with its start-up script as a file (?script) and no inline style: the page
    # keeps the site's Content-Security-Policy (script-src and style-src 'self').
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("catalog/import/", catalog_api.ImportView.as_view(), name="catalog-import"),
    path("catalog/export/", catalog_api.ExportView.as_view(), name="catalog-export"),
    path("lists/power/", catalog_api.PowerListView.as_view(), name="power-list"),
    path(
        "lists/responsibility/",
        catalog_api.ResponsibilityListView.as_view(),
        name="responsibility-list",
    ),
    path("lists/ledger/", catalog_api.LedgerView.as_view(), name="reform-ledger"),
    path("statistics/catalog/", catalog_api.StatisticsView.as_view(), name="catalog-statistics"),
    path("search/", include("govserve.catalog.search.urls")),
    path("supervision/", include("govserve.supervision.api")),
    path("supervision/", include("govserve.supervision.escalation.api")),
    path("ratings/", include("govserve.supervision.ratings.api")),
    path("tickets/", include("govserve.supervision.tickets.api")),
    path("statistics/", include("govserve.supervision.stats.api")),
    path("licences/", include("govserve.licences.api.urls")),
    path("licences/", include("govserve.signing.api")),  # ca/
    path("licences/", include("govserve.audit.api")),  # archive/
    path("accounts/register/", accounts_api.RegisterView.as_view(), name="account-register"),
    path("accounts/me/", accounts_api.MeView.as_view(), name="account-me"),
    path(
        "accounts/me/organisations/",
        accounts_api.MyOrganisationsView.as_view(),
        name="account-organisations",
    ),
    path(
        "workcalendar/due-date/",
        workcalendar_api.DueDateView.as_view(),
        name="workcalendar-due-date",
    ),
    path("workcalendar/days/", workcalendar_api.YearDaysView.as_view(), name="workcalendar-days"),
    path(
        "workcalendar/notices/", workcalendar_api.NoticeView.as_view(), name="workcalendar-notices"
    ),
    path("", include(router.urls)),
]
