"""The platform certificate authority: roots and department certificates per algorithm, wrapped
keys, rotation, revocation and CRLs, chain checks — read back with `cryptography`, asn1crypto
and the OpenSSL 3 command line."""

import base64
import datetime as dt
import os
import shutil
import subprocess
import threading

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtensionOID, NameOID
from django.db import connection
from django.utils import timezone

from govserve.signing import pki, sm2
from govserve.signing.errors import SigningError
from govserve.signing.keystore import ENV_VAR, key_store
from govserve.signing.models import Algorithm, Certificate, CertificateRole
from tests.regions.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

needs_openssl = pytest.mark.skipif(not shutil.which("openssl"), reason="openssl CLI not installed")


def openssl(*args, input=None) -> subprocess.CompletedProcess:
    return subprocess.run(["openssl", *args], capture_output=True, input=input, check=False)


def test_each_algorithm_has_one_self_signed_platform_root():
    for alg in (Algorithm.ECDSA_P256, Algorithm.SM2):
        root = pki.root_certificate(alg)
        assert pki.root_certificate(alg) == root
        assert root.role == CertificateRole.ROOT and root.issuer is None
        assert pki.check_chain(root) == []
        cert = pki.asn1_certificate(root)
        assert cert.subject.native["common_name"] == f"GovServe 政务服务平台根证书 ({alg})"
        assert cert.subject.native["country_name"] == "CN"
        assert cert.self_signed == "maybe" or cert.self_signed == "yes"
        assert cert.ca is True
        assert cert.key_usage_value.native == {"key_cert_sign", "crl_sign"}
        years = (root.not_after - root.not_before).days / 365.25
        assert 19.9 < years < 20.1
    assert Certificate.objects.filter(role=CertificateRole.ROOT).count() == 2


def test_a_department_certificate_names_the_department_and_its_crl(world, settings):
    settings.GOVSERVE = {**settings.GOVSERVE, "PUBLIC_URL": "https://zwfw.example.gov.cn"}
    cert = pki.signing_certificate(world.market)  # ECDSA P-256 by default
    assert cert.algorithm == Algorithm.ECDSA_P256
    assert pki.signing_certificate(world.market) == cert, "made once, then reused"
    parsed = x509.load_pem_x509_certificate(cert.pem.encode())
    subject = parsed.subject
    assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == world.market.name
    assert subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == world.market.uscc
    assert (
        subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "四川省广安市广安区"
    )
    root = x509.load_pem_x509_certificate(cert.issuer.pem.encode())
    assert parsed.issuer == root.subject
    parsed.verify_directly_issued_by(root)
    usage = parsed.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
    assert usage.digital_signature and usage.content_commitment and not usage.key_cert_sign
    assert not parsed.extensions.get_extension_for_oid(ExtensionOID.BASIC_CONSTRAINTS).value.ca
    aki = parsed.extensions.get_extension_for_oid(ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value
    ski = root.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_KEY_IDENTIFIER).value
    assert aki.key_identifier == ski.digest
    points = parsed.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value == "https://zwfw.example.gov.cn/licences/ca/ecdsa-p256.crl"
    years = (cert.not_after - cert.not_before).days / 365.25
    assert 2.9 < years < 3.1
    assert pki.check_chain(cert) == []


