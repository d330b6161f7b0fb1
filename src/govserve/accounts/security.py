"""Login protection: who a login name names, lockouts, password rules, second factor, logs.

- `IdentifierBackend` lets a person sign in with their username, mobile number or resident
  ID number; before it checks a password the attempt takes its number in the failure count
  (`lockout.take`), and a locked login name is refused unchecked.
- `axes_username` makes django-axes count failures per account, whichever identifier was
  typed (a mobile and an ID number of the same person share one counter).
- `lockout_response` is the Chinese lockout page.
- `record` writes a SecurityEvent; the signal receivers in `signals.py` call it.
- `needs_second_factor` / `second_factor_pending` decide when a TOTP code is required.
"""

from __future__ import annotations

import re

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied, AxesBackendRequestParameterRequired
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import lockout
from .masking import mask_id_number, mask_mobile
from .models import AccountType, SecurityEvent

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
MOBILE = re.compile(r"^1\d{10}$")


def identifier_kind(identifier: str) -> str:
    """'id_number', 'mobile' or 'username': what a typed login name looks like."""
    identifier = (identifier or "").strip()
    if ID_NUMBER.match(identifier):
        return "id_number"
    if MOBILE.match(identifier):
        return "mobile"
    return "username"


def find_user(identifier: str | None):
    """The account a login name names: its username first, then its mobile or ID number."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    User = get_user_model()
    query = Q(username=identifier)
    kind = identifier_kind(identifier)
    if kind == "mobile":
        query |= Q(mobile=identifier)
    elif kind == "id_number":
        query |= Q(id_number=identifier.upper())
    matches = list(User.objects.filter(query)[:3])
    for user in matches:  # an exact username wins over another account's mobile/ID number
        if user.username == identifier:
            return user
    return matches[0] if len(matches) == 1 else None


def masked_identifier(identifier: str | None) -> str:
    """A login name fit for a log: ID and mobile numbers masked, usernames as typed."""
    identifier = (identifier or "").strip()[:150]
    kind = identifier_kind(identifier)
    if kind == "id_number":
        return mask_id_number(identifier)
    if kind == "mobile":
        return mask_mobile(identifier)
    return identifier


class IdentifierBackend(AxesStandaloneBackend, ModelBackend):
    """ModelBackend whose login name may also be a mobile number or a resident ID number, and
    whose password check is gated by the failure count (an axes backend: it replaces
    AxesStandaloneBackend, whose check-then-count let guesses sent at once all be checked)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if request is None:
            raise AxesBackendRequestParameterRequired("a login is counted per request")
        attempt = lockout.take(request, {"username": username})
        if attempt is None:
            # Locked: refused unchecked. Django sends user_login_failed, the lockout is logged.
            raise AxesBackendPermissionDenied("locked out")
        user = find_user(username)
        if user is None:
            # Run the hasher anyway, so an unknown name takes as long as a wrong password.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            lockout.succeeded(attempt, signed_in=not needs_second_factor(user))
            return user
        return None


def axes_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The name django-axes counts failures under: the account's username when the typed
    login name (username, mobile or ID number) names one, else the typed name, masked."""
    field = settings.AXES_USERNAME_FORM_FIELD  # type: ignore[misc]  # default set on settings by axes.conf at import
    identifier = None
    if credentials:
        identifier = credentials.get(field) or credentials.get("username")
    if identifier is None and request is not None:
        data = getattr(request, "data", None) or request.POST
        identifier = data.get(field)
    if not identifier:
        return None
    user = find_user(identifier)
    return user.get_username() if user is not None else masked_identifier(identifier)


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR")
    return ip or None


def record(
    kind: str,
    *,
    request: HttpRequest | None = None,
    user=None,
    actor=None,
    username: str = "",
    **detail,
) -> SecurityEvent:
    """Append one SecurityEvent (安全日志)."""
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        username=username[:150],
        ip=client_ip(request),
        detail=detail,
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """账户锁定 page (AXES_LOCKOUT_CALLABLE): how long, and what to do meanwhile."""
    return render(
        request,
        "accounts/locked.html",
        {
            "message": lockout.lockout_message(),
            "minutes": lockout.lock_minutes(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )


class LettersAndDigitsValidator:
    """A password must mix letters and digits (on top of Django's standard rules)."""

    def validate(self, password: str, user=None) -> None:
        if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
            raise ValidationError(_("密码必须同时包含字母和数字。"), code="password_no_mix")

    def get_help_text(self) -> str:
        return _("密码必须同时包含字母和数字。")


# -- second factor (TOTP) -------------------------------------------------------------


def is_staff_account(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and (user.account_type == AccountType.STAFF or user.is_staff or user.is_superuser)
    )


def confirmed_totp_device(user):
    """The user's confirmed TOTP device, if they enrolled one."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if user is None or not user.pk:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def needs_second_factor(user) -> bool:
    """Once a person has a confirmed TOTP device, signing in requires its code."""
    return confirmed_totp_device(user) is not None


def second_factor_pending(request: HttpRequest) -> bool:
    """Signed in with a password but not yet with the code a device asks for."""
    user = request.user
    if not user.is_authenticated:
        return False
    verified = getattr(user, "is_verified", None)
    return not (verified and verified()) and needs_second_factor(user)


def session_age_for(user) -> int:
    return (
        settings.GOVSERVE_STAFF_SESSION_AGE
        if is_staff_account(user)
        else settings.SESSION_COOKIE_AGE
    )
