"""Background work through a REAL Celery worker and a real broker (Redis), as in production.

The worker is celery.contrib.testing.worker.start_worker: a real WorkController consuming from
Redis in a thread of this process. That is what makes one test work on both databases:

- PostgreSQL: the worker thread opens its own connection to the test database;
- SQLite: Django's test database is in memory in shared-cache mode
  (file:memorydb_default?mode=memory&cache=shared), which every connection opened by this
  process sees — and only this process, so a worker in a subprocess could not see it.

Either way the worker only sees committed rows, hence `transaction=True`; while a task runs,
the test waits on its result in Redis instead of reading the database (SQLite's shared cache
answers a concurrent reader with "table is locked" rather than waiting).

Each test run uses its own queue, so runs sharing a Redis server do not take each other's
messages. Redis: GOVSERVE_TEST_REDIS_URL (default redis://127.0.0.1:6379/15); the tests are
skipped, saying so, only when no Redis answers there.
"""

import datetime as dt
import os
import shelve
import signal
import subprocess
import sys
import time
import uuid

import pytest
import redis
from celery import Celery
from celery.beat import Scheduler
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from govserve.cases import services
from govserve.cases.models import Case, CaseState, DocumentKind, Notification
from govserve.celery import app as project_app
from govserve.workcalendar.deadlines import add_working_days
from tests.cases.worlds import pdf

REDIS_URL = os.environ.get("GOVSERVE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping())
    except redis.exceptions.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(
        not _redis_answers(),
        reason=f"no Redis answers at {REDIS_URL} (set GOVSERVE_TEST_REDIS_URL); CI runs these",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker_app():
    """A Celery app configured like the project's (the Django settings), but with Redis as
    broker and result backend, a queue of its own, and not eager."""
    test_app = Celery("govserve-worker-test", set_as_current=False)
    test_app.config_from_object("django.conf:settings", namespace="CELERY")
    test_app.conf.update(
        broker_url=REDIS_URL,
        result_backend=REDIS_URL,
        task_always_eager=False,
        task_default_queue=f"govserve-test-{uuid.uuid4().hex[:12]}",
        worker_hijack_root_logger=False,
        result_expires=600,
    )
    test_app.autodiscover_tasks(force=True)  # as govserve/celery.py does, but at once
    test_app.finalize()
    try:
        yield test_app
    finally:
        test_app.close()
        # start_worker made the test app the process's current and default app.
        project_app.set_current()
        project_app.set_default()


def overdue_case(world) -> Case:
    """A case whose materials arrived three weeks ago and that nobody accepted."""
    case, _created = services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    received = timezone.localdate() - dt.timedelta(days=21)
    Case.objects.filter(pk=case.pk).update(
        received_on=received,
        acceptance_due=add_working_days(received, services.ACCEPTANCE_DAYS).due,
    )
    case.refresh_from_db()
    return case


def assert_deemed_accepted(case: Case) -> None:
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW
    assert case.deemed_accepted and case.accepted_on == case.received_on
    notice = case.documents.get(kind=DocumentKind.ACCEPTANCE)
    with notice.file.open("rb") as f:
        assert f.read(5) == b"%PDF-"
    assert "视为受理" in notice.text
    assert Notification.objects.filter(recipient=case.applicant, case=case).exists()


def test_a_worker_deems_an_overdue_case_accepted(world, worker_app):
    case = overdue_case(world)
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        result = worker_app.tasks["govserve.cases.tasks.deem_accepted"].delay()
        assert result.get(timeout=120) == 1
        assert result.successful()
    assert_deemed_accepted(case)


def test_beat_entries_run_on_the_worker(world, worker_app):
    """The schedule from settings, as beat holds it: both sweeps fall due and the worker runs
    what beat sends."""
    case = overdue_case(world)
    scheduler = Scheduler(app=worker_app, lazy=False)
    entries = scheduler.schedule
    assert {"deem-accepted", "deadline-warnings"} <= set(entries)
    for name in ("deem-accepted", "deadline-warnings"):
        entry = entries[name]
        assert not entry.is_due().is_due  # just started: the first run is one interval away
        entry.last_run_at = worker_app.now() - dt.timedelta(minutes=61)
        assert entry.is_due().is_due
    with start_worker(worker_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        accepted = scheduler.apply_async(entries["deem-accepted"], advance=False)
        assert accepted.get(timeout=120) == 1
        warned = scheduler.apply_async(entries["deadline-warnings"], advance=False)
        assert isinstance(warned.get(timeout=120), int)
    assert_deemed_accepted(case)


def test_celery_beat_starts_from_the_command_line(tmp_path):
    """`celery -A govserve beat` loads the project's schedule (checked in its schedule file)."""
    schedule_file = tmp_path / "celerybeat-schedule"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": REDIS_URL,
        "GOVSERVE_VAR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "govserve.settings",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "govserve",
            "beat",
            "-l",
            "info",
            "--schedule",
            str(schedule_file),
            "--max-interval",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        lines = []
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if "beat: Starting..." in line:
                break
        assert any("beat: Starting..." in line for line in lines), "".join(lines)
        time.sleep(2)
        assert proc.poll() is None, "beat stopped: " + "".join(lines) + proc.stdout.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rest = proc.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            rest = proc.communicate()[0]
    assert "Traceback" not in rest, rest
    with shelve.open(str(schedule_file), flag="r") as stored:
        assert {"deem-accepted", "deadline-warnings"} <= set(stored["entries"])
        assert stored["entries"]["deem-accepted"].task == "govserve.cases.tasks.deem_accepted"
