"""Electronic archive (电子档案): an append-only hash chain of decisions, notices and licences.

Each `ArchiveEntry` stores `entry_hash` = SHA-256 over the canonical JSON (sorted keys,
separators ``(",", ":")``, UTF-8 without escapes) of its own content — sequence, kind, title,
case / document / licence ids, the archived file's SHA-256, metadata, `previous_hash` and the
archiving time — so changing any entry, or removing one, breaks every link after it.
`verify_chain` walks the whole chain (with content: every archived file, event and licence
register row — its fields against the entry, its holder and data against its own SM2-signed
data); the chain is anchored by signed checkpoints outside the database (`checkpoints`), which
find what a chain alone cannot: its last entries deleted, or entries rewritten with every later
hash recomputed. `case_package` bundles one case's documents, licences,
metadata, signatures and its chain entries into a zip a court or an auditor can check offline.

Appends run inside the caller's transaction (a refused decision leaves no entry) and are
serialised: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by its single write
lock (taken up front), elsewhere by locking the head row; the unique `sequence` is the last
guard — a chain never forks.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from govserve.accounts.masking import mask_id_number
from govserve.cases.models import Case, CaseDocument
from govserve.licences import services as licence_services
from govserve.licences.models import Licence, LicenceEvent
from govserve.licences.verification import DocumentSeal, payload_differences
from govserve.signing import signing
from govserve.signing.models import Certificate

from .models import ArchiveEntry, ArchiveKind

GENESIS_HASH = "0" * 64
# pg_advisory_xact_lock key: any constant bigint the rest of GovServe does not use (named after
# the module's first home, so appends of a running older process and this one still serialise).
_PG_LOCK_KEY = int.from_bytes(hashlib.sha256(b"govserve.licences.archive").digest()[:8], "big") >> 1
_APPEND_ATTEMPTS = 5


# -- canonical form -------------------------------------------------------------------------
def canonical_json(value) -> str:
    """The one serialisation every hash in the archive is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def entry_content(entry: ArchiveEntry) -> dict:
    """What `entry_hash` covers (also printed in a case package's chain proof)."""
    return {
        "sequence": entry.sequence,
        "kind": entry.kind,
        "title": entry.title,
        "case": entry.case_id,
        "document": entry.document_id,
        "licence": entry.licence_id,
        "content_sha256": entry.content_sha256,
        "metadata": entry.metadata,
        "previous_hash": entry.previous_hash,
        "created_at": _iso(entry.created_at),
    }


def compute_hash(entry: ArchiveEntry) -> str:
    return hashlib.sha256(canonical_json(entry_content(entry)).encode("utf-8")).hexdigest()


def _sha256_file(field_file) -> str:
    sha = hashlib.sha256()
    with field_file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            sha.update(chunk)
    return sha.hexdigest()


