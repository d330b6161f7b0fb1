"""`govserve ca`: the operator's commands for the platform certificate authority."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govserve.signing import pki
from govserve.signing.models import Algorithm, Certificate, CertificateRole

pytestmark = pytest.mark.django_db


def ca(*args) -> str:
    out = StringIO()
    call_command("ca", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_init_makes_a_root_per_algorithm_once():
    out = ca("init")
    roots = Certificate.objects.filter(role=CertificateRole.ROOT)
    assert sorted(roots.values_list("algorithm", flat=True)) == sorted(Algorithm.values)
    assert all(root.serial_number in out for root in roots)
    ca("init")
    assert Certificate.objects.filter(role=CertificateRole.ROOT).count() == 3


def test_issue_rotate_revoke_and_list(world):
    out = ca("issue", "--department", str(world.market.pk))
    ecdsa = pki.signing_certificate(world.market, Algorithm.ECDSA_P256)
    sm2 = pki.signing_certificate(world.market, Algorithm.SM2)
    assert ecdsa.serial_number in out and sm2.serial_number in out
    out = ca("rotate", "--department", str(world.market.pk), "--algorithm", "sm2")
    new = pki.signing_certificate(world.market, Algorithm.SM2)
    assert new != sm2 and new.serial_number in out
    sm2.refresh_from_db()
    assert sm2.retired_at is not None
    ca("revoke", "--serial", ecdsa.serial_number.upper(), "--reason", "私钥泄露")
    ecdsa.refresh_from_db()
    assert ecdsa.revoked_at is not None and ecdsa.revocation_reason == "私钥泄露"
    listing = ca("list")
    assert "retired" in listing and "revoked" in listing and "私钥泄露" in listing
    assert listing.count("\n") == Certificate.objects.count()


def test_bad_input_is_a_clear_error(world):
    with pytest.raises(CommandError, match="no department with id 999999"):
        ca("issue", "--department", "999999")
    with pytest.raises(CommandError, match="no certificate with serial abc"):
        ca("revoke", "--serial", "abc", "--reason", "x")
    cert = pki.signing_certificate(world.market)
    with pytest.raises(CommandError, match="请填写吊销原因"):
        ca("revoke", "--serial", cert.serial_number, "--reason", " ")
    with pytest.raises(CommandError):
        ca("rotate", "--department", str(world.market.pk), "--algorithm", "md5")


@pytest.mark.skipif(not shutil.which("openssl"), reason="openssl CLI not installed")
def test_crl_writes_der_to_a_file_and_pem_to_the_terminal(world, tmp_path):
    cert = pki.signing_certificate(world.market)
    pki.revoke(cert, "部门撤并")
    target = tmp_path / "platform.crl"
    ca("crl", "--algorithm", "ecdsa-p256", "--out", str(target))
    out = subprocess.run(
        ["openssl", "crl", "-inform", "DER", "-noout", "-text", "-in", str(target)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert cert.serial_number.upper() in out.upper()
    pem = ca("crl", "--algorithm", "ecdsa-p256")
    assert pem.startswith("-----BEGIN X509 CRL-----")
