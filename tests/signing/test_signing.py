"""Signatures: every notice and decision is PAdES-signed by its department and validates with
pyHanko and with poppler's `pdfsig`; one flipped byte, an appended tail, a revoked or foreign
certificate are each found. SM2 data signatures interoperate with the OpenSSL 3 command line."""

import base64
import datetime as dt
import io
import os
import re
import shutil
import subprocess

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers

from govserve.cases import services as case_services
from govserve.cases.models import Case, CaseDocument, CaseState, DocumentKind
from govserve.core.errors import Refused
from govserve.signing import pki, signing
from govserve.signing.keystore import ENV_VAR
from govserve.signing.models import Algorithm, Certificate
from tests.cases.worlds import pdf

pytestmark = pytest.mark.django_db

needs_pdfsig = pytest.mark.skipif(not shutil.which("pdfsig"), reason="poppler's pdfsig missing")
needs_openssl = pytest.mark.skipif(not shutil.which("openssl"), reason="openssl CLI not installed")


def apply(world) -> Case:
    case, _created = case_services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    return case


def notice(world) -> tuple[CaseDocument, bytes]:
    """An acceptance notice as issued (sealed and signed by 区市场监管局)."""
    case = case_services.accept(apply(world), world.clerk)
    doc = case.documents.get(kind=DocumentKind.ACCEPTANCE)
    with doc.file.open("rb") as f:
        return doc, f.read()


