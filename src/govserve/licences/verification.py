"""Verification of electronic licences (电子证照核验): by identifier (QR code) or by the PDF.

Anyone may ask, without logging in; the answer says in plain words whether the licence is
authentic, unaltered and valid, who issued it and to whom — the holder's ID number masked.

What is checked for a licence found in the register:

* the SM2 signature (SM3 digest, distinguishing ID 1234567812345678) over `signed_data`;
* that `signed_data` still describes the stored row (an edited database row is caught);
* the certificate chain and revocation of the SM2 and PDF signing certificates, and that they
  belong to the issuing department;
* the stored PDF's PAdES signature, and that its SHA-256 is the one recorded;
* the electronic seal (GB/T 38540: maker's signature, validity);
* then the licence's status (valid, expired, suspended, revoked, superseded).

Outcomes: "authentic" (every check passes; the status says whether it may still be used),
"tampered" (a signature, the record, a certificate or the seal does not verify — do not trust
it), "unknown" (not issued by this platform, or no record of it), "forged_qr" (the QR link's
token was not made by this platform), "invalid_identifier" (the identifier is malformed or its
check character is wrong).

Nothing is logged: the public page is anonymous and the answer carries no unmasked personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from stdnum.cn import uscc as stdnum_uscc

from govserve.accounts.masking import mask_id_number, mask_name
from govserve.cases.models import CaseDocument
from govserve.cases.pdf import chinese_date
from govserve.core.registry import Registry
from govserve.signing import pki, seals, signing
from govserve.signing.models import Certificate

from . import identifiers, qrlinks, services
from .errors import LicenceError
from .models import Licence, LicenceStatus

logger = logging.getLogger(__name__)

AUTHENTIC = "authentic"
TAMPERED = "tampered"
UNKNOWN = "unknown"
FORGED_QR = "forged_qr"
INVALID_IDENTIFIER = "invalid_identifier"
OUTCOMES = (AUTHENTIC, TAMPERED, UNKNOWN, FORGED_QR, INVALID_IDENTIFIER)

# An uploaded PDF larger than this is refused before it is parsed (a licence is ~100 KB).
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# The PDF header may follow some junk, but only within the first kilobyte (ISO 32000-1 §7.5.2).
_HEADER_WINDOW = 1024

# Check codes, in the order they are run and reported.
SM2_SIGNATURE = "sm2_signature"
SIGNED_DATA = "signed_data"
CERTIFICATE = "certificate"
PDF_SIGNATURE = "pdf_signature"
SEAL = "seal"


@dataclass
class Check:
    """核验项: one check and its result, in words."""

    name: str
    ok: bool
    detail: str
    code: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass
class Verification:
    """核验结果: the outcome, the checks and what the licence (or document) says, masked."""

    outcome: str
    headline: str
    status: str = ""
    licence: Licence | None = None
    checks: list[Check] = field(default_factory=list)
    identifier: str = ""
    licence_type_name: str = ""
    number: str = ""
    issuer_name: str = ""
    holder_name: str = ""
    holder_id_masked: str = ""
    issued_on: dt.date | None = None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    status_reason: str = ""
    status_changed_at: dt.datetime | None = None
    # The newest version's identifier when this one was superseded by a change or renewal.
    superseded_by: str = ""
    # A signed notice or decision recognised by its file (verify_pdf only).
    document: dict[str, Any] | None = None

    @property
    def status_display(self) -> str:
        return str(LicenceStatus(self.status).label) if self.status else ""

    @property
    def verdict(self) -> str:
        """The colour of the answer: ok (authentic and valid), warning (authentic, not valid
        now) or bad."""
        if self.outcome != AUTHENTIC:
            return "bad"
        if self.status in ("", LicenceStatus.VALID):
            return "ok"
        return "warning"

    def to_dict(self) -> dict[str, Any]:
        """The API answer: no unmasked ID number, no licence data beyond what is printed."""
        return {
            "outcome": self.outcome,
            "verdict": self.verdict,
            "headline": self.headline,
            "status": self.status,
            "status_display": self.status_display,
            "status_reason": self.status_reason,
            "status_changed_at": _iso(self.status_changed_at),
            "superseded_by": self.superseded_by,
            "identifier": self.identifier,
            "licence_type": self.licence_type_name,
            "number": self.number,
            "issuer": self.issuer_name,
            "holder_name": self.holder_name,
            "holder_id_masked": self.holder_id_masked,
            "issued_on": _iso(self.issued_on),
            "valid_from": _iso(self.valid_from),
            "valid_until": _iso(self.valid_until),
            "checks": [check.to_dict() for check in self.checks],
            "document": self.document,
        }


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _date_words(day: dt.date | dt.datetime | None) -> str:
    """二〇二六年十一月二十九日 in Chinese; ISO format in other languages."""
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    if (get_language() or "zh-hans").startswith("zh"):
        return chinese_date(day)
    return day.isoformat()


# -- what the licence says, masked ----------------------------------------------------------------
def _holder_id_masked(licence: Licence) -> str:
    """A person's ID number is masked; an organisation's USCC is public (it is printed on its
    business licence and published in the national credit register), so it is shown in full —
    a verifier needs it to match the licence to the business in front of them."""
    value = licence.holder_id_number or ""
    if licence.holder_organisation_id and stdnum_uscc.is_valid(value):
        return value
    return mask_id_number(value)


def _newest_version(licence: Licence) -> Licence | None:
    """The latest version that replaced this one (following change after change)."""
    newest = None
    current = licence
    for _step in range(1000):  # versions are three digits: a loop cannot be longer
        following = Licence.objects.filter(supersedes=current).first()
        if following is None:
            break
        newest = current = following
    return newest


def _describe(result: Verification, licence: Licence) -> None:
    result.licence = licence
    result.identifier = licence.identifier
    result.licence_type_name = licence.licence_type.name
    result.number = licence.number
    result.issuer_name = licence.issuer.name
    result.holder_name = licence.holder_name
    result.holder_id_masked = _holder_id_masked(licence)
    result.issued_on = licence.issued_on
    result.valid_from = licence.valid_from
    result.valid_until = licence.valid_until
    result.status = licence.effective_status()
    if result.status in (LicenceStatus.REVOKED, LicenceStatus.SUSPENDED, LicenceStatus.SUPERSEDED):
        result.status_reason = licence.status_reason
        result.status_changed_at = licence.status_changed_at
    if result.status == LicenceStatus.SUPERSEDED:
        newest = _newest_version(licence)
        result.superseded_by = newest.identifier if newest else ""


# -- the checks on a registered licence ------------------------------------------------------------
def payload_differences(
    stored: bytes, expected: bytes, labels: Mapping[str, object] | None = None
) -> list[str]:
    """Which top-level (and `data`) keys differ between two canonical JSON payloads, each
    top-level key named by `labels` where it has one."""
    try:
        old, new = json.loads(stored), json.loads(expected)
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    names = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) == new.get(key):
            continue
        name = str((labels or {}).get(key, key))
        inner_old, inner_new = old.get(key), new.get(key)
        if isinstance(inner_old, dict) and isinstance(inner_new, dict):
            names += [
                f"{name}.{k}"
                for k in sorted(set(inner_old) | set(inner_new))
                if inner_old.get(k) != inner_new.get(k)
            ]
        else:
            names.append(name)
    return names


def _check_sm2(licence: Licence) -> Check:
    name = _("SM2 数据签名")
    certificate = licence.sm2_certificate
    signature = bytes(licence.sm2_signature or b"")
    data = bytes(licence.signed_data or b"")
    if certificate is None or not signature or not data:
        return Check(name, False, _("证照数据没有 SM2 签名"), SM2_SIGNATURE)
    if not signing.sm2_verify(data, signature, certificate):
        return Check(name, False, _("SM2 签名与证照数据不符"), SM2_SIGNATURE)
    return Check(
        name,
        True,
        _("SM2 签名有效（SM3 摘要，签名证书 %(serial)s）") % {"serial": certificate.serial_number},
        SM2_SIGNATURE,
    )


def _check_signed_data(licence: Licence) -> Check:
    """The register must still say what was signed: recompute the canonical payload."""
    name = _("登记信息与签名数据一致")
    stored = bytes(licence.signed_data or b"")
    expected = services.signed_payload(licence)
    if stored and stored == expected:
        return Check(name, True, _("登记信息与签名时一致"), SIGNED_DATA)
    differing = payload_differences(stored, expected)
    if differing:
        detail = _("登记信息在签名后被改动：%(fields)s") % {"fields": "、".join(differing)}
    else:
        detail = _("登记信息与签名数据不符")
    return Check(name, False, detail, SIGNED_DATA)


def _check_certificates(licence: Licence, pdf_check: signing.PdfSignatureCheck | None) -> Check:
    """Chain and revocation of both signing certificates, and that the issuer owns them."""
    name = _("签名证书（证书链与吊销状态）")
    problems: list[str] = []
    certificates = [licence.sm2_certificate]
    if pdf_check is not None and pdf_check.certificate is not None:
        certificates.append(pdf_check.certificate)
    elif pdf_check is not None and pdf_check.signed:
        problems.append(_("PDF 签名证书不是本平台签发的证书"))
    # Validity at the signing time (a certificate that ran out later does not void what it
    # signed); revocation counts whenever it happened (check_chain always reports it). The
    # register's creation time is used, not the time the PDF claims for itself.
    signed_at = licence.created_at or timezone.now()
    for certificate in certificates:
        if certificate is None:
            continue
        problems += pki.check_chain(certificate, at=signed_at)
        if certificate.department_id != licence.issuer_id:
            problems.append(
                _("证书 %(serial)s 不属于发证机关") % {"serial": certificate.serial_number}
            )
    problems = list(dict.fromkeys(problems))  # the same root problem once, not per certificate
    if problems:
        return Check(name, False, "；".join(problems), CERTIFICATE)
    return Check(name, True, _("证书链完整，证书未被吊销，属于发证机关"), CERTIFICATE)


def _stored_pdf(licence: Licence) -> bytes | None:
    if not licence.pdf:
        return None
    try:
        with licence.pdf.open("rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("licence %s: stored PDF cannot be read", licence.pk, exc_info=True)
        return None


def _pdf_signature_problems(pdf_check: signing.PdfSignatureCheck) -> list[str]:
    """What is wrong with a PDF's signature itself (the certificate is judged separately)."""
    if not pdf_check.signed:
        return [_("文件中没有电子签名")]
    problems = []
    if not (pdf_check.intact and pdf_check.valid):
        problems.append(_("电子签名与文件内容不符"))
    if not pdf_check.covers_whole_file:
        problems.append(_("签名后文件又被追加或改动了内容"))
    return problems