# -- appending ------------------------------------------------------------------------------
def _take_lock() -> None:
    """Serialise appends until the surrounding transaction ends."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])
        elif connection.vendor == "sqlite":
            # A write statement takes SQLite's one write lock now (a no-op that matches no row),
            # before the head is read; it is held until commit.
            table = ArchiveEntry._meta.db_table
            cursor.execute(f"UPDATE {table} SET sequence = sequence WHERE 1 = 0")


def _head() -> ArchiveEntry | None:
    qs = ArchiveEntry.objects.order_by("-sequence")
    if connection.vendor not in ("postgresql", "sqlite"):
        qs = qs.select_for_update()
    return qs.only("sequence", "entry_hash").first()


def _append(
    kind: str,
    title: str,
    *,
    content_sha256: str,
    metadata: dict,
    case_id: int | None = None,
    document_id: int | None = None,
    licence_id: int | None = None,
) -> ArchiveEntry:
    for attempt in range(_APPEND_ATTEMPTS):
        try:
            # A savepoint: a collision on `sequence` (only possible without the lock, on other
            # databases) is retried without aborting the caller's transaction.
            with transaction.atomic():
                _take_lock()
                head = _head()
                entry = ArchiveEntry(
                    sequence=(head.sequence + 1) if head else 1,
                    kind=kind,
                    title=title[:300],
                    case_id=case_id,
                    document_id=document_id,
                    licence_id=licence_id,
                    content_sha256=content_sha256,
                    # Through JSON and back: what is hashed is what the database gives back.
                    metadata=json.loads(canonical_json(metadata)),
                    previous_hash=head.entry_hash if head else GENESIS_HASH,
                    created_at=timezone.now(),
                )
                entry.entry_hash = compute_hash(entry)
                entry.save()
                return entry
        except IntegrityError:
            if attempt == _APPEND_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _department(department) -> dict:
    return {"name": department.name, "uscc": department.uscc or ""}


def _pdf_signers(data: bytes) -> list[dict]:
    """PAdES signers of a PDF (subject, serial, signing time); [] when unsigned or unreadable."""
    if b"/ByteRange" not in data:  # cheap: no signature dictionary at all
        return []
    try:
        from pyhanko.pdf_utils.reader import PdfFileReader

        signers = []
        for signature in PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures:
            cert = signature.signer_cert
            when = signature.self_reported_timestamp
            signers.append(
                {
                    "subject": cert.subject.human_friendly,
                    "serial": format(cert.serial_number, "x"),
                    "signed_at": _iso(when) if when else None,
                    "certificate_pem": _pem(cert.dump()),
                }
            )
        return signers
    except Exception:
        return []


def _pem(der: bytes) -> str:
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + "\n-----END CERTIFICATE-----\n"


def append_document(document: CaseDocument) -> ArchiveEntry:
    """Archive one issued notice or decision (文书归档), inside the issuing transaction."""
    data = b""
    if document.file:
        with document.file.open("rb") as handle:
            data = handle.read()
    sha = document.sha256 or hashlib.sha256(data).hexdigest()
    case = document.case
    metadata = {
        "number": document.number,
        "kind": document.kind,
        "kind_name": str(document.get_kind_display()),
        "department": _department(document.department),
        "issued_on": document.issued_on.isoformat(),
        "case_number": case.number,
        "signers": [
            {k: v for k, v in s.items() if k != "certificate_pem"} for s in _pdf_signers(data)
        ],
    }
    if data:
        # The electronic seal's signature (GB/T 38540): SM2 over the SM3 digest of the signed
        # PDF by the issuing department, kept with the archived document (verification checks it).
        signature, certificate = signing.sm2_sign(data, document.department)
        metadata["sm2"] = {
            "signature": signature.hex(),
            "certificate_serial": certificate.serial_number,
            "algorithm": "SM2-with-SM3 (1.2.156.10197.1.501)",
            "distinguishing_id": "1234567812345678",
        }
    return _append(
        ArchiveKind.DOCUMENT,
        f"{document.get_kind_display()} {document.number}",
        content_sha256=sha,
        metadata=metadata,
        case_id=document.case_id,
        document_id=document.pk,
    )


def archived_document_seal(document: CaseDocument) -> DocumentSeal | None:
    """The SM2 seal signature archived with a document (`append_document`), for verification
    of an uploaded notice or decision (registered with `licences.verification`)."""
    entry = ArchiveEntry.objects.filter(kind=ArchiveKind.DOCUMENT, document=document).first()
    sm2 = (entry.metadata or {}).get("sm2") if entry else None
    if entry is None or not sm2:
        return None
    return DocumentSeal(
        signature_hex=sm2.get("signature", ""),
        certificate_serial=sm2.get("certificate_serial", ""),
        signed_at=entry.created_at,
    )


def _holder_id(licence: Licence) -> str:
    # A person's ID number never enters the archive in clear; a business's USCC is public.
    if licence.holder_organisation_id:
        return licence.holder_id_number
    return mask_id_number(licence.holder_id_number)


def append_licence(licence: Licence) -> ArchiveEntry:
    """Archive one issued licence version (证照归档): its PDF digest and signed metadata."""
    sha = licence.pdf_sha256 or (_sha256_file(licence.pdf) if licence.pdf else "")
    certificate = licence.sm2_certificate
    metadata = {
        "identifier": licence.identifier,
        "type_code": licence.licence_type.type_code,
        "type_name": licence.licence_type.name,
        "number": licence.number,
        "version": licence.version,
        "holder_name": licence.holder_name,
        "holder_id": _holder_id(licence),
        "issuer": _department(licence.issuer),
        "issued_on": licence.issued_on.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
        "status": licence.status,
        "sm2_signature": bytes(licence.sm2_signature or b"").hex(),
        "sm2_certificate_serial": certificate.serial_number if certificate else None,
        "signed_data_sha256": hashlib.sha256(bytes(licence.signed_data or b"")).hexdigest(),
    }
    return _append(
        ArchiveKind.LICENCE,
        f"{licence.licence_type.name} {licence.number}（{licence.identifier}）",
        content_sha256=sha,
        metadata=metadata,
        case_id=licence.source_case_id,
        licence_id=licence.pk,
    )


def _event_content(event: LicenceEvent) -> dict:
    return {
        "event": event.pk,
        "licence": event.licence.identifier,
        "action": event.action,
        "description": event.description,
        "reason": event.reason,
        "at": _iso(event.at),
    }


def append_licence_event(event: LicenceEvent) -> ArchiveEntry:
    """Archive a licence's status change (变更、延续、中止、撤销、过期 …)."""
    content = _event_content(event)
    licence = event.licence
    return _append(
        ArchiveKind.LICENCE_EVENT,
        f"{licence.licence_type.name} {licence.number}：{event.description}",
        content_sha256=hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest(),
        metadata=content,
        case_id=licence.source_case_id,
        licence_id=licence.pk,
    )