@needs_openssl
def test_an_sm2_certificate_chain_verifies_with_the_openssl_command_line(world, tmp_path):
    cert = pki.signing_certificate(world.market, Algorithm.SM2)
    assert pki.check_chain(cert) == []
    (tmp_path / "root.pem").write_text(cert.issuer.pem)
    (tmp_path / "dept.pem").write_text(cert.pem)
    text = openssl("x509", "-noout", "-text", "-in", str(tmp_path / "dept.pem")).stdout.decode()
    assert "SM2-with-SM3" in text and "ASN1 OID: SM2" in text
    assert "Digital Signature, Non Repudiation" in text
    assert "URI:http://" in text and "/licences/ca/sm2.crl" in text
    # OpenSSL 3.0's `verify` needs the distinguishing ID, or it checks with an empty one.
    ok = openssl(
        "verify", "-vfyopt", "distid:1234567812345678",
        "-CAfile", str(tmp_path / "root.pem"), str(tmp_path / "dept.pem"),
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    wrong_id = openssl(
        "verify", "-vfyopt", "distid:0000000000000000",
        "-CAfile", str(tmp_path / "root.pem"), str(tmp_path / "dept.pem"),
    )  # fmt: skip
    assert wrong_id.returncode != 0
    # The certificate's own signature, checked over the extracted TBS bytes as well.
    parsed = pki.asn1_certificate(cert)
    (tmp_path / "tbs").write_bytes(parsed["tbs_certificate"].dump())
    (tmp_path / "sig").write_bytes(parsed["signature_value"].native)
    (tmp_path / "rootpub.pem").write_bytes(pki.public_key_pem(cert.issuer))
    dgst = openssl(
        "dgst", "-sm3", "-verify", str(tmp_path / "rootpub.pem"),
        "-sigopt", "distid:1234567812345678", "-signature", str(tmp_path / "sig"),
        str(tmp_path / "tbs"),
    )  # fmt: skip
    assert dgst.returncode == 0 and b"Verified OK" in dgst.stdout


def test_private_keys_are_stored_only_wrapped(world):
    for alg in (Algorithm.ECDSA_P256, Algorithm.SM2):
        pki.signing_certificate(world.market, alg)
    rows = list(Certificate.objects.all())
    assert len(rows) == 4
    for row in rows:
        assert b"PRIVATE KEY" not in bytes(row.wrapped_key)
        assert "PRIVATE KEY" not in row.pem
        assert all("PRIVATE KEY" not in str(getattr(row, f.attname)) for f in row._meta.fields)
        pem = pki.private_key_pem(row)
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
        # The unwrapped key belongs to the certificate.
        assert pki._public_pem_of(pem, row.algorithm).strip() == pki.public_key_pem(row).strip()
    labels = {row.key_label for row in rows}
    assert len(labels) == 4
    # A blob moved onto another row does not unwrap there (the label is bound to it).
    first, second = rows[0], rows[1]
    first.wrapped_key = second.wrapped_key
    with pytest.raises(SigningError) as exc:
        pki.private_key_pem(first)
    assert exc.value.status == 503


def test_a_wrong_key_encryption_key_issues_nothing(world, monkeypatch):
    pki.root_certificate(Algorithm.ECDSA_P256)
    before = Certificate.objects.count()
    monkeypatch.setenv(ENV_VAR, base64.b64encode(os.urandom(32)).decode())
    with pytest.raises(SigningError) as exc:
        pki.signing_certificate(world.market)
    assert exc.value.status == 503 and exc.value.field == "key"
    assert "无法解密私钥" in exc.value.message
    assert Certificate.objects.count() == before


def test_a_missing_key_encryption_key_makes_no_root(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(SigningError) as exc:
        pki.root_certificate(Algorithm.SM2)
    assert exc.value.status == 503 and ENV_VAR in exc.value.message
    assert not Certificate.objects.exists()


def test_an_unknown_algorithm_is_refused(world):
    with pytest.raises(SigningError) as exc:
        pki.signing_certificate(world.market, "dsa-1024")
    assert exc.value.status == 400 and exc.value.field == "algorithm"


def test_rsa_certificates_are_supported(world):
    cert = pki.signing_certificate(world.market, Algorithm.RSA_3072)
    key = x509.load_pem_x509_certificate(cert.pem.encode()).public_key()
    assert key.key_size == 3072
    assert pki.check_chain(cert) == []


def test_rotation_retires_the_old_certificate_which_stays_trusted(world):
    old = pki.signing_certificate(world.market)
    new = pki.rotate(world.market, Algorithm.ECDSA_P256)
    old.refresh_from_db()
    assert new != old and old.retired_at is not None and new.retired_at is None
    assert pki.signing_certificate(world.market) == new
    assert pki.check_chain(old) == [] and pki.check_chain(new) == []
    assert new.issuer == old.issuer


def test_revocation_needs_a_reason_and_is_reported_by_the_chain_check(world):
    cert = pki.signing_certificate(world.market)
    with pytest.raises(SigningError) as exc:
        pki.revoke(cert, "  ")
    assert exc.value.field == "reason"
    pki.revoke(cert, "私钥泄露")
    problems = pki.check_chain(cert)
    assert any("已于" in p and "吊销" in p and "私钥泄露" in p for p in problems), problems
    with pytest.raises(SigningError) as exc:
        pki.revoke(cert, "again")
    assert exc.value.status == 409
    # The next signature needs a certificate: a fresh one is issued.
    assert pki.signing_certificate(world.market) != cert


@needs_openssl
def test_the_crl_lists_revoked_serials_and_openssl_reads_it(world, tmp_path):
    cert = pki.signing_certificate(world.market)
    keep = pki.signing_certificate(world.health)
    pki.revoke(cert, "部门撤并")
    der = pki.crl_der(Algorithm.ECDSA_P256)
    (tmp_path / "a.crl").write_bytes(der)
    (tmp_path / "root.pem").write_text(cert.issuer.pem)
    out = openssl("crl", "-inform", "DER", "-text", "-noout", "-in", str(tmp_path / "a.crl"))
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert cert.serial_number.upper() in text.replace(":", "").upper()
    assert keep.serial_number.upper() not in text.upper()
    signed = openssl(
        "crl", "-inform", "DER", "-in", str(tmp_path / "a.crl"), "-noout",
        "-CAfile", str(tmp_path / "root.pem"),
    )  # fmt: skip
    assert signed.returncode == 0 and b"verify OK" in signed.stderr + signed.stdout
    parsed = x509.load_der_x509_crl(der)
    assert parsed.get_revoked_certificate_by_serial_number(int(cert.serial_number, 16))
    assert parsed.is_signature_valid(
        x509.load_pem_x509_certificate(cert.issuer.pem.encode()).public_key()
    )


@needs_openssl
def test_the_sm2_crl_is_signed_by_the_sm2_root(world, tmp_path):
    cert = pki.signing_certificate(world.market, Algorithm.SM2)
    pki.revoke(cert, "印章注销")
    der = pki.crl_der(Algorithm.SM2)
    crl = asn1_crl.CertificateList.load(der)
    tbs = crl["tbs_cert_list"]
    assert [r["user_certificate"].native for r in tbs["revoked_certificates"]] == [
        int(cert.serial_number, 16)
    ]
    assert crl["signature_algorithm"]["algorithm"].dotted == pki.SM2_WITH_SM3
    root_pub = pki.public_key_pem(cert.issuer)
    assert sm2.verify(root_pub, tbs.dump(), crl["signature"].native)
    (tmp_path / "sm2.crl").write_bytes(der)
    out = openssl("crl", "-inform", "DER", "-text", "-noout", "-in", str(tmp_path / "sm2.crl"))
    assert out.returncode == 0 and b"SM2-with-SM3" in out.stdout


def test_the_chain_check_finds_forgeries_and_expiry(world):
    cert = pki.signing_certificate(world.market)
    root = cert.issuer
    assert pki.check_chain(cert, at=cert.not_after + dt.timedelta(days=1)) == ["签名证书已过有效期"]
    early = pki.check_chain(cert, at=cert.not_before - dt.timedelta(days=1))
    assert early[0] == "签名证书在该时间尚未生效"
    # A certificate that names the platform root as issuer but was signed by another key.
    key = ec.generate_private_key(ec.SECP256R1())
    parsed = x509.load_pem_x509_certificate(cert.pem.encode())
    forged = (
        x509.CertificateBuilder()
        .subject_name(parsed.subject)
        .issuer_name(parsed.issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(parsed.not_valid_before_utc)
        .not_valid_after(parsed.not_valid_after_utc)
        .sign(key, hashes.SHA256())
    )
    row = Certificate.objects.create(
        role=CertificateRole.DEPARTMENT,
        algorithm=Algorithm.ECDSA_P256,
        department=world.market,
        issuer=root,
        serial_number="forged1",
        subject="forged",
        pem=forged.public_bytes(serialization.Encoding.PEM).decode(),
        key_label="forged1",
        wrapped_key=b"x",
        not_before=cert.not_before,
        not_after=cert.not_after,
    )
    assert pki.check_chain(row) == ["签名证书上的根证书签名无效"]
    # A "department" certificate whose issuer is not a root.
    row.issuer = cert
    assert pki.check_chain(row) == ["签名证书不是由平台根证书签发的"]


def test_the_ca_files_are_public_and_a_get_makes_no_keys(client, world):
    assert client.get("/licences/ca/ecdsa-p256.crl").status_code == 404
    assert not Certificate.objects.exists()
    assert client.get("/licences/ca/md5.crt").status_code == 404
    cert = pki.signing_certificate(world.market)
    pki.revoke(cert, "测试吊销")
    response = client.get("/licences/ca/ecdsa-p256.crl")
    assert response.status_code == 200 and response["Content-Type"] == "application/pkix-crl"
    crl = x509.load_der_x509_crl(response.content)
    assert crl.get_revoked_certificate_by_serial_number(int(cert.serial_number, 16))
    response = client.get("/licences/ca/ecdsa-p256.crt")
    assert response.status_code == 200
    assert response.content == pki.certificate_der(cert.issuer)
    assert asn1_x509.Certificate.load(response.content).ca


def test_the_ca_api_lists_certificates_without_keys(client, world):
    ecdsa = pki.signing_certificate(world.market)
    pki.signing_certificate(world.market, Algorithm.SM2)
    response = client.get("/api/licences/ca/")
    assert response.status_code == 200
    body = response.json()
    assert {r["algorithm"] for r in body["roots"]} == {"ecdsa-p256", "sm2"}
    assert body["roots"][0]["crl_url"].endswith(f"/licences/ca/{body['roots'][0]['algorithm']}.crl")
    mine = [c for c in body["certificates"] if c["serial_number"] == ecdsa.serial_number]
    assert mine[0]["department"] == world.market.name and mine[0]["in_use"] is True
    text = response.content.decode()
    assert "PRIVATE KEY" not in text and "wrapped_key" not in text and "key_label" not in text


def test_wrapped_blobs_unwrap_only_with_the_key_store(world):
    cert = pki.signing_certificate(world.market)
    pem = key_store().unwrap(bytes(cert.wrapped_key), cert.key_label)
    assert b"PRIVATE KEY" in pem


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has a single writer; the race is PG's"
)
def test_concurrent_first_use_makes_one_certificate():
    dept = DepartmentFactory()
    barrier = threading.Barrier(4)
    results, errors = [], []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(pki.signing_certificate(dept).pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1
    assert Certificate.objects.filter(role=CertificateRole.ROOT).count() == 1
    assert Certificate.objects.filter(department=dept).count() == 1
    assert timezone.now() < Certificate.objects.get(department=dept).not_after
