"""Login protection on the pages: login by username, mobile or ID number; lockout after 5
failures (django-axes, per account and IP); sessions that expire; the TOTP second factor for
staff; and the security log each of these leaves."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from govserve.accounts.models import SecurityEvent
from tests.accounts.factories import PersonFactory, make_resident_id
from tests.accounts.worlds import PASSWORD, make_staff

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
VERIFY = "/accounts/login/verify/"


def login(client, name, password=PASSWORD, ip="10.0.0.1", **extra):
    return client.post(LOGIN, {"username": name, "password": password, **extra}, REMOTE_ADDR=ip)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def events(kind, user=None):
    qs = SecurityEvent.objects.filter(kind=kind)
    return qs.filter(user=user) if user is not None else qs


# -- who a login name names -----------------------------------------------------------------
@pytest.mark.parametrize("name", ["mobile", "id_number", "username"])
def test_citizen_logs_in_by_mobile_id_number_or_username(client, citizen, name):
    typed = {
        "mobile": citizen.mobile,
        "id_number": citizen.id_number,
        "username": citizen.username,
    }[name]
    response = login(client, typed)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    assert signed_in_user_id(client) == str(citizen.pk)
    event = events(SecurityEvent.Kind.LOGIN, citizen).get()
    assert event.ip == "10.0.0.1"


def test_id_number_with_lower_case_x_names_the_same_person(client, places):
    number = next(n for n in (make_resident_id(i) for i in range(1, 200)) if n.endswith("X"))
    person = PersonFactory(username="13700000001", id_number=number)
    assert login(client, person.id_number.lower()).status_code == 302
    assert signed_in_user_id(client) == str(person.pk)


def test_staff_logs_in_by_username_and_goes_where_next_says(client, county_admin):
    response = login(client, "ga-admin", next="/accounts/staff/")
    assert response.status_code == 302 and response["Location"] == "/accounts/staff/"
    # an off-site next is ignored
    client.logout()
    response = login(client, "ga-admin", next="https://evil.example.com/")
    assert response["Location"] == "/accounts/profile/"


def test_wrong_password_is_refused_in_chinese_and_logged_masked(client, citizen):
    response = login(client, citizen.id_number, password="wrong-Passw0rd")
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录名或密码错误" in html
    assert signed_in_user_id(client) is None
    failed = events(SecurityEvent.Kind.LOGIN_FAILED).get()
    assert failed.user == citizen and failed.detail["identifier"] == "id_number"
    assert citizen.id_number not in str(failed.detail)

    unknown = "110101199003074514"
    login(client, unknown, password="whatever-1")
    logged = events(SecurityEvent.Kind.LOGIN_FAILED).filter(user=None).get()
    assert logged.username == "1101**********4514"


def test_login_page_is_chinese_and_labelled(client):
    html = client.get(LOGIN).content.decode()
    assert '<label for="id_username">用户名 / 手机号码 / 身份证号码' in html
    assert '<label for="id_password">密码' in html
    assert 'href="/accounts/register/"' in html


# -- lockout ------------------------------------------------------------------------------------
def test_five_failures_lock_the_account_then_even_the_right_password_is_refused(
    client, citizen, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    for attempt in range(1, 5):
        response = login(client, citizen.mobile, password=f"wrong-{attempt}x")
        assert response.status_code == 200, attempt
    response = login(client, citizen.mobile, password="wrong-5x")
    assert response.status_code == 429
    html = response.content.decode()
    assert "账户已锁定" in html and "30 分钟" in html

    # the right password, and the same account named by its ID number: still locked
    for typed in (citizen.mobile, citizen.id_number):
        response = login(client, typed)
        assert response.status_code == 429
        assert signed_in_user_id(client) is None
    assert not events(SecurityEvent.Kind.LOGIN).exists()
    assert events(SecurityEvent.Kind.LOGIN_FAILED, citizen).count() == 7
    assert events(SecurityEvent.Kind.LOCKED, citizen).exists()
    # one counter, under the account's username, whichever identifier was typed
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [citizen.username]

    # the lock is per account and address: the same account from another address may log in
    assert login(client, citizen.mobile, ip="10.0.0.2").status_code == 302


def test_lock_lifts_after_thirty_minutes(client, citizen):
    for attempt in range(5):
        login(client, citizen.mobile, password=f"wrong-{attempt}x")
    assert login(client, citizen.mobile).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert login(client, citizen.mobile).status_code == 302
    assert signed_in_user_id(client) == str(citizen.pk)


def test_a_successful_login_resets_the_count(client, citizen):
    for attempt in range(4):
        login(client, citizen.mobile, password=f"wrong-{attempt}x")
    assert login(client, citizen.mobile).status_code == 302
    client.post("/accounts/logout/")
    for attempt in range(4):
        assert login(client, citizen.mobile, password=f"wrong-{attempt}y").status_code == 200
    assert login(client, citizen.mobile).status_code == 302


def test_unknown_login_names_are_locked_too(client, db):
    for attempt in range(5):
        response = login(client, "nobody-here", password=f"wrong-{attempt}x")
    assert response.status_code == 429


# -- sessions -------------------------------------------------------------------------------------
def test_sessions_expire(client, citizen, county_admin, settings):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_HTTPONLY is True

    response = login(client, citizen.mobile)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"]  # a browser-session cookie
    assert client.session.get_expiry_age() == 2 * 60 * 60
    assert client.get("/accounts/profile/").status_code == 200

    # the stored session runs out: the next request is anonymous and sent to the login page
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/accounts/profile/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)

    # staff sessions are shorter
    client.post("/accounts/logout/")
    login(client, "ga-admin")
    assert client.session.get_expiry_age() == settings.GOVSERVE_STAFF_SESSION_AGE == 30 * 60


def test_secure_cookie_flags_follow_debug(tmp_path):
    """Outside DEBUG (production) the session and CSRF cookies are HTTPS-only."""
    import os
    import subprocess
    import sys

    code = (
        "from govserve import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "GOVSERVE_VAR": str(tmp_path),
        # production refuses to start without its own keys (tests/test_production_settings.py)
        "DJANGO_SECRET_KEY": "test-secret-key-" + "x" * 40,
        "GOVSERVE_KEY_ENCRYPTION_KEY": "A" * 43 + "=",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "True"]


# -- logout and password change -------------------------------------------------------------------
def test_logout_is_a_post_and_is_logged(client, citizen):
    client.force_login(citizen)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200 and "确定要退出吗" in response.content.decode()
    assert signed_in_user_id(client) == str(citizen.pk)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in_user_id(client) is None
    assert events(SecurityEvent.Kind.LOGOUT, citizen).count() == 1


def test_password_change_checks_the_rules_and_is_logged(client, citizen):
    client.force_login(citizen)
    weak = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    form = weak.context["form"]
    assert "new_password2" in form.errors
    assert any("太常见" in m or "全部为数字" in m for m in form.errors["new_password2"])
    assert not events(SecurityEvent.Kind.PASSWORD_CHANGED).exists()

    response = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Quiet-river-42",
            "new_password2": "Quiet-river-42",
        },
    )
    assert response.status_code == 302
    assert events(SecurityEvent.Kind.PASSWORD_CHANGED, citizen).count() == 1
    citizen.refresh_from_db()
    assert citizen.check_password("Quiet-river-42")
    assert signed_in_user_id(client) == str(citizen.pk)  # still signed in after the change


# -- TOTP second factor ---------------------------------------------------------------------------
def code_for(device, steps_ahead=0):
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{code:06d}"


def enrol(client, staff) -> TOTPDevice:
    page = client.get("/accounts/totp/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "第一步" in html and "<script" not in html
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    response = client.post("/accounts/totp/", {"otp_token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_staff_enrols_a_totp_device_and_then_login_requires_the_code(client, places, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code does not delay the right one in this test
    staff = make_staff("ga-reviewer", "reviewer", places.county, department=places.market)
    login(client, "ga-reviewer")
    # a wrong code does not confirm the device
    client.get("/accounts/totp/")
    assert client.post("/accounts/totp/", {"otp_token": "000000"}).status_code == 200
    device = enrol(client, staff)
    assert events(SecurityEvent.Kind.TOTP_ENABLED, staff).count() == 1
    assert client.get("/accounts/totp/").content.decode().count("已启用") >= 1
    client.post("/accounts/logout/")

    # password alone no longer signs in: the second step asks for the code
    response = login(client, "ga-reviewer")
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert signed_in_user_id(client) is None
    assert client.get("/accounts/workbench/").status_code == 302

    response = client.post(
        VERIFY, {"otp_token": "123456" if code_for(device, 1) != "123456" else "654321"}
    )
    assert response.status_code == 200 and "动态口令错误" in response.content.decode()
    assert signed_in_user_id(client) is None
    failed = events(SecurityEvent.Kind.LOGIN_FAILED, staff).get()
    assert failed.detail["step"] == "totp"

    response = client.post(VERIFY, {"otp_token": code_for(device, 1)})
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert signed_in_user_id(client) == str(staff.pk)
    assert client.get("/accounts/workbench/").status_code == 200
    login_event = events(SecurityEvent.Kind.LOGIN, staff).order_by("-at").first()
    assert login_event.detail["second_factor"] is True


def test_wrong_codes_count_towards_the_lockout(client, places, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    staff = make_staff("ga-clerk", "clerk", places.county)
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    login(client, "ga-clerk")
    for _ in range(4):
        assert (
            client.post(VERIFY, {"otp_token": "000000"}, REMOTE_ADDR="10.0.0.1").status_code == 200
        )
    assert client.post(VERIFY, {"otp_token": "000000"}, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert events(SecurityEvent.Kind.LOCKED, staff).exists()


def test_a_session_without_the_second_factor_cannot_open_staff_pages(client, places):
    staff = make_staff("ga-clerk", "clerk", places.county)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client.force_login(staff)  # e.g. a session from before the device was enrolled
    response = client.get("/accounts/workbench/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"otp_token": code_for(device)}).status_code == 302
    assert client.get("/accounts/workbench/").status_code == 200


def test_the_second_step_expires(client, places):
    staff = make_staff("ga-clerk", "clerk", places.county)
    device = TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    login(client, "ga-clerk")
    session = client.session
    pending = session["accounts_pending_login"]
    pending["at"] -= 10 * 60
    session["accounts_pending_login"] = pending
    session.save()
    response = client.post(VERIFY, {"otp_token": code_for(device)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert signed_in_user_id(client) is None


def test_citizens_do_not_enrol_totp(client, citizen):
    client.force_login(citizen)
    assert client.get("/accounts/totp/").status_code == 403
