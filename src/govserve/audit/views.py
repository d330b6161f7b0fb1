"""Archive pages (电子档案): a case's archive package as one zip; the public checkpoints.

The applicant of the case and staff who may see it (cases.permissions via
`cases.selectors.get_visible_case`) download it; a staff download is recorded as a read of the
applicant's personal data, like the case pages.

The archive chain's signed checkpoints (档案链校验点) are public, no login: the latest on a page,
all of them as the JSON lines of the checkpoint file, so anyone can keep a copy and later run
`govserve verify_archive --checkpoints <copy>` (or check them with OpenSSL) against the archive.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from govserve.cases import permissions
from govserve.cases import selectors as case_selectors
from govserve.cases.models import Case
from govserve.core.pages import account_required, page
from govserve.signing.models import Algorithm

from . import checkpoints, selectors
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
    case = case_selectors.get_visible_case(request.user, case_id)
    if case is None:
        raise Http404(_("办件不存在"))
    if not permissions.is_case_applicant(request.user, case):
        case_selectors.log_personal_data_read(request.user, case, channel="page:archive")
    return package_response(case)


@require_http_methods(["GET", "HEAD"])
def checkpoint_list(request: HttpRequest) -> HttpResponse:
    """档案链校验点: the latest signed checkpoints and how to check them."""
    rows = list(selectors.latest_checkpoints())
    return page(
        request,
        "audit/checkpoints.html",
        {
            "checkpoints": rows,
            "algorithm": Algorithm.SM2,
            "format": checkpoints.FORMAT,
            "distid": checkpoints.DISTINGUISHING_ID,
        },
    )


@require_http_methods(["GET", "HEAD"])
def checkpoint_file(request: HttpRequest) -> StreamingHttpResponse:
    """Every checkpoint line, oldest first (the checkpoint file's format)."""
    response = StreamingHttpResponse(
        selectors.checkpoint_lines(), content_type="application/jsonl; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="archive-checkpoints.jsonl"'
    return response
