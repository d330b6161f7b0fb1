"""Certificates, seals and signatures (证书、电子印章、电子签名): the platform certificate
authority and the signing of anything GovServe issues. It sits below `cases` and imports only
`core` and `regions`; the apps above call it (cases seals its documents, licences sign
licences, audit signs archived documents).

- `sm2`: SM2 with SM3 through the system OpenSSL 3 (distinguishing ID always set).
- `keystore`: private keys only wrapped (AES-256-GCM under the KEK); the `KEY_STORE` hook
  (settings.GOVSERVE, declared here) names the class, so an HSM can implement `KeyStore`.
- `pki`: roots per algorithm (ECDSA P-256, RSA 3072, SM2), department certificates, rotation,
  revocation, CRLs, chain checks; `govserve ca init|issue|rotate|revoke|crl|list`.
- `seals`: the departments' 行政审批专用章 (GB/T 38540 structure, picture, maker's signature).
- `signing`: PAdES signatures on PDFs (pyHanko) and their validation; SM2 signatures on data.
- `sealing`: `document_sealer()`, what `cases.pdf` seals and signs notices and decisions with
  (`settings.GOVSERVE["SEAL_DOCUMENTS"] = False` issues them unsigned).
- Public files: `/licences/ca/<algorithm>.crt|.crl` (pages, namespace ``signing``) and
  `GET /api/licences/ca/`; the models `Certificate` and `Seal` keep the licences app's tables.

Signals: it sends none and listens to none. Refusals raise `errors.SigningError` (a
`core.errors.Refused`; 503 when a key cannot be unwrapped: nothing is signed or issued).
Guide: docs/signatures.md.
"""
