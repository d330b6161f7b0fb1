"""The platform certificate authority (平台证书认证体系): roots, department certificates, CRLs.

One self-signed root per algorithm (ECDSA P-256 and RSA 3072 for PAdES PDF signatures, SM2 for
the licence data signature and the seal), and under it one in-use certificate per department
and algorithm. Private keys are made here, wrapped at once by the configured key store
(`keystore.key_store()`) and stored only wrapped; they are unwrapped in memory for one
signature (`private_key_pem`) and never written anywhere else.

ECDSA/RSA certificates and CRLs are built with ``cryptography``. ``cryptography`` cannot sign
with SM2, so SM2 certificates and CRLs are built with ``asn1crypto`` (signature algorithm
SM2-with-SM3, OID 1.2.156.10197.1.501) and the TBS bytes are signed with `sm2.sign`, which
hashes with SM3 over the Z value of distinguishing ID 1234567812345678 — what GM/T 0015 SM2
certificates use (``openssl verify -vfyopt distid:1234567812345678`` accepts them).

Rotation (`rotate`) retires a certificate (documents it signed stay valid); revocation
(`revoke`) puts it on its root's CRL (`crl_der`), and `check_chain` reports it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.regions.models import Department

from . import sm2
from .errors import SigningError
from .keystore import KeyStoreError, key_store
from .models import Algorithm, Certificate, CertificateRole

logger = logging.getLogger(__name__)

ROOT_YEARS = 20
DEPARTMENT_YEARS = 3
CRL_DAYS = 7
PLATFORM_NAME = "GovServe 政务服务平台"
SM2_WITH_SM3 = "1.2.156.10197.1.501"
# The key types _new_private_key makes for certificates built with ``cryptography``.
_X509_PUBLIC_KEYS = (ec.EllipticCurvePublicKey, rsa.RSAPublicKey)
_X509_PRIVATE_KEYS = (ec.EllipticCurvePrivateKey, rsa.RSAPrivateKey)
# Certificates are back-dated a little so a clock a few seconds behind does not reject them.
_BACKDATE = dt.timedelta(minutes=5)


# -- keys ------------------------------------------------------------------------------


def _new_private_key(algorithm: str) -> bytes:
    """A fresh private key as unencrypted PKCS#8 PEM (held in memory only until wrapped)."""
    if algorithm == Algorithm.SM2:
        return sm2.generate_private_key()
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
    if algorithm == Algorithm.RSA_3072:
        key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    elif algorithm == Algorithm.ECDSA_P256:
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        raise SigningError("algorithm", _("不支持的签名算法：%(alg)s") % {"alg": algorithm}, 400)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _wrap(private_pem: bytes, label: str) -> bytes:
    try:
        return key_store().wrap(private_pem, label)
    except KeyStoreError as exc:
        raise SigningError("key", str(exc), 503) from exc


def private_key_pem(certificate: Certificate) -> bytes:
    """The certificate's private key, unwrapped for one use (私钥解封).

    A key that cannot be unwrapped (wrong or missing key-encryption key, damaged blob) is a
    SigningError with status 503: nothing may be signed or issued.
    """
    try:
        return key_store().unwrap(bytes(certificate.wrapped_key), certificate.key_label)
    except KeyStoreError as exc:
        raise SigningError("key", str(exc), 503) from exc


def _check_algorithm(algorithm: str) -> str:
    if algorithm not in Algorithm.values:
        raise SigningError("algorithm", _("不支持的签名算法：%(alg)s") % {"alg": algorithm}, 400)
    return str(algorithm)


# -- helpers for certificates -----------------------------------------------------------


def certificate_der(certificate: Certificate) -> bytes:
    """The certificate's DER bytes."""
    _type, _headers, der = asn1_pem.unarmor(certificate.pem.encode())
    return der


def asn1_certificate(certificate: Certificate) -> asn1_x509.Certificate:
    """The certificate parsed by asn1crypto (works for SM2 too)."""
    return asn1_x509.Certificate.load(certificate_der(certificate))


