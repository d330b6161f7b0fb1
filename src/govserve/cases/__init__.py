"""Applications (办件): intake online or at a counter, completeness check and acceptance,
clock suspensions and extensions, decisions, delivery, visits, notifications.

Signals this app sends (upward events, DESIGN.md "Layout"); the workflow app listens:

- `signals.case_accepted(case)` — the case was accepted (by staff, or deemed accepted by
  law after 5 working days); the review process should start.
- `signals.case_withdrawn(case)` / `signals.case_closed(case)` — the process should stop.
- `signals.case_decided(case)` — a decision was taken (on commit).
- `signals.case_approving(case, actor)` — *inside* the approval's transaction: the licences app
  issues the case's electronic licences here; raising `CaseError` refuses the approval.
- `signals.document_issued(document)` — *inside* the transaction that issued a notice or
  decision: the audit app archives it.

Notices and decisions are sealed and signed by the signing app, below this one
(`pdf.attach_pdf` calls `signing.sealing.document_sealer()`).

Hooks (settings.GOVSERVE, dotted paths, so this app imports nothing above it):
`HELD_LICENCES` — `(case, materials, *, record_use=False)` → the usable (material, licence)
pairs of the case's holder, with `.notes` on licences that cannot be used: `requirements`
asks it which materials a held licence supplies, `services.submit` / `resubmit` attach them
(免提交) calling it with `record_use=True`, so the licences app records each use;
`LICENCE_RESULTS` — `(items)` → licence type code → ids of the items issuing it (a bundle asks
no licence one of its own items issues; asked by `requirements`).

It listens to `workcalendar.signals.holiday_notice_loaded(year)` to recompute the deadlines
of open cases that touch that year.
"""
