"""Failed-login lockout (账户锁定), counted before the password is checked.

Five failed logins for one account from one IP address lock that pair for 30 minutes
(settings: AXES_FAILURE_LIMIT, AXES_COOLOFF_TIME). django-axes 8 on its own asks "is the pair
locked?" (a read) before checking a password and counts a failure after the check, in a
separate read-then-write transaction: guesses sent at once all pass the read before any is
counted, so every one of them is checked, and on SQLite the counting transactions, upgrading
from read to write, fail with "database is locked" (500s, and failures never counted).

Here an attempt first *takes a number*: one row per (account, address) — axes' AccessAttempt,
so the axes admin pages and `axes_reset` still show and lift locks — is incremented with
`UPDATE … SET failures_since_start = failures_since_start + 1` in a transaction of its own
that starts with that write (the row, or on SQLite the database, stays locked until it commits,
so concurrent attempts queue and each reads back its own number). Only an attempt whose number
is within the limit has its password checked:

- a wrong password keeps its number: the failure is counted before anyone knows it failed;
  the failure numbered at the limit locks the pair (`user_locked_out`, the lockout page);
- an attempt numbered beyond the limit is refused unchecked; it is counted too (a failure
  during a lock, as axes counts them), so the lock runs 30 minutes from the last attempt;
- a right password gives back the numbers up to its own, when it signs the person in (a
  success resets the count; attempts that took their numbers after it stay counted); when a
  second factor is still to come it gives back only its own number, so a known password does
  not buy more guesses at the TOTP code, whose attempts take numbers the same way.

`GateHandler` is the AXES_HANDLER: the user_login_failed signal finds the number the attempt
took (or takes one for a failure that skipped the gate) and locks at the limit; a login no
longer resets everything, as the gate has settled its own numbers.

On SQLite the transaction starts with a write, so it waits out the busy timeout like any
writer (settings: WAL, `timeout`) instead of failing on a lock upgrade; if the database is
still locked, the attempt is retried a few times before giving up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.db import IntegrityError, OperationalError, connections, router, transaction
from django.db.models import Case, F, PositiveIntegerField, QuerySet, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import ngettext
from drf_spectacular.authentication import BasicScheme
from rest_framework.authentication import BasicAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled

ATTEMPT = "govserve_login_attempt"  # request attribute: the Attempt that request's login took
# Pauses (seconds) before taking a number again when SQLite is still locked after its timeout.
LOCKED_RETRY_PAUSES = (0.05, 0.2, 0.5, 1.0)

T = TypeVar("T")


@dataclass(frozen=True)
class Attempt:
    """A login attempt's place in its (account, address) count."""

    username: str
    ip: str | None
    number: int  # failures counted for the pair when it took its place, itself included
    limit: int

    @property
    def locks(self) -> bool:
        """A failure numbered at (or beyond) the limit locks the pair."""
        return self.number >= self.limit


def lockout_message() -> str:
    minutes = lock_minutes()
    return ngettext(
        "登录失败次数过多，账户已锁定。请 %(minutes)s 分钟后再试。",
        "登录失败次数过多，账户已锁定。请 %(minutes)s 分钟后再试。",
        minutes,
    ) % {"minutes": minutes}


