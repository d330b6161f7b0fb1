"""Verification (证照核验): what anyone learns from an identifier, a QR link or a PDF.

Licences are issued for real (rendered, PAdES-signed, SM2-signed, sealed); the tampering is done
the way an attacker would: bytes changed or appended, a row edited in the database, a PDF signed
under a certificate authority of one's own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import connection
from django.utils import timezone, translation
from pyhanko.pdf_utils.generic import pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen import canvas

from govserve.accounts.masking import mask_id_number
from govserve.accounts.models import Organisation
from govserve.audit.models import ArchiveEntry
from govserve.cases.pdf import chinese_date
from govserve.licences import identifiers, qrlinks, services, verification
from govserve.licences.errors import LicenceError
from govserve.licences.models import Licence, LicenceStatus
from govserve.signing import pki, signing
from govserve.signing.models import Algorithm
from tests.licences.worlds import approved_case
from tests.regions.factories import make_uscc

BUSINESS = {"business_address": "广安区北辰街道建设路 1 号", "business_scope": "预包装食品销售"}


# -- helpers shared with the page and API tests ----------------------------------------------------
def issue_licence(world, licence_type, **kwargs) -> Licence:
    kwargs.setdefault("issuer", world.market)
    if "holder_organisation" not in kwargs:
        kwargs.setdefault("holder_user", world.applicant)
    kwargs.setdefault("data", dict(BUSINESS))
    kwargs.setdefault("actor", world.market_approver)
    return services.issue(licence_type, **kwargs)


def pdf_bytes(licence: Licence) -> bytes:
    with licence.pdf.open("rb") as handle:
        return handle.read()


def flip_byte(data: bytes) -> bytes:
    """One byte changed inside the first content stream (signed bytes, the file still parses)."""
    at = data.index(b"stream", data.index(b"/Page")) + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def append_update(data: bytes) -> bytes:
    """A valid incremental update after the signature (what an editor's "save" would add)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/GovServeNote"] = pdf_string("已修改")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def plain_pdf(text: str = "Hello") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def foreign_signed_pdf(data: bytes, *, copy_certificate=None) -> bytes:
    """`data` signed under a certificate authority made here (not the platform's).

    With `copy_certificate`, the forged signing certificate copies that platform certificate's
    subject and serial number — a lookup by serial alone would take it for the real one.
    """
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "广安区电子证照根证书")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    if copy_certificate is not None:
        real = x509.load_pem_x509_certificate(copy_certificate.pem.encode())
        subject, serial = real.subject, real.serial_number
    else:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "广安市广安区市场监督管理局")])
        serial = x509.random_serial_number()
    leaf = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    signer = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(leaf.public_bytes(der)),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(ca.public_bytes(der))]
        ),
    )
    out = io.BytesIO()
    signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(data)),
        signers.PdfSignatureMetadata(field_name="Forged"),
        signer=signer,
        output=out,
    )
    return out.getvalue()


def failed(result: verification.Verification) -> dict[str, str]:
    return {check.code: check.detail for check in result.checks if not check.ok}


@pytest.fixture
def licence(world, licence_type) -> Licence:
    return issue_licence(world, licence_type)


# -- authentic -------------------------------------------------------------------------------------
def test_an_issued_licence_verifies_by_its_qr_link(world, licence):
    result = verification.verify_identifier(
        licence.identifier, token=qrlinks.token(licence.identifier)
    )

    assert result.outcome == "authentic"
    assert result.status == LicenceStatus.VALID
    assert result.verdict == "ok"
    assert result.licence == licence
    assert [c.code for c in result.checks] == [
        "sm2_signature",
        "signed_data",
        "certificate",
        "pdf_signature",
        "seal",
    ]
    assert all(check.ok for check in result.checks), failed(result)
    assert result.headline == (
        f"真实有效：这是广安市广安区市场监督管理局于{chinese_date(licence.issued_on)}签发的食品经营许可证。"
    )
    assert result.issuer_name == "广安市广安区市场监督管理局"
    assert result.holder_name == "王小明"
    assert result.holder_id_masked == mask_id_number(world.applicant.id_number)
    assert result.number == licence.number
    assert result.valid_until == licence.valid_until


def test_a_typed_identifier_needs_no_token_and_is_read_case_and_space_insensitively(licence):
    result = verification.verify_identifier(f"  {licence.identifier.lower()} ")

    assert result.outcome == "authentic"
    assert result.identifier == licence.identifier


def test_the_licence_of_an_approved_case_verifies_by_identifier_and_by_its_pdf(world, licence_type):
    case = approved_case(world)
    licence = Licence.objects.get(source_case=case)

    assert verification.verify_identifier(licence.identifier).outcome == "authentic"
    by_file = verification.verify_pdf(pdf_bytes(licence))
    assert by_file.outcome == "authentic", failed(by_file)
    assert by_file.licence == licence


