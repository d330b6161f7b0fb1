"""Public verification API (证照核验接口), no login:

* ``GET /api/licences/verify/?identifier=…&t=…`` — by identifier (``t``: the QR link's token);
* ``POST /api/licences/verify/`` — multipart ``file``: the licence PDF (or a signed notice or
  decision), or form/JSON ``identifier`` (+ ``t``).

Both answer 200 with the verification (whatever the verdict — read ``outcome`` and ``status``);
400 with ``{field: [message]}`` when there is nothing to verify or the file is not a PDF, 413
when it is too large. Thin: every check is in `verification`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from govserve.core.parsers import FormParser, JSONParser, MultiPartParser

from .. import verification

TAG = ["licences: verification"]
IDENTIFIER_MAX = 300


class CheckSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text="sm2_signature | signed_data | certificate | pdf_signature | seal"
    )
    name = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField()


class VerificationSerializer(serializers.Serializer):
    """Documents `Verification.to_dict()` (the answer is that dict, unchanged)."""

    outcome = serializers.CharField(
        help_text="authentic | tampered | unknown | forged_qr | invalid_identifier"
    )
    verdict = serializers.CharField(
        help_text="ok (authentic and valid) | warning (authentic, not valid now) | bad"
    )
    headline = serializers.CharField(help_text="The answer in plain words (Chinese).")
    status = serializers.CharField(
        help_text="valid | expired | suspended | revoked | superseded, or empty"
    )
    status_display = serializers.CharField()
    status_reason = serializers.CharField()
    status_changed_at = serializers.DateTimeField(allow_null=True)
    superseded_by = serializers.CharField(help_text="The newest version's identifier.")
    identifier = serializers.CharField()
    licence_type = serializers.CharField()
    number = serializers.CharField()
    issuer = serializers.CharField()
    holder_name = serializers.CharField()
    holder_id_masked = serializers.CharField(
        help_text="A person's ID number masked; an organisation's USCC in full."
    )
    issued_on = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    checks = CheckSerializer(many=True)
    document = inline_serializer(
        "VerifiedDocument",
        {
            "number": serializers.CharField(),
            "kind": serializers.CharField(),
            "kind_display": serializers.CharField(),
            "department": serializers.CharField(),
            "issued_on": serializers.DateField(),
        },
        allow_null=True,
        help_text="A signed notice or decision recognised by its file (else null).",
    )


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="The licence PDF.")
    identifier = serializers.CharField(required=False, max_length=IDENTIFIER_MAX)
    t = serializers.CharField(required=False, help_text="The QR link's token.")


def _answer(result: verification.Verification) -> Response:
    return Response(result.to_dict())


class VerifyView(APIView):
    """Anyone may verify; no authentication is read (an anonymous, unlogged check)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAG,
        summary="核验电子证照（按证照标识）",
        parameters=[
            OpenApiParameter("identifier", str, required=True, description="电子证照标识"),
            OpenApiParameter("t", str, required=False, description="二维码链接中的校验令牌"),
        ],
        responses={200: VerificationSerializer},
    )
    def get(self, request: Request) -> Response:
        identifier = str(request.query_params.get("identifier") or "").strip()
        if not identifier:
            raise ValidationError({"identifier": [_("请输入电子证照标识")]})
        if len(identifier) > IDENTIFIER_MAX:
            raise ValidationError({"identifier": [_("电子证照标识过长")]})
        return _answer(
            verification.verify_identifier(identifier, token=request.query_params.get("t"))
        )

    @extend_schema(
        tags=TAG,
        summary="核验电子证照（上传 PDF 文件）",
        request={
            "multipart/form-data": VerifyUploadSerializer,
            "application/json": VerifyUploadSerializer,
        },
        responses={200: VerificationSerializer},
    )
    def post(self, request: Request) -> Response:
        uploaded = request.FILES.get("file") if hasattr(request.FILES, "get") else None
        data = request.data if hasattr(request.data, "get") else {}
        if uploaded is not None:
            if uploaded.size is not None and uploaded.size > verification.max_upload_bytes():
                return Response({"file": [verification.too_large_message()]}, status=413)
            # LicenceError (empty, not a PDF, too large) → {"file": [...]} via the API handler.
            return _answer(verification.verify_pdf(uploaded.read()))
        if data.get("file") not in (None, ""):
            raise ValidationError({"file": [_("请以 multipart/form-data 上传文件")]})
        identifier = data.get("identifier")
        if isinstance(identifier, str) and identifier.strip():
            if len(identifier) > IDENTIFIER_MAX:
                raise ValidationError({"identifier": [_("电子证照标识过长")]})
            token = data.get("t")
            return _answer(
                verification.verify_identifier(
                    identifier, token=token if isinstance(token, str) else None
                )
            )
        raise ValidationError({"file": [_("请上传电子证照 PDF 文件，或填写电子证照标识")]})
