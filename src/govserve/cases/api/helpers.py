"""What the cases viewsets share: looking up items, bundles,
applicants and cases; building answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from govserve.accounts.models import AccountType, Organisation, User
from govserve.accounts.validators import validate_resident_id
from govserve.catalog.models import Bundle, ImplementationItem

from .. import permissions, selectors
from ..models import Case
from ..uploads import ALLOWED_TYPES
from .serializers import CaseDetailSerializer

CASES_TAG = ["cases"]


def _item(value) -> ImplementationItem:
    value = str(value or "").strip()
    qs = ImplementationItem.objects.select_related("region", "department")
    item = None
    if value.isdigit() and len(value) < 31:
        item = qs.filter(pk=int(value)).first()
    if item is None and value:
        item = qs.filter(implementation_code=value).first()
    if item is None:
        raise ValidationError({"item": [_("事项不存在（请填写事项编号或实施编码）")]})
    return item


def _bundle(value) -> Bundle:
    bundle = (
        Bundle.objects.select_related("region", "lead_department")
        .filter(code=str(value).strip())
        .first()
    )
    if bundle is None:
        raise ValidationError({"bundle": [_("一件事不存在")]})
    return bundle


def _organisation(user, value) -> Organisation | None:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"organisation": [_("请填写单位编号")]}) from None
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({"organisation": [_("单位不存在")]})
    return organisation


def _applicant_by_id_number(value) -> User:
    try:
        id_number = validate_resident_id(value)
    except DjangoValidationError as exc:
        raise ValidationError({"applicant": exc.messages}) from None
    person = User.objects.filter(
        account_type=AccountType.PERSON, id_number=id_number, is_active=True
    ).first()
    if person is None:
        raise ValidationError(
            {
                "applicant": [
                    _("未找到该身份证号码的账户，请先为来办群众登记（姓名、身份证号码、手机号码）")
                ]
            }
        )
    return person


def _case_or_404(request, pk) -> Case:
    case = selectors.get_visible_case(request.user, pk)
    if case is None:
        raise NotFound(_("办件不存在"))
    return case


def _detail(request, case: Case, *, code: int = status.HTTP_200_OK) -> Response:
    case = Case.objects.select_related("item", "bundle", "region", "department").get(pk=case.pk)
    applicant_view = permissions.is_case_applicant(request.user, case)
    if not applicant_view:
        selectors.log_personal_data_read(request.user, case, channel="api")
    context = {"request": request, "applicant_view": applicant_view}
    return Response(CaseDetailSerializer(case, context=context).data, status=code)


def _uploads(request) -> list[tuple[int, object]]:
    uploads = []
    for name, upload in request.FILES.items():
        if not name.startswith("material_"):
            raise ValidationError({name: [_("文件字段应命名为 material_<材料要求编号>")]})
        try:
            uploads.append((int(name.removeprefix("material_")), upload))
        except ValueError:
            raise ValidationError({name: [_("文件字段应命名为 material_<材料要求编号>")]}) from None
    return sorted(uploads, key=lambda pair: pair[0])


def _file_response(field_file, filename: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound(_("文件不存在")) from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


# Downloads as they are sent: issued documents are PDF; an uploaded material keeps the type its
# upload was checked as (cases/uploads.py), octet-stream when none was recorded.
PDF_RESPONSE = {(200, "application/pdf"): OpenApiTypes.BINARY}
MATERIAL_RESPONSE = {
    (200, media_type): OpenApiTypes.BINARY
    for media_type in (*ALLOWED_TYPES, "application/octet-stream")
}