def _check_pdf(
    licence: Licence, data: bytes | None, pdf_check: signing.PdfSignatureCheck | None = None
) -> tuple[Check, signing.PdfSignatureCheck | None]:
    name = _("PDF 电子签名")
    if data is None:
        return Check(name, False, _("证照文件缺失"), PDF_SIGNATURE), None
    if pdf_check is None:
        pdf_check = signing.validate_pdf(data)
    problems = _pdf_signature_problems(pdf_check)
    if hashlib.sha256(data).hexdigest() != licence.pdf_sha256:
        problems.append(_("文件摘要与签发时登记的不一致"))
    if problems:
        return Check(name, False, "；".join(problems), PDF_SIGNATURE), pdf_check
    return Check(name, True, _("PAdES 签名完好，文件签名后未被改动"), PDF_SIGNATURE), pdf_check


def _check_seal(licence: Licence) -> Check:
    name = _("电子印章")
    if licence.seal is None:
        return Check(name, False, _("证照没有电子印章"), SEAL)
    # The seal had to be valid when it was applied, like a paper seal: judged on the issue date.
    problems = seals.verify_seal(licence.seal, on=licence.issued_on)
    if problems:
        return Check(name, False, "；".join(problems), SEAL)
    return Check(name, True, _("“%(seal)s”有效") % {"seal": licence.seal.name}, SEAL)


