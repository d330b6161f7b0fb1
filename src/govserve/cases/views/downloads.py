"""Downloads of a case's documents and material files, for those who may see the case."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _

from govserve.core.pages import account_required

from .. import permissions, selectors
from ._common import _case_or_404


def _file(field_file, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("文件不存在")) from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@account_required
def document_download(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    case = _case_or_404(request, pk)
    document = case.documents.filter(pk=doc).first()
    if document is None or not document.file:
        raise Http404(_("文书不存在或尚未生成 PDF"))
    return _file(document.file, f"{document.number}.pdf", "application/pdf")


@account_required
def material_download(request: HttpRequest, pk: int, material_pk: int) -> FileResponse:
    case = _case_or_404(request, pk)
    cm = case.materials.filter(pk=material_pk).first()
    if cm is None or not cm.file:
        raise Http404(_("材料不存在"))
    if not permissions.is_case_applicant(request.user, case):
        selectors.log_personal_data_read(request.user, case, channel="page:material")
    return _file(
        cm.file, cm.original_name or "material", cm.content_type or "application/octet-stream"
    )
