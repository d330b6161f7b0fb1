"""Failed logins are counted atomically, before the password is checked (issue 11, "Lockout
races"): wrong passwords for one account sent all at once have at most AXES_FAILURE_LIMIT (5)
checked, on the login page and over HTTP Basic on the API, on SQLite and on PostgreSQL, and
none of them answers 500 (no "database is locked" on the embedded database). A right password
among them that is checked and signs in starts the count again, as it would one after another."""

import base64
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.db import OperationalError, connection, connections
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from govserve.accounts import lockout
from govserve.accounts.models import SecurityEvent, User
from tests.accounts.factories import PersonFactory
from tests.accounts.worlds import PASSWORD, make_staff

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"
ME = "/api/accounts/me/"
GUESSES = 40
LIMIT = 5
LOCKED = "登录失败次数过多，账户已锁定。请 30 分钟后再试。"


@pytest.fixture
def embedded_database(transactional_db, tmp_path):
    """On SQLite, the test database copied to a file for the test, as the embedded database
    runs in a deployment (a file, the OPTIONS of settings.py: WAL, busy timeout). The in-memory
    test database is one shared cache, whose table locks fail at once whatever the busy timeout,
    so concurrent requests against it would test SQLite's shared-cache mode, not GovServe.
    New threads open the file; the in-memory database comes back after the test."""
    if connection.vendor != "sqlite":
        yield
        return
    memory = connections["default"]
    memory.ensure_connection()
    path = tmp_path / "embedded.sqlite3"
    target = sqlite3.connect(path)
    memory.connection.backup(target)
    target.close()
    in_memory_settings = connections.settings["default"]
    connections.settings["default"] = {**in_memory_settings, "NAME": str(path)}
    on_file = connections.create_connection("default")
    connections["default"] = on_file
    try:
        yield
    finally:
        on_file.close()
        connections["default"] = memory
        connections.settings["default"] = in_memory_settings


@pytest.fixture
def password_checks(monkeypatch) -> Counter:
    """How many times a password was checked, per account, in any thread."""
    checked: Counter = Counter()
    lock = threading.Lock()
    check_password = User.check_password

    def counting(self, raw_password):
        with lock:
            checked[self.username] += 1
        return check_password(self, raw_password)

    monkeypatch.setattr(User, "check_password", counting)
    return checked


def at_once(requests: list[Callable]) -> list:
    """Each request in a thread of its own, all released together; the responses in order (an
    exception in a thread is raised here)."""
    barrier = threading.Barrier(len(requests), timeout=60)
    responses: list = [None] * len(requests)
    errors: list[BaseException] = []

    def run(index: int, request: Callable) -> None:
        try:
            barrier.wait()
            responses[index] = request()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return responses


def page_login(name: str, password: str) -> Callable:
    def post():
        browser = Client(raise_request_exception=False)
        return browser.post(LOGIN, {"username": name, "password": password}, REMOTE_ADDR="10.0.0.1")

    return post


def basic_auth(name: str, password: str) -> Callable:
    token = base64.b64encode(f"{name}:{password}".encode()).decode()

    def get():
        caller = Client(raise_request_exception=False)
        return caller.get(ME, HTTP_AUTHORIZATION=f"Basic {token}", REMOTE_ADDR="10.0.0.1")

    return get


def statuses(responses) -> Counter:
    return Counter(response.status_code for response in responses)


def failures_counted(user) -> int:
    return sum(
        AccessAttempt.objects.filter(username=user.username).values_list(
            "failures_since_start", flat=True
        )
    )


@pytest.mark.django_db(transaction=True)
def test_forty_wrong_passwords_at_once_have_five_checked_and_lock_the_account(
    embedded_database, password_checks
):
    citizen = PersonFactory(username="13812345678")
    responses = at_once([page_login(citizen.mobile, f"wrong-{n}x") for n in range(GUESSES)])

    # Four guesses were refused as wrong, the fifth locked the account, the rest were refused
    # unread; nobody saw an error page.
    assert statuses(responses) == {200: LIMIT - 1, 429: GUESSES - LIMIT + 1}
    assert password_checks[citizen.username] == LIMIT
    locked = [r.content.decode() for r in responses if r.status_code == 429]
    assert all(LOCKED in html for html in locked)
    assert failures_counted(citizen) == GUESSES  # every failure recorded, the refused ones too

    # The right password now: locked too, and not even checked.
    response = page_login(citizen.mobile, PASSWORD)()
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert password_checks[citizen.username] == LIMIT
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN).exists()
    failed = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, user=citizen)
    assert failed.count() == GUESSES + 1
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED, user=citizen).exists()