def _verify_licence(
    licence: Licence,
    result: Verification,
    pdf_data: bytes | None = None,
    pdf_validated: signing.PdfSignatureCheck | None = None,
) -> Verification:
    """Run every check on a registered licence and word the verdict.

    `pdf_data` is the uploaded file when verifying a PDF (already known to be an exact copy of
    the stored one), with its `pdf_validated` answer (not validated twice); otherwise the
    stored file is read.
    """
    _describe(result, licence)
    data = pdf_data if pdf_data is not None else _stored_pdf(licence)
    pdf_check, validated = _check_pdf(licence, data, pdf_validated)
    result.checks = [
        _check_sm2(licence),
        _check_signed_data(licence),
        _check_certificates(licence, validated),
        pdf_check,
        _check_seal(licence),
    ]
    result.outcome = AUTHENTIC if all(check.ok for check in result.checks) else TAMPERED
    result.headline = _licence_headline(result)
    return result


def _licence_headline(result: Verification) -> str:
    failed = {check.code: check for check in result.checks if not check.ok}
    if result.outcome == TAMPERED:
        if PDF_SIGNATURE in failed:
            return _("文件已被篡改：电子签名与内容不符（%(detail)s），请勿采信。") % {
                "detail": failed[PDF_SIGNATURE].detail
            }
        if SM2_SIGNATURE in failed or SIGNED_DATA in failed:
            return _("证照数据已被篡改：登记信息与签名数据不符，请勿采信。")
        if CERTIFICATE in failed:
            return _("无法确认真实：签名证书未通过核验（%(detail)s），请勿采信。") % {
                "detail": failed[CERTIFICATE].detail
            }
        return _("无法确认真实：电子印章未通过核验（%(detail)s），请勿采信。") % {
            "detail": failed[SEAL].detail
        }
    words = {
        "issuer": result.issuer_name,
        "date": _date_words(result.issued_on),
        "type": result.licence_type_name,
        "until": _date_words(result.valid_until),
        "changed": _date_words(result.status_changed_at),
        "reason": result.status_reason or _("未说明原因"),
        "newer": result.superseded_by,
    }
    if result.status == LicenceStatus.VALID:
        return _("真实有效：这是%(issuer)s于%(date)s签发的%(type)s。") % words
    if result.status == LicenceStatus.EXPIRED:
        return _("证照真实，但已过期：有效期至%(until)s，现已不能使用。") % words
    if result.status == LicenceStatus.SUSPENDED:
        return _("证照真实，但已于%(changed)s被中止，中止期间不能使用：%(reason)s") % words
    if result.status == LicenceStatus.REVOKED:
        return _("证照真实，但已于%(changed)s被撤销：%(reason)s") % words
    if result.superseded_by:
        return _("证照真实，但已被新版本替代，请以新版本为准：%(newer)s") % words
    return _("证照真实，但已被新版本替代，请以新版本为准。")


