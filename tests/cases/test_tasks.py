"""The Celery tasks as `make run` runs them (eager: no broker) and the beat schedule that
drives them in production (tests/cases/test_worker.py runs them through a real worker)."""

import datetime as dt

import pytest
from celery.schedules import schedule as interval
from django.conf import settings
from django.utils import timezone

from govserve.cases import services, tasks
from govserve.cases.models import Case, CaseState, DeadlineRecord, DocumentKind, Notification
from govserve.celery import app
from govserve.workcalendar.deadlines import add_working_days
from govserve.workcalendar.services import load_notice
from tests.cases.worlds import pdf

pytestmark = pytest.mark.django_db


def apply(world) -> Case:
    case, _created = services.apply(
        world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    return case


def received_on(case: Case, day: dt.date) -> Case:
    """Pretend the materials arrived on `day` (the acceptance deadline follows)."""
    Case.objects.filter(pk=case.pk).update(
        received_on=day, acceptance_due=add_working_days(day, services.ACCEPTANCE_DAYS).due
    )
    case.refresh_from_db()
    return case


def test_without_a_broker_tasks_run_in_the_calling_process():
    assert settings.CELERY_BROKER_URL == ""
    assert app.conf.task_always_eager is True


def test_deem_accepted_accepts_overdue_cases_on_the_day_of_receipt(world):
    today = timezone.localdate()
    overdue = received_on(apply(world), today - dt.timedelta(days=21))
    fresh = apply(world)
    result = tasks.deem_accepted.delay()
    assert result.get() == 1
    overdue.refresh_from_db()
    assert overdue.state == CaseState.IN_REVIEW and overdue.deemed_accepted
    assert overdue.accepted_on == overdue.received_on
    notice = overdue.documents.get(kind=DocumentKind.ACCEPTANCE)
    assert "依法自收到申请材料之日起视为受理" in notice.text
    assert notice.file.name.endswith(".pdf") and len(notice.sha256) == 64
    assert Notification.objects.filter(
        recipient=world.applicant, case=overdue, subject__contains="已受理"
    ).exists()
    fresh.refresh_from_db()
    assert fresh.state == CaseState.SUBMITTED
    # Run again: nothing more to do.
    assert tasks.deem_accepted.delay().get() == 0


def test_deem_accepted_takes_a_date_as_it_arrives_in_a_message(world):
    # Received Monday 28 September: 29, 30 September, 8, 9 and (make-up Saturday) 10 October.
    case = received_on(apply(world), dt.date(2026, 9, 28))
    assert case.acceptance_due == dt.date(2026, 10, 10)
    assert tasks.deem_accepted.delay("2026-10-10").get() == 0
    assert tasks.deem_accepted.delay("2026-10-11").get() == 1


def test_deadline_warnings_task_reports_how_many_were_sent(world):
    case = apply(world)
    services.accept(case, world.clerk)
    Case.objects.filter(pk=case.pk).update(current_due=dt.date(2026, 10, 9))
    assert tasks.deadline_warnings.delay("2026-09-30").get() == 1
    assert tasks.deadline_warnings.delay("2026-09-30").get() == 0
    assert Notification.objects.filter(recipient=world.market_reviewer, case=case).exists()


def test_loading_a_holiday_notice_recomputes_provisional_deadlines(
    world, django_capture_on_commit_callbacks
):
    """2027 is unknown to chinese-calendar: a December acceptance gets a provisional deadline
    until the State Council's notice is loaded; then `recompute_year` moves it."""
    case = apply(world)
    services.accept(case, world.clerk)
    Case.objects.filter(pk=case.pk).update(accepted_on=dt.date(2026, 12, 28))
    case = services.recompute_deadlines(case, "测试：受理日期")
    # 10 working days from Monday 28 December: 29–31 Dec, 4–8 Jan, 11–12 Jan (1 Jan off).
    assert case.promised_due == dt.date(2027, 1, 12) and case.due_provisional
    with django_capture_on_commit_callbacks(execute=True):
        load_notice(
            {
                "year": 2027,
                "title": "国务院办公厅关于2027年部分节假日安排的通知",
                "published": "2026-11-20",
                "days": [
                    {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
                    {"date": "2027-01-04", "kind": "holiday", "name": "元旦"},
                ],
            }
        )
    case.refresh_from_db()
    assert case.promised_due == dt.date(2027, 1, 13)
    assert not case.due_provisional
    assert case.current_due == case.promised_due
    assert DeadlineRecord.objects.filter(case=case, cause__contains="2027 年放假安排").exists()


def test_the_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert set(schedule) >= {"deem-accepted", "deadline-warnings"}
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, name
    assert schedule["deem-accepted"]["task"] == tasks.deem_accepted.name
    assert schedule["deadline-warnings"]["task"] == tasks.deadline_warnings.name
    # Deemed acceptance runs at least every quarter of an hour; warnings at least hourly.
    assert interval(schedule["deem-accepted"]["schedule"]).seconds <= 15 * 60
    assert interval(schedule["deadline-warnings"]["schedule"]).seconds <= 60 * 60
