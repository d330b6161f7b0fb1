"""Concurrent submissions through the HTTP API (网上申请并发), as ratios against a bare insert.

Run by hand against PostgreSQL (it refuses SQLite):

    apt-get install wrk     # the load generator (Debian); without it: --client threads
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/submit.py --seconds 60 --rounds 5

It creates (and drops first) a separate database, `govserve_bench_submit` by default
(`--database`), migrates it, and makes a county with three departments, `--items` published
items for JSON applications (one required form field, no material asked), as many items
that ask for one PDF material (multipart), a bundle of three items (one per department),
`--citizens` citizens at assurance level 2 (verified at a counter) and a bearer access
token for each (the scopes the cases API asks for).

Then it starts real server workers — gunicorn (`--workers`, sync workers, one process each)
serving `bench/_benchapp.py`, the project's WSGI application with ONE extra bench-only URL,
`POST /bench/bare-insert/`, that writes one row into a small table through the same
middleware — and loads it from another process with `wrk` (or a pool of `requests` threads,
`--client threads`) over `--connections` concurrent connections, in `--rounds` interleaved
rounds (each operation gets `--seconds / --rounds` per round, so load from other processes
falls on every operation alike; ratios are taken within a round, medians reported):

- baseline: `POST /bench/bare-insert/` with the JSON body of an application and the bearer
  header (read, parse, one INSERT, 201);
- `POST /api/cases/`, JSON: item, form_data, delivery_method, `Idempotency-Key` (a new key
  every request), bearer token; 201 and a case number;
- `POST /api/cases/`, multipart: the same plus one small PDF as `material_<id>` (type
  sniffed, stored under a temporary GOVSERVE_VAR).

For each: submissions/s, p50/p99 latency, their ratios to the baseline, non-201 answers
(which must be none), and the RSS of every gunicorn worker (from /proc/<pid>/status) after
the warm-up and after each round, which must stay flat. Afterwards it checks that every 201
made exactly one case with its own number.

Finally, in this process, the cost of each workflow step for a single-item case and a
three-department bundle case: deserialize the stored SpiffWorkflow instance, advance it
(complete the next user task and run the engine to the next wait), serialize it — through
`govserve.workflow.bpmn` (load / complete / dump) on the default processes (see
`engine_steps`; SpiffWorkflow directly when the workflow app is absent) — and the whole
transaction of a reviewer's answer, `govserve.workflow.services.complete_task`, on cases
applied and accepted here (`--service-runs` of each kind; see `service_steps`).
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from _benchlib import ROOT, machine_line, percentile, prepare_database, require_postgres, rss_mb
from _benchlib import setup_django as _setup_django

# The smallest well-formed PDF: what a scanner or a browser would upload (tests/cases/conftest.py).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/MediaBox[0 0 612 792]/Parent 2 0 R>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
    b"0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)
CASES_URL = "/api/cases/"
BARE_URL = "/bench/bare-insert/"
BOUNDARY = "----govserve-bench-3f9a1c"


# -- the world --------------------------------------------------------------------------------
def build_world(n_items: int, n_citizens: int):
    """Departments, items, a bundle, citizens with tokens; returns what the load needs."""
    import datetime as dt

    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    from govserve.accounts.models import AccountType, User
    from govserve.cases.models import FieldType, FormField
    from govserve.catalog.models import Bundle, BundleItem
    from tests.accounts.factories import make_resident_id
    from tests.catalog.factories import ImplementationItemFactory, MaterialFactory
    from tests.regions.factories import DepartmentFactory, make_uscc, sichuan_tree

    county = sichuan_tree()[2]
    market, health, fire = (
        DepartmentFactory(name=f"广安市广安区{name}", region=county, uscc=make_uscc(30000001 + i))
        for i, name in enumerate(["市场监督管理局", "卫生健康局", "消防救援大队"])
    )

    def item(name: str, department, **kwargs):
        it = ImplementationItemFactory(
            department=department, name=name, min_assurance_level=2, **kwargs
        )
        FormField.objects.create(
            item=it,
            key="business_name",
            label="经营者名称",
            field_type=FieldType.TEXT,
            required=True,
            max_length=100,
        )
        return it

    json_items = [item(f"个体工商户名称变更登记{n}", market) for n in range(n_items)]
    pdf_items = []
    for n in range(n_items):
        it = item(f"食品经营许可{n}", market)
        pdf_items.append((it, MaterialFactory(item=it, name="经营场所平面图", required=True)))
    bundle_items = [
        item("食品经营许可（开饭店）", market),
        item("公共场所卫生许可（开饭店）", health),
        item("公众聚集场所投入使用、营业前消防安全检查（开饭店）", fire),
    ]
    bundle = Bundle.objects.create(
        code="GA-BENCH-KAIFANDIAN",
        name="我要开饭店",
        kind="business",
        region=county,
        lead_department=market,
        promised_limit_days=15,
        published=True,
    )
    for n, it in enumerate(bundle_items):
        BundleItem.objects.create(bundle=bundle, item=it, order=n)

    citizens = User.objects.bulk_create(
        User(
            username=f"bench-citizen-{n}",
            password="!",
            real_name=f"测试申请人{n}",
            id_number=make_resident_id(n, region="511602", birth=f"{1960 + n // 1000}0101"),
            account_type=AccountType.PERSON,
            assurance_level=2,
            assurance_verified_at=timezone.now(),
        )
        for n in range(n_citizens)
    )
    client = Application.objects.create(
        name="基准测试申报系统",
        client_id="bench-submit",
        client_secret=secrets.token_urlsafe(48),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://rp.bench.example.gov.cn/callback",
        algorithm=Application.RS256_ALGORITHM,
    )
    scope = " ".join(sorted(scopes_for_cases()))
    expires = timezone.now() + dt.timedelta(days=1)
    tokens = []
    for user in citizens:
        token = secrets.token_urlsafe(32)
        AccessToken.objects.create(
            user=user, application=client, token=token, expires=expires, scope=scope
        )
        tokens.append(token)
    return {
        "json_items": json_items,
        "pdf_items": pdf_items,
        "bundle": bundle,
        "citizens": citizens,
        "tokens": tokens,
        "scope": scope,
    }


def scopes_for_cases() -> set[str]:
    """The scopes a bearer token needs to POST /api/cases/ (as the API declares them), plus
    the read scopes of settings.OIDC_SCOPES so that the sanity GETs work too."""
    from django.conf import settings
    from django.urls import resolve

    from govserve.accounts.oidc import required_scopes

    found = set(getattr(settings, "OIDC_SCOPES", {}))
    match = resolve(CASES_URL)
    cls = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    if cls is not None:
        view = cls()
        view.action = "create"
        found.update(required_scopes(view, "POST"))
    return found


# -- request bodies ---------------------------------------------------------------------------
def json_body(item_id: int, n: int) -> bytes:
    return json.dumps(
        {
            "item": item_id,
            "form_data": {"business_name": f"广安区某某小吃店{n}"},
            "delivery_method": "electronic",
        },
        ensure_ascii=False,
    ).encode()


def multipart_body(item_id: int, material_id: int, n: int) -> bytes:
    parts = []
    fields = {
        "item": str(item_id),
        "form_data": json.dumps({"business_name": f"广安区某某饭店{n}"}, ensure_ascii=False),
        "delivery_method": "electronic",
    }
    for name, value in fields.items():
        parts.append(
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
        )
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="material_{material_id}"; '
        f'filename="平面图.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
        + PDF_BYTES
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


class Operation:
    """One kind of request: a path, a content type and a set of bodies to rotate through."""

    def __init__(self, label: str, path: str, content_type: str, bodies: list[bytes]) -> None:
        self.label, self.path, self.content_type, self.bodies = label, path, content_type, bodies


def lua_string(data: bytes) -> str:
    return '"' + "".join(f"\\{b:03d}" for b in data) + '"'


def wrk_script(op: Operation, tokens: list[str], run: str) -> str:
    """A wrk Lua script: a new Idempotency-Key per request, tokens and bodies in turn."""
    return f"""