# -- by identifier (QR code) -----------------------------------------------------------------------
def verify_identifier(identifier: str, token: str | None = None) -> Verification:
    """核验证照标识: the identifier typed in or read from the QR code (with its `?t=` token)."""
    text = identifier.strip().upper() if isinstance(identifier, str) else ""
    try:
        parsed = identifiers.parse_identifier(text)
    except ValidationError as exc:
        is_check = any(error.code == "check" for error in exc.error_list)
        reason = "；".join(exc.messages)
        if is_check:
            headline = _("无法识别：该证照标识的校验位不正确（%(reason)s）。请核对标识是否抄错。")
        else:
            headline = _("无法识别：这不是有效的电子证照标识（%(reason)s）。")
        return Verification(
            outcome=INVALID_IDENTIFIER,
            headline=headline % {"reason": reason},
            identifier=text[:200],
        )
    text = str(parsed)
    if token is not None and not qrlinks.token_matches(text, str(token)):
        return Verification(
            outcome=FORGED_QR,
            identifier=text,
            headline=_(
                "二维码不是本平台生成的：请勿采信二维码所示内容，可在本页输入证照上印的标识重新核验。"
            ),
        )
    licence = (
        Licence.objects.select_related(
            "licence_type", "issuer", "sm2_certificate", "seal", "holder_organisation"
        )
        .filter(identifier=text)
        .first()
    )
    if licence is None:
        return Verification(
            outcome=UNKNOWN,
            identifier=text,
            headline=_("未找到该证照：本平台没有签发过标识为 %(identifier)s 的电子证照。")
            % {"identifier": text},
        )
    result = _verify_licence(licence, Verification(outcome=UNKNOWN, headline=""))
    if token is None and licence.holder_user_id:
        # Identifiers can be computed (public codes, sequential serials): without the QR code's
        # token or the file itself, a person's name is shown masked (张**), enough to compare
        # with the paper in hand, not enough to look people up.
        result.holder_name = mask_name(licence.holder_name)
    return result


