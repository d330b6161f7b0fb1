"""Signatures (电子签名): PAdES signatures on PDFs with pyHanko, SM2 signatures on data.

`sign_pdf` adds an invisible PAdES baseline signature (ETSI.CAdES.detached, SHA-256) made with
the department's ECDSA P-256 certificate; the seal picture is already drawn in the page by the
renderer. `validate_pdf` checks a PDF with pyHanko's validator against the platform roots and
with our own records (certificate row, revocation, `pki.check_chain`), and answers with a
`PdfSignatureCheck` — never an exception, whatever bytes it is given.

`sm2_sign` / `sm2_verify` sign data (the licence's canonical JSON) with the department's SM2
certificate: SM3 digest, distinguishing ID 1234567812345678 (see `sm2`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import io
import logging
from dataclasses import dataclass, field

from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from govserve.regions.models import Department

from . import pki, sm2
from .models import Algorithm, Certificate, CertificateRole

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "GovServeSeal"
PDF_ALGORITHM = Algorithm.ECDSA_P256


@dataclass
class PdfSignatureCheck:
    """What a PDF's signature says (PDF 签名验证结果); problems are in Chinese."""

    signed: bool = False
    intact: bool = False  # the signed bytes' digest matches
    valid: bool = False  # the signature math is right
    trusted: bool = False  # chains to a platform root, not revoked
    covers_whole_file: bool = False  # nothing was appended after signing
    certificate: Certificate | None = None
    signed_at: dt.datetime | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.signed and self.intact and self.valid and self.trusted and self.covers_whole_file
        )


def _signer(certificate: Certificate) -> signers.SimpleSigner:
    _type, _headers, key_der = asn1_pem.unarmor(pki.private_key_pem(certificate))
    root = certificate.issuer
    assert root is not None  # a department certificate is issued by a root
    return signers.SimpleSigner(
        signing_cert=pki.asn1_certificate(certificate),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        cert_registry=SimpleCertificateStore.from_certs([pki.asn1_certificate(root)]),
    )


def _outside_event_loop(function, *args, **kwargs):
    """Call one of pyHanko's synchronous wrappers, which run `asyncio.run()`: in a thread that
    already runs an event loop (an async view, a test driving a browser) that raises, so the
    call goes to a short-lived worker thread there."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def sign_pdf(data: bytes, department: Department, *, reason: str) -> bytes:
    """PAdES-sign `data` (a PDF) with the department's ECDSA certificate; returns the signed PDF.

    Raises SigningError (503) if the key cannot be unwrapped: nothing signed, nothing issued.
    """
    certificate = pki.signing_certificate(department, PDF_ALGORITHM)
    signer = _signer(certificate)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason[:200] if reason else None,
        name=department.name,
        location=(department.region.full_name or department.region.name),
    )
    out = _outside_event_loop(signers.sign_pdf, writer, meta, signer=signer)
    return out.getvalue()


def sm2_sign(data: bytes, department: Department) -> tuple[bytes, Certificate]:
    """SM2 signature (SM3, ID 1234567812345678) of `data` by the department; DER r‖s."""
    certificate = pki.signing_certificate(department, Algorithm.SM2)
    return sm2.sign(pki.private_key_pem(certificate), bytes(data)), certificate


def sm2_verify(data: bytes, signature: bytes, certificate: Certificate) -> bool:
    """True only if `signature` is the SM2 signature of `data` under `certificate`'s key.

    Only the mathematics: ask `pki.check_chain` whether the certificate is trusted.
    """
    if certificate is None or certificate.algorithm != Algorithm.SM2:
        return False
    try:
        return sm2.verify(pki.public_key_pem(certificate), bytes(data), bytes(signature or b""))
    except (sm2.SM2Error, ValueError, TypeError):
        return False


def _trust_roots() -> list:
    roots = Certificate.objects.filter(
        role=CertificateRole.ROOT, algorithm__in=[Algorithm.ECDSA_P256, Algorithm.RSA_3072]
    )
    return [pki.asn1_certificate(root) for root in roots]


def _row_for(signing_cert) -> Certificate | None:
    """Our row for the signer's certificate: same serial AND same bytes (a foreign CA may
    reuse a serial number)."""
    if signing_cert is None:
        return None
    serial = f"{signing_cert.serial_number:x}"
    row = Certificate.objects.filter(serial_number=serial).select_related("issuer").first()
    if row is None or pki.certificate_der(row) != signing_cert.dump():
        return None
    return row


def validate_pdf(data: bytes) -> PdfSignatureCheck:
    """PDF 签名验证: check the last signature of `data`; never raises."""
    check = PdfSignatureCheck()
    if not isinstance(data, bytes | bytearray) or not bytes(data[:1024]).lstrip().startswith(
        b"%PDF-"
    ):
        check.problems.append(_("不是 PDF 文件"))
        return check
    try:
        reader = PdfFileReader(io.BytesIO(bytes(data)), strict=False)
        embedded = reader.embedded_signatures
    except Exception:
        logger.info("validate_pdf: unreadable PDF", exc_info=True)
        check.problems.append(_("PDF 文件已损坏，无法读取"))
        return check
    if not embedded:
        check.problems.append(_("文件没有电子签名"))
        return check
    check.signed = True
    sig = embedded[-1]
    try:
        context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False)
        status = _outside_event_loop(validate_pdf_signature, sig, signer_validation_context=context)
    except Exception:
        logger.info("validate_pdf: signature could not be evaluated", exc_info=True)
        check.problems.append(_("签名数据已损坏，无法校验"))
        return check
    check.intact = bool(status.intact)
    check.valid = bool(status.valid)
    check.signed_at = status.signer_reported_dt
    check.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not check.intact:
        check.problems.append(_("文件内容在签名后被改动（摘要不符）"))
    elif not check.valid:
        check.problems.append(_("签名值无效"))
    if not check.covers_whole_file:
        check.problems.append(_("签名后文件末尾被追加了内容，签名未覆盖整个文件"))
    row = _row_for(status.signing_cert)
    check.certificate = row
    if row is None:
        check.problems.append(_("签名证书不是本平台签发的证书"))
        return check
    chain = pki.check_chain(row, at=check.signed_at or timezone.now())
    check.problems += chain
    check.trusted = bool(status.trusted) and not chain
    if not status.trusted and not chain:
        check.problems.append(_("签名证书链无法验证到平台根证书"))
    return check