def test_an_exact_copy_of_the_pdf_verifies_as_authentic(licence):
    result = verification.verify_pdf(pdf_bytes(licence))

    assert result.outcome == "authentic", failed(result)
    assert result.status == LicenceStatus.VALID
    assert result.identifier == licence.identifier
    assert result.headline.startswith("真实有效：")


def test_an_organisations_credit_code_is_shown_in_full_a_persons_id_number_never(
    world, licence_type, licence
):
    company = Organisation.objects.create(uscc=make_uscc(55500001), name="广安区好味餐饮有限公司")
    company_licence = issue_licence(world, licence_type, holder_organisation=company)

    company_result = verification.verify_identifier(company_licence.identifier)
    person_result = verification.verify_identifier(licence.identifier)

    assert company_result.holder_id_masked == company.uscc
    assert company_result.holder_name == "广安区好味餐饮有限公司"
    answer = json.dumps(person_result.to_dict(), ensure_ascii=False)
    assert world.applicant.id_number not in answer
    assert mask_id_number(world.applicant.id_number) in answer


# -- identifiers and QR links ----------------------------------------------------------------------
def test_a_wrong_check_character_is_named_in_the_answer(licence):
    body, check = licence.identifier[:-1], licence.identifier[-1]
    wrong = body + ("A" if check != "A" else "B")

    result = verification.verify_identifier(wrong)

    assert result.outcome == "invalid_identifier"
    assert result.licence is None
    assert result.headline.startswith("无法识别：该证照标识的校验位不正确")
    assert f"应为“{check}”" in result.headline


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "1.2.156.3005.2",
        "1.2.156.3005.2.a/b/../c.d.e.f.g",
        "1.2.156.3005.2.证照.发证.一.二.三",
        "1.2.156.3005.2." + "9" * 500,
        "\x00\n\t",
        "1.2.156.3005.2.111000000000000001001.111000000000000001.1.001.0",
    ],
)
def test_malformed_identifiers_get_an_answer_not_an_error(db, text):
    result = verification.verify_identifier(text)

    assert result.outcome == "invalid_identifier"
    assert result.headline.startswith("无法识别：")
    assert result.checks == []


def test_a_qr_link_with_a_token_this_platform_did_not_make_is_forged(licence, licence_type, world):
    other = issue_licence(world, licence_type)

    made_up = verification.verify_identifier(licence.identifier, token="fake-token")
    borrowed = verification.verify_identifier(
        licence.identifier, token=qrlinks.token(other.identifier)
    )
    empty = verification.verify_identifier(licence.identifier, token="")

    for result in (made_up, borrowed, empty):
        assert result.outcome == "forged_qr"
        assert result.licence is None
        assert result.headline.startswith("二维码不是本平台生成的")


def test_a_well_formed_identifier_nobody_issued_is_unknown(licence, licence_type, world):
    never_issued = identifiers.build_identifier(
        licence_type.type_code, world.market.uscc, "99999999", 1
    )

    result = verification.verify_identifier(never_issued, token=qrlinks.token(never_issued))

    assert result.outcome == "unknown"
    assert result.licence is None
    assert never_issued in result.headline


# -- status: revoked, suspended, expired, superseded -----------------------------------------------
def test_a_revoked_licence_is_authentic_but_revoked_with_its_reason(world, licence):
    services.revoke(licence, world.market_approver, reason="以欺骗手段取得许可")

    by_identifier = verification.verify_identifier(licence.identifier)
    by_file = verification.verify_pdf(pdf_bytes(licence))

    for result in (by_identifier, by_file):
        assert result.outcome == "authentic", failed(result)
        assert result.status == LicenceStatus.REVOKED
        assert result.verdict == "warning"
        assert result.status_reason == "以欺骗手段取得许可"
        assert "被撤销：以欺骗手段取得许可" in result.headline
        assert result.headline.startswith("证照真实，但已于")


def test_a_suspended_licence_says_so_with_its_reason(world, licence):
    services.suspend(licence, world.market_approver, reason="停业整顿期间")

    result = verification.verify_identifier(licence.identifier)

    assert result.outcome == "authentic"
    assert result.status == LicenceStatus.SUSPENDED
    assert "中止" in result.headline and "停业整顿期间" in result.headline


def test_a_licence_past_its_end_date_is_authentic_but_expired(world, licence_type):
    start = timezone.localdate() - dt.timedelta(days=6 * 366)
    old = issue_licence(world, licence_type, valid_from=start)
    assert old.valid_until < timezone.localdate()

    result = verification.verify_identifier(old.identifier)

    assert result.outcome == "authentic", failed(result)
    assert result.status == LicenceStatus.EXPIRED
    assert result.headline == (
        f"证照真实，但已过期：有效期至{chinese_date(old.valid_until)}，现已不能使用。"
    )


