"""Checking an uploaded material before it is stored: size, type sniffed from the content (not
the name), and the virus-scan hook (settings.GOVSERVE["MATERIAL_SCANNERS"], dotted paths of
callables that take the bytes and raise ValidationError).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
    return CheckedFile(
        content=content,
        name=name[-120:],
        content_type=mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
