"""Single sign-on and API authentication (统一身份认证性能): rates as ratios against a baseline.

Run by hand, on the embedded SQLite default or on PostgreSQL:

    .venv/bin/python bench/auth.py --seconds 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govserve \\
        .venv/bin/python bench/auth.py --seconds 10

Nothing external is started: requests are handed, one at a time, to the WSGI application
(`govserve.wsgi.application`, what gunicorn would call) inside this process, so every
request runs the whole stack: request signals, all middleware, URL routing, DRF,
django-oauth-toolkit. (Not Django's test client: it connects signal receivers on every
request, and their weak-reference finalizers pile up, about 1 KB a request, which would
hide a leak of ours.) The database connection is kept between requests (`--conn-max-age`,
600 s; 0 reconnects for every request, as the settings' default does). On SQLite the
database is a throwaway file in a temporary folder; on PostgreSQL a separate database
(`--database`, default govserve_bench_auth) is dropped and created on the same server.
DEBUG is off.

Measured in the same run, after a warm-up, in `--rounds` interleaved rounds (each operation
gets `--seconds / --rounds` per round, or at most `--n` requests), so that load from other
processes falls on every operation alike; ratios are taken within a round, medians reported:

- baseline: an anonymous GET of a catalog page (`/api/items/?limit=10`, 10 published items);
- the same GET with a bearer token (token lookup by checksum, expiry, scope check);
- the same GET with a session cookie (for comparison);
- token issuance: a department system's client_credentials token (confidential client,
  secret checked, token stored hashed);
- sign-in: what one OIDC sign-in costs the provider: GET /o/authorize/ (PKCE S256, a
  trusted client, a signed-in user) and the code exchange at /o/token/ (code_verifier
  checked, access + refresh token, RS256-signed ID token);
- the client_credentials token again with the client secret stored under Django's default
  password hash (PBKDF2), to show why client secrets get their own hasher.

Each rate is printed with its ratio to the baseline, and the process RSS after the warm-up
and after every round (it must stay flat: nothing may be kept per request).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
REDIRECT = "https://rp.bench.example.gov.cn/callback"
SECRET = "bench-secret-" + "s" * 60
ITEMS_URL = "/api/items/?limit=10"


def rss_mb() -> float:
    """Resident set size of this process now (not the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def prepare_database(url: str, name: str) -> str:
    """PostgreSQL: drop and create the bench database on the same server; returns its URL."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


class Response:
    def __init__(self, status: int, headers: list[tuple[str, str]], content: bytes) -> None:
        self.status_code = status
        self.headers = {}
        for name, value in headers:
            self.headers.setdefault(name.lower(), value)
        self.content = content

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]

    def json(self):
        import json

        return json.loads(self.content)


class WsgiClient:
    """A minimal HTTP client speaking WSGI to the application in this process, with cookies."""

    def __init__(self, app, cookies: dict[str, str] | None = None) -> None:
        self.app = app
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, params=None, data=None, headers=None) -> Response:
        path, _, query = path.partition("?")
        if params:
            query = "&".join(filter(None, [query, urlencode(params)]))
        body = urlencode(data).encode() if data else b""
        environ = {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded" if body else "",
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for name, value in (headers or {}).items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        started = {}

        def start_response(status, response_headers, exc_info=None):
            started["status"], started["headers"] = int(status.split()[0]), response_headers

        result = self.app(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        for name, value in started["headers"]:
            if name.lower() == "set-cookie":
                for morsel in SimpleCookie(value).values():
                    self.cookies[morsel.key] = morsel.value
        return Response(started["status"], started["headers"], content)

    def get(self, path, params=None, headers=None) -> Response:
        return self.request("GET", path, params=params, headers=headers)

    def post(self, path, data, headers=None) -> Response:
        return self.request("POST", path, data=data, headers=headers)


def measure(label: str, op, seconds: float, limit: int | None) -> dict:
    """Run `op` repeatedly for `seconds` (or `limit` times); returns the rate and mean time."""
    count, start = 0, time.perf_counter()
    deadline = start + seconds
    while True:
        op()
        count += 1
        now = time.perf_counter()
        if now >= deadline or (limit and count >= limit):
            break
    elapsed = time.perf_counter() - start
    return {"label": label, "count": count, "rate": count / elapsed, "ms": elapsed / count * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds", type=float, default=10.0, help="time spent on each measurement, all rounds"
    )
    parser.add_argument(
        "--rounds", type=int, default=5, help="interleaved rounds the time is split into"
    )
    parser.add_argument(
        "--n", type=int, default=None, help="at most this many requests per measurement and round"
    )
    parser.add_argument(
        "--database", default="govserve_bench_auth", help="PostgreSQL: database to (re)create"
    )
    parser.add_argument(
        "--conn-max-age", type=int, default=600, help="seconds a database connection is kept"
    )
    parser.add_argument(
        "--skip-pbkdf2", action="store_true", help="leave out the slow-hash comparison"
    )
    args = parser.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    tmp = None
    if url.startswith(("postgres://", "postgresql://")):
        os.environ["DATABASE_URL"] = prepare_database(url, args.database)
    elif not url:
        tmp = tempfile.TemporaryDirectory(prefix="govserve-bench-auth-")
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp.name}/bench.sqlite3"
    sys.path.insert(0, str(ROOT))  # tests.catalog.factories for the catalog rows
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govserve.settings")
    # DEBUG keeps every SQL statement in memory: not what production runs
    os.environ["DJANGO_DEBUG"] = "0"
    # what DEBUG off refuses to start without (see _benchlib.production_keys), and plain HTTP
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
    os.environ.setdefault("GOVSERVE_KEY_ENCRYPTION_KEY", base64.b64encode(os.urandom(32)).decode())
    os.environ.setdefault("GOVSERVE_SSL_REDIRECT", "0")
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from oauth2_provider.models import AccessToken, Application

    from govserve.accounts.models import AccountType, User
    from govserve.wsgi import application
    from tests.catalog.factories import ImplementationItemFactory

    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        number = connection.cursor().connection.info.server_version
        version = f"PostgreSQL {number // 10000}.{number % 10000}"
    else:
        version = f"SQLite {connection.Database.sqlite_version} (file)"
    print(
        f"database {version}; {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"Django {django.get_version()}, DEBUG off; one process, requests through the WSGI "
        f"application one at a time, CONN_MAX_AGE={args.conn_max_age}"
    )

    ImplementationItemFactory.create_batch(10)
    user = User.objects.create_user(
        "bench-citizen",
        password="Bench-2026-pass",
        real_name="测试用户",
        account_type=AccountType.PERSON,
    )
    web = Application.objects.create(
        name="基准测试接入系统",
        client_id="bench-web",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    Application.objects.create(
        name="基准测试后台系统",
        client_id="bench-m2m",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    Application.objects.create(
        name="基准测试后台系统（PBKDF2）",
        client_id="bench-m2m-pbkdf2",
        client_secret=make_password(SECRET),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    # A signed-in browser: the session cookie is made once, by the test client.
    setup_client = Client()
    setup_client.force_login(user)
    session_cookie = {name: morsel.value for name, morsel in setup_client.cookies.items()}
    connection.close()
    connection.settings_dict["CONN_MAX_AGE"] = args.conn_max_age

    anonymous = WsgiClient(application)
    browser = WsgiClient(application, session_cookie)

    def sign_in(scope="openid profile catalog.read") -> dict:
        verifier, challenge = pkce_pair()
        response = browser.get(
            "/o/authorize/",
            {
                "response_type": "code",
                "client_id": web.client_id,
                "redirect_uri": REDIRECT,
                "scope": scope,
                "state": "s",
                "nonce": "n",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        assert response.status_code == 302, response.content[:300]
        code = parse_qs(urlsplit(response["Location"]).query)["code"][0]
        response = browser.post(
            "/o/token/",
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "code_verifier": verifier,
            },
            headers={"Authorization": basic(web.client_id, SECRET)},
        )
        assert response.status_code == 200, response.content[:300]
        return response.json()

    def client_credentials(client_id: str) -> None:
        response = anonymous.post(
            "/o/token/",
            {"grant_type": "client_credentials", "scope": "catalog.read"},
            headers={"Authorization": basic(client_id, SECRET)},
        )
        assert response.status_code == 200, response.content[:300]

    token = sign_in()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}

    def get(client, headers=None):
        def op():
            response = client.get(ITEMS_URL, headers=headers)
            assert response.status_code == 200, response.content[:300]

        return op

    # Same answer either way: the citizen sees the published catalog, as the public does.
    assert anonymous.get(ITEMS_URL).json() == anonymous.get(ITEMS_URL, headers=bearer).json()
    queries = {}
    for label, client, headers in (
        ("anonymous", anonymous, None),
        ("bearer", anonymous, bearer),
        ("session", browser, None),
    ):
        with CaptureQueriesContext(connection) as captured:
            client.get(ITEMS_URL, headers=headers)
        queries[label] = len(captured)

    ops = [
        (f"baseline: anonymous GET {ITEMS_URL}", get(anonymous)),
        ("same GET, bearer access token", get(anonymous, bearer)),
        ("same GET, session cookie", get(browser)),
        ("token issuance: client_credentials", lambda: client_credentials("bench-m2m")),
        ("sign-in: /o/authorize/ + code exchange (PKCE, RS256 ID token)", sign_in),
    ]
    for _label, op in ops:  # warm-up: first queries, templates, the signing key
        for _ in range(20):
            op()
    rss = [rss_mb()]
    # Interleaved rounds: each round measures every operation for seconds/rounds, so load from
    # other processes on the machine falls on all of them alike; each ratio is taken within
    # its round and the median over the rounds is reported.
    per_round = args.seconds / args.rounds
    rounds = []
    for _ in range(args.rounds):
        rounds.append([measure(label, op, per_round, args.n) for label, op in ops])
        rss.append(rss_mb())
    slow = None
    if not args.skip_pbkdf2:
        slow = measure(
            "client_credentials, secret under PBKDF2 (Django default)",
            lambda: client_credentials("bench-m2m-pbkdf2"),
            args.seconds,
            min(args.n or 20, 20),
        )
        slow["ratio"] = slow["rate"] / statistics.median(r[0]["rate"] for r in rounds)

    width = max(len(label) for label, _op in ops) + 2
    print(
        f"\n{args.rounds} interleaved rounds of {per_round:.1f} s per measurement; "
        "median over rounds"
    )
    print(
        f"{'measurement':<{width}}  {'requests':>8}  {'per second':>10}  "
        f"{'ms each':>8}  {'ratio':>6}"
    )
    for i, (label, _op) in enumerate(ops):
        runs = [r[i] for r in rounds]
        rate = statistics.median(x["rate"] for x in runs)
        ratio = statistics.median(r[i]["rate"] / r[0]["rate"] for r in rounds)
        count = sum(x["count"] for x in runs)
        print(f"{label:<{width}}  {count:>8}  {rate:>10.1f}  {1000 / rate:>8.2f}  {ratio:>6.3f}")
    if slow:
        print(
            f"{slow['label']:<{width}}  {slow['count']:>8}  {slow['rate']:>10.1f}  "
            f"{slow['ms']:>8.2f}  {slow['ratio']:>6.3f}"
        )
    added = statistics.median(r[1]["ms"] - r[0]["ms"] for r in rounds)
    print(
        f"\na bearer token adds {added:+.2f} ms to a call (median of the rounds); "
        f"{AccessToken.objects.count()} access tokens in the table at the end"
    )
    print(
        "database queries per GET: "
        + ", ".join(f"{label} {count}" for label, count in queries.items())
    )
    print("RSS (MB) after warm-up, then after each round: " + ", ".join(f"{x:.1f}" for x in rss))
    connection.close()
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()
