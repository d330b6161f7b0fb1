"""Working days (工作日), holidays and make-up workdays, deadline arithmetic (行政许可法 Art 82).

Public interface (the cases app and others use only these):

- `govserve.workcalendar.deadlines`: `add_working_days(start, days, suspensions=(), *, as_of=None)
  -> DueDate(due, provisional)`, `working_days_between(start, end)`,
  `remaining_working_days(due, today)`, `is_working_day(day)`, `day_status(day)`; the
  counting convention is DOMAIN.md §2 and the module docstring.
- `govserve.workcalendar.signals.holiday_notice_loaded`: sent with `year` (and `notice`) by
  `services.load_notice` when a State Council holiday notice for that year has been loaded
  (admin upload, `govserve load-holiday-notice`, `POST /api/workcalendar/notices/`). Sent
  inside the loading transaction, after the year's days are written and this process's
  calendar cache is cleared, so receivers compute with the new days. Receivers recompute
  what they stored for dates in that year (the cases app: due dates, the provisional flag);
  heavy work belongs in a job started from `transaction.on_commit`. A receiver that raises
  rolls the load back.

Where a year's days come from (`calendar`): a loaded notice > chinese-calendar > the
provisional statutory rule; who may load a notice: `policies.can_load_notice`.
Tests that load notices should call `calendar.invalidate()` afterwards, since the
per-process cache outlives a rolled-back test transaction.
"""
