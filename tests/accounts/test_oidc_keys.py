"""The ID-token signing key: from the environment, or generated once into var/ (0600) and reused."""

import stat
import threading

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from govserve.accounts import oidc_keys


def test_generated_once_private_and_reused(tmp_path):
    first = oidc_keys.load_private_key(tmp_path, environ={})
    path = tmp_path / oidc_keys.KEY_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.startswith("-----BEGIN PRIVATE KEY-----")
    assert oidc_keys.load_private_key(tmp_path, environ={}) == first
    assert [p.name for p in tmp_path.iterdir()] == [oidc_keys.KEY_FILE_NAME]  # no temporary left


def test_loose_permissions_are_tightened(tmp_path):
    oidc_keys.load_private_key(tmp_path, environ={})
    path = tmp_path / oidc_keys.KEY_FILE_NAME
    path.chmod(0o644)
    oidc_keys.load_private_key(tmp_path, environ={})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_workers_starting_together_share_one_key(tmp_path):
    keys = []
    threads = [
        threading.Thread(
            target=lambda: keys.append(oidc_keys.load_private_key(tmp_path, environ={}))
        )
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(keys) == 4 and len(set(keys)) == 1


def test_key_from_the_environment_wins(tmp_path):
    pem = oidc_keys.generate_private_key_pem()
    assert (
        oidc_keys.load_private_key(tmp_path, environ={"GOVSERVE_OIDC_PRIVATE_KEY": pem}).strip()
        == pem.strip()
    )
    assert not (tmp_path / oidc_keys.KEY_FILE_NAME).exists()
    # one-line form, as some secret stores hold it
    one_line = pem.strip().replace("\n", "\\n")
    assert (
        oidc_keys.load_private_key(
            tmp_path, environ={"GOVSERVE_OIDC_PRIVATE_KEY": one_line}
        ).strip()
        == pem.strip()
    )


@pytest.mark.parametrize("kind", ["garbage", "ec", "small"])
def test_unusable_keys_are_refused(tmp_path, kind):
    if kind == "garbage":
        pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
    elif kind == "ec":
        pem = (
            ec.generate_private_key(ec.SECP256R1())
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )
    else:
        pem = oidc_keys.generate_private_key_pem(key_size=1024)
    with pytest.raises(ValueError, match="GOVSERVE_OIDC_PRIVATE_KEY"):
        oidc_keys.load_private_key(tmp_path, environ={"GOVSERVE_OIDC_PRIVATE_KEY": pem})


def test_inactive_keys_are_read_from_a_folder(tmp_path):
    assert oidc_keys.load_inactive_keys(environ={}) == []
    old = oidc_keys.generate_private_key_pem()
    (tmp_path / "2025.pem").write_text(old)
    assert oidc_keys.load_inactive_keys(
        environ={"GOVSERVE_OIDC_INACTIVE_KEYS_DIR": str(tmp_path)}
    ) == [old]


def test_settings_use_the_key_and_it_is_not_in_the_repository(settings):
    from pathlib import Path

    import govserve

    key = settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"]
    assert "PRIVATE KEY" in key
    repo = Path(govserve.__file__).resolve().parents[2]
    ignored = (repo / ".gitignore").read_text().split()
    assert "var/" in ignored