# -- verifying ------------------------------------------------------------------------------
@dataclass
class ChainCheck:
    """The result of walking the chain: `count` entries read; `entry` the first bad one."""

    count: int
    entry: ArchiveEntry | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.entry is None


def _content_problem(entry: ArchiveEntry) -> str:
    """Does the archived record (file, or event row) still have the digest the entry holds?"""
    try:
        if entry.kind == ArchiveKind.DOCUMENT:
            if entry.document_id is None:
                return _("归档对象已不存在")
            document = CaseDocument.objects.get(pk=entry.document_id)
            actual = _sha256_file(document.file) if document.file else ""
        elif entry.kind == ArchiveKind.LICENCE:
            if entry.licence_id is None:
                return _("归档对象已不存在")
            licence = Licence.objects.select_related(
                "licence_type", "issuer", "sm2_certificate"
            ).get(pk=entry.licence_id)
            actual = _sha256_file(licence.pdf) if licence.pdf else ""
            if actual == entry.content_sha256:
                return licence_register_problem(entry, licence)
        else:
            event = LicenceEvent.objects.select_related("licence").get(
                pk=entry.metadata.get("event")
            )
            actual = hashlib.sha256(
                canonical_json(_event_content(event)).encode("utf-8")
            ).hexdigest()
    except (CaseDocument.DoesNotExist, Licence.DoesNotExist, LicenceEvent.DoesNotExist):
        return _("归档对象已不存在")
    except OSError:
        return _("归档文件已丢失或无法读取")
    if actual != entry.content_sha256:
        return _("归档对象的内容与归档时的 SHA-256 不一致（已被改动）")
    return ""


# The licence register's fields an archived licence entry holds (metadata key → field label).
_ARCHIVED_LICENCE_FIELDS = {
    "identifier": _lazy("证照标识"),
    "type_code": _lazy("证照类型代码"),
    "number": _lazy("证照编号"),
    "version": _lazy("版本"),
    "holder_name": _lazy("持证主体名称"),
    "holder_id": _lazy("持证主体证件号码"),
    "issued_on": _lazy("发证日期"),
    "valid_from": _lazy("有效期起"),
    "valid_until": _lazy("有效期止"),
}
# The keys of the licence's signed payload (licences.services.signed_payload) → field label.
_SIGNED_LICENCE_FIELDS = {
    **{k: v for k, v in _ARCHIVED_LICENCE_FIELDS.items() if k != "holder_id"},
    "holder_id_number": _lazy("持证主体证件号码"),
    "issuer_uscc": _lazy("发证机关统一社会信用代码"),
    "data": _lazy("照面信息"),
    "pdf_sha256": _lazy("PDF SHA-256"),
}


