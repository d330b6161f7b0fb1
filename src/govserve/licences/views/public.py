"""Public verification pages (证照核验): no login, no JavaScript.

* ``/verify/`` — enter an identifier (GET ``?identifier=``) or upload the PDF (POST, multipart);
* ``/verify/<identifier>/?t=<token>`` — where the licence's QR code leads.

Thin: every check is in `verification`. Nothing is recorded — the page is anonymous.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .. import verification
from ..errors import LicenceError

IDENTIFIER_MAX = 300


class VerifyForm(forms.Form):
    identifier = forms.CharField(
        label=gettext_lazy("电子证照标识"),
        required=False,
        max_length=IDENTIFIER_MAX,
        help_text=gettext_lazy("印在证照二维码下方，如 1.2.156.3005.2.…"),
    )
    file = forms.FileField(
        label=gettext_lazy("电子证照 PDF 文件"),
        required=False,
        help_text=gettext_lazy("从本平台下载的原始 PDF 文件"),
    )


def _form_page(request: HttpRequest, form: VerifyForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "licences/verify/form.html",
        {"form": form, "max_mb": verification.max_upload_bytes() // (1024 * 1024)},
        status=status,
    )


def _result_page(request: HttpRequest, result: verification.Verification) -> HttpResponse:
    return render(
        request,
        "licences/verify/result.html",
        {
            "result": result,
            "form": VerifyForm(initial={"identifier": result.identifier}),
            "max_mb": verification.max_upload_bytes() // (1024 * 1024),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The form; with an identifier or a file, the answer."""
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
    elif "identifier" in request.GET:
        form = VerifyForm(request.GET)
    else:
        return _form_page(request, VerifyForm())
    if not form.is_valid():
        return _form_page(request, form, status=400)
    uploaded = form.cleaned_data.get("file")
    identifier = (form.cleaned_data.get("identifier") or "").strip()
    if uploaded is not None:
        return _verify_upload(request, form, uploaded)
    if identifier:
        return _result_page(request, verification.verify_identifier(identifier))
    form.add_error(None, _("请输入电子证照标识，或上传电子证照 PDF 文件"))
    return _form_page(request, form, status=400)


def _verify_upload(request: HttpRequest, form: VerifyForm, uploaded) -> HttpResponse:
    # Refuse by the size the upload handler saw, before reading it into memory.
    if uploaded.size is not None and uploaded.size > verification.max_upload_bytes():
        form.add_error("file", verification.too_large_message())
        return _form_page(request, form, status=413)
    try:
        result = verification.verify_pdf(uploaded.read())
    except LicenceError as exc:
        form.add_error("file", exc.message)
        return _form_page(request, form, status=exc.status)
    return _result_page(request, result)


@require_http_methods(["GET", "HEAD"])
def verify_identifier(request: HttpRequest, identifier: str) -> HttpResponse:
    """Where the QR code leads: the identifier in the path, the platform's token in ``?t=``."""
    token = request.GET.get("t")
    return _result_page(
        request, verification.verify_identifier(identifier[:IDENTIFIER_MAX], token=token)
    )
