"""Archive pages (电子档案): a case's archive package as one zip.

The applicant of the case and staff who may see it (cases.permissions via
`cases.selectors.get_visible_case`) download it; a staff download is recorded as a read of the
applicant's personal data, like the case pages.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from govserve.cases import permissions, selectors
from govserve.cases.models import Case
from govserve.core.pages import account_required

from .archive import case_package


def package_filename(case: Case) -> str:
    return f"case-{case.number or case.pk}-archive.zip"


def package_response(case: Case) -> HttpResponse:
    response = HttpResponse(case_package(case), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package_filename(case)}"'
    return response


@never_cache
@account_required
def case_archive(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.get_visible_case(request.user, case_id)
    if case is None:
        raise Http404(_("办件不存在"))
    if not permissions.is_case_applicant(request.user, case):
        selectors.log_personal_data_read(request.user, case, channel="page:archive")
    return package_response(case)