# -- by file -------------------------------------------------------------------------------------
def max_upload_bytes() -> int:
    return int(settings.GOVSERVE.get("VERIFY_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large_message() -> str:
    return _("文件过大：核验的 PDF 文件不能超过 %(mb)d MB") % {
        "mb": max_upload_bytes() // (1024 * 1024)
    }


def _readable(data: bytes) -> bool:
    """Whether the PDF parser can read the file at all (asked only of unsigned files)."""
    try:
        PdfFileReader(io.BytesIO(data), strict=False).root  # noqa: B018 - parse the trailer
    except Exception:
        return False
    return True


def verify_pdf(data: bytes) -> Verification:
    """核验证照文件: an uploaded PDF, recognised as an exact copy of an issued licence (or of a
    signed notice or decision). Raise LicenceError(field="file") for an empty, oversized or
    non-PDF upload."""
    if not data:
        raise LicenceError("file", _("文件为空"), status=400)
    if len(data) > max_upload_bytes():
        raise LicenceError("file", too_large_message(), status=413)
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise LicenceError("file", _("这不是 PDF 文件：请上传电子证照的 PDF 原件"), status=400)
    pdf_check = signing.validate_pdf(data)
    if not pdf_check.signed:
        if not _readable(data):
            raise LicenceError("file", _("无法读取该 PDF 文件：文件已损坏或格式不正确"), status=400)
        return Verification(
            outcome=UNKNOWN,
            headline=_("这不是本平台签发的电子证照，或文件中没有电子签名。"),
            checks=[Check(_("PDF 电子签名"), False, _("文件中没有电子签名"), PDF_SIGNATURE)],
        )
    problems = _pdf_signature_problems(pdf_check)
    if problems:
        if not (pdf_check.intact and pdf_check.valid):
            headline = _("文件已被篡改：电子签名与内容不符，请勿采信。")
        else:
            headline = _("文件已被篡改：签名之后文件又被追加或改动了内容，请勿采信。")
        return Verification(
            outcome=TAMPERED,
            headline=headline,
            checks=[Check(_("PDF 电子签名"), False, "；".join(problems), PDF_SIGNATURE)],
        )
    signature_ok = Check(
        _("PDF 电子签名"), True, _("PAdES 签名完好，文件签名后未被改动"), PDF_SIGNATURE
    )
    if pdf_check.certificate is None:
        detail = "；".join(pdf_check.problems) or _("签名证书不是本平台签发的证书")
        return Verification(
            outcome=UNKNOWN,
            headline=_(
                "不是本平台签发的文件：签名证书不是本平台证书机构签发的，无法证明其真实性。"
            ),
            checks=[
                signature_ok,
                Check(_("签名证书（证书链与吊销状态）"), False, detail, CERTIFICATE),
            ],
        )
    sha256 = hashlib.sha256(data).hexdigest()
    licence = (
        Licence.objects.select_related(
            "licence_type", "issuer", "sm2_certificate", "seal", "holder_organisation"
        )
        .filter(pdf_sha256=sha256)
        .first()
    )
    if licence is not None:
        return _verify_licence(
            licence,
            Verification(outcome=UNKNOWN, headline=""),
            pdf_data=data,
            pdf_validated=pdf_check,
        )
    document = CaseDocument.objects.select_related("department").filter(sha256=sha256).first()
    if document is not None:
        return _verify_document(document, pdf_check, signature_ok, data)
    if not pdf_check.trusted:
        detail = "；".join(pdf_check.problems) or _("签名证书未通过核验")
        return Verification(
            outcome=UNKNOWN,
            headline=_(
                "无法确认真实：签名证书未通过核验（%(detail)s），且本平台没有该文件的签发记录。"
            )
            % {"detail": detail},
            checks=[
                signature_ok,
                Check(_("签名证书（证书链与吊销状态）"), False, detail, CERTIFICATE),
            ],
        )
    return Verification(
        outcome=UNKNOWN,
        headline=_(
            "未找到签发记录：文件签名完好，但本平台没有签发过这份文件。请上传从本平台下载的原始文件，或输入证照标识核验。"
        ),
        checks=[signature_ok],
    )


@dataclass(frozen=True)
class DocumentSeal:
    """The electronic seal's SM2 signature kept for a signed notice or decision: the signature
    (hex of the DER), the signing certificate's serial and when it was kept."""

    signature_hex: str
    certificate_serial: str
    signed_at: dt.datetime


# Where documents' SM2 seal signatures are kept, `(document) -> DocumentSeal | None`, asked in
# name order: the audit app registers its archive ("archive"), so this app imports nothing
# above it. Without a source, a document's seal signature is reported missing.
document_seal_sources: Registry[Callable[[CaseDocument], DocumentSeal | None]] = Registry(
    "document seal source"
)


def _document_seal(document: CaseDocument) -> DocumentSeal | None:
    for _name, source in document_seal_sources.items():
        kept = source(document)
        if kept is not None:
            return kept
    return None


def _check_document_sm2(document: CaseDocument, data: bytes) -> tuple[Check, list[str]]:
    """The electronic seal's SM2 signature over the document, kept in its archive entry."""
    name = _("SM2 电子签章")
    kept = _document_seal(document)
    certificate = (
        Certificate.objects.filter(serial_number=kept.certificate_serial).first() if kept else None
    )
    if kept is None or certificate is None:
        return Check(name, False, _("档案中没有该文书的 SM2 签章"), SM2_SIGNATURE), []
    try:
        signature = bytes.fromhex(kept.signature_hex)
    except ValueError:
        signature = b""
    if not signature or not signing.sm2_verify(data, signature, certificate):
        return Check(name, False, _("SM2 签章与文件不符"), SM2_SIGNATURE), []
    problems = pki.check_chain(certificate, at=kept.signed_at)
    if certificate.department_id != document.department_id:
        problems.append(_("SM2 签章证书不属于出具部门"))
    detail = _("SM2 签章有效（SM3 摘要，签名证书 %(serial)s）") % {
        "serial": certificate.serial_number
    }
    return Check(name, True, detail, SM2_SIGNATURE), problems


def _verify_document(
    document: CaseDocument, pdf_check: signing.PdfSignatureCheck, signature_ok: Check, data: bytes
) -> Verification:
    """A signed notice or decision (文书) of a case, recognised by its SHA-256."""
    problems = list(pdf_check.problems) if not pdf_check.trusted else []
    certificate = pdf_check.certificate
    assert certificate is not None  # verify_pdf answered files not signed by a platform certificate
    if certificate.department_id != document.department_id:
        problems.append(_("签名证书不属于出具部门"))
    sm2_check, sm2_problems = _check_document_sm2(document, data)
    problems += sm2_problems
    checks = [
        signature_ok,
        sm2_check,
        Check(
            _("签名证书（证书链与吊销状态）"),
            not problems,
            "；".join(problems) if problems else _("证书链完整，证书未被吊销，属于出具部门"),
            CERTIFICATE,
        ),
    ]
    if not sm2_check.ok:
        problems.append(sm2_check.detail)
    info = {
        "number": document.number,
        "kind": document.kind,
        "kind_display": str(document.get_kind_display()),
        "department": document.department.name,
        "issued_on": _iso(document.issued_on),
    }
    words = {
        "department": document.department.name,
        "date": _date_words(document.issued_on),
        "kind": info["kind_display"],
        "number": document.number,
    }
    if problems:
        return Verification(
            outcome=TAMPERED,
            headline=_("无法确认真实：签名证书未通过核验（%(detail)s），请勿采信。")
            % {"detail": "；".join(problems)},
            checks=checks,
            document=info,
            issuer_name=document.department.name,
            number=document.number,
            issued_on=document.issued_on,
        )
    headline = (
        _("真实文书：这是%(department)s于%(date)s出具的%(kind)s（文号 %(number)s），文件未被改动。")
        % words
    )
    return Verification(
        outcome=AUTHENTIC,
        headline=headline,
        checks=checks,
        document=info,
        issuer_name=document.department.name,
        number=document.number,
        issued_on=document.issued_on,
    )
