"""The development key-encryption key (settings, DEBUG only) is made once under var/, also when
several processes start at the same moment (pytest-xdist workers, web workers): every one of
them reads the same complete key, never an empty file or a key of its own."""

import base64
import os
import subprocess
import sys

from django.conf import settings

PRINT_KEK = "import os, govserve.settings; print(os.environ['GOVSERVE_KEY_ENCRYPTION_KEY'])"


def test_processes_starting_together_share_one_development_kek(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GOVSERVE_KEY_ENCRYPTION_KEY"}
    env.update(
        GOVSERVE_VAR=str(tmp_path),
        DJANGO_DEBUG="1",
        # the OIDC signing key is not under test: reuse ours instead of making one per process
        GOVSERVE_OIDC_PRIVATE_KEY=settings.OAUTH2_PROVIDER["OIDC_RSA_PRIVATE_KEY"],
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", PRINT_KEK],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    outputs = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * 6, [err for _out, err in outputs]
    stored = tmp_path / "key-encryption-key"
    key = stored.read_text().strip()
    assert {out.strip() for out, _err in outputs} == {key}
    assert len(base64.b64decode(key)) == 32
    assert stored.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".key-")) == []
