"""Electronic archive (电子档案): the append-only, hash-chained record of every notice, decision,
licence and licence status change, and a case's archive package. It sits above `licences`
(entries point at cases, documents and licences) and below the entry points.

- `archive`: appending (inside the caller's transaction, serialised so the chain never forks),
  `check_chain` / `verify_chain` (`govserve verify_archive [--content]`), `case_package` (a zip
  an auditor checks offline); the documents' SM2 seal signatures are made here with `signing`
  and kept in their entries.
- `checkpoints`: signed checkpoints (档案链校验点) — the chain's length and head hash signed with
  the platform SM2 root key, appended to a file outside the database
  (`GOVSERVE["ARCHIVE_CHECKPOINT_DIR"]`) and copied to `ArchiveCheckpoint` for the public page;
  `govserve archive_checkpoint` and hourly by beat (`tasks`); `verify_archive` checks every
  checkpoint (truncation, rewrites) and with `--content` the licence register rows.
- Pages (namespace ``audit``): `/cases/<id>/archive.zip`, `/archive/checkpoints/` (public) and
  `/archive/checkpoints.jsonl`; API: `GET /api/licences/archive/cases/<id>/package/` and
  `GET /api/licences/archive/verify/` (the chain only).
- `ArchiveEntry` keeps the licences app's table (`licences_archiveentry`); stored hashes are
  unchanged.

Signals it listens to (`receivers`, all sent inside the sender's transaction, so a rolled-back
change leaves no entry): `cases.signals.document_issued(document)` archives the notice or
decision; `licences.signals.licence_issued(licence)` archives a new licence version;
`licences.signals.licence_status_changed(event)` archives a status change. It sends none.
It registers `archive.archived_document_seal` as the licences app's document seal source
(`licences.verification.document_seal_sources`), so verifying an uploaded document finds its
SM2 seal signature. Guide: docs/licences.md §7.
"""
