"""Where signing keys live: never in plaintext.

A :class:`KeyStore` wraps a private key (PEM bytes) into an opaque blob for the database and
unwraps it when a signature is needed. The label (e.g. ``"seal:<seal id>"``) is bound to the
blob, so a blob copied onto another seal's row does not unwrap. A hardware security module can
implement the same two methods (its blob being a key handle).

:class:`EnvironmentKeyStore` encrypts with AES-256-GCM under a key-encryption key (KEK) read from
the environment variable ``GOVSERVE_KEY_ENCRYPTION_KEY`` (base64 of 32 random bytes, e.g.
``python -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())"``).

Blob layout: ``version (1 byte, 0x01) || nonce (12 bytes) || ciphertext || tag (16 bytes)``;
the associated data is ``b"govserve-key:v1:" + label``.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

from govserve.core import hooks

ENV_VAR = "GOVSERVE_KEY_ENCRYPTION_KEY"
# How an operator makes a KEK (quoted where a missing or malformed one is reported).
KEK_COMMAND = 'python3 -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())"'
VERSION = 1
_NONCE = 12
_TAG = 16


class KeyStoreError(Exception):
    """A key could not be wrapped or unwrapped; nothing should be signed."""


@runtime_checkable
class KeyStore(Protocol):
    def wrap(self, private_pem: bytes, label: str) -> bytes:
        """Protect ``private_pem`` for storage under ``label``."""
        ...

    def unwrap(self, blob: bytes, label: str) -> bytes:
        """Recover the PEM wrapped under ``label``; raise KeyStoreError if that is impossible."""
        ...


def _associated_data(label: str) -> bytes:
    if not isinstance(label, str) or not label:
        raise KeyStoreError(_("密钥标签不能为空"))
    return b"govserve-key:v1:" + label.encode()


class EnvironmentKeyStore:
    """AES-256-GCM key wrapping with the KEK from ``GOVSERVE_KEY_ENCRYPTION_KEY``.

    The KEK is read on every call, so rotating it needs no restart (old blobs must be
    re-wrapped first); ``environ`` may be given for tests or a secrets manager.
    """

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def _aead(self) -> AESGCM:
        encoded = self._environ.get(ENV_VAR, "").strip()
        if not encoded:
            raise KeyStoreError(
                _("未配置密钥加密密钥：请设置环境变量 %(name)s（32 字节密钥的 base64 编码）")
                % {"name": ENV_VAR}
            )
        kek = decode_kek(encoded)
        if kek is None:
            raise KeyStoreError(
                _("密钥加密密钥格式不正确：环境变量 %(name)s 应为 32 字节密钥的 base64 编码")
                % {"name": ENV_VAR}
            )
        return AESGCM(kek)

    def check(self) -> None:
        """Raise KeyStoreError now if the KEK is missing or malformed (commands that will sign
        later check up front instead of failing half-way)."""
        self._aead()

    def wrap(self, private_pem: bytes, label: str) -> bytes:
        if not isinstance(private_pem, bytes) or not private_pem:
            raise KeyStoreError(_("私钥不能为空"))
        aad = _associated_data(label)
        nonce = os.urandom(_NONCE)
        return bytes([VERSION]) + nonce + self._aead().encrypt(nonce, private_pem, aad)

    def unwrap(self, blob: bytes, label: str) -> bytes:
        aad = _associated_data(label)
        aead = self._aead()
        broken = KeyStoreError(_("无法解密私钥：密钥加密密钥不正确或数据已损坏"))
        if not isinstance(blob, bytes) or len(blob) < 1 + _NONCE + _TAG or blob[0] != VERSION:
            raise broken
        nonce, sealed = blob[1 : 1 + _NONCE], blob[1 + _NONCE :]
        try:
            return aead.decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise broken from None


def decode_kek(encoded: str) -> bytes | None:
    """The 32-byte KEK from its base64 text; None when it is empty or not base64 of 32 bytes.
    Pure (no translation, no settings): settings use it before Django is set up."""
    try:
        kek = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    return kek if len(kek) == 32 else None


def development_kek(path) -> str:
    """The development KEK kept in `path` (made once, mode 0600); settings use it only in DEBUG."""
    from pathlib import Path

    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(os.urandom(32)).decode())
    return path.read_text().strip()


def key_store() -> KeyStore:
    """The configured key store (settings.GOVSERVE["KEY_STORE"], a dotted path to a class)."""
    return hooks.resolve("KEY_STORE")()
