"""Checkpoints (档案链校验点): the archive chain's length and head hash, signed and kept outside
the database, so deleting the last entries or rewriting entries and every hash after them is
found — the chain alone cannot show either (a rewritten chain links up again).

A checkpoint is one line of JSON (canonical: sorted keys, separators ``(",", ":")``, UTF-8)::

    {"algorithm":"SM2-with-SM3","at":"2026-12-08T02:00:00.000000+00:00",
     "certificate_serial":"…","certificate_sha256":"…","distinguishing_id":"1234567812345678",
     "format":"govserve-archive-checkpoint/1","head_hash":"…","length":42,"signature":"…"}

`signature` is the SM2 signature (SM3, distinguishing ID 1234567812345678, DER, hex) by the
platform's SM2 root key (`signing.pki.root_certificate("sm2")`, published at
/licences/ca/sm2.crt) over the canonical JSON of every other field of the line.
`certificate_sha256` is the SHA-256 of that certificate's DER, so a certificate row swapped in
the database does not verify old lines. `length` 0 has the genesis hash as its head.

`write_checkpoint` (``govserve archive_checkpoint``; hourly by Celery beat, `tasks`) first checks
the entries appended since the last checkpoint against it, then appends a line to
``GOVSERVE["ARCHIVE_CHECKPOINT_DIR"]/checkpoints.jsonl`` (append-only, one writer at a time under
a file lock, fsynced) and copies it into `ArchiveCheckpoint` for the public page
(/archive/checkpoints/). `verify_archive` checks the chain, then every checkpoint in the file (or
in a copy someone wrote down) and in the table: the signature, and that entry number `length`
still has hash `head_hash` — fewer entries than `length` is truncation, another hash a rewrite.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from govserve.licences.models import Licence
from govserve.signing import pki, signing, sm2
from govserve.signing.models import Algorithm, Certificate, CertificateRole

from .archive import GENESIS_HASH, ChainCheck, canonical_json, check_chain, unarchived_licences
from .errors import ArchiveError
from .models import ArchiveCheckpoint, ArchiveEntry

logger = logging.getLogger(__name__)

FORMAT = "govserve-archive-checkpoint/1"
ALGORITHM = "SM2-with-SM3"
DISTINGUISHING_ID = sm2.DEFAULT_DISTID.decode("ascii")
FILE_NAME = "checkpoints.jsonl"
_HEX = set("0123456789abcdef")
# sequence__in lists stay well below SQLite's limit on bound parameters.
_LOOKUP_CHUNK = 500


def checkpoint_dir() -> Path:
    return Path(settings.GOVSERVE["ARCHIVE_CHECKPOINT_DIR"])


def checkpoint_file() -> Path:
    """The append-only file of signed checkpoints (one JSON line each)."""
    return checkpoint_dir() / FILE_NAME


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _is_hash(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


# -- one checkpoint -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Checkpoint:
    """A parsed checkpoint line: `fields` is everything the signature covers."""

    fields: dict[str, Any]
    signature: bytes

    @property
    def length(self) -> int:
        return int(self.fields["length"])

    @property
    def head_hash(self) -> str:
        return str(self.fields["head_hash"])

    @property
    def at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.fields["at"])

    @property
    def certificate_serial(self) -> str:
        return str(self.fields["certificate_serial"])

    @property
    def certificate_sha256(self) -> str:
        return str(self.fields["certificate_sha256"])

    def signed_bytes(self) -> bytes:
        return canonical_json(self.fields).encode("utf-8")

    def line(self) -> str:
        return canonical_json({**self.fields, "signature": self.signature.hex()})

    def describe(self) -> str:
        """How a report names it: its time, length and head hash (abridged)."""
        return _("%(at)s，第 %(length)d 条，链头 %(head)s…") % {
            "at": timezone.localtime(self.at).strftime("%Y-%m-%d %H:%M:%S"),
            "length": self.length,
            "head": self.head_hash[:16],
        }

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        """A checkpoint from its line; ValueError (Chinese) when it is not one."""
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise ValueError(_("不是 JSON")) from exc
        if not isinstance(data, dict):
            raise ValueError(_("不是 JSON 对象"))
        if data.get("format") != FORMAT:
            raise ValueError(_("格式标识不是 %(format)s") % {"format": FORMAT})
        signature = data.pop("signature", None)
        length, at = data.get("length"), data.get("at")
        if not isinstance(length, int) or isinstance(length, bool) or length < 0:
            raise ValueError(_("条目数无效"))
        if not _is_hash(data.get("head_hash")) or not _is_hash(data.get("certificate_sha256")):
            raise ValueError(_("链头哈希或证书指纹无效"))
        if not isinstance(data.get("certificate_serial"), str):
            raise ValueError(_("缺少签名证书序列号"))
        try:
            moment = dt.datetime.fromisoformat(at) if isinstance(at, str) else None
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            raise ValueError(_("时间无效"))
        try:
            raw = bytes.fromhex(signature) if isinstance(signature, str) else b""
        except ValueError:
            raw = b""
        if not raw:
            raise ValueError(_("缺少签名"))
        return cls(fields=data, signature=raw)


def _certificate_sha256(certificate: Certificate) -> str:
    return hashlib.sha256(pki.certificate_der(certificate)).hexdigest()


def _signature_problems(
    checkpoint: Checkpoint,
    trusted_roots: Iterable[str] = (),
    certificates: dict[str, Certificate | None] | None = None,
) -> list[str]:
    """Is the checkpoint signed by a platform SM2 root (one of `trusted_roots`, SHA-256 of
    the certificate's DER, when given)? Problems in Chinese; empty when it is."""
    certificates = {} if certificates is None else certificates
    serial = checkpoint.certificate_serial
    if serial not in certificates:
        certificates[serial] = Certificate.objects.filter(serial_number=serial).first()
    certificate = certificates[serial]
    if certificate is None:
        return [_("签名证书 %(serial)s 不是本平台的证书") % {"serial": serial}]
    if certificate.role != CertificateRole.ROOT or certificate.algorithm != Algorithm.SM2:
        return [_("签名证书 %(serial)s 不是平台 SM2 根证书") % {"serial": serial}]
    fingerprint = _certificate_sha256(certificate)
    if fingerprint != checkpoint.certificate_sha256:
        return [_("签名证书与校验点记录的证书指纹不一致（证书被替换）")]
    roots = {root.strip().lower().replace(":", "") for root in trusted_roots}
    if roots and fingerprint not in roots:
        return [_("签名证书不是指定的可信根证书（指纹 %(sha)s）") % {"sha": fingerprint}]
    if not signing.sm2_verify(checkpoint.signed_bytes(), checkpoint.signature, certificate):
        return [_("SM2 签名无效（校验点被伪造或改动）")]
    return pki.check_chain(certificate, at=checkpoint.at)


# -- writing --------------------------------------------------------------------------------------
@contextmanager
def _locked_for_append(path: Path) -> Iterator[Any]:
    """The checkpoint file opened for appending, held under an exclusive lock (one writer)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _last_line(path: Path) -> str | None:
    """The file's last non-empty line (read from the end; lines are a few hundred bytes)."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - 65536))
        tail = handle.read().decode("utf-8", errors="replace")
    lines = [line for line in tail.splitlines() if line.strip()]
    return lines[-1] if lines else None


def _anchor_problem(checkpoint: Checkpoint, hashes: dict[int, str], count: int) -> str:
    """Does the chain still hold the checkpoint's head at its length?"""
    length = checkpoint.length
    if length == 0:
        return "" if checkpoint.head_hash == GENESIS_HASH else _("空链的链头哈希无效")
    found = hashes.get(length)
    if found is None:
        if count < length:
            return _(
                "档案链现有 %(count)d 条，少于校验点记录的 %(length)d 条（末尾条目被删除）"
            ) % {"count": count, "length": length}
        return _("档案链中没有第 %(length)d 条（序号被改动）") % {"length": length}
    if found != checkpoint.head_hash:
        return _("第 %(length)d 条的哈希与校验点记录的链头哈希不一致（该条或之前的条目被改写）") % {
            "length": length
        }
    return ""


def _hashes_at(lengths: Iterable[int]) -> dict[int, str]:
    wanted = sorted({n for n in lengths if n > 0})
    hashes: dict[int, str] = {}
    for start in range(0, len(wanted), _LOOKUP_CHUNK):
        chunk = wanted[start : start + _LOOKUP_CHUNK]
        hashes.update(
            ArchiveEntry.objects.filter(sequence__in=chunk).values_list("sequence", "entry_hash")
        )
    return hashes


def _check_since(previous: Checkpoint | None) -> tuple[int, str]:
    """The chain's head after checking what was appended since `previous` (all of it when
    there is none); ArchiveError (409) when it does not hold — nothing is signed then."""
    head = ArchiveEntry.objects.order_by("-sequence").only("sequence", "entry_hash").first()
    length, head_hash = (head.sequence, head.entry_hash) if head else (0, GENESIS_HASH)
    result: ChainCheck
    if previous is None:
        result = check_chain()
    else:
        problems = _signature_problems(previous)
        anchor = _anchor_problem(
            previous, _hashes_at([previous.length]), ArchiveEntry.objects.count()
        )
        if anchor:
            problems.append(anchor)
        if problems:
            raise ArchiveError(
                "checkpoint",
                _("档案链与上一个校验点（%(checkpoint)s）不符，不生成新的校验点：%(problems)s")
                % {"checkpoint": previous.describe(), "problems": "；".join(problems)},
                409,
            )
        result = check_chain(after=previous.length, previous_hash=previous.head_hash)
    if not result.ok:
        entry = result.entry
        assert entry is not None  # not ok: the first entry that does not match
        raise ArchiveError(
            "chain",
            _("档案链不完整，不生成新的校验点：第 %(sequence)d 条“%(title)s”：%(problem)s")
            % {"sequence": entry.sequence, "title": entry.title, "problem": result.problem},
            409,
        )
    return length, head_hash


def write_checkpoint() -> Checkpoint:
    """Sign the chain's current length and head and append the line to the checkpoint file (and
    its copy to the table). Call it outside a transaction, so the head it signs is committed.

    Raises ArchiveError when the chain does not hold against the last checkpoint (409) or the
    file cannot be written (503); SigningError (503) when the root key cannot be unwrapped.
    """
    path = checkpoint_file()
    try:
        with _locked_for_append(path) as handle:
            last = _last_line(path)
            try:
                previous = Checkpoint.parse(last) if last is not None else None
            except ValueError as exc:
                raise ArchiveError(
                    "checkpoint",
                    _("校验点文件的最后一行无效（%(problem)s），不生成新的校验点")
                    % {"problem": exc},
                    409,
                ) from exc
            length, head_hash = _check_since(previous)
            root = pki.root_certificate(Algorithm.SM2)
            fields = {
                "format": FORMAT,
                "length": length,
                "head_hash": head_hash,
                "at": _iso(timezone.now()),
                "certificate_serial": root.serial_number,
                "certificate_sha256": _certificate_sha256(root),
                "algorithm": ALGORITHM,
                "distinguishing_id": DISTINGUISHING_ID,
            }
            signature = sm2.sign(pki.private_key_pem(root), canonical_json(fields).encode("utf-8"))
            checkpoint = Checkpoint(fields=fields, signature=signature)
            with transaction.atomic():
                ArchiveCheckpoint(
                    length=length,
                    head_hash=head_hash,
                    created_at=checkpoint.at,
                    certificate_serial=root.serial_number,
                    signature=signature.hex(),
                    line=checkpoint.line(),
                ).save()
                # Written inside the transaction: a line that cannot be written leaves no row.
                handle.write(checkpoint.line() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
    except OSError as exc:
        raise ArchiveError(
            "checkpoint",
            _("无法写入校验点文件 %(path)s：%(error)s") % {"path": path, "error": exc.strerror},
            503,
        ) from exc
    logger.info("archive: checkpoint %d %s written to %s", length, head_hash, path)
    return checkpoint


# -- verifying ------------------------------------------------------------------------------------
@dataclass
class CheckpointProblem:
    """Where the checkpoint is (file line or table row), what it says, what is wrong."""

    where: str
    problem: str
    checkpoint: Checkpoint | None = None

    def __str__(self) -> str:
        if self.checkpoint is None:
            return _("校验点不符：%(where)s：%(problem)s") % {
                "where": self.where,
                "problem": self.problem,
            }
        return _("校验点不符：%(where)s（%(checkpoint)s）：%(problem)s") % {
            "where": self.where,
            "checkpoint": self.checkpoint.describe(),
            "problem": self.problem,
        }


@dataclass
class CheckpointReport:
    """`count` checkpoints read from `path` (and the table); `problems` those that failed."""

    path: Path
    count: int = 0
    problems: list[CheckpointProblem] = field(default_factory=list)
    latest: Checkpoint | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_file(path: Path, report: CheckpointReport) -> list[tuple[str, Checkpoint]]:
    found: list[tuple[str, Checkpoint]] = []
    if not path.exists():
        return found
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = _("校验点文件第 %(line)d 行") % {"line": number}
            try:
                found.append((where, Checkpoint.parse(line)))
            except ValueError as exc:
                report.problems.append(
                    CheckpointProblem(where, _("无法解析：%(problem)s") % {"problem": exc})
                )
    return found


def check_checkpoints(
    path: Path | str | None = None, *, trusted_roots: Iterable[str] = ()
) -> CheckpointReport:
    """Check the chain against every checkpoint in `path` (default: the platform's checkpoint
    file, plus the table's copies, each of which must also be in the file)."""
    own_file = path is None
    report = CheckpointReport(path=checkpoint_file() if path is None else Path(path))
    checkpoints = _read_file(report.path, report)
    if own_file:
        in_file = {checkpoint.line() for _where, checkpoint in checkpoints}
        for row in ArchiveCheckpoint.objects.order_by("created_at", "pk").iterator():
            where = _("数据库中的第 %(pk)d 个校验点") % {"pk": row.pk}
            try:
                checkpoint = Checkpoint.parse(row.line)
            except ValueError as exc:
                report.problems.append(
                    CheckpointProblem(where, _("无法解析：%(problem)s") % {"problem": exc})
                )
                continue
            if checkpoint.line() in in_file:
                continue
            report.problems.append(
                CheckpointProblem(
                    where,
                    _("校验点文件中没有这个校验点（文件被删改或不是本平台的校验点文件）"),
                    checkpoint,
                )
            )
            checkpoints.append((where, checkpoint))
    count = ArchiveEntry.objects.count()
    hashes = _hashes_at(checkpoint.length for _where, checkpoint in checkpoints)
    certificates: dict[str, Certificate | None] = {}
    roots = list(trusted_roots)
    for where, checkpoint in checkpoints:
        report.count += 1
        problems = _signature_problems(checkpoint, roots, certificates)
        anchor = _anchor_problem(checkpoint, hashes, count)
        if anchor:
            problems.append(anchor)
        if problems:
            report.problems.append(CheckpointProblem(where, "；".join(problems), checkpoint))
        if report.latest is None or checkpoint.at > report.latest.at:
            report.latest = checkpoint
    return report


@dataclass
class ArchiveReport:
    """What `govserve verify_archive` found: the chain, the checkpoints and (with content) the
    licences in the register that have no archive entry."""

    chain: ChainCheck
    checkpoints: CheckpointReport
    unarchived: list[Licence] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and self.checkpoints.ok and not self.unarchived


def verify_archive(
    *,
    check_content: bool = False,
    checkpoint_path: Path | str | None = None,
    trusted_roots: Iterable[str] = (),
) -> ArchiveReport:
    """The whole check: the chain (and with `check_content` every archived file, event and
    licence register row), then every checkpoint."""
    chain = check_chain(check_content=check_content)
    report = ArchiveReport(
        chain=chain,
        checkpoints=check_checkpoints(checkpoint_path, trusted_roots=trusted_roots),
    )
    if check_content:
        report.unarchived = list(unarchived_licences()[:100])
    return report
