"""The platform CA's public information (证书公开信息), no login:

* ``GET /api/licences/ca/`` — the root certificates and department certificates: subject,
  algorithm, serial, validity, retired/revoked state, the certificate PEM (public) and where to
  fetch the roots and CRLs. Never a key. Thin: everything is read from `pki`'s rows.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import pki
from .models import Certificate, CertificateRole

TAG = ["licences: certificate authority"]


class CertificateSerializer(serializers.ModelSerializer):
    """A certificate's public fields (the wrapped key and its label are never exposed)."""

    department = serializers.CharField(source="department.name", default="")
    department_uscc = serializers.CharField(source="department.uscc", default="")
    issuer_serial = serializers.CharField(source="issuer.serial_number", default="")
    in_use = serializers.BooleanField(read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "role",
            "algorithm",
            "serial_number",
            "subject",
            "department",
            "department_uscc",
            "issuer_serial",
            "not_before",
            "not_after",
            "retired_at",
            "revoked_at",
            "revocation_reason",
            "in_use",
            "pem",
        ]


class RootSerializer(CertificateSerializer):
    crl_url = serializers.SerializerMethodField()
    certificate_url = serializers.SerializerMethodField()

    class Meta(CertificateSerializer.Meta):
        fields = [*CertificateSerializer.Meta.fields, "crl_url", "certificate_url"]

    def get_crl_url(self, cert: Certificate) -> str:
        return pki.crl_url(cert.algorithm)

    def get_certificate_url(self, cert: Certificate) -> str:
        return pki.root_certificate_url(cert.algorithm)


class AuthorityView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(
        tags=TAG,
        summary="Platform root and department certificates (public)",
        responses={
            200: inline_serializer(
                "CertificateAuthority",
                {
                    "roots": RootSerializer(many=True),
                    "certificates": CertificateSerializer(many=True),
                },
            )
        },
    )
    def get(self, request: Request) -> Response:
        rows = Certificate.objects.select_related("department", "issuer").order_by(
            "role", "algorithm", "department__name", "-created_at"
        )
        roots = [c for c in rows if c.role == CertificateRole.ROOT]
        others = [c for c in rows if c.role != CertificateRole.ROOT]
        return Response(
            {
                "roots": RootSerializer(roots, many=True).data,
                "certificates": CertificateSerializer(others, many=True).data,
            }
        )


urlpatterns = [
    path("ca/", AuthorityView.as_view(), name="licence-ca"),
]
