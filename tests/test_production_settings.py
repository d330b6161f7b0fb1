"""Production settings (DJANGO_DEBUG=0): the platform refuses to start on the built-in secret key
or without a key-encryption key, saying how to make one; HTTPS is enforced; and
`govserve check --deploy` finds nothing to warn about once the keys and host are set.

Settings are read once per process, so each case starts a Python process of its own."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

SECRET = "s" * 20 + "-production-test-secret-key-" + "k" * 20
KEK = base64.b64encode(bytes(range(32))).decode()
SHOW = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
    "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None))"
)


def run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """`args` in a fresh process with DEBUG off and only the given keys in its environment."""
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DJANGO_SECRET_KEY",
            "GOVSERVE_KEY_ENCRYPTION_KEY",
            "GOVSERVE_KEY_STORE",
            "GOVSERVE_PROXY_SSL_HEADER",
            "DJANGO_ALLOWED_HOSTS",
            # set by the browser tests' conftest in the same worker; no deployment has it
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        )
    }
    base.update(
        DJANGO_SETTINGS_MODULE="govserve.settings",
        DJANGO_DEBUG="0",
        GOVSERVE_VAR=str(tmp_path),
        # the OIDC signing key is not under test: reuse ours instead of making one per process
        GOVSERVE_OIDC_PRIVATE_KEY=settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],
    )
    base.update(env)
    return subprocess.run(args, env=base, capture_output=True, text=True, timeout=300)


def show(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    return run([sys.executable, "-c", f"import django; django.setup(); {SHOW}"], tmp_path, **env)


def test_no_secret_key_no_start_and_the_message_says_how_to_make_one(tmp_path):
    out = show(tmp_path, GOVSERVE_KEY_ENCRYPTION_KEY=KEK)
    assert out.returncode != 0
    assert "ImproperlyConfigured" in out.stderr and "DJANGO_SECRET_KEY" in out.stderr
    assert 'python3 -c "import secrets; print(secrets.token_urlsafe(50))"' in out.stderr
    # naming the built-in development key explicitly is refused too
    out = show(
        tmp_path,
        DJANGO_SECRET_KEY="govserve-dev-only-secret-key-change-me",
        GOVSERVE_KEY_ENCRYPTION_KEY=KEK,
    )
    assert out.returncode != 0 and "DJANGO_SECRET_KEY" in out.stderr


@pytest.mark.parametrize("kek", ["", "not-base64!", base64.b64encode(b"short").decode()])
def test_no_well_formed_kek_no_start_and_the_message_says_how_to_make_one(tmp_path, kek):
    out = show(tmp_path, DJANGO_SECRET_KEY=SECRET, GOVSERVE_KEY_ENCRYPTION_KEY=kek)
    assert out.returncode != 0
    assert "ImproperlyConfigured" in out.stderr and "GOVSERVE_KEY_ENCRYPTION_KEY" in out.stderr
    assert "base64.b64encode(os.urandom(32))" in out.stderr
    assert ("格式不正确" in out.stderr) == bool(kek)
    assert not (tmp_path / "key-encryption-key").exists()  # no development key made


def test_another_key_store_needs_no_kek(tmp_path):
    out = show(
        tmp_path,
        DJANGO_SECRET_KEY=SECRET,
        GOVSERVE_KEY_STORE="example_hsm.HsmKeyStore",  # a deployment's HSM (not imported here)
    )
    assert out.returncode == 0, out.stderr


def test_development_needs_neither_key(tmp_path):
    out = show(tmp_path, DJANGO_DEBUG="1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False", "0", "True", "False", "False", "None"]


def test_production_is_https_only(tmp_path):
    out = show(tmp_path, DJANGO_SECRET_KEY=SECRET, GOVSERVE_KEY_ENCRYPTION_KEY=KEK)
    assert out.returncode == 0, out.stderr
    # SSL redirect, HSTS for a year with subdomains, cookies over HTTPS only, no proxy header
    assert out.stdout.split() == ["False", "True", "31536000", "True", "True", "True", "None"]


def test_the_proxy_header_is_configured_by_environment(tmp_path):
    keys = {"DJANGO_SECRET_KEY": SECRET, "GOVSERVE_KEY_ENCRYPTION_KEY": KEK}
    out = show(tmp_path, GOVSERVE_PROXY_SSL_HEADER="X-Forwarded-Proto: https", **keys)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("('HTTP_X_FORWARDED_PROTO', 'https')")
    out = show(tmp_path, GOVSERVE_PROXY_SSL_HEADER="X-Forwarded-Proto", **keys)
    assert out.returncode != 0 and "GOVSERVE_PROXY_SSL_HEADER" in out.stderr


GOVSERVE = str(Path(sys.executable).with_name("govserve"))


def test_the_command_line_prints_the_message_alone(tmp_path):
    out = run([GOVSERVE, "check"], tmp_path, GOVSERVE_KEY_ENCRYPTION_KEY=KEK)
    assert out.returncode == 1
    assert out.stderr.startswith("govserve: DJANGO_DEBUG=0") and "Traceback" not in out.stderr
    assert "secrets.token_urlsafe(50)" in out.stderr


def test_check_deploy_is_clean_with_the_keys_and_a_host(tmp_path):
    govserve = GOVSERVE
    out = run(
        [govserve, "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        DJANGO_SECRET_KEY=SECRET,
        GOVSERVE_KEY_ENCRYPTION_KEY=KEK,
        DJANGO_ALLOWED_HOSTS="zwfw.example.gov.cn",
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "System check identified no issues (1 silenced)." in out.stdout
