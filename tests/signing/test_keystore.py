"""Private keys are stored only wrapped; every way of unwrapping them wrongly is refused."""

import base64
import os

import pytest

from govserve.signing import sm2
from govserve.signing.keystore import ENV_VAR, EnvironmentKeyStore, KeyStore, KeyStoreError

BROKEN = "无法解密私钥：密钥加密密钥不正确或数据已损坏"


def _kek() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def store(monkeypatch) -> EnvironmentKeyStore:
    monkeypatch.setenv(ENV_VAR, _kek())
    return EnvironmentKeyStore()


@pytest.fixture(scope="module")
def pem() -> bytes:
    return sm2.generate_private_key()


def test_round_trip_and_the_blob_hides_the_key(store, pem):
    blob = store.wrap(pem, "seal:1")
    assert isinstance(store, KeyStore)
    assert blob[0] == 1
    assert b"PRIVATE KEY" not in blob and pem[30:60] not in blob
    assert store.unwrap(blob, "seal:1") == pem
    # Fresh nonce each time: wrapping twice gives different blobs.
    assert store.wrap(pem, "seal:1") != blob
    # The unwrapped key still signs.
    data = b"licence"
    assert sm2.verify(sm2.public_key_pem(pem), data, sm2.sign(store.unwrap(blob, "seal:1"), data))


def test_wrong_kek_is_refused(store, pem, monkeypatch):
    blob = store.wrap(pem, "seal:1")
    monkeypatch.setenv(ENV_VAR, _kek())
    with pytest.raises(KeyStoreError, match=BROKEN):
        store.unwrap(blob, "seal:1")


@pytest.mark.parametrize("where", [0, 1, 13, -1], ids=["version", "nonce", "ciphertext", "tag"])
def test_tampered_blob_is_refused(store, pem, where):
    blob = bytearray(store.wrap(pem, "seal:1"))
    blob[where] ^= 0x01
    with pytest.raises(KeyStoreError, match=BROKEN):
        store.unwrap(bytes(blob), "seal:1")


@pytest.mark.parametrize(
    "blob", [b"", b"\x01", b"\x01" + b"\x00" * 28], ids=["empty", "one", "short"]
)
def test_truncated_blob_is_refused(store, blob):
    with pytest.raises(KeyStoreError, match=BROKEN):
        store.unwrap(blob, "seal:1")


def test_wrong_label_is_refused(store, pem):
    blob = store.wrap(pem, "seal:1")
    with pytest.raises(KeyStoreError, match=BROKEN):
        store.unwrap(blob, "seal:2")


def test_missing_kek_is_a_clear_error(pem, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(KeyStoreError, match=f"未配置密钥加密密钥.*{ENV_VAR}"):
        EnvironmentKeyStore().wrap(pem, "seal:1")
    with pytest.raises(KeyStoreError, match="未配置密钥加密密钥"):
        EnvironmentKeyStore().unwrap(b"\x01" + b"\x00" * 40, "seal:1")


@pytest.mark.parametrize(
    "value",
    ["not base64!", base64.b64encode(b"short").decode(), base64.b64encode(os.urandom(16)).decode()],
    ids=["not-base64", "5-bytes", "aes-128-size"],
)
def test_malformed_kek_is_a_clear_error(pem, value):
    with pytest.raises(KeyStoreError, match="密钥加密密钥格式不正确"):
        EnvironmentKeyStore({ENV_VAR: value}).wrap(pem, "seal:1")


def test_empty_label_or_key_is_refused(store, pem):
    with pytest.raises(KeyStoreError):
        store.wrap(pem, "")
    with pytest.raises(KeyStoreError):
        store.wrap(b"", "seal:1")
