"""Helpers shared by bench/overdue.py and bench/submit.py (not a benchmark itself)."""

from __future__ import annotations

import base64
import os
import platform
import secrets
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process now (not the peak), in MB."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return float("nan")
    for line in text.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile by nearest rank (no interpolation)."""
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def require_postgres() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "this benchmark runs against PostgreSQL: set DATABASE_URL="
            "postgres://postgres@127.0.0.1:5432/postgres (a separate database is created)"
        )
    return url


def database_url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def prepare_database(url: str, name: str, *, keep: bool = False) -> tuple[str, bool]:
    """Create the bench database `name` on the server of `url` (dropped first unless `keep`).

    Returns its URL and whether it already existed (only possible with `keep`)."""
    import psycopg

    admin = database_url(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and not keep:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return database_url(url, name), bool(exists)


def production_keys() -> None:
    """What settings with DEBUG off refuse to start without, for a bench run: a secret key and a
    throwaway key-encryption key (the run's signing keys go with its database), unless the
    environment gives them; and no HTTPS redirect (the bench speaks plain HTTP on this machine,
    as the platform does behind a TLS-terminating proxy)."""
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + secrets.token_urlsafe(40))
    os.environ.setdefault("GOVSERVE_KEY_ENCRYPTION_KEY", base64.b64encode(os.urandom(32)).decode())
    os.environ.setdefault("GOVSERVE_SSL_REDIRECT", "0")


def setup_django(database: str) -> None:
    """Configure and start Django on `database`, DEBUG off (DEBUG keeps every query in memory)."""
    os.environ["DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govserve.settings")
    os.environ["DJANGO_DEBUG"] = "0"
    production_keys()
    for path in (str(ROOT / "src"), str(ROOT)):  # govserve, and the tests.<app>.factories
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def machine_line(extra: str = "") -> str:
    import django
    from django.db import connection

    number = connection.cursor().connection.info.server_version
    return (
        f"PostgreSQL {number // 10000}.{number % 10000}; {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, Django {django.get_version()}, DEBUG off" + extra
    )