def _archived_licence_fields(licence: Licence) -> dict:
    """What `append_licence` put in the entry's metadata, recomputed from the register row."""
    return {
        "identifier": licence.identifier,
        "type_code": licence.licence_type.type_code,
        "number": licence.number,
        "version": licence.version,
        "holder_name": licence.holder_name,
        "holder_id": _holder_id(licence),
        "issued_on": licence.issued_on.isoformat(),
        "valid_from": licence.valid_from.isoformat(),
        "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
    }


def licence_register_problem(entry: ArchiveEntry, licence: Licence) -> str:
    """Does the licence register row still say what was archived and what the issuer signed?

    Its fields (holder, ID number, number, dates …) against the entry's metadata; its stored
    signed data against the entry's digest of it; the payload recomputed from the row (holder,
    data …) against the signed data; and the issuer's SM2 signature over the signed data.
    """
    metadata = entry.metadata or {}
    current = _archived_licence_fields(licence)
    changed = [
        str(label)
        for key, label in _ARCHIVED_LICENCE_FIELDS.items()
        if key in metadata and metadata[key] != current[key]
    ]
    if changed:
        return _("证照登记信息与归档时不一致：%(fields)s（登记簿被改动）") % {
            "fields": "、".join(changed)
        }
    signed = bytes(licence.signed_data or b"")
    archived_digest = metadata.get("signed_data_sha256")
    if archived_digest and hashlib.sha256(signed).hexdigest() != archived_digest:
        return _("证照的签名数据与归档时不一致（签名数据被改动）")
    expected = licence_services.signed_payload(licence)
    if signed != expected:
        changed = payload_differences(signed, expected, _SIGNED_LICENCE_FIELDS)
        if changed:
            return _("证照登记信息与其 SM2 签名数据不一致：%(fields)s（登记簿被改动）") % {
                "fields": "、".join(changed)
            }
        return _("证照登记信息与其 SM2 签名数据不一致（登记簿被改动）")
    certificate = licence.sm2_certificate
    if certificate is None or not signing.sm2_verify(
        signed, bytes(licence.sm2_signature or b""), certificate
    ):
        return _("证照的 SM2 签名与其签名数据不符")
    return ""


def unarchived_licences():
    """Licences in the register without an archive entry of their own (every issued version is
    archived in the issuing transaction, so such a row was written around the issuing)."""
    archived = ArchiveEntry.objects.filter(kind=ArchiveKind.LICENCE, licence=OuterRef("pk"))
    return Licence.objects.filter(~Exists(archived)).order_by("pk")


def check_chain(
    *,
    check_content: bool = False,
    chunk_size: int = 2000,
    after: int = 0,
    previous_hash: str = GENESIS_HASH,
) -> ChainCheck:
    """Recompute every entry in sequence order, streaming; stop at the first that does not match.

    `after` / `previous_hash` start the walk behind an entry already anchored (a checkpoint's
    length and head hash); `count` is then the number of entries read after it.
    """
    expected_sequence, count = after + 1, 0
    entries = (
        ArchiveEntry.objects.filter(sequence__gt=after)
        .order_by("sequence")
        .iterator(chunk_size=chunk_size)
    )
    for entry in entries:
        count += 1
        problem = ""
        if entry.sequence != expected_sequence:
            problem = _(
                "序号不连续：应为第 %(expected)d 条，实为第 %(found)d 条（有条目被删除）"
            ) % {
                "expected": expected_sequence,
                "found": entry.sequence,
            }
        elif entry.previous_hash != previous_hash:
            problem = _("前一条哈希与上一条的本条哈希不一致（上一条或本条被改动）")
        elif compute_hash(entry) != entry.entry_hash:
            problem = _("本条哈希与内容不一致（本条被改动）")
        elif check_content:
            problem = _content_problem(entry)
        if problem:
            return ChainCheck(count=count, entry=entry, problem=problem)
        expected_sequence, previous_hash = entry.sequence + 1, entry.entry_hash
    return ChainCheck(count=count)


def verify_chain(*, check_content: bool = False) -> ArchiveEntry | None:
    """The first entry that does not match (with `.problem` set), or None when the chain holds."""
    result = check_chain(check_content=check_content)
    if result.entry is not None:
        result.entry.problem = result.problem  # type: ignore[attr-defined]  # read by the callers, not a field
    return result.entry