def public_key_pem(certificate: Certificate) -> bytes:
    """The certificate's SubjectPublicKeyInfo as PEM (for SM2, what `sm2.verify` takes)."""
    spki = asn1_certificate(certificate)["tbs_certificate"]["subject_public_key_info"]
    return asn1_pem.armor("PUBLIC KEY", spki.dump())


def crl_url(algorithm: str) -> str:
    """The public address of the algorithm's certificate revocation list."""
    path = reverse("signing:crl", kwargs={"algorithm": algorithm})
    return settings.GOVSERVE["PUBLIC_URL"] + path


def root_certificate_url(algorithm: str) -> str:
    path = reverse("signing:root-certificate", kwargs={"algorithm": algorithm})
    return settings.GOVSERVE["PUBLIC_URL"] + path


def _new_serial() -> int:
    return x509.random_serial_number()


def _label(prefix: str, algorithm: str, serial: int) -> str:
    return f"{prefix}-{algorithm}-{serial:x}"[:100]


def _serialise(name: str) -> None:
    """Serialise first use across processes: on PostgreSQL a transaction-scoped advisory lock
    (two requests creating the same root at once would otherwise both create one); SQLite
    allows one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"govserve-pki:{name}"])


def _department_names(department: Department) -> dict[str, str]:
    region = department.region
    names = {"C": "CN", "O": (region.full_name or region.name)[:64], "CN": department.name[:64]}
    if department.uscc:
        names["OU"] = department.uscc
        names["serialNumber"] = department.uscc
    return names


def _root_names(algorithm: str) -> dict[str, str]:
    return {
        "C": "CN",
        "O": PLATFORM_NAME,
        "CN": f"{PLATFORM_NAME}根证书 ({algorithm})",
    }


def _x509_name(names: dict[str, str]) -> x509.Name:
    oids = {
        "C": NameOID.COUNTRY_NAME,
        "O": NameOID.ORGANIZATION_NAME,
        "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
        "CN": NameOID.COMMON_NAME,
        "serialNumber": NameOID.SERIAL_NUMBER,
    }
    return x509.Name([x509.NameAttribute(oids[k], v) for k, v in names.items()])


def _asn1_name(names: dict[str, str]) -> asn1_x509.Name:
    keys_ = {
        "C": "country_name",
        "O": "organization_name",
        "OU": "organizational_unit_name",
        "CN": "common_name",
        "serialNumber": "serial_number",
    }
    return asn1_x509.Name.build({keys_[k]: v for k, v in names.items()})


def _subject_text(names: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in reversed(list(names.items())))[:300]


def _asn1_time(moment: dt.datetime) -> asn1_x509.Time:
    moment = moment.astimezone(dt.UTC).replace(microsecond=0)
    if moment.year < 2050:
        return asn1_x509.Time(name="utc_time", value=moment)
    return asn1_x509.Time(name="general_time", value=moment)


# -- building certificates -------------------------------------------------------------


def _build_x509(
    *,
    algorithm: str,
    subject: dict[str, str],
    issuer: Certificate | None,
    public_pem: bytes,
    signer_pem: bytes,
    issuer_public_pem: bytes,
    serial: int,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> str:
    """An ECDSA or RSA certificate signed with `signer_pem`, as PEM text."""
    ca = issuer is None
    public_key = serialization.load_pem_public_key(public_pem)
    issuer_public = serialization.load_pem_public_key(issuer_public_pem)
    signer = serialization.load_pem_private_key(signer_pem, password=None)
    # Keys made by _new_private_key for ECDSA or RSA (SM2 goes through _build_sm2).
    assert isinstance(public_key, _X509_PUBLIC_KEYS) and isinstance(
        issuer_public, _X509_PUBLIC_KEYS
    )
    assert isinstance(signer, _X509_PRIVATE_KEYS)
    subject_name = _x509_name(subject)
    # The issuer field is the root's subject exactly as encoded in the root certificate.
    issuer_name = (
        subject_name
        if issuer is None
        else x509.load_pem_x509_certificate(issuer.pem.encode()).subject
    )
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject_name)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_public), critical=False
        )
    )
    if ca:
        builder = builder.add_extension(
            x509.BasicConstraints(ca=True, path_length=0), critical=True
        ).add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    else:
        builder = (
            builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(crl_url(algorithm))],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
        )
    cert = builder.sign(signer, hashes.SHA256())
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def _spki(public_pem: bytes) -> asn1_keys.PublicKeyInfo:
    _type, _headers, der = asn1_pem.unarmor(public_pem)
    return asn1_keys.PublicKeyInfo.load(der)


def _key_id(spki: asn1_keys.PublicKeyInfo) -> bytes:
    # RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
    return hashlib.sha1(spki["public_key"].contents[1:], usedforsecurity=False).digest()


def _build_sm2(
    *,
    algorithm: str,
    subject: dict[str, str],
    issuer: Certificate | None,
    public_pem: bytes,
    signer_pem: bytes,
    issuer_public_pem: bytes,
    serial: int,
    not_before: dt.datetime,
    not_after: dt.datetime,
) -> str:
    """An SM2 certificate: TBSCertificate built with asn1crypto, signed with `sm2.sign`."""
    ca = issuer is None
    subject_name = _asn1_name(subject)
    issuer_name = subject_name if issuer is None else asn1_certificate(issuer).subject
    spki = _spki(public_pem)
    extensions = [
        {"extn_id": "key_identifier", "critical": False, "extn_value": _key_id(spki)},
        {
            "extn_id": "authority_key_identifier",
            "critical": False,
            "extn_value": {"key_identifier": _key_id(_spki(issuer_public_pem))},
        },
    ]
    if ca:
        extensions += [
            {
                "extn_id": "basic_constraints",
                "critical": True,
                "extn_value": {"ca": True, "path_len_constraint": 0},
            },
            {
                "extn_id": "key_usage",
                "critical": True,
                "extn_value": {"key_cert_sign", "crl_sign"},
            },
        ]
    else:
        extensions += [
            {"extn_id": "basic_constraints", "critical": True, "extn_value": {"ca": False}},
            {
                "extn_id": "key_usage",
                "critical": True,
                "extn_value": {"digital_signature", "non_repudiation"},
            },
            {
                "extn_id": "crl_distribution_points",
                "critical": False,
                "extn_value": [
                    {
                        "distribution_point": {
                            "full_name": [
                                asn1_x509.GeneralName(
                                    name="uniform_resource_identifier",
                                    value=crl_url(algorithm),
                                )
                            ]
                        }
                    }
                ],
            },
        ]
    tbs = asn1_x509.TbsCertificate(
        {
            "version": "v3",
            "serial_number": serial,
            "signature": {"algorithm": SM2_WITH_SM3},
            "issuer": issuer_name,
            "validity": {
                "not_before": _asn1_time(not_before),
                "not_after": _asn1_time(not_after),
            },
            "subject": subject_name,
            "subject_public_key_info": spki,
            "extensions": extensions,
        }
    )
    signature = sm2.sign(signer_pem, tbs.dump())
    cert = asn1_x509.Certificate(
        {
            "tbs_certificate": tbs,
            "signature_algorithm": {"algorithm": SM2_WITH_SM3},
            "signature_value": signature,
        }
    )
    return asn1_pem.armor("CERTIFICATE", cert.dump()).decode()


def _public_pem_of(private_pem: bytes, algorithm: str) -> bytes:
    if algorithm == Algorithm.SM2:
        return sm2.public_key_pem(private_pem)
    key = serialization.load_pem_private_key(private_pem, password=None)
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _create(
    *,
    algorithm: str,
    role: str,
    subject: dict[str, str],
    department: Department | None,
    issuer: Certificate | None,
    years: int,
) -> Certificate:
    """Make a key, certify it (self-signed when `issuer` is None), store the wrapped key."""
    private_pem = _new_private_key(algorithm)
    public_pem = _public_pem_of(private_pem, algorithm)
    serial = _new_serial()
    now = timezone.now().replace(microsecond=0)
    not_before = now - _BACKDATE
    not_after = (
        now.replace(year=now.year + years)
        if not (now.month == 2 and now.day == 29)
        else now + dt.timedelta(days=365 * years)
    )
    if issuer is None:
        signer_pem, issuer_public_pem = private_pem, public_pem
    else:
        signer_pem = private_key_pem(issuer)
        issuer_public_pem = public_key_pem(issuer)
        not_after = min(not_after, issuer.not_after)  # never outlive the root
    build = _build_sm2 if algorithm == Algorithm.SM2 else _build_x509
    pem_text = build(
        algorithm=algorithm,
        subject=subject,
        issuer=issuer,
        public_pem=public_pem,
        signer_pem=signer_pem,
        issuer_public_pem=issuer_public_pem,
        serial=serial,
        not_before=not_before,
        not_after=not_after,
    )
    if issuer is None:
        prefix = "root"
    else:
        assert department is not None  # a certificate under a root is a department's
        prefix = f"dept-{department.pk}"
    label = _label(prefix, algorithm, serial)
    wrapped = _wrap(private_pem, label)
    del private_pem, signer_pem
    return Certificate.objects.create(
        role=role,
        algorithm=algorithm,
        department=department,
        issuer=issuer,
        serial_number=f"{serial:x}",
        subject=_subject_text(subject),
        pem=pem_text,
        key_label=label,
        wrapped_key=wrapped,
        not_before=not_before,
        not_after=not_after,
    )


# -- public functions ------------------------------------------------------------------


def _current_root(algorithm: str) -> Certificate | None:
    now = timezone.now()
    return (
        Certificate.objects.filter(
            role=CertificateRole.ROOT,
            algorithm=algorithm,
            retired_at__isnull=True,
            revoked_at__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def root_certificate(algorithm: str = Algorithm.ECDSA_P256) -> Certificate:
    """The platform root certificate (平台根证书) for `algorithm`, created on first use."""
    algorithm = _check_algorithm(algorithm)
    root = _current_root(algorithm)
    if root is not None:
        return root
    _serialise(f"root:{algorithm}")
    root = _current_root(algorithm)
    if root is not None:
        return root
    root = _create(
        algorithm=algorithm,
        role=CertificateRole.ROOT,
        subject=_root_names(algorithm),
        department=None,
        issuer=None,
        years=ROOT_YEARS,
    )
    logger.info("pki: root certificate %s created (%s)", root.serial_number, algorithm)
    return root


def _current_department(department: Department, algorithm: str) -> Certificate | None:
    now = timezone.now()
    return (
        Certificate.objects.filter(
            role=CertificateRole.DEPARTMENT,
            department=department,
            algorithm=algorithm,
            retired_at__isnull=True,
            revoked_at__isnull=True,
            not_before__lte=now,
            not_after__gt=now,
            issuer__revoked_at__isnull=True,
        )
        .select_related("issuer", "department__region")
        .order_by("-created_at", "-pk")
        .first()
    )


def _issue(department: Department, algorithm: str) -> Certificate:
    root = root_certificate(algorithm)
    cert = _create(
        algorithm=algorithm,
        role=CertificateRole.DEPARTMENT,
        subject=_department_names(department),
        department=department,
        issuer=root,
        years=DEPARTMENT_YEARS,
    )
    logger.info(
        "pki: certificate %s issued to department %s (%s)",
        cert.serial_number,
        department.pk,
        algorithm,
    )
    return cert


@transaction.atomic
def signing_certificate(
    department: Department, algorithm: str = Algorithm.ECDSA_P256
) -> Certificate:
    """The department's in-use signing certificate (部门签名证书), issued on first use.

    Two first uses at once are serialised on the department row, so only one is created.
    """
    algorithm = _check_algorithm(algorithm)
    cert = _current_department(department, algorithm)
    if cert is not None:
        return cert
    Department.objects.select_for_update().filter(pk=department.pk).first()
    _serialise(f"dept:{department.pk}:{algorithm}")
    cert = _current_department(department, algorithm)
    if cert is not None:
        return cert
    return _issue(department, algorithm)


@transaction.atomic
def rotate(department: Department, algorithm: str, actor=None) -> Certificate:
    """证书轮换: issue a new certificate and retire the current one (its signatures stay valid)."""
    algorithm = _check_algorithm(algorithm)
    Department.objects.select_for_update().filter(pk=department.pk).first()
    _serialise(f"dept:{department.pk}:{algorithm}")
    old = _current_department(department, algorithm)
    new = _issue(department, algorithm)
    if old is not None:
        old.retired_at = timezone.now()
        old.save(update_fields=["retired_at"])
    logger.info(
        "pki: department %s rotated %s → %s (%s) by %s",
        department.pk,
        old.serial_number if old else "-",
        new.serial_number,
        algorithm,
        getattr(actor, "pk", None),
    )
    return new


@transaction.atomic
def revoke(certificate: Certificate, reason: str) -> Certificate:
    """证书吊销: mark the certificate revoked (it goes onto its root's CRL); reason required."""
    reason = (reason or "").strip()
    if not reason:
        raise SigningError("reason", _("请填写吊销原因"), 400)
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if cert.revoked_at is not None:
        raise SigningError("certificate", _("该证书已被吊销"), 409)
    cert.revoked_at = timezone.now()
    cert.revocation_reason = reason[:200]
    cert.save(update_fields=["revoked_at", "revocation_reason"])
    logger.info("pki: certificate %s revoked: %s", cert.serial_number, reason)
    certificate.revoked_at, certificate.revocation_reason = cert.revoked_at, cert.revocation_reason
    return cert


def crl_der(algorithm: str = Algorithm.ECDSA_P256) -> bytes:
    """证书吊销列表: the X.509 CRL (DER) of the algorithm's root,
    listing its revoked certificates."""
    root = root_certificate(algorithm)
    revoked = list(
        Certificate.objects.filter(issuer=root, revoked_at__isnull=False)
        .exclude(pk=root.pk)
        .order_by("revoked_at", "pk")
    )
    now = timezone.now().replace(microsecond=0)
    next_update = now + dt.timedelta(days=CRL_DAYS)
    # A monotonic CRL number without a counter row: seconds since the epoch.
    number = int(now.timestamp())
    signer_pem = private_key_pem(root)
    if root.algorithm == Algorithm.SM2:
        return _sm2_crl(root, revoked, now, next_update, number, signer_pem)
    signer = serialization.load_pem_private_key(signer_pem, password=None)
    assert isinstance(signer, _X509_PRIVATE_KEYS)  # an ECDSA or RSA root (SM2 returned above)
    root_cert = x509.load_pem_x509_certificate(root.pem.encode())
    root_public = root_cert.public_key()
    assert isinstance(root_public, _X509_PUBLIC_KEYS)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(now)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_public),
            critical=False,
        )
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(int(cert.serial_number, 16))
            .revocation_date(_revoked_at(cert))
            .build()
        )
    return builder.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _revoked_at(cert: Certificate) -> dt.datetime:
    assert cert.revoked_at is not None  # a CRL lists revoked certificates only
    return cert.revoked_at


