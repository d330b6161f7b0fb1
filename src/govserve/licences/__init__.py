"""Electronic licences and seals (电子证照、电子印章) — the foundation for issue 5.

So far a plain package (no models, migrations or URLs yet, not in INSTALLED_APPS) with the
three building blocks everything else in the issue rests on:

* :mod:`govserve.licences.sm2` — SM2 signatures over an SM3 digest made by the system OpenSSL 3
  (``libcrypto.so.3``) through ctypes, always with the distinguishing ID ``1234567812345678``
  (OpenSSL 3.0 otherwise silently uses an empty one; DOMAIN.md §3 explains why no PyPI SM2
  package is used). Signatures interoperate with ``openssl dgst -sm3 -sigopt distid:…``.
* :mod:`govserve.licences.keystore` — the ``KeyStore`` interface (``wrap``/``unwrap``) a hardware
  security module could implement, and ``EnvironmentKeyStore``: AES-256-GCM under a key
  encryption key from ``GOVSERVE_KEY_ENCRYPTION_KEY``, so private keys are never stored in
  plaintext.
* :mod:`govserve.licences.identifiers` — GB/T 36904 licence identifiers
  ``1.2.156.3005.2.<type>.<issuer USCC>.<serial>.<version>.<check>`` with the ISO 7064
  MOD 37,36 check character; validation errors are Chinese and name the wrong part.

These modules import nothing from other GovServe apps; the licence models, issuing, PDF/PAdES
signing, verification pages and the wallet build on them (layer: above workflow, see
tests/test_hierarchy.py).
"""