local tokens = {{{", ".join(lua_string(t.encode()) for t in tokens)}}}
local bodies = {{{", ".join(lua_string(b) for b in op.bodies)}}}
local counter = 0
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
end
function request()
  counter = counter + 1
  local n = counter * 7 + tid
  local headers = {{}}
  headers["Authorization"] = "Bearer " .. tokens[n % #tokens + 1]
  headers["Content-Type"] = "{op.content_type}"
  headers["Idempotency-Key"] = "{run}-" .. tid .. "-" .. counter
  return wrk.format("POST", "{op.path}", headers, bodies[counter % #bodies + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {{"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "mean_us": %f, '
    .. '"status_errors": %d, "socket_errors": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def run_wrk(
    op: Operation, base: str, tokens: list[str], seconds: float, connections: int, threads: int
) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(op, tokens, uuid.uuid4().hex[:12]))
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                base + op.path,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[6:])
    elapsed = data["duration_us"] / 1e6
    return {
        "count": data["requests"],
        "rate": data["requests"] / elapsed,
        "p50": data["p50_us"] / 1000,
        "p99": data["p99_us"] / 1000,
        "bad": data["status_errors"] + data["socket_errors"],
    }


def run_threads(
    op: Operation, base: str, tokens: list[str], seconds: float, connections: int, _threads: int
) -> dict:
    """The same load from `connections` Python threads, one requests.Session each."""
    import requests

    run = uuid.uuid4().hex[:12]
    latencies: list[list[float]] = [[] for _ in range(connections)]
    bad = [0] * connections
    deadline = time.perf_counter() + seconds

    def worker(t: int) -> None:
        session = requests.Session()
        n = 0
        while time.perf_counter() < deadline:
            n += 1
            headers = {
                "Authorization": f"Bearer {tokens[(n * 7 + t) % len(tokens)]}",
                "Content-Type": op.content_type,
                "Idempotency-Key": f"{run}-{t}-{n}",
            }
            start = time.perf_counter()
            response = session.post(
                base + op.path, data=op.bodies[n % len(op.bodies)], headers=headers, timeout=30
            )
            latencies[t].append((time.perf_counter() - start) * 1000)
            bad[t] += response.status_code != 201

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(connections)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - started
    every = [x for per in latencies for x in per]
    return {
        "count": len(every),
        "rate": len(every) / elapsed,
        "p50": statistics.median(every),
        "p99": percentile(every, 99),
        "bad": sum(bad),
    }