def _sm2_crl(
    root: Certificate,
    revoked: list[Certificate],
    now: dt.datetime,
    next_update: dt.datetime,
    number: int,
    signer_pem: bytes,
) -> bytes:
    root_asn1 = asn1_certificate(root)
    entries = [
        {
            "user_certificate": int(cert.serial_number, 16),
            "revocation_date": _asn1_time(_revoked_at(cert)),
        }
        for cert in revoked
    ]
    tbs = asn1_crl.TbsCertList(
        {
            "version": "v2",
            "signature": {"algorithm": SM2_WITH_SM3},
            "issuer": root_asn1.subject,
            "this_update": _asn1_time(now),
            "next_update": _asn1_time(next_update),
            "revoked_certificates": entries or None,
            "crl_extensions": [
                {"extn_id": "crl_number", "critical": False, "extn_value": number},
                {
                    "extn_id": "authority_key_identifier",
                    "critical": False,
                    "extn_value": {"key_identifier": root_asn1.key_identifier},
                },
            ],
        }
    )
    if not entries:
        del tbs["revoked_certificates"]
    signature = sm2.sign(signer_pem, tbs.dump())
    return asn1_crl.CertificateList(
        {
            "tbs_cert_list": tbs,
            "signature_algorithm": {"algorithm": SM2_WITH_SM3},
            "signature": signature,
        }
    ).dump()


