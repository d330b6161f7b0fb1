"""Security log receivers, connected in AccountsConfig.ready().

Every login, failed login, lockout and logout becomes a SecurityEvent. Password changes and
TOTP enrolment are recorded by the views that make them (Django sends no signal for them);
role and representation changes by the services that write them.
"""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SecurityEvent
from .security import find_user, identifier_kind, masked_identifier, record, session_age_for


@receiver(user_logged_in, dispatch_uid="accounts.security.logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # Staff sessions end sooner than applicants' (settings.GOVSERVE_STAFF_SESSION_AGE).
        age = session_age_for(user)
        if age != request.session.get_expiry_age():
            request.session.set_expiry(age)
    second_factor = bool(getattr(request, "accounts_second_factor", False))
    record(SecurityEvent.Kind.LOGIN, request=request, user=user, second_factor=second_factor)


@receiver(user_logged_out, dispatch_uid="accounts.security.logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(SecurityEvent.Kind.LOGOUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.security.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    typed = (credentials or {}).get("username") or ""
    user = find_user(typed) if typed else None
    record(
        SecurityEvent.Kind.LOGIN_FAILED,
        request=request,
        user=user,
        username=user.get_username() if user else masked_identifier(typed),
        identifier=identifier_kind(typed),
        step=(credentials or {}).get("step", "password"),
    )


@receiver(user_locked_out, dispatch_uid="accounts.security.locked_out")
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    user = find_user(username) if username else None
    record(
        SecurityEvent.Kind.LOCKED,
        request=request,
        user=user,
        username=username or "",
        failures=getattr(request, "axes_failures_since_start", None),
    )
