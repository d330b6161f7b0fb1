"""Electronic licences (电子证照), reused next time (免提交).

- `identifiers` (GB/T 36904 with the ISO 7064 MOD 37,36 check character), `services` (issue on
  approval, change, renew, suspend, resume, revoke, expiry, reminders), `documents` (the
  licence PDF), `verification` (public checks of licences and signed documents), `sharing` and
  `selectors` (wallet, department use), `once_only` (the cases app's HELD_LICENCES and
  LICENCE_RESULTS hooks).
- Surfaces: `api/` (REST under /api/licences/: `public` verification, `wallet`, `lifecycle`,
  `types`; routes in `api/urls.py`) and `views/` (pages, namespace ``licences``: `public`
  /verify/…, `wallet` /licences/…, `lifecycle` /licences/manage/…; routes in `urls.py`).
- Certificates, seals and signatures come from `govserve.signing` (below cases); the archive
  is `govserve.audit` (above this app).

Signals it listens to (`receivers`): `cases.signals.case_approving(case, actor)` — inside the
approval's transaction — issues the case's licences (an error refuses the approval).

Signals it sends (`signals`), inside the transaction that made the change, so a receiver that
raises rolls it back (the audit app archives both):
- `licence_issued(licence)` (sender `Licence`) — a licence version was issued: on approval,
  change (变更) or renewal (延续), signed and saved;
- `licence_status_changed(event)` (sender `LicenceEvent`) — an existing licence was superseded,
  suspended, resumed, revoked or expired.

Extension point: `verification.document_seal_sources` (a `core.registry.Registry`) — where the
SM2 seal signature of a signed notice or decision is kept; the audit app registers its archive.
Guides: docs/licences.md, docs/signatures.md.
"""