# -- a case's archive package ---------------------------------------------------------------
README = """电子档案包说明
================

本压缩包是办件 {number}（{title}）的电子档案，由政务服务平台于 {generated_at} 生成。

内容
----
documents/      办件文书（受理通知书、决定书等）PDF，带部门电子印章和 PAdES 数字签名。
licences/       本办件核发的电子证照 PDF；每份证照另有：
                  <标识>.signed.json  SM2 签名所覆盖的证照数据（原样字节，含持证人完整证件
                                      号码，属个人信息，请妥善保管，不得随意转发）；
                  <标识>.sm2.sig      SM2 签名（DER 编码，SM3 杂凑，签名者标识 1234567812345678）。
certificates/   签名证书与平台根证书（PEM）。
metadata.json   办件与文书、证照的元数据（申请人证件号码已遮蔽）。
signatures.json 每个文件的 SHA-256、PDF 签名者、证照的 SM2 签名与证书。
chain-proof.json 本办件在平台电子档案链中的条目及打包时的链头哈希。

如何核验
--------
1. 文件未被改动：计算每个文件的 SHA-256（如 `sha256sum documents/*.pdf`），
   与 signatures.json 和 metadata.json 中的值比对。
2. PDF 签名：用 Adobe Reader、pyHanko 或 poppler 的 `pdfsig 文件.pdf` 查看签名是否有效、
   文件在签名后是否被修改；签名证书应由 certificates/ 中的平台根证书签发。
3. 证照 SM2 签名（OpenSSL 3）：
     openssl x509 -in certificates/<证书序列号>.pem -pubkey -noout > sm2.pub
     openssl dgst -sm3 -verify sm2.pub -sigopt distid:1234567812345678 \\
         -signature licences/<标识>.sm2.sig licences/<标识>.signed.json
   输出 "Verified OK" 即签名有效。注意必须指定 distid，OpenSSL 3.0 默认使用空标识。
4. 档案链：chain-proof.json 中每一条的 entry_hash 等于其 canonical 字段（UTF-8）的
   SHA-256；canonical 是按键排序、无空格的 JSON。条目按序号相连：每条的 previous_hash
   是上一条的 entry_hash（本包只含本办件的条目，中间其他办件的条目不在包内）。
   打包时的链头哈希（head）可向平台核对，确认档案链此后未被改写；也可在平台上运行
   `govserve verify_archive` 检查整条链。
5. 证照当前状态（是否已变更、中止、撤销或过期）请扫描证照上的二维码或到平台核验页面查询。
"""


def _safe(name: str) -> str:
    return "".join("_" if c in '/\\:*?"<>|' else c for c in name).strip() or "file"