def test_a_changed_licence_points_to_the_newest_version(world, licence):
    second = services.change(
        licence,
        world.market_approver,
        data={**BUSINESS, "business_scope": "散装食品销售"},
        reason="增加经营项目",
    )
    third = services.change(
        second,
        world.market_approver,
        data={**BUSINESS, "business_scope": "热食类食品制售"},
        reason="变更经营项目",
    )

    old = verification.verify_identifier(licence.identifier)
    newest = verification.verify_identifier(third.identifier)

    assert old.outcome == "authentic", failed(old)
    assert old.status == LicenceStatus.SUPERSEDED
    assert old.superseded_by == third.identifier
    assert old.headline == f"证照真实，但已被新版本替代，请以新版本为准：{third.identifier}"
    assert newest.outcome == "authentic" and newest.status == LicenceStatus.VALID
    assert verification.verify_pdf(pdf_bytes(licence)).superseded_by == third.identifier


# -- tampering -------------------------------------------------------------------------------------
def test_one_flipped_byte_in_the_pdf_is_tampering(licence):
    result = verification.verify_pdf(flip_byte(pdf_bytes(licence)))

    assert result.outcome == "tampered"
    assert result.licence is None
    assert result.headline.startswith("文件已被篡改：电子签名与内容不符")


def test_content_appended_after_signing_is_tampering(licence):
    result = verification.verify_pdf(append_update(pdf_bytes(licence)))

    assert result.outcome == "tampered"
    assert "签名之后文件又被追加或改动" in result.headline


def test_raw_bytes_appended_after_signing_are_tampering(licence):
    result = verification.verify_pdf(pdf_bytes(licence) + b"\n% added later\n")

    assert result.outcome == "tampered"


def test_a_replaced_stored_pdf_is_caught_when_verifying_by_identifier(licence):
    tampered = flip_byte(pdf_bytes(licence))
    with licence.pdf.open("wb") as handle:
        handle.write(tampered)

    result = verification.verify_identifier(licence.identifier)

    assert result.outcome == "tampered"
    assert "pdf_signature" in failed(result)
    assert result.headline.startswith("文件已被篡改")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"data": {**BUSINESS, "business_scope": "散装白酒销售"}}, "data.business_scope"),
        ({"holder_name": "李四"}, "holder_name"),
        ({"valid_until": dt.date(2099, 12, 31)}, "valid_until"),
        ({"number": "JY00000000"}, "number"),
    ],
)
def test_a_database_row_edited_behind_the_platforms_back_is_tampering(licence, change, named):
    Licence.objects.filter(pk=licence.pk).update(**change)

    by_identifier = verification.verify_identifier(licence.identifier)
    by_file = verification.verify_pdf(pdf_bytes(licence))

    for result in (by_identifier, by_file):
        assert result.outcome == "tampered"
        assert named in failed(result)["signed_data"]
        assert result.headline.startswith("证照数据已被篡改")


def test_a_replaced_sm2_signature_is_tampering(licence):
    other = bytearray(bytes(licence.sm2_signature))
    other[-3] ^= 0x01
    Licence.objects.filter(pk=licence.pk).update(sm2_signature=bytes(other))

    result = verification.verify_identifier(licence.identifier)

    assert result.outcome == "tampered"
    assert "sm2_signature" in failed(result)


# -- certificates ----------------------------------------------------------------------------------
def test_a_revoked_department_certificate_fails_the_chain_check(world, licence):
    pki.revoke(licence.sm2_certificate, "私钥泄露")

    result = verification.verify_identifier(licence.identifier)

    assert result.outcome == "tampered"
    # The seal was made for the same SM2 certificate, so it fails with it; nothing else does.
    assert set(failed(result)) == {"certificate", "seal"}
    assert "吊销" in failed(result)["certificate"]
    assert result.headline.startswith("无法确认真实：签名证书未通过核验")


def test_a_pdf_whose_signing_certificate_was_revoked_is_not_trusted(world, licence):
    pdf_certificate = pki.signing_certificate(world.market, Algorithm.ECDSA_P256)
    pki.revoke(pdf_certificate, "私钥泄露")

    result = verification.verify_pdf(pdf_bytes(licence))

    assert result.outcome == "tampered"
    assert "certificate" in failed(result)
    assert "吊销" in result.headline


