"""The licence tasks as beat runs them daily (eager without a broker, as in `make run`)."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from govserve.celery import app
from govserve.licences import tasks
from govserve.licences.models import RENEWAL_WINDOW_DAYS, LicenceStatus

pytestmark = pytest.mark.django_db


def test_the_daily_entry_runs_a_registered_task():
    entry = settings.CELERY_BEAT_SCHEDULE["licence-expiry-and-renewal-reminders"]
    assert entry["task"] == tasks.daily_lifecycle.name and entry["task"] in app.tasks
    assert entry["schedule"] == 24 * 60 * 60


def test_the_daily_task_expires_and_reminds_once(issued_licence):
    end = issued_licence.valid_until
    reminder_day = end - dt.timedelta(days=RENEWAL_WINDOW_DAYS)
    assert tasks.daily_lifecycle.delay(str(reminder_day - dt.timedelta(days=1))).get() == {
        "expired": 0,
        "reminded": 0,
    }
    assert tasks.daily_lifecycle.delay(reminder_day.isoformat()).get() == {
        "expired": 0,
        "reminded": 1,
    }
    assert tasks.renewal_reminders.delay(end.isoformat()).get() == 0  # once
    assert tasks.expire_licences.delay(end.isoformat()).get() == 0  # its last day is valid
    after = (end + dt.timedelta(days=1)).isoformat()
    assert tasks.daily_lifecycle.delay(after).get() == {"expired": 1, "reminded": 0}
    issued_licence.refresh_from_db()
    assert issued_licence.status == LicenceStatus.EXPIRED
    assert issued_licence.status_changed_at <= timezone.now()