def pdfsig(data: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def flip_inside_signed_range(data: bytes) -> bytes:
    """Flip one byte in the middle of the first signed range (the page content)."""
    start, length = (int(n) for n in re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", data).groups())
    pos = start + length // 2
    return data[:pos] + bytes([data[pos] ^ 0x01]) + data[pos + 1 :]


def simple_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawString(100, 700, "GovServe test")
    c.save()
    return buffer.getvalue()


@needs_pdfsig
def test_an_issued_notice_is_signed_and_validates_with_pyhanko_and_pdfsig(world, tmp_path):
    doc, data = notice(world)
    check = signing.validate_pdf(data)
    assert check.ok, check.problems
    assert check.signed and check.intact and check.valid and check.trusted
    assert check.covers_whole_file and check.problems == []
    assert check.certificate == pki.signing_certificate(world.market, Algorithm.ECDSA_P256)
    assert check.signed_at is not None
    out = pdfsig(data, tmp_path)
    assert "Signature Validation: Signature is Valid." in out
    assert "Signer Certificate Common Name: 广安市广安区市场监督管理局" in out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out
    # The signature's reason names the document.
    sig = PdfFileReader(io.BytesIO(data)).embedded_signatures[0]
    assert sig.sig_object["/Reason"] == f"受理通知书 {doc.number}"


@needs_pdfsig
def test_one_flipped_byte_fails_both_validators(world, tmp_path):
    _doc, data = notice(world)
    tampered = flip_inside_signed_range(data)
    check = signing.validate_pdf(tampered)
    assert check.signed and not check.intact and not check.ok
    assert "文件内容在签名后被改动（摘要不符）" in check.problems
    out = pdfsig(tampered, tmp_path)
    assert "Signature is Valid." not in out
    assert "Signature Validation:" in out


def test_bytes_appended_after_signing_are_noticed(world):
    _doc, data = notice(world)
    check = signing.validate_pdf(data + b"\n% appended\n")
    assert check.intact and not check.covers_whole_file and not check.ok
    assert "签名后文件末尾被追加了内容，签名未覆盖整个文件" in check.problems


def test_garbage_unsigned_and_broken_files_get_an_answer_not_an_exception():
    assert signing.validate_pdf(b"").problems == ["不是 PDF 文件"]
    assert signing.validate_pdf(b"hello world").problems == ["不是 PDF 文件"]
    assert signing.validate_pdf(b"%PDF-1.7\n garbage").problems == ["PDF 文件已损坏，无法读取"]
    unsigned = signing.validate_pdf(simple_pdf())
    assert not unsigned.signed and unsigned.problems == ["文件没有电子签名"]


def test_a_signature_by_a_revoked_certificate_is_untrusted(world):
    _doc, data = notice(world)
    cert = pki.signing_certificate(world.market)
    pki.revoke(cert, "私钥泄露")
    check = signing.validate_pdf(data)
    assert check.intact and check.valid and not check.trusted
    assert check.certificate == cert
    assert any("吊销" in p and "私钥泄露" in p for p in check.problems), check.problems


def _foreign_signer() -> signers.SimpleSigner:
    """A CA and a signer made outside GovServe (same kind of names, different keys)."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, "GovServe 政务服务平台根证书 (ecdsa-p256)")]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "广安市广安区市场监督管理局")])
        )
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(ca_key, hashes.SHA256())
    )
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    return signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(leaf.public_bytes(serialization.Encoding.DER)),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))]
        ),
    )


def test_a_certificate_from_another_ca_is_untrusted(world):
    pki.signing_certificate(world.market)  # the platform's roots exist
    meta = signers.PdfSignatureMetadata(
        field_name="Forged", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    forged = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(simple_pdf())), meta, signer=_foreign_signer()
    ).getvalue()
    check = signing.validate_pdf(forged)
    assert check.signed and check.intact and check.valid
    assert not check.trusted and check.certificate is None
    assert "签名证书不是本平台签发的证书" in check.problems


def test_rotation_keeps_old_signatures_valid(world):
    _doc, data = notice(world)
    old = pki.signing_certificate(world.market)
    new = pki.rotate(world.market, Algorithm.ECDSA_P256)
    check = signing.validate_pdf(data)
    assert check.ok and check.certificate == old
    signed_now = signing.sign_pdf(simple_pdf(), world.market, reason="测试")
    assert signing.validate_pdf(signed_now).certificate == new


def test_rsa_department_certificates_sign_valid_pades_too(world):
    cert = pki.signing_certificate(world.market, Algorithm.RSA_3072)
    meta = signers.PdfSignatureMetadata(
        field_name="Rsa", subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    data = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(simple_pdf())), meta, signer=signing._signer(cert)
    ).getvalue()
    check = signing.validate_pdf(data)
    assert check.ok, check.problems
    assert check.certificate == cert


def test_sm2_signatures_verify_only_for_the_same_data_and_certificate(world):
    signature, cert = signing.sm2_sign(b"licence data", world.market)
    assert cert.algorithm == Algorithm.SM2 and cert.department == world.market
    assert signing.sm2_verify(b"licence data", signature, cert)
    assert not signing.sm2_verify(b"licence datA", signature, cert)
    assert not signing.sm2_verify(b"licence data", signature[:-1], cert)
    assert not signing.sm2_verify(b"licence data", b"", cert)
    other, other_cert = signing.sm2_sign(b"licence data", world.health)
    assert not signing.sm2_verify(b"licence data", other, cert)
    # An ECDSA certificate never verifies an SM2 signature.
    assert not signing.sm2_verify(b"licence data", signature, pki.signing_certificate(world.market))


@needs_openssl
def test_sm2_signatures_interoperate_with_the_openssl_command_line(world, tmp_path):
    data = "食品经营许可证 JY15116020000001".encode()
    signature, cert = signing.sm2_sign(data, world.market)
    (tmp_path / "data").write_bytes(data)
    (tmp_path / "sig").write_bytes(signature)
    (tmp_path / "cert.pem").write_text(cert.pem)
    pub = subprocess.run(
        ["openssl", "x509", "-pubkey", "-noout", "-in", str(tmp_path / "cert.pem")],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    (tmp_path / "pub.pem").write_bytes(pub)
    verify = [
        "openssl", "dgst", "-sm3", "-verify", str(tmp_path / "pub.pem"),
        "-sigopt", "distid:1234567812345678", "-signature", str(tmp_path / "sig"),
        str(tmp_path / "data"),
    ]  # fmt: skip
    out = subprocess.run(verify, capture_output=True, check=False)
    assert out.returncode == 0 and b"Verified OK" in out.stdout
    # OpenSSL's own signature (the test writes the unwrapped key to its temporary folder only).
    (tmp_path / "key.pem").write_bytes(pki.private_key_pem(cert))
    subprocess.run(
        ["openssl", "dgst", "-sm3", "-sign", str(tmp_path / "key.pem"),
         "-sigopt", "distid:1234567812345678", "-out", str(tmp_path / "cli.sig"),
         str(tmp_path / "data")],
        capture_output=True, check=True,
    )  # fmt: skip
    (tmp_path / "key.pem").unlink()
    cli_signature = (tmp_path / "cli.sig").read_bytes()
    assert signing.sm2_verify(data, cli_signature, cert)
    assert not signing.sm2_verify(data + b"!", cli_signature, cert)


def test_a_wrong_key_encryption_key_refuses_the_acceptance_and_writes_nothing(world, monkeypatch):
    pki.signing_certificate(world.market)  # keys exist, wrapped with the right KEK
    case = apply(world)
    certificates = Certificate.objects.count()
    monkeypatch.setenv(ENV_VAR, base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(Refused) as exc:
        case_services.accept(case, world.clerk)
    assert exc.value.status == 503 and exc.value.field == "key"
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED
    assert not CaseDocument.objects.filter(case=case).exists()
    assert Certificate.objects.count() == certificates


def test_the_sealed_notice_embeds_its_cjk_font(world, tmp_path):
    if not shutil.which("pdffonts"):
        pytest.skip("poppler's pdffonts missing")
    _doc, data = notice(world)
    (tmp_path / "n.pdf").write_bytes(data)
    out = subprocess.run(
        ["pdffonts", str(tmp_path / "n.pdf")], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert out, "no fonts"
    for line in out:
        parts = line.split()
        assert parts[1].startswith("TrueType") and parts[-5] == "yes", line
    if shutil.which("pdfimages"):
        images = subprocess.run(
            ["pdfimages", "-list", str(tmp_path / "n.pdf")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert " image " in images and " smask " in images, "the seal, with its transparency"


def test_signing_and_validating_work_where_an_event_loop_is_running(
    transactional_db, world, monkeypatch
):
    """pyHanko's synchronous calls run asyncio.run(): a thread that already runs a loop (a test
    driving a browser, an async caller) still gets a signature and a check, not an error.
    (Committed data: code inside the loop reads through its own database connection.)"""
    import asyncio
    import threading

    from django.db import connections

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    pki.signing_certificate(world.market, Algorithm.ECDSA_P256)

    async def inside_a_loop() -> signing.PdfSignatureCheck:
        signed = signing.sign_pdf(simple_pdf(), world.market, reason="事件循环内签名")
        return signing.validate_pdf(signed)

    # A thread of its own (the test's thread may already run a browser driver's loop).
    result: dict = {}

    def thread_running_a_loop() -> None:
        try:
            result["check"] = asyncio.run(inside_a_loop())
        finally:
            connections.close_all()

    worker = threading.Thread(target=thread_running_a_loop)
    worker.start()
    worker.join()
    check = result["check"]
    assert check.signed and check.intact and check.valid and check.trusted