@pytest.mark.django_db(transaction=True)
def test_forty_wrong_passwords_and_the_right_one_at_once_check_no_more_than_the_limit(
    embedded_database, password_checks
):
    """The issue's burst: 40 wrong passwords and then the right one, all sent at once."""
    citizen = PersonFactory(username="13812345678")
    requests = [page_login(citizen.mobile, f"wrong-{n}x") for n in range(GUESSES)]
    responses = at_once([*requests, page_login(citizen.mobile, PASSWORD)])
    right = responses[-1]

    seen = statuses(responses)
    assert set(seen) <= {200, 302, 429}, seen
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED, user=citizen).exists()
    signed_in = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN, user=citizen)
    if right.status_code == 429:
        # Its turn came after five wrong ones: those five were checked, nothing else was, and
        # every attempt is counted.
        assert LOCKED in right.content.decode()
        assert password_checks[citizen.username] == LIMIT
        assert seen == {200: LIMIT - 1, 429: GUESSES + 2 - LIMIT}
        assert not signed_in.exists()
        assert failures_counted(citizen) == GUESSES + 1
    else:
        # It was among the first five and signed in. A sign-in forgives the failures counted
        # before it, as one after another would: at most four wrong ones were checked before it
        # and at most five after it; those counted after it stay counted.
        assert right.status_code == 302 and signed_in.count() == 1
        assert password_checks[citizen.username] <= 2 * LIMIT
        assert GUESSES + 1 - LIMIT <= failures_counted(citizen) <= GUESSES


@pytest.mark.django_db(transaction=True)
def test_forty_wrong_basic_auth_passwords_at_once_have_five_checked_and_no_error(
    embedded_database, password_checks
):
    citizen = PersonFactory(username="13812345678")
    responses = at_once([basic_auth(citizen.username, f"wrong-{n}x") for n in range(GUESSES)])

    seen = statuses(responses)
    assert seen == {401: LIMIT - 1, 429: GUESSES - LIMIT + 1}, seen
    assert password_checks[citizen.username] == LIMIT
    locked = [r.json()["detail"] for r in responses if r.status_code == 429]
    assert set(locked) == {LOCKED}
    assert failures_counted(citizen) == GUESSES

    # The right password is refused while the lock lasts, unchecked; the page login too.
    response = basic_auth(citizen.username, PASSWORD)()
    assert response.status_code == 429 and response.json() == {"detail": LOCKED}
    assert page_login(citizen.mobile, PASSWORD)().status_code == 429
    assert password_checks[citizen.username] == LIMIT


# -- one after another ----------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_right_password_buys_no_more_guesses_at_the_code(client, places, settings):
    """A right password with a code still to come is not a failure, but forgives none: five wrong
    codes lock the account however often the password is typed between them."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    staff = make_staff("ga-clerk", "clerk", places.county)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    answers = []
    for codes in (2, 2, 1):
        response = client.post(LOGIN, {"username": "ga-clerk", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"].startswith(VERIFY)
        answers += [client.post(VERIFY, {"otp_token": "000000"}).status_code for _ in range(codes)]
    assert answers == [200, 200, 200, 200, 429]
    response = client.post(LOGIN, {"username": "ga-clerk", "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_count_that_finds_the_database_locked_is_tried_again(client, monkeypatch):
    """SQLite can still be locked when its busy timeout runs out: the attempt is counted on a
    second try, and the person sees the wrong-password page, not an error."""
    citizen = PersonFactory(username="13812345678")
    take_number = lockout._take_number
    tries = []

    def locked_once(*args):
        tries.append(args)
        if len(tries) == 1:
            raise OperationalError("database is locked")
        return take_number(*args)

    monkeypatch.setattr(lockout, "_take_number", locked_once)
    response = client.post(LOGIN, {"username": citizen.mobile, "password": "wrong-1x"})
    assert response.status_code == 200 and "登录名或密码错误" in response.content.decode()
    assert len(tries) == 2 and failures_counted(citizen) == 1