def _pretty(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _read(field_file) -> bytes | None:
    if not field_file:
        return None
    try:
        with field_file.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def case_package(case: Case) -> bytes:
    """档案包: one zip with the case's documents, licences, metadata, signatures and chain proof."""
    generated_at = timezone.now()
    buffer = io.BytesIO()
    signatures: list[dict] = []
    certificates: dict[str, str] = {}
    documents_meta: list[dict] = []
    licences_meta: list[dict] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for document in case.documents.select_related("department").order_by("issued_at", "pk"):
            data = _read(document.file)
            name = (
                f"documents/{document.pk}-{_safe(document.number)}.pdf"
                if data is not None
                else None
            )
            if name is not None and data is not None:
                archive.writestr(name, data)
            sha = hashlib.sha256(data).hexdigest() if data is not None else None
            documents_meta.append(
                {
                    "file": name,
                    "number": document.number,
                    "kind": str(document.get_kind_display()),
                    "issued_on": document.issued_on.isoformat(),
                    "department": document.department.name,
                    "sha256": document.sha256,
                    "file_matches": sha == document.sha256 if data is not None else False,
                }
            )
            if data is not None:
                signers = _pdf_signers(data)
                for signer in signers:
                    certificates.setdefault(signer["serial"], signer.pop("certificate_pem"))
                signatures.append({"file": name, "sha256": sha, "pades": signers})
        licences = (
            Licence.objects.filter(source_case=case)
            .select_related("licence_type", "issuer", "sm2_certificate")
            .order_by("pk")
        )
        for licence in licences:
            data = _read(licence.pdf)
            base = f"licences/{_safe(licence.identifier)}"
            if data is not None:
                archive.writestr(f"{base}.pdf", data)
            archive.writestr(f"{base}.signed.json", bytes(licence.signed_data or b""))
            archive.writestr(f"{base}.sm2.sig", bytes(licence.sm2_signature or b""))
            sha = hashlib.sha256(data).hexdigest() if data is not None else None
            licences_meta.append(
                {
                    "file": f"{base}.pdf" if data is not None else None,
                    "identifier": licence.identifier,
                    "type": licence.licence_type.name,
                    "number": licence.number,
                    "version": licence.version,
                    "holder_name": licence.holder_name,
                    "holder_id": _holder_id(licence),
                    "issuer": licence.issuer.name,
                    "valid_from": licence.valid_from.isoformat(),
                    "valid_until": licence.valid_until.isoformat() if licence.valid_until else None,
                    "status": licence.effective_status(),
                    "sha256": licence.pdf_sha256,
                }
            )
            cert = licence.sm2_certificate
            chain_serials = []
            while cert is not None and cert.serial_number not in chain_serials:
                chain_serials.append(cert.serial_number)
                certificates.setdefault(cert.serial_number, cert.pem)
                cert = (
                    Certificate.objects.filter(pk=cert.issuer_id).first()
                    if cert.issuer_id
                    else None
                )
            signers = _pdf_signers(data) if data is not None else []
            for signer in signers:
                certificates.setdefault(signer["serial"], signer.pop("certificate_pem"))
            signatures.append(
                {
                    "file": f"{base}.pdf" if data is not None else None,
                    "sha256": sha,
                    "pades": signers,
                    "sm2": {
                        "signed_data_file": f"{base}.signed.json",
                        "signature_file": f"{base}.sm2.sig",
                        "signature_hex": bytes(licence.sm2_signature or b"").hex(),
                        "algorithm": "SM2 with SM3, distid 1234567812345678",
                        "certificate_chain": chain_serials,
                    },
                }
            )
        for serial, pem in sorted(certificates.items()):
            archive.writestr(f"certificates/{_safe(serial)}.pem", pem)
        entries = list(ArchiveEntry.objects.filter(case=case).order_by("sequence"))
        head = ArchiveEntry.objects.order_by("-sequence").only("sequence", "entry_hash").first()
        chain = {
            "algorithm": "SHA-256 over canonical JSON (sort_keys, separators ',' ':', UTF-8)",
            "genesis_previous_hash": GENESIS_HASH,
            "entries": [
                {
                    "sequence": e.sequence,
                    "kind": e.kind,
                    "title": e.title,
                    "previous_hash": e.previous_hash,
                    "entry_hash": e.entry_hash,
                    "canonical": canonical_json(entry_content(e)),
                }
                for e in entries
            ],
            "head": {"sequence": head.sequence, "entry_hash": head.entry_hash} if head else None,
            "generated_at": _iso(generated_at),
        }
        metadata = {
            "case": {
                "number": case.number,
                "title": case.title,
                "applicant_name": case.applicant_name,
                "applicant_id": mask_id_number(case.applicant_id_number)
                if not case.organisation_id
                else case.applicant_id_number,
                "department": case.department.name,
                "state": str(case.get_state_display()),
                "outcome": str(case.get_outcome_display()) if case.outcome else "",
                "submitted_at": _iso(case.submitted_at) if case.submitted_at else None,
                "accepted_on": case.accepted_on.isoformat() if case.accepted_on else None,
                "decided_at": _iso(case.decided_at) if case.decided_at else None,
                "closed_at": _iso(case.closed_at) if case.closed_at else None,
            },
            "documents": documents_meta,
            "licences": licences_meta,
            "generated_at": _iso(generated_at),
        }
        archive.writestr("metadata.json", _pretty(metadata))
        archive.writestr("signatures.json", _pretty({"files": signatures}))
        archive.writestr("chain-proof.json", _pretty(chain))
        archive.writestr(
            "README.txt",
            README.format(
                number=case.number or case.pk,
                title=case.title,
                generated_at=timezone.localtime(generated_at).strftime("%Y-%m-%d %H:%M"),
            ),
        )
    return buffer.getvalue()