@pytest.mark.parametrize("copy_serial", [False, True])
def test_a_pdf_signed_under_a_foreign_certificate_authority_is_not_trusted(
    world, licence, copy_serial
):
    real = pki.signing_certificate(world.market, Algorithm.ECDSA_P256)
    forged = foreign_signed_pdf(
        plain_pdf("食品经营许可证"), copy_certificate=real if copy_serial else None
    )

    check = signing.validate_pdf(forged)
    result = verification.verify_pdf(forged)

    assert check.signed and check.intact and not check.trusted
    assert result.outcome == "unknown"
    assert result.licence is None
    assert result.headline.startswith(("不是本平台签发的文件", "无法确认真实"))
    assert "certificate" in failed(result)


def test_a_licence_re_signed_by_someone_else_is_not_authentic(licence):
    forged = foreign_signed_pdf(pdf_bytes(licence))

    result = verification.verify_pdf(forged)

    assert result.outcome == "unknown"
    assert result.licence is None


# -- uploads that are not licences -----------------------------------------------------------------
def test_an_unsigned_pdf_is_not_a_licence_of_this_platform(db):
    result = verification.verify_pdf(plain_pdf())

    assert result.outcome == "unknown"
    assert result.headline == "这不是本平台签发的电子证照，或文件中没有电子签名。"


@pytest.mark.parametrize(
    ("data", "status", "words"),
    [
        (b"", 400, "文件为空"),
        (b"GIF89a not a pdf at all", 400, "不是 PDF"),
        (b"%PDF-1.7\n garbage garbage \x00\xff", 400, "无法读取"),
        (b"%PDF-1.4\n" + b"A" * 5000, 400, "无法读取"),
    ],
)
def test_garbage_uploads_are_refused_with_a_clear_error(db, data, status, words):
    with pytest.raises(LicenceError) as refused:
        verification.verify_pdf(data)

    assert refused.value.field == "file"
    assert refused.value.status == status
    assert words in refused.value.message


def test_a_file_over_the_size_limit_is_refused_before_parsing(settings, db):
    settings.GOVSERVE = {**settings.GOVSERVE, "VERIFY_MAX_BYTES": 1024 * 1024}

    with pytest.raises(LicenceError) as refused:
        verification.verify_pdf(b"%PDF-1.4\n" + b"0" * (1024 * 1024))

    assert refused.value.status == 413
    assert "不能超过 1 MB" in refused.value.message


def test_a_signed_pdf_that_is_no_registered_licence_is_unknown(world, licence):
    # Signed by the platform but never registered as a licence or document.
    data = signing.sign_pdf(plain_pdf("草稿"), world.market, reason="测试")

    result = verification.verify_pdf(data)

    assert result.outcome == "unknown"
    assert result.headline.startswith("未找到签发记录：文件签名完好")


# -- signed case documents -------------------------------------------------------------------------
def test_a_signed_decision_of_a_case_verifies_as_an_authentic_document(world, licence_type):
    case = approved_case(world)
    decision = case.documents.get(kind="approval")
    with decision.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == decision.sha256

    result = verification.verify_pdf(data)

    assert result.outcome == "authentic", failed(result)
    assert result.document["number"] == decision.number
    assert result.document["department"] == decision.department.name
    assert decision.number in result.headline
    assert any(c.code == "sm2_signature" and c.ok for c in result.checks)


def test_a_decision_whose_sm2_seal_signature_does_not_match_is_not_authentic(world, licence_type):
    case = approved_case(world)
    decision = case.documents.get(kind="approval")
    with decision.file.open("rb") as handle:
        data = handle.read()
    entry = ArchiveEntry.objects.get(document=decision)
    other = ArchiveEntry.objects.exclude(pk=entry.pk).filter(kind="document").first()
    # Someone with database access puts another document's seal signature in its place.
    with connection.cursor() as cursor:
        metadata = dict(entry.metadata, sm2=other.metadata["sm2"])
        cursor.execute(
            "UPDATE licences_archiveentry SET metadata = %s WHERE id = %s",
            [json.dumps(metadata), entry.pk],
        )

    result = verification.verify_pdf(data)

    assert result.outcome == "tampered"
    assert any(c.code == "sm2_signature" and not c.ok for c in result.checks)


def test_dates_in_headlines_follow_the_language(licence):
    with translation.override("en"):
        result = verification.verify_identifier(licence.identifier)

    assert licence.issued_on.isoformat() in result.headline


def test_a_typed_identifier_shows_a_persons_name_masked_the_qr_link_and_the_file_in_full(licence):
    """Identifiers can be computed; only the QR code's token or the file itself shows the name."""
    typed = verification.verify_identifier(licence.identifier)
    assert typed.outcome == "authentic" and typed.holder_name == "王**"
    assert licence.holder_name not in str(typed.to_dict())
    scanned = verification.verify_identifier(licence.identifier, qrlinks.token(licence.identifier))
    assert scanned.holder_name == licence.holder_name == "王小明"
    with licence.pdf.open("rb") as handle:
        assert verification.verify_pdf(handle.read()).holder_name == "王小明"