# -- one request at a time ------------------------------------------------------------------
def in_process(ops: list[Operation], tokens: list[str], n: int) -> list[tuple[int, float]]:
    """Database queries of one request and ms per request, one at a time through the same
    WSGI application in this process (no concurrency, no HTTP): what a request costs alone."""
    from io import BytesIO

    import _benchapp
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    run = uuid.uuid4().hex[:12]
    keys = iter(range(10**9))

    def call(op: Operation, k: int) -> None:
        body = op.bodies[k % len(op.bodies)]
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": op.path,
            "QUERY_STRING": "",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
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
            "CONTENT_TYPE": op.content_type,
            "HTTP_AUTHORIZATION": f"Bearer {tokens[k % len(tokens)]}",
            "HTTP_IDEMPOTENCY_KEY": f"{run}-{next(keys)}",
        }
        answer = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])

        result = _benchapp.application(environ, start_response)
        try:
            b"".join(result)
        finally:
            result.close()
        assert answer["status"] == 201, (op.path, answer)

    out = []
    for op in ops:
        # Warm up with every body: the first application of the day for an item also
        # creates the item's serial row (3 more queries), which is not what is counted.
        for k in range(len(op.bodies)):
            call(op, k)
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            call(op, 0)
        queries = len(captured)  # now: the next request's start clears the log
        start = time.perf_counter()
        for k in range(n):
            call(op, k)
        out.append((queries, (time.perf_counter() - start) / n * 1000))
    return out


