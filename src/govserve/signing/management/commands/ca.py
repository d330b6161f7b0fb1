"""Operate the platform certificate authority (平台证书管理).

    govserve ca init                                   roots for every algorithm
    govserve ca issue --department 12 [--algorithm ecdsa-p256|rsa-3072|sm2|all]
    govserve ca rotate --department 12 --algorithm sm2
    govserve ca revoke --serial 3e29… --reason "私钥泄露"
    govserve ca crl --algorithm ecdsa-p256 [--out govserve.crl]   (DER to a file, else PEM)
    govserve ca list

Keys are made and wrapped with GOVSERVE_KEY_ENCRYPTION_KEY; a missing or wrong key stops the
command with the key store's message and changes nothing.
"""

from __future__ import annotations

from asn1crypto import pem as asn1_pem
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from govserve.regions.models import Department
from govserve.signing import pki
from govserve.signing.errors import SigningError
from govserve.signing.models import Algorithm, Certificate

ALGORITHMS = list(Algorithm.values)


class Command(BaseCommand):
    help = "Manage the platform certificate authority: roots, department certificates, CRLs."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        sub.add_parser("init", help="create the root certificate of every algorithm")
        issue = sub.add_parser("issue", help="issue a department's certificates (first use)")
        issue.add_argument("--department", type=int, required=True, help="department id")
        issue.add_argument(
            "--algorithm",
            choices=[*ALGORITHMS, "all"],
            default="all",
            help="which certificate (default: ECDSA for PDFs and SM2 for data and seals)",
        )
        rotate = sub.add_parser("rotate", help="replace a department certificate")
        rotate.add_argument("--department", type=int, required=True, help="department id")
        rotate.add_argument("--algorithm", choices=ALGORITHMS, required=True)
        revoke = sub.add_parser("revoke", help="revoke a certificate (it goes onto the CRL)")
        revoke.add_argument("--serial", required=True, help="serial number in hex")
        revoke.add_argument("--reason", required=True, help="why (recorded and shown)")
        crl = sub.add_parser("crl", help="write the certificate revocation list (DER)")
        crl.add_argument("--algorithm", choices=ALGORITHMS, default=Algorithm.ECDSA_P256)
        crl.add_argument("--out", help="file to write (default: standard output)")
        sub.add_parser("list", help="list roots and department certificates")

    def handle(self, *args, action: str, **options) -> None:
        try:
            getattr(self, f"_{action}")(**options)
        except SigningError as exc:
            raise CommandError(exc.message) from exc

    def _department(self, pk: int) -> Department:
        try:
            return Department.objects.select_related("region").get(pk=pk)
        except Department.DoesNotExist:
            raise CommandError(f"no department with id {pk}") from None

    def _show(self, cert: Certificate) -> None:
        state = "in use"
        if cert.revoked_at:
            state = (
                f"revoked {timezone.localtime(cert.revoked_at):%Y-%m-%d}: {cert.revocation_reason}"
            )
        elif cert.retired_at:
            state = f"retired {timezone.localtime(cert.retired_at):%Y-%m-%d}"
        elif cert.not_after <= timezone.now():
            state = "expired"
        self.stdout.write(
            f"{cert.role:<10} {cert.algorithm:<10} {cert.serial_number:<40} "
            f"{timezone.localtime(cert.not_after):%Y-%m-%d} {state:<12} {cert.subject}"
        )

    def _init(self, **options) -> None:
        for algorithm in ALGORITHMS:
            self._show(pki.root_certificate(algorithm))

    def _issue(self, department: int, algorithm: str, **options) -> None:
        dept = self._department(department)
        wanted: list[str] = (
            [Algorithm.ECDSA_P256, Algorithm.SM2] if algorithm == "all" else [algorithm]
        )
        for alg in wanted:
            self._show(pki.signing_certificate(dept, alg))

    def _rotate(self, department: int, algorithm: str, **options) -> None:
        self._show(pki.rotate(self._department(department), algorithm))

    def _revoke(self, serial: str, reason: str, **options) -> None:
        serial = serial.strip().lower().removeprefix("0x").replace(":", "")
        cert = Certificate.objects.filter(serial_number=serial).first()
        if cert is None:
            raise CommandError(f"no certificate with serial {serial}")
        self._show(pki.revoke(cert, reason))

    def _crl(self, algorithm: str, out: str | None, **options) -> None:
        der = pki.crl_der(algorithm)
        if out:
            with open(out, "wb") as handle:
                handle.write(der)
            self.stderr.write(f"wrote {len(der)} bytes to {out}")
        else:
            # A terminal gets PEM text (what `openssl crl` reads by default).
            self.stdout.write(asn1_pem.armor("X509 CRL", der).decode(), ending="")

    def _list(self, **options) -> None:
        for cert in Certificate.objects.order_by("role", "algorithm", "department_id", "-pk"):
            self._show(cert)
