"""The RSA key that signs GovServe's ID tokens (RS256), read by settings at start-up.

In production the key comes from the environment (`GOVSERVE_OIDC_PRIVATE_KEY`, a PEM), so
every web worker on every machine signs with the same key. Without it, a key is generated
once into `VAR_DIR/oidc-private-key.pem` (mode 0600) and reused on every later start; the file
lives under `var/`, which is never committed. Retired keys that relying parties may still
hold tokens for are listed in `GOVSERVE_OIDC_INACTIVE_KEYS_DIR` (PEM files), published in the
JWKS but never used to sign.

This module must stay importable from settings: no Django models, no app registry.
"""

import contextlib
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_FILE_NAME = "oidc-private-key.pem"
KEY_SIZE = 2048


def generate_private_key_pem(key_size: int = KEY_SIZE) -> str:
    """A new RSA private key as PKCS#8 PEM text."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    return key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode("ascii")


def _check_rsa_pem(pem: str, origin: str) -> str:
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{origin}: not an unencrypted PEM private key ({exc})") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError(f"{origin}: RS256 needs an RSA key")
    if key.key_size < 2048:
        raise ValueError(f"{origin}: an RSA key of at least 2048 bits is needed")
    return pem


def _create_once(path: Path) -> None:
    """Write a new key to `path` unless one is there; safe when several workers start at once.

    The key is written to a private temporary file in the same folder and hard-linked into
    place, which fails if another process got there first (theirs is then kept).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".oidc-key-", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="ascii") as tmp:
            tmp.write(generate_private_key_pem())
            tmp.flush()
            os.fsync(tmp.fileno())
        with contextlib.suppress(FileExistsError):  # another process was first: keep theirs
            os.link(tmp_name, path)
    finally:
        os.unlink(tmp_name)


def load_private_key(var_dir: Path, environ=os.environ) -> str:
    """The active signing key (PEM): from the environment, else the generated file in var_dir."""
    pem = environ.get("GOVSERVE_OIDC_PRIVATE_KEY", "").strip()
    if pem:
        return _check_rsa_pem(pem.replace("\\n", "\n") + "\n", "GOVSERVE_OIDC_PRIVATE_KEY")
    path = Path(var_dir) / KEY_FILE_NAME
    if not path.exists():
        _create_once(path)
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return _check_rsa_pem(path.read_text(encoding="ascii"), str(path))


def load_inactive_keys(environ=os.environ) -> list[str]:
    """Retired signing keys still published in the JWKS (PEM files in a folder, sorted by name)."""
    folder = environ.get("GOVSERVE_OIDC_INACTIVE_KEYS_DIR", "").strip()
    if not folder:
        return []
    return [
        _check_rsa_pem(path.read_text(encoding="ascii"), str(path))
        for path in sorted(Path(folder).glob("*.pem"))
    ]
