"""Checking an uploaded material before it is stored: size, type sniffed from the content (not
the name), the virus-scan hook (settings.GOVSERVE["MATERIAL_SCANNERS"], dotted paths of
callables that take the bytes and raise ValidationError), and the structure of what claims to
be a PDF (`check_pdf`: parsed whole by pypdf, no program hidden in or after it).
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader

from govserve.core import hooks

# What a material may be: scans and photos, PDF, and OFD (the national e-document format, a zip).
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "application/zip": {".ofd", ".zip"},
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# The EICAR anti-virus test file: every scanner reports it, so the default hook does too.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


# A Windows program: "MZ", and at the offset its header names (e_lfanew, at 0x3c) "PE\0\0".
MZ = re.compile(rb"MZ")
# A Linux program: ELF magic, 32/64-bit, little/big-endian, version 1.
ELF = re.compile(rb"\x7fELF[\x01\x02][\x01\x02]\x01")
# What may follow a PDF's last %%EOF: line ends, blanks, NUL padding — nothing else.
PDF_TAIL_BLANKS = b"\r\n\t \x00\x0c"


def _executable_inside(content: bytes) -> bool:
    """Whether a Windows or Linux program starts anywhere in `content` (a polyglot file)."""
    if ELF.search(content):
        return True
    for match in MZ.finditer(content):
        start = match.start()
        header = content[start + 0x3C : start + 0x40]
        if len(header) < 4:
            break
        pe = start + int.from_bytes(header, "little")
        if content[pe : pe + 4] == b"PE\0\0":
            return True
    return False


def check_pdf(content: bytes) -> None:
    """Refuse (ValidationError) a PDF that pypdf cannot parse whole in strict mode, that has no
    page, or that carries anything after its last %%EOF (an appended program: a polyglot)."""
    if not content.startswith(b"%PDF-"):
        raise ValidationError(_("PDF 文件无法解析：文件已损坏或不是有效的 PDF"))
    end = content.rfind(b"%%EOF")
    if end < 0 or content[end + len(b"%%EOF") :].strip(PDF_TAIL_BLANKS):
        raise ValidationError(_("PDF 文件结尾之后附加了其他数据，已拒收"))
    try:
        reader = PdfReader(io.BytesIO(content), strict=True)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(_("PDF 文件已加密，请上传未加密的文件"))
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018  # each page's dictionary is read, not only counted
        numbers = [n for table in reader.xref.values() for n in table] + list(reader.xref_objStm)
        for number in numbers:
            reader.get_object(number)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds on a malformed file: each means "not a PDF"
        raise ValidationError(_("PDF 文件无法解析：文件已损坏或不是有效的 PDF")) from None
    if pages == 0:
        raise ValidationError(_("PDF 文件没有页面"))


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    name: str
    content_type: str
    size: int
    sha256: str


def eicar_scanner(content: bytes) -> None:
    if EICAR in content:
        raise ValidationError(_("文件未通过病毒扫描，已拒收"), code="virus")


def clamd_scanner(content: bytes) -> None:
    """ClamAV over its socket (GOVSERVE_CLAMD_SOCKET); configure in MATERIAL_SCANNERS to use."""
    import socket

    path = settings.GOVSERVE.get("CLAMD_SOCKET", "/run/clamav/clamd.ctl")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.connect(path)
        sock.sendall(b"zINSTREAM\0")
        for start in range(0, len(content), 65536):
            chunk = content[start : start + 65536]
            sock.sendall(len(chunk).to_bytes(4, "big") + chunk)
        sock.sendall(b"\0\0\0\0")
        reply = sock.recv(4096)
    if b"FOUND" in reply:
        raise ValidationError(_("文件未通过病毒扫描，已拒收"), code="virus")


def check_upload(uploaded, *, field: str = "file") -> CheckedFile:
    """Read and check one uploaded file; raise ValidationError {field: [...]} if it is refused."""
    max_bytes = settings.GOVSERVE.get("MATERIAL_MAX_BYTES", DEFAULT_MAX_BYTES)
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise ValidationError(
            {field: [_("文件过大：不能超过 %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)}]}
        )
    content = uploaded.read()
    if len(content) > max_bytes:
        raise ValidationError(
            {field: [_("文件过大：不能超过 %(mb)d MB") % {"mb": max_bytes // (1024 * 1024)}]}
        )
    if not content:
        raise ValidationError({field: [_("文件为空")]})
    name = PurePath(getattr(uploaded, "name", "") or "file").name
    suffix = PurePath(name).suffix.lower()
    kind = filetype.guess(content)
    mime = kind.mime if kind else ""
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            {field: [_("文件类型不支持：只接受 PDF、JPG、PNG、OFD 文件（按文件内容判断）")]}
        )
    if suffix not in ALLOWED_TYPES[mime]:
        raise ValidationError(
            {
                field: [
                    _("文件内容与扩展名不符：内容为 %(kind)s，文件名为 %(suffix)s")
                    % {"kind": mime, "suffix": suffix or "—"}
                ]
            }
        )
    for scanner in hooks.resolve("MATERIAL_SCANNERS"):
        try:
            scanner(content)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    if _executable_inside(content):
        raise ValidationError({field: [_("文件中含有可执行程序，已拒收")]})
    if mime == "application/pdf":
        try:
            check_pdf(content)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc
    return CheckedFile(
        content=content,
        name=name[-120:],
        content_type=mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
