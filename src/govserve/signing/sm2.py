"""SM2 signatures over an SM3 digest, made by the system OpenSSL 3 through ctypes.

DOMAIN.md §3: no PyPI SM2 package is fit (gmssl's nonces are predictable, others crash or do not
hash), and ``cryptography`` has no SM2. The system ``libcrypto.so.3`` does SM2 correctly, so this
module is a thin binding over ``EVP_DigestSign``/``EVP_DigestVerify``.

The trap: OpenSSL 3.0 silently uses an *empty* distinguishing ID unless one is set. Every
signature here sets one (default ``1234567812345678``, GM/T 0009) with ``EVP_PKEY_CTX_set1_id``
on a key context handed to the digest context with ``EVP_MD_CTX_set_pkey_ctx``, exactly as the
OpenSSL manual's SM2 example does. The command-line equivalent is
``openssl dgst -sm3 -sign key.pem -sigopt distid:1234567812345678`` (``-vfyopt`` to verify).

Keys travel as PEM: PKCS#8 for private keys, SubjectPublicKeyInfo for public keys. Signatures
are DER ``SEQUENCE { r INTEGER, s INTEGER }``. Every OpenSSL object allocated here is freed in a
``finally`` block, and the OpenSSL error queue is cleared after every failure.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _

DEFAULT_DISTID = b"1234567812345678"

_BIO_CTRL_INFO = 3  # BIO_get_mem_data(b, pp) is BIO_ctrl(b, BIO_CTRL_INFO, 0, pp)
_MIN_OPENSSL = 0x30000000


class SM2Error(Exception):
    """A key could not be loaded or used, or OpenSSL failed to sign."""


def _load_libcrypto() -> ctypes.CDLL:
    names = ["libcrypto.so.3"]
    found = ctypes.util.find_library("crypto")
    if found and found not in names:
        names.append(found)
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.OpenSSL_version_num.restype = ctypes.c_ulong
        lib.OpenSSL_version_num.argtypes = []
        if lib.OpenSSL_version_num() >= _MIN_OPENSSL:
            return lib
    raise SM2Error(_("找不到系统 OpenSSL 3（libcrypto.so.3），无法进行 SM2 签名"))


_lib = _load_libcrypto()

_P = ctypes.c_void_p
_INT = ctypes.c_int
_SIZE = ctypes.c_size_t


def _bind(name: str, restype, *argtypes) -> None:
    fn = getattr(_lib, name)
    fn.restype = restype
    fn.argtypes = list(argtypes)


_bind("BIO_new_mem_buf", _P, _P, _INT)
_bind("BIO_s_mem", _P)
_bind("BIO_new", _P, _P)
_bind("BIO_free", _INT, _P)
_bind("BIO_ctrl", ctypes.c_long, _P, _INT, ctypes.c_long, _P)
_bind("PEM_read_bio_PrivateKey", _P, _P, _P, _P, _P)
_bind("PEM_read_bio_PUBKEY", _P, _P, _P, _P, _P)
_bind("PEM_write_bio_PKCS8PrivateKey", _INT, _P, _P, _P, _P, _INT, _P, _P)
_bind("PEM_write_bio_PUBKEY", _INT, _P, _P)
_bind("EVP_PKEY_free", None, _P)
_bind("EVP_PKEY_is_a", _INT, _P, ctypes.c_char_p)
_bind("EVP_PKEY_CTX_new_from_name", _P, _P, ctypes.c_char_p, ctypes.c_char_p)
_bind("EVP_PKEY_CTX_new_from_pkey", _P, _P, _P, ctypes.c_char_p)
_bind("EVP_PKEY_CTX_free", None, _P)
_bind("EVP_PKEY_keygen_init", _INT, _P)
_bind("EVP_PKEY_keygen", _INT, _P, ctypes.POINTER(_P))
_bind("EVP_PKEY_CTX_set1_id", _INT, _P, _P, _INT)
_bind("EVP_MD_CTX_new", _P)
_bind("EVP_MD_CTX_free", None, _P)
_bind("EVP_MD_CTX_set_pkey_ctx", None, _P, _P)
_bind("EVP_sm3", _P)
_bind("EVP_DigestSignInit", _INT, _P, _P, _P, _P, _P)
_bind("EVP_DigestSign", _INT, _P, _P, ctypes.POINTER(_SIZE), ctypes.c_char_p, _SIZE)
_bind("EVP_DigestVerifyInit", _INT, _P, _P, _P, _P, _P)
_bind("EVP_DigestVerify", _INT, _P, ctypes.c_char_p, _SIZE, ctypes.c_char_p, _SIZE)
_bind("ERR_clear_error", None)


def _fail(message: str) -> SM2Error:
    _lib.ERR_clear_error()
    return SM2Error(message)


@contextmanager
def _pkey(pem: bytes, *, private: bool) -> Iterator[int]:
    """Load an SM2 key from PEM; raise SM2Error for anything that is not one."""
    if not isinstance(pem, bytes | bytearray) or not pem:
        raise SM2Error(_("SM2 私钥无效") if private else _("SM2 公钥无效"))
    buf = ctypes.create_string_buffer(bytes(pem), len(pem))
    bio = _lib.BIO_new_mem_buf(buf, len(pem))
    if not bio:
        raise _fail(_("OpenSSL 内存分配失败"))
    try:
        reader = _lib.PEM_read_bio_PrivateKey if private else _lib.PEM_read_bio_PUBKEY
        key = reader(bio, None, None, None)
    finally:
        _lib.BIO_free(bio)
    if not key:
        raise _fail(_("SM2 私钥无效") if private else _("SM2 公钥无效"))
    try:
        if _lib.EVP_PKEY_is_a(key, b"SM2") != 1:
            raise _fail(_("密钥不是 SM2 密钥"))
        yield key
    finally:
        _lib.EVP_PKEY_free(key)


def _bio_bytes(bio: int) -> bytes:
    ptr = _P()
    length = _lib.BIO_ctrl(bio, _BIO_CTRL_INFO, 0, ctypes.byref(ptr))
    return ctypes.string_at(ptr, length) if length > 0 else b""


def _write_pem(writer, key: int) -> bytes:
    bio = _lib.BIO_new(_lib.BIO_s_mem())
    if not bio:
        raise _fail(_("OpenSSL 内存分配失败"))
    try:
        if writer(bio, key) != 1:
            raise _fail(_("无法导出 SM2 密钥"))
        return _bio_bytes(bio)
    finally:
        _lib.BIO_free(bio)


def _write_private(bio: int, key: int) -> int:
    return _lib.PEM_write_bio_PKCS8PrivateKey(bio, key, None, None, 0, None, None)


def generate_private_key() -> bytes:
    """A fresh SM2 private key as unencrypted PKCS#8 PEM
    (wrap it with a KeyStore before storing)."""
    ctx = _lib.EVP_PKEY_CTX_new_from_name(None, b"SM2", None)
    if not ctx:
        raise _fail(_("OpenSSL 不支持 SM2"))
    key = _P()
    try:
        if _lib.EVP_PKEY_keygen_init(ctx) != 1 or _lib.EVP_PKEY_keygen(ctx, ctypes.byref(key)) != 1:
            raise _fail(_("无法生成 SM2 密钥"))
        assert key.value is not None  # set by a successful EVP_PKEY_keygen
        return _write_pem(_write_private, key.value)
    finally:
        if key.value:
            _lib.EVP_PKEY_free(key.value)
        _lib.EVP_PKEY_CTX_free(ctx)


def public_key_pem(private_pem: bytes) -> bytes:
    """The SubjectPublicKeyInfo PEM of an SM2 private key."""
    with _pkey(private_pem, private=True) as key:
        return _write_pem(_lib.PEM_write_bio_PUBKEY, key)


def _check_distid(distid: bytes) -> None:
    if not isinstance(distid, bytes) or not distid or len(distid) > 8191:
        # GM/T 0009 encodes the ID's bit length in 16 bits; an empty ID is the trap we avoid.
        raise SM2Error(_("SM2 区分标识无效"))


@contextmanager
def _digest_ctx(key: int, distid: bytes) -> Iterator[tuple[int, int]]:
    """An EVP_MD_CTX whose key context carries the distinguishing ID."""
    md_ctx = _lib.EVP_MD_CTX_new()
    pkey_ctx = _lib.EVP_PKEY_CTX_new_from_pkey(None, key, None)
    try:
        if not md_ctx or not pkey_ctx:
            raise _fail(_("OpenSSL 内存分配失败"))
        id_buf = ctypes.create_string_buffer(distid, len(distid))
        if _lib.EVP_PKEY_CTX_set1_id(pkey_ctx, id_buf, len(distid)) != 1:
            raise _fail(_("无法设置 SM2 区分标识"))
        # The digest context borrows pkey_ctx (EVP_MD_CTX_FLAG_KEEP_PKEY_CTX); we free both.
        _lib.EVP_MD_CTX_set_pkey_ctx(md_ctx, pkey_ctx)
        yield md_ctx, _lib.EVP_sm3()
    finally:
        if md_ctx:
            _lib.EVP_MD_CTX_free(md_ctx)
        if pkey_ctx:
            _lib.EVP_PKEY_CTX_free(pkey_ctx)


def sign(private_pem: bytes, data: bytes, *, distid: bytes = DEFAULT_DISTID) -> bytes:
    """Sign ``data`` (SM3 with the SM2 Z value) and return the DER signature."""
    _check_distid(distid)
    data = bytes(data)
    with _pkey(private_pem, private=True) as key, _digest_ctx(key, distid) as (ctx, md):
        if _lib.EVP_DigestSignInit(ctx, None, md, None, key) != 1:
            raise _fail(_("无法初始化 SM2 签名"))
        size = _SIZE(0)
        if _lib.EVP_DigestSign(ctx, None, ctypes.byref(size), None, 0) != 1:
            raise _fail(_("SM2 签名失败"))
        out = ctypes.create_string_buffer(size.value)
        if _lib.EVP_DigestSign(ctx, out, ctypes.byref(size), data, len(data)) != 1:
            raise _fail(_("SM2 签名失败"))
        return out.raw[: size.value]


def verify(
    public_pem: bytes, data: bytes, signature: bytes, *, distid: bytes = DEFAULT_DISTID
) -> bool:
    """True only if ``signature`` is a valid SM2 signature of ``data`` under ``public_pem``.

    A wrong, altered or malformed signature gives False; an unusable public key raises SM2Error.
    """
    _check_distid(distid)
    data = bytes(data)
    if not isinstance(signature, bytes | bytearray) or not signature:
        return False
    signature = bytes(signature)
    with _pkey(public_pem, private=False) as key, _digest_ctx(key, distid) as (ctx, md):
        if _lib.EVP_DigestVerifyInit(ctx, None, md, None, key) != 1:
            raise _fail(_("无法初始化 SM2 验签"))
        ok = _lib.EVP_DigestVerify(ctx, signature, len(signature), data, len(data))
        if ok != 1:
            _lib.ERR_clear_error()
        return ok == 1
