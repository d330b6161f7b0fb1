"""Electronic licences and seals (电子证照、电子印章), reused next time (免提交).

- Foundation: `sm2` (SM2 with SM3 through the system OpenSSL 3, distinguishing ID always set),
  `keystore` (private keys only wrapped; an HSM can implement `KeyStore`), `identifiers`
  (GB/T 36904 with the ISO 7064 MOD 37,36 check character).
- Certificate authority, seals and signatures: `pki`, `seals`, `signing` (PAdES with pyHanko,
  SM2 over licence data), `sealing` (the cases app's DOCUMENT_SEALER hook); `govserve ca`.
- Licences: `services` (issue on approval, change, renew, suspend, resume, revoke, expiry,
  reminders), `documents` (the licence PDF), `verification` (public checks), `sharing` and
  `selectors` (wallet, department use), `once_only` (the cases app's HELD_LICENCES and
  LICENCE_RESULTS hooks), `archive` (append-only hash chain; `govserve verify_archive`).

Listens to the cases app inside its transactions (`receivers`): `case_approving` issues the
case's licences (an error refuses the approval), `document_issued` archives the document.
Guides: docs/licences.md, docs/signatures.md.
"""