# -- the server -------------------------------------------------------------------------------
class Server:
    """gunicorn with `workers` sync workers serving bench/_benchapp.py on 127.0.0.1:`port`."""

    def __init__(self, database: str, workers: int, port: int, conn_max_age: int, var: str):
        env = {
            **os.environ,
            "DATABASE_URL": database,
            "DJANGO_SETTINGS_MODULE": "govserve.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only"),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GOVSERVE_VAR": var,
            "BENCH_CONN_MAX_AGE": str(conn_max_age),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT / "src"), str(ROOT)]),
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = open(Path(var) / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{port}",
                "--backlog",
                "256",
                "--timeout",
                "60",
                "--log-level",
                "warning",
                "_benchapp:application",
            ],
            env=env,
            cwd=var,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{port}"
        self.workers = workers

    def wait_ready(self, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited; see its log")
            try:
                answer = requests.get(self.base + "/api/items/?limit=1", timeout=30)
                if answer.status_code == 200 and len(self.worker_pids()) == self.workers:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def worker_pids(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(x) for x in path.read_text().split()) if path.exists() else []

    def worker_rss(self) -> list[float]:
        return [rss_mb(pid) for pid in self.worker_pids()]

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


# -- workflow steps ---------------------------------------------------------------------------
def _engine_api():
    """load / complete / dump / start / parse: the workflow app's, or SpiffWorkflow's own."""
    try:
        from govserve.workflow import bpmn
    except ImportError:
        bpmn = None
    if bpmn is not None:
        engine = bpmn.script_engine(lambda name, params: "approved")  # every action approves
        return "govserve.workflow.bpmn load / complete / dump", {
            "parse": lambda xml: bpmn.parse(xml, strict=False),
            "start": lambda parsed, data: bpmn.start(parsed, data, engine),
            "load": lambda state: bpmn.load(state, engine),
            "dump": bpmn.dump,
            "ready": bpmn.ready_user_tasks,
            "complete": bpmn.complete,
        }
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
    from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    engine = PythonScriptEngine(
        environment=TaskDataEnvironment({"joint_decision": lambda: "approved"})
    )
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    def parse(xml: str):
        parser = SpiffBpmnParser()
        parser.add_bpmn_str(xml.encode(), "process.bpmn")
        (pid,) = parser.get_process_ids()
        return parser.get_spec(pid), parser.get_subprocess_specs(pid)

    def start(parsed, data):
        workflow = BpmnWorkflow(*parsed, script_engine=engine)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.set_data(**data)
        workflow.do_engine_steps()
        return workflow

    def load(state):
        workflow = serializer.deserialize_json(state)
        workflow.script_engine = engine
        return workflow

    def complete(workflow, task, data):
        task.set_data(**data)
        task.run()
        workflow.do_engine_steps()

    return "SpiffWorkflow directly (no govserve.workflow.bpmn yet)", {
        "parse": parse,
        "start": start,
        "load": load,
        "dump": serializer.serialize_json,
        "ready": lambda wf: [t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.manual],
        "complete": complete,
    }


def engine_steps(runs: int) -> tuple[str, list[tuple[str, dict[str, float]]]]:
    """Deserialize, advance (complete the next user task), serialize: p50/p95 ms each, for
    the default single-item process (the review) and a bundle's parent process for three
    departments (the first of the three parallel reviews; the last one, which joins the
    branches and runs the joint-decision script, here a function that only returns
    "approved")."""
    source, api = _engine_api()
    processes = ROOT / "src" / "govserve" / "workflow" / "processes"
    answer = {"outcome": "approve", "reasons": "", "actor": 1}

    def process_xml(kind: str) -> str:
        """The single-item template; for a bundle the parent process the workflow app
        generates for three departments (govserve.workflow.bundles), else the template."""
        if kind == "bundle":
            try:
                from govserve.workflow.bundles import bundle_xml
            except ImportError:
                pass
            else:
                return bundle_xml([1, 2, 3])
        return (processes / f"default-{kind}.bpmn").read_text(encoding="utf-8")

    def state_after(kind: str, items: list[int], done: int) -> str:
        xml = process_xml(kind)
        data = {
            "case_id": 1,
            "case_items": items,
            "delivery_method": "electronic",
            "bundle": kind == "bundle",
        }
        workflow = api["start"](api["parse"](xml), data)
        for _ in range(done):
            api["complete"](workflow, api["ready"](workflow)[0], answer)
        return api["dump"](workflow)

    scenarios = [
        ("single item: review", state_after("single", [1], 0)),
        ("bundle of 3: first parallel review", state_after("bundle", [1, 2, 3], 0)),
        ("bundle of 3: last review (join, joint decision)", state_after("bundle", [1, 2, 3], 2)),
    ]
    out = []
    for label, state in scenarios:
        times: dict[str, list[float]] = {"deserialize": [], "advance": [], "serialize": []}
        for n in range(runs + 10):
            t0 = time.perf_counter()
            workflow = api["load"](state)
            t1 = time.perf_counter()
            api["complete"](workflow, api["ready"](workflow)[0], answer)
            t2 = time.perf_counter()
            dumped = api["dump"](workflow)
            t3 = time.perf_counter()
            if n >= 10:  # the first runs warm up
                times["deserialize"].append((t1 - t0) * 1000)
                times["advance"].append((t2 - t1) * 1000)
                times["serialize"].append((t3 - t2) * 1000)
        timing = {}
        for step, values in times.items():
            timing[f"{step} p50"] = statistics.median(values)
            timing[f"{step} p95"] = percentile(values, 95)
        timing["state KB before"] = len(state.encode()) / 1024
        timing["state KB after"] = len(dumped.encode()) / 1024
        out.append((label, timing))
    return source, out


def service_steps(world: dict, runs: int) -> list[tuple[str, dict[str, float]]]:
    """workflow.services.complete_task, the whole transaction a reviewer's answer costs (task
    and instance locked, the case services' record_review, load, advance, save under the
    optimistic version check, task rows synced): p50/p95 ms on cases applied and accepted in
    this process. Empty when the workflow services do not exist."""
    try:
        from govserve.workflow import services as workflow_services
        from govserve.workflow.models import Task, TaskState
    except ImportError:
        return []
    from govserve.accounts.models import RoleGrant
    from govserve.cases import services as case_services
    from tests.accounts.factories import StaffFactory

    bundle = world["bundle"]
    county = bundle.region
    clerk = StaffFactory(username="bench-clerk", region=county)
    RoleGrant.objects.create(user=clerk, role="clerk", region=county)
    reviewers = {}
    for item in bundle.items.all():
        user = StaffFactory(username=f"bench-reviewer-{item.department_id}", region=county)
        RoleGrant.objects.create(
            user=user, role="reviewer", region=county, department_id=item.department_id
        )
        reviewers[item.department_id] = user
    single_item = world["json_items"][0]
    if single_item.department_id not in reviewers:
        sys.exit("the single item's department must be one of the bundle's")

    def accepted(n: int, **what):
        case, _created = case_services.apply(
            world["citizens"][n % len(world["citizens"])],
            idempotency_key=None,
            form_data={"business_name": f"广安区某某饭店{n}"},
            **what,
        )
        return case_services.accept(case, clerk)

    def open_tasks(case):
        return list(
            Task.objects.filter(case=case, state=TaskState.OPEN)
            .select_related("case")
            .order_by("pk")
        )

    def timed(task) -> float:
        user = reviewers[task.department_id]
        start = time.perf_counter()
        workflow_services.complete_task(task, user, outcome="approve")
        return (time.perf_counter() - start) * 1000

    singles = [accepted(n, item=single_item) for n in range(runs)]
    bundles = [accepted(runs + n, bundle=bundle) for n in range(runs)]
    single_ms, first_ms, last_ms = [], [], []
    for case in singles:
        (task,) = open_tasks(case)
        single_ms.append(timed(task))
    for case in bundles:
        tasks = open_tasks(case)
        if len(tasks) != 3:
            sys.exit(f"a bundle case should have 3 open review tasks, has {len(tasks)}")
        first_ms.append(timed(tasks[0]))
        timed(tasks[1])
        last_ms.append(timed(tasks[2]))
    return [
        (label, {"p50": statistics.median(ms), "p95": percentile(ms, 95)})
        for label, ms in (
            ("single item: review", single_ms),
            ("bundle of 3: first parallel review", first_ms),
            ("bundle of 3: last review (join, joint decision)", last_ms),
        )
    ]


# -- main -------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="per operation, all rounds")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds per operation")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=4, help="concurrent client connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--client", choices=["auto", "wrk", "threads"], default="auto")
    parser.add_argument("--items", type=int, default=10, help="items of each kind")
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--port", type=int, default=8741)
    parser.add_argument(
        "--conn-max-age", type=int, default=600, help="seconds a worker keeps its connection"
    )
    parser.add_argument(
        "--alone", type=int, default=50, help="requests of each kind timed one at a time"
    )
    parser.add_argument("--workflow-runs", type=int, default=300, help="timed engine runs")
    parser.add_argument(
        "--service-runs", type=int, default=50, help="cases for timing complete_task"
    )
    parser.add_argument(
        "--database", default="govserve_bench_submit", help="PostgreSQL database to (re)create"
    )
    args = parser.parse_args()

    client = args.client
    if client == "auto":
        client = "wrk" if shutil.which("wrk") else "threads"
    run_load = run_wrk if client == "wrk" else run_threads
    # 201 answers, to check the rows against; a load stops with up to `connections` requests
    # in flight, which the server still completes but the client does not count.
    created = {CASES_URL: 0, BARE_URL: 0}
    in_flight = {CASES_URL: 0, BARE_URL: 0}

    def load(op: Operation, base: str, tokens: list[str], seconds: float, conns: int, threads: int):
        result = run_load(op, base, tokens, seconds, conns, threads)
        created[op.path] += result["count"] - result["bad"]
        in_flight[op.path] += conns
        return result

    url, _existed = prepare_database(require_postgres(), args.database)
    var = tempfile.mkdtemp(prefix="govserve-bench-submit-")
    atexit.register(shutil.rmtree, var, True)  # uploaded files and the server's log
    os.environ["GOVSERVE_VAR"] = var
    _setup_django(url)
    import requests
    from django.core.management import call_command
    from django.db import connection

    from govserve.cases.models import Case, CaseMaterial

    call_command("migrate", verbosity=0)
    print(
        machine_line(
            f"; gunicorn {args.workers} sync workers, {args.connections} connections from "
            f"{client}, CONN_MAX_AGE={args.conn_max_age}"
        )
    )
    world = build_world(args.items, args.citizens)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_bare_insert (id bigserial PRIMARY KEY, "
            "at timestamptz NOT NULL DEFAULT now(), key varchar(100) NOT NULL, "
            "item varchar(20) NOT NULL)"
        )
    print(
        f"{len(world['json_items'])} + {len(world['pdf_items'])} items, "
        f"{len(world['citizens'])} citizens (assurance level 2), token scope: {world['scope']}"
    )
    connection.close()

    ops = [
        Operation(
            f"baseline: POST {BARE_URL} (one INSERT)",
            BARE_URL,
            "application/json",
            [json_body(it.pk, n) for n, it in enumerate(world["json_items"])],
        ),
        Operation(
            f"POST {CASES_URL} JSON (form, no material)",
            CASES_URL,
            "application/json",
            [json_body(it.pk, n) for n, it in enumerate(world["json_items"])],
        ),
        Operation(
            f"POST {CASES_URL} multipart (form + 1 PDF)",
            CASES_URL,
            f"multipart/form-data; boundary={BOUNDARY}",
            [multipart_body(it.pk, m.pk, n) for n, (it, m) in enumerate(world["pdf_items"])],
        ),
    ]

    connection.settings_dict["CONN_MAX_AGE"] = args.conn_max_age
    alone = in_process(ops, world["tokens"], args.alone)
    for op in ops:
        created[op.path] += args.alone + len(op.bodies) + 1
    print(f"one request at a time in this process ({args.alone} each, no HTTP, no concurrency):")
    for op, (queries, ms) in zip(ops, alone, strict=True):
        print(f"  {op.label}: {queries} queries, {ms:.1f} ms ({ms / alone[0][1]:.1f} × baseline)")
    connection.close()

    server = Server(url, args.workers, args.port, args.conn_max_age, var)
    try:
        server.wait_ready()
        token = world["tokens"][0]
        for op in ops:  # one request of each, shown in full: the contract is what we think
            response = requests.post(
                server.base + op.path,
                data=op.bodies[0],
                headers={
                    "Authorization": f"Bearer {token}",
                    "Content-Type": op.content_type,
                    "Idempotency-Key": f"sanity-{uuid.uuid4().hex}",
                },
                timeout=30,
            )
            print(f"sanity {op.path}: {response.status_code} {response.text[:300]}")
            if response.status_code != 201:
                print((Path(var) / "gunicorn.log").read_text()[-3000:])
                sys.exit("the request above must answer 201: see the API contract")
            created[op.path] += 1
        for op in ops:
            load(op, server.base, world["tokens"], args.warmup, args.connections, args.threads)
        rss = [server.worker_rss()]
        per_round = args.seconds / args.rounds
        rounds = []
        for r in range(args.rounds):
            results = []
            for op in ops:
                results.append(
                    load(
                        op, server.base, world["tokens"], per_round, args.connections, args.threads
                    )
                )
            rounds.append(results)
            rss.append(server.worker_rss())
            print(
                f"round {r + 1}: "
                + ", ".join(f"{x['rate']:.1f}/s p50 {x['p50']:.1f} ms" for x in results),
                flush=True,
            )
    finally:
        server.stop()

    connection.connect()
    width = max(len(op.label) for op in ops) + 2
    print(
        f"\n{args.rounds} interleaved rounds of {per_round:.0f} s per operation; medians over "
        "the rounds; ratios within a round"
    )
    print(
        f"{'operation':<{width}}  {'requests':>8}  {'per second':>10}  {'ratio':>6}  "
        f"{'p50 ms':>7}  {'ratio':>6}  {'p99 ms':>7}  {'ratio':>6}  {'non-201':>7}"
    )
    for i, op in enumerate(ops):
        runs = [rnd[i] for rnd in rounds]

        def med(key, runs=runs):
            return statistics.median(x[key] for x in runs)

        def ratio(key, i=i):
            return statistics.median(rnd[i][key] / rnd[0][key] for rnd in rounds)

        print(
            f"{op.label:<{width}}  {sum(x['count'] for x in runs):>8}  {med('rate'):>10.1f}  "
            f"{ratio('rate'):>6.3f}  {med('p50'):>7.1f}  {ratio('p50'):>6.1f}  "
            f"{med('p99'):>7.1f}  {ratio('p99'):>6.1f}  {sum(x['bad'] for x in runs):>7}"
        )
    numbers = Case.objects.exclude(number=None).values_list("number", flat=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_bare_insert")
        (bare_rows,) = cursor.fetchone()
    cases = Case.objects.count()
    print(
        f"\n201 answers from {CASES_URL}: {created[CASES_URL]}; cases in the database: "
        f"{cases} ({numbers.distinct().count()} distinct numbers), materials "
        f"stored: {CaseMaterial.objects.count()}; 201 answers from {BARE_URL}: "
        f"{created[BARE_URL]}, rows: {bare_rows} (the difference: requests in flight when a "
        "load stopped, answered after the client had stopped counting)"
    )
    assert numbers.distinct().count() == cases
    assert 0 <= cases - created[CASES_URL] <= in_flight[CASES_URL]
    assert 0 <= bare_rows - created[BARE_URL] <= in_flight[BARE_URL]
    print("worker RSS (MB) after warm-up, then after each round:")
    for w in range(args.workers):
        print(f"  worker {w + 1}: " + ", ".join(f"{snap[w]:.1f}" for snap in rss if w < len(snap)))

    source, steps = engine_steps(args.workflow_runs)
    print(f"\nworkflow engine steps in this process, {args.workflow_runs} runs each ({source}):")
    for label, timing in steps:
        print(f"  {label}: " + ", ".join(f"{k} {v:.2f}" for k, v in timing.items()))
    services = service_steps(world, args.service_runs)
    if services:
        print(
            f"\nworkflow.services.complete_task (one transaction, with the database), "
            f"{args.service_runs} cases each, ms:"
        )
        for label, timing in services:
            print(f"  {label}: " + ", ".join(f"{k} {v:.1f}" for k, v in timing.items()))


if __name__ == "__main__":
    main()