def lock_minutes() -> int:
    cool_off = get_cool_off()
    return int(cool_off.total_seconds() // 60) if cool_off is not None else 0


def take(request: Any, credentials: dict | None) -> Attempt | None:
    """Count a login attempt before its secret is checked: its Attempt if it may be checked,
    None if the pair is locked (the request is then marked for the lockout response).
    The Attempt is also left on the request for the signal handlers."""
    AxesProxyHandler.update_request(request)
    username = get_client_username(request, credentials) or ""
    ip = request.axes_ip_address
    limit = get_failure_limit(request, credentials)
    number = _retrying(lambda: _take_number(request, username, ip))
    attempt = Attempt(username=username, ip=ip, number=number, limit=limit)
    setattr(request, ATTEMPT, attempt)
    request.axes_failures_since_start = number
    if number > limit:
        request.axes_locked_out = True
        request.axes_credentials = credentials
        return None
    return attempt


def succeeded(attempt: Attempt, *, signed_in: bool) -> None:
    """The secret was right: give back the numbers up to this attempt's own when the person is
    now signed in, else (a second factor to come) only its own."""
    given_back = attempt.number if signed_in else 1

    def give_back() -> None:
        with transaction.atomic(using=_db()):
            rows = _rows(attempt.username, attempt.ip)
            rows.update(
                failures_since_start=Greatest(
                    F("failures_since_start") - given_back,
                    Value(0),
                    output_field=PositiveIntegerField(),
                )
            )
            rows.filter(failures_since_start=0).delete()

    _retrying(give_back)


def not_checked(attempt: Attempt) -> None:
    """The attempt took a number but its secret was not checked after all: give it back."""
    succeeded(attempt, signed_in=False)


def _db() -> str:
    return router.db_for_write(AccessAttempt)


def _rows(username: str, ip: str | None) -> QuerySet[AccessAttempt]:
    # One row per pair; axes' other columns (user agent, request data) are not part of the key.
    return AccessAttempt.objects.using(_db()).filter(
        username=username, ip_address=ip, user_agent=""
    )


def _take_number(request: Any, username: str, ip: str | None) -> int:
    now: datetime = request.axes_attempt_time or timezone.now()
    cool_off = get_cool_off(request)
    following: Any = F("failures_since_start") + 1
    if cool_off is not None:  # a count whose last attempt is older than the lock starts again
        following = Case(
            When(attempt_time__lt=now - cool_off, then=Value(1)),
            default=following,
            output_field=PositiveIntegerField(),
        )
    counted = {
        "failures_since_start": following,
        "attempt_time": now,
        "path_info": request.axes_path_info,
        "http_accept": request.axes_http_accept,
    }
    with transaction.atomic(using=_db()):
        rows = _rows(username, ip)
        # The first statement writes: from here the row (SQLite: the database) is locked until
        # the commit, and nothing was read before that could be stale.
        if not rows.update(**counted):
            try:
                with transaction.atomic(using=_db()):
                    AccessAttempt.objects.using(_db()).create(
                        username=username,
                        ip_address=ip,
                        user_agent="",
                        get_data="",
                        post_data="",
                        http_accept=request.axes_http_accept,
                        path_info=request.axes_path_info,
                        failures_since_start=1,
                        attempt_time=now,
                    )
                return 1
            except IntegrityError:  # a concurrent first attempt made the row: queue behind it
                rows.update(**counted)
        return max(rows.values_list("failures_since_start", flat=True))


def _retrying(work: Callable[[], T]) -> T:
    """Run `work` (a transaction of its own); while SQLite answers "database is locked" after
    its busy timeout, wait a little and run it again. Inside an outer transaction nothing can be
    retried, so the error is raised."""
    for pause in (*LOCKED_RETRY_PAUSES, None):
        try:
            return work()
        except OperationalError as exc:
            if pause is None or "locked" not in str(exc) or connections[_db()].in_atomic_block:
                raise
            time.sleep(pause)
    raise AssertionError("unreachable")  # the last pass returns or raises


class GateHandler(AxesDatabaseHandler):
    """AXES_HANDLER: axes' database handler, with failures counted by `take` before the check."""

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        if request is None:
            return
        attempt: Attempt | None = getattr(request, ATTEMPT, None)
        setattr(request, ATTEMPT, None)  # settled: a second login in this request counts anew
        if attempt is None and not request.axes_locked_out:
            # A failure that did not pass the gate (another backend, a missing password): count it
            # now; it may still lock the pair.
            attempt = take(request, credentials)
        if attempt is not None and not attempt.locks:
            return
        request.axes_locked_out = True
        request.axes_credentials = credentials
        user_locked_out.send(
            "axes",
            request=request,
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """On login (AXES_RESET_ON_SUCCESS): an attempt that passed the gate has given back its
        numbers already; a login that did not (e.g. a session signed in by other means) resets
        the pair as axes does."""
        if getattr(request, ATTEMPT, None) is not None:
            return 0
        return super().reset_user_attempts(request, credentials)


class LockoutBasicAuthentication(BasicAuthentication):
    """HTTP Basic for the API, through the same gate: a locked account answers 429 with the
    lockout message instead of "wrong username or password"."""

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except AuthenticationFailed:
            if request is not None and getattr(request, "axes_locked_out", False):
                raise Throttled(detail=lockout_message()) from None
            raise


class LockoutBasicScheme(BasicScheme):
    """OpenAPI: the Basic security scheme, as for DRF's BasicAuthentication."""

    target_class = "govserve.accounts.lockout.LockoutBasicAuthentication"
