"""Applications (办件): intake online or at a counter, completeness check and acceptance,
clock suspensions and extensions, decisions, delivery, visits, notifications.

Signals this app sends (upward events, DESIGN.md "Layout"); the workflow app listens:

- `signals.case_accepted(case)` — the case was accepted (by staff, or deemed accepted by
  law after 5 working days); the review process should start.
- `signals.case_withdrawn(case)` / `signals.case_closed(case)` — the process should stop.
- `signals.case_decided(case)` — a decision was taken (the licences app issues on approval).

It listens to `workcalendar.signals.holiday_notice_loaded(year)` to recompute the deadlines
of open cases that touch that year.
"""
