"""Public files of the platform certificate authority: root certificates and revocation lists
(证书吊销列表), fetched by anyone who checks a signature (the CRL address is in every
department certificate)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import pki
from .models import Algorithm, Certificate, CertificateRole


def _root_or_404(algorithm: str) -> Certificate:
    if algorithm not in Algorithm.values:
        raise Http404(_("不支持的签名算法"))
    # Only an existing root: a public GET never makes keys.
    if not Certificate.objects.filter(role=CertificateRole.ROOT, algorithm=algorithm).exists():
        raise Http404(_("平台尚未建立该算法的根证书"))
    return pki.root_certificate(algorithm)


@require_GET
def crl(request: HttpRequest, algorithm: str) -> HttpResponse:
    """The algorithm's CRL, DER (RFC 5280; media type per RFC 2585)."""
    _root_or_404(algorithm)
    response = HttpResponse(pki.crl_der(algorithm), content_type="application/pkix-crl")
    response["Content-Disposition"] = f'attachment; filename="govserve-{algorithm}.crl"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def root_certificate(request: HttpRequest, algorithm: str) -> HttpResponse:
    """The algorithm's platform root certificate, DER."""
    root = _root_or_404(algorithm)
    response = HttpResponse(pki.certificate_der(root), content_type="application/pkix-cert")
    response["Content-Disposition"] = f'attachment; filename="govserve-root-{algorithm}.crt"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
