"""SM2 with SM3 through the system OpenSSL 3, checked against the OpenSSL command line."""

import subprocess
from pathlib import Path

import pytest

from govserve.signing import sm2

DISTID = "1234567812345678"
DATA = "电子证照 1.2.156.3005.2 许可数据".encode()


@pytest.fixture(scope="module")
def key() -> bytes:
    return sm2.generate_private_key()


@pytest.fixture(scope="module")
def pub(key) -> bytes:
    return sm2.public_key_pem(key)


def _openssl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # OpenSSL 3.0's dgst takes -sigopt for verifying too (it has no -vfyopt); options before files.
    return subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=30)


def _files(tmp_path: Path, key: bytes, pub: bytes) -> None:
    (tmp_path / "key.pem").write_bytes(key)
    (tmp_path / "pub.pem").write_bytes(pub)
    (tmp_path / "data.bin").write_bytes(DATA)


def test_keys_are_pkcs8_and_spki_pem(key, pub):
    assert key.startswith(b"-----BEGIN PRIVATE KEY-----\n")
    assert pub.startswith(b"-----BEGIN PUBLIC KEY-----\n")
    assert sm2.generate_private_key() != key


def test_round_trip(key, pub):
    signature = sm2.sign(key, DATA)
    assert signature[0] == 0x30  # DER SEQUENCE { r, s }
    assert sm2.verify(pub, DATA, signature)
    # SM2 signatures are randomised: two signatures of the same data differ, both verify.
    again = sm2.sign(key, DATA)
    assert again != signature
    assert sm2.verify(pub, DATA, again)


def test_signature_made_here_verifies_with_openssl_cli(tmp_path, key, pub):
    _files(tmp_path, key, pub)
    (tmp_path / "sig.der").write_bytes(sm2.sign(key, DATA))
    common = ["dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig.der"]
    ok = _openssl(*common, "-sigopt", f"distid:{DISTID}", "data.bin", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "Verified OK" in ok.stdout
    # Without the distinguishing ID OpenSSL 3.0 hashes with an empty ID and must refuse it.
    empty = _openssl(*common, "data.bin", cwd=tmp_path)
    assert empty.returncode != 0
    assert "Verification failure" in empty.stdout + empty.stderr


def test_openssl_cli_signature_verifies_here(tmp_path, key, pub):
    _files(tmp_path, key, pub)
    made = _openssl(
        "dgst", "-sm3", "-sign", "key.pem", "-sigopt", f"distid:{DISTID}",
        "-out", "sig.der", "data.bin", cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    signature = (tmp_path / "sig.der").read_bytes()
    assert sm2.verify(pub, DATA, signature)
    assert not sm2.verify(pub, DATA + b"!", signature)


def test_openssl_cli_key_is_usable(tmp_path):
    made = _openssl("genpkey", "-algorithm", "SM2", "-out", "cli.pem", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    cli_key = (tmp_path / "cli.pem").read_bytes()
    assert sm2.verify(sm2.public_key_pem(cli_key), DATA, sm2.sign(cli_key, DATA))


def test_empty_id_signature_does_not_verify_with_the_standard_id(tmp_path, key, pub):
    """The OpenSSL 3.0 trap: signing without -sigopt distid uses an empty ID."""
    _files(tmp_path, key, pub)
    made = _openssl("dgst", "-sm3", "-sign", "key.pem", "-out", "sig.der", "data.bin", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    signature = (tmp_path / "sig.der").read_bytes()
    assert not sm2.verify(pub, DATA, signature)
    assert not sm2.verify(pub, DATA, signature, distid=DISTID.encode())


def test_distid_is_part_of_the_signature(key, pub):
    signature = sm2.sign(key, DATA, distid=b"ALICE123@YAHOO.COM")
    assert sm2.verify(pub, DATA, signature, distid=b"ALICE123@YAHOO.COM")
    assert not sm2.verify(pub, DATA, signature)
    with pytest.raises(sm2.SM2Error):
        sm2.sign(key, DATA, distid=b"")


def test_flipped_byte_in_data_or_signature_fails(key, pub):
    signature = sm2.sign(key, DATA)
    altered = bytearray(DATA)
    altered[3] ^= 0x01
    assert not sm2.verify(pub, bytes(altered), signature)
    for index in (len(signature) // 2, len(signature) - 1):
        bad = bytearray(signature)
        bad[index] ^= 0x01
        assert not sm2.verify(pub, DATA, bytes(bad))


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"\x00",
        b"garbage",
        b"\x30\x06\x02\x01\x00\x02\x01\x00",
        b"\x30\x82\xff\xff" + b"\x01" * 64,
    ],
    ids=["empty", "zero", "text", "r=s=0", "overlong"],
)
def test_garbage_signature_is_false_not_a_crash(pub, garbage):
    assert sm2.verify(pub, DATA, garbage) is False


def test_wrong_key_fails(key):
    other_pub = sm2.public_key_pem(sm2.generate_private_key())
    assert not sm2.verify(other_pub, DATA, sm2.sign(key, DATA))


@pytest.mark.parametrize(
    "pem", [b"", b"not a key", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"]
)
def test_bad_private_key_raises_sm2_error(pem):
    with pytest.raises(sm2.SM2Error, match="SM2 私钥无效"):
        sm2.sign(pem, DATA)
    with pytest.raises(sm2.SM2Error):
        sm2.public_key_pem(pem)


def test_bad_public_key_raises_sm2_error(key):
    with pytest.raises(sm2.SM2Error, match="SM2 公钥无效"):
        sm2.verify(b"not a key", DATA, sm2.sign(key, DATA))
    # A private key where a public key belongs is not silently accepted either.
    with pytest.raises(sm2.SM2Error):
        sm2.verify(key, DATA, sm2.sign(key, DATA))


def test_non_sm2_key_is_refused(tmp_path):
    made = _openssl(
        "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "p256.pem",
        cwd=tmp_path,
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    with pytest.raises(sm2.SM2Error, match="不是 SM2"):
        sm2.sign((tmp_path / "p256.pem").read_bytes(), DATA)


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_no_leak_over_many_signatures(key, pub):
    for _ in range(300):  # warm up allocator pools
        assert sm2.verify(pub, DATA, sm2.sign(key, DATA))
        sm2.verify(pub, DATA, b"garbage")
    before = _rss_kib()
    for _ in range(2000):
        assert sm2.verify(pub, DATA, sm2.sign(key, DATA))
        sm2.verify(pub, DATA, b"garbage")
    grown = _rss_kib() - before
    # Leaking even the EVP_MD_CTX alone (a few hundred bytes) 4,000 times would exceed this.
    assert grown < 2048, f"RSS grew by {grown} KiB over 2,000 sign/verify rounds"
