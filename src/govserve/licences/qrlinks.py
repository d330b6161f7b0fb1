"""The verification link printed as a QR code on every licence.

The link is ``<PUBLIC_URL>/verify/<identifier>/?t=<token>``: the token is an HMAC of the
identifier (Django's signer, salted), so a QR code whose identifier was edited, or one made up
from a guessed identifier, is recognised as not printed by this platform.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.urls import reverse

_SALT = "govserve.licences.qr"


def token(identifier: str) -> str:
    return signing.Signer(salt=_SALT).signature(identifier)


def token_matches(identifier: str, value: str) -> bool:
    try:
        signing.Signer(salt=_SALT).unsign(f"{identifier}:{value}")
    except signing.BadSignature:
        return False
    return True


def verification_url(identifier: str) -> str:
    """The absolute URL a phone opens when it scans the licence's QR code."""
    path = reverse("licences:verify-identifier", kwargs={"identifier": identifier})
    return f"{settings.GOVSERVE['PUBLIC_URL']}{path}?t={quote(token(identifier))}"