# -- checking --------------------------------------------------------------------------


def signed_by(certificate: Certificate, issuer: Certificate) -> bool:
    """True if `issuer`'s key made `certificate`'s signature (ECDSA/RSA or SM2)."""
    try:
        if certificate.algorithm == Algorithm.SM2:
            cert = asn1_certificate(certificate)
            if cert["signature_algorithm"]["algorithm"].dotted != SM2_WITH_SM3:
                return False
            return sm2.verify(
                public_key_pem(issuer),
                cert["tbs_certificate"].dump(),
                cert["signature_value"].native,
            )
        cert = x509.load_pem_x509_certificate(certificate.pem.encode())
        issuer_cert = x509.load_pem_x509_certificate(issuer.pem.encode())
        cert.verify_directly_issued_by(issuer_cert)
        return True
    except (InvalidSignature, ValueError, TypeError, sm2.SM2Error):
        return False


def _validity_problems(certificate: Certificate, at: dt.datetime, what: str) -> list[str]:
    if at < certificate.not_before:
        return [_("%(what)s在该时间尚未生效") % {"what": what}]
    if at >= certificate.not_after:
        return [_("%(what)s已过有效期") % {"what": what}]
    return []


def check_chain(certificate: Certificate, at: dt.datetime | None = None) -> list[str]:
    """证书链校验: problems (Chinese) with `certificate`'s chain; empty means trusted.

    Checks the issuer's signature, that the issuer is a self-signed platform root, the
    validity of both at `at` (default now; pass the signing time to check an old signature),
    and that neither is revoked. Retired (rotated) certificates are still trusted.
    """
    at = at or timezone.now()
    problems: list[str] = []
    root: Certificate | None
    if certificate.role == CertificateRole.ROOT:
        root, what = certificate, _("平台根证书")
    else:
        root, what = certificate.issuer, _("签名证书")
        problems += _validity_problems(certificate, at, what)
        if certificate.revoked_at is not None:
            problems.append(
                _("签名证书已于 %(when)s 被吊销（原因：%(reason)s）")
                % {
                    "when": timezone.localtime(certificate.revoked_at).strftime("%Y-%m-%d %H:%M"),
                    "reason": certificate.revocation_reason,
                }
            )
        if root is None or root.role != CertificateRole.ROOT:
            return [*problems, _("签名证书不是由平台根证书签发的")]
        if root.algorithm != certificate.algorithm:
            problems.append(_("签名证书与根证书的算法不一致"))
        if not signed_by(certificate, root):
            problems.append(_("签名证书上的根证书签名无效"))
    if root.issuer_id not in (None, root.pk) or not signed_by(root, root):
        problems.append(_("平台根证书的自签名无效"))
    if root is not certificate:
        problems += _validity_problems(root, at, _("平台根证书"))
    else:
        problems += _validity_problems(root, at, what)
    if root.revoked_at is not None:
        problems.append(_("平台根证书已被吊销"))
    return problems
