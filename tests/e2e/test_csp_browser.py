"""The Content-Security-Policy in a real browser (chromium, headless): the main pages — portal,
search, item guide, statistics, licence verification, login, a citizen's case, the staff inbox,
task and counter, the admin, the API docs (Swagger UI) and the browsable API — load with no
violation of the policy, and their scripts still work; an inline script is refused (so the
listener does hear violations); and single sign-on's consent and login forms may still send the
browser on to the department system that asked (form-action covers redirects).

Violations are collected twice: the page's `securitypolicyviolation` events (listener added
before any page script runs) and chromium's console messages naming the policy.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from oauth2_provider.models import Application
from playwright.sync_api import expect

from govserve.cases.models import Case
from govserve.workflow.models import Task
from tests.accounts.factories import PersonFactory
from tests.cases.worlds import build_world
from tests.e2e.test_accounts_browser import log_in
from tests.workflow.worlds import accept, apply_single

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Ga2024-service"  # the account factories' password
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(
    `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""
# What an injected <script> or on…= attribute would do (evaluate itself is not subject to CSP).
INJECT = """() => {
  const script = document.createElement("script");
  script.textContent = "window.__inlineRan = true;";
  document.head.append(script);
  const button = document.createElement("button");
  button.id = "csp-probe";
  button.textContent = "probe";
  button.setAttribute("onclick", "window.__handlerRan = true;");
  document.body.prepend(button);
}"""
CLIENT_ID = "gaq-csp-rp"
CALLBACK = "https://127.0.0.1:9/callback"


class Watched:
    """A browser context whose pages report CSP violations (events and console)."""

    def __init__(self, chromium, **context_args):
        options = {"locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
        self.context = chromium.new_context(**{**options, **context_args})
        self.context.set_default_timeout(15_000)
        self.context.add_init_script(LISTEN)
        self.console: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.console.append(message.text)

    def visit(self, url: str, *, status: int = 200) -> str:
        """Open `url`, check its answer carries the policy; returns the policy."""
        response = self.page.goto(url)
        assert response is not None and response.status == status, (url, response)
        self.page.wait_for_load_state("load")
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, (url, policy)
        return policy

    def violations(self) -> list[str]:
        events = self.page.evaluate("window.__cspViolations || []")
        return [*events, *self.console]

    def assert_clean(self) -> None:
        assert self.violations() == [], self.page.url

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(chromium):
    contexts: list[Watched] = []

    def make(**context_args) -> Watched:
        contexts.append(Watched(chromium, **context_args))
        return contexts[-1]

    yield make
    for context in contexts:
        context.close()


def directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def directive(policy: str, name: str) -> str:
    return directives(policy).get(name, "")


def test_the_policy_is_strict():
    from django.test import Client

    policy = Client().get("/").headers["Content-Security-Policy"]
    assert directives(policy) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "object-src": "'none'",
        "frame-ancestors": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
    }


def test_public_pages_and_the_login_keep_the_policy(live_server, watched):
    w = build_world()
    base = live_server.url
    browser = watched()
    page = browser.page

    browser.visit(base + "/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    browser.assert_clean()

    # an inline script and an inline handler are refused and reported (the listener hears)
    page.evaluate(INJECT)
    page.locator("#csp-probe").click()
    assert page.evaluate("[window.__inlineRan, window.__handlerRan]") == [None, None]
    heard = browser.violations()
    assert len([v for v in heard if v.startswith("script-src-elem blocked inline")]) == 1, heard
    assert len([v for v in heard if v.startswith("script-src-attr blocked inline")]) == 1, heard
    browser = watched()
    page = browser.page

    browser.visit(f"{base}/items/{w.item.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("食品经营许可")
    browser.visit(f"{base}/bundles/{w.bundle.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("我要开饭店")

    # statistics: the bars are SVG (no style="width: …"), and they are drawn
    browser.visit(base + "/stats/")
    fill = page.locator("svg.bar rect.bar-fill").first
    expect(fill).to_be_attached()
    assert page.locator("[style]").count() == 0
    track = page.locator("svg.bar").first.bounding_box()
    assert track and track["width"] > 50 and track["height"] == 10

    # licence verification: its rules now come from licences/verify.css
    browser.visit(base + "/verify/")
    panel = page.locator(".verify-panel").first
    expect(panel).to_be_visible()
    assert panel.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"

    browser.visit(base + "/accounts/login/")
    expect(page.get_by_label(re.compile("^密码"))).to_be_visible()
    browser.assert_clean()

    # search on a phone: portal.js folds the filters so the results come first
    phone = watched(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.visit(base + "/search/?q=食品")
    expect(phone.page.locator("details[data-close-on-phone]")).not_to_have_attribute("open", "")
    phone.assert_clean()


def test_citizen_staff_admin_and_api_pages_keep_the_policy(live_server, watched):
    w = build_world()
    case = accept(w, apply_single(w))
    task = Task.objects.filter(case=case).order_by("pk").first()
    assert task is not None, "accepting the case starts its review process"
    base = live_server.url

    citizen = watched()
    log_in(citizen.page, base, w.applicant.username)
    citizen.page.wait_for_url(lambda url: "/accounts/login/" not in url)
    citizen.visit(f"{base}/cases/{case.pk}/")
    expect(citizen.page.get_by_role("heading", level=1)).to_contain_text("食品经营许可")
    citizen.visit(base + "/cases/")
    citizen.assert_clean()

    clerk = watched()
    log_in(clerk.page, base, w.clerk.username)
    clerk.page.wait_for_url(lambda url: "/accounts/login/" not in url)
    clerk.visit(base + "/counter/")
    clerk.visit(f"{base}/counter/cases/{case.pk}/")
    expect(clerk.page.get_by_role("heading", level=1)).to_be_visible()
    clerk.assert_clean()

    reviewer = watched()
    log_in(reviewer.page, base, w.market_reviewer.username)
    reviewer.page.wait_for_url(lambda url: "/accounts/login/" not in url)
    reviewer.visit(base + "/workflow/inbox/")
    number = Case.objects.get(pk=case.pk).number
    assert number
    expect(reviewer.page.get_by_text(number)).to_be_visible()
    reviewer.visit(f"{base}/workflow/tasks/{task.pk}/")
    reviewer.assert_clean()

    # the admin: login page, then a change list whose "select all" box is Django's actions.js
    get_user_model().objects.create_superuser("csp-admin", password=PASSWORD)
    admin = watched()
    page = admin.page
    admin.visit(base + "/admin/login/")
    assert page.evaluate("document.documentElement.dataset.theme") == "auto"  # admin theme.js
    page.get_by_label("用户名").fill("csp-admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/admin/")
    admin.visit(base + "/admin/regions/department/")
    rows = page.locator("input.action-select")
    assert rows.count() >= 3 and page.locator("input.action-select:checked").count() == 0
    page.locator("#action-toggle").check()
    expect(page.locator("input.action-select:checked")).to_have_count(rows.count())
    admin.visit(f"{base}/admin/regions/department/{w.market.pk}/change/")
    admin.assert_clean()

    # the API docs: Swagger UI starts from its script file and renders the operations
    docs = watched()
    docs.visit(base + "/api/docs/")
    expect(docs.page.locator(".swagger-ui .info .title")).to_contain_text("GovServe API")
    expect(docs.page.locator(".opblock").first).to_be_visible()
    docs.page.locator(".opblock-summary").first.click()
    expect(docs.page.locator(".opblock-body").first).to_be_visible()
    docs.assert_clean()
    # the browsable API: DRF's template has inline styles, allowed on its pages (not scripts)
    policy = docs.visit(base + "/api/items/")
    assert directive(policy, "style-src") == "'self' 'unsafe-inline'"
    assert directive(policy, "script-src") == "'self'"
    expect(docs.page.locator(".response-info")).to_be_visible()
    menu = docs.page.locator("button.dropdown-toggle[data-toggle=dropdown]").first
    menu.click()  # bootstrap.js (a file) opens the GET format menu
    expect(
        menu.locator("xpath=following-sibling::ul[contains(@class, 'dropdown-menu')]")
    ).to_be_visible()
    docs.assert_clean()


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def test_sign_on_forms_may_go_on_to_the_relying_party(live_server, watched):
    """The consent form's answer redirects to the client's callback (another origin): the page
    allows that client's origin in form-action. Without a consent page (a trusted client) the
    login form's answer goes on to the callback: the login page for that client allows it too."""
    person = PersonFactory(username="13900000077", real_name="李四")
    Application.objects.create(
        name="广安区不动产登记系统",
        client_id=CLIENT_ID,
        client_secret="rp-secret-" + "k" * 50,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=CALLBACK,
        post_logout_redirect_uris="https://127.0.0.1:9/signed-out",
        algorithm=Application.RS256_ALGORITHM,
    )
    base = live_server.url
    _verifier, challenge = _pkce()
    authorize = (
        base
        + "/o/authorize/?"
        + urlencode(
            {
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": CALLBACK,
                "scope": "openid profile",
                "state": "s1",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
    )

    def arrives_at_callback(browser: Watched, submit) -> None:
        reached: list[str] = []

        def answer(route):
            reached.append(route.request.url)
            route.fulfill(status=200, content_type="text/plain", body="callback")

        browser.page.route(CALLBACK + "**", answer)
        submit()
        browser.page.wait_for_url(CALLBACK + "**")
        assert reached and "code=" in reached[0] and "state=s1" in reached[0]

    browser = watched()
    page = browser.page
    page.goto(authorize)
    page.wait_for_url(re.compile("/accounts/login/"))
    policy = browser.visit(page.url)
    assert directive(policy, "form-action") == "'self' https://127.0.0.1:9"
    page.get_by_label(re.compile("^用户名 / 手机号码 / 身份证号码")).fill(person.username)
    page.get_by_label(re.compile("^密码")).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(re.compile("/o/authorize/"))
    expect(page.get_by_role("button", name="同意并登录")).to_be_visible()
    browser.assert_clean()
    arrives_at_callback(browser, lambda: page.get_by_role("button", name="同意并登录").click())
    assert browser.violations() == []

    # a trusted client (registered to skip the consent page): in a new browser, the login
    # form's answer goes through /o/authorize/ straight on to the callback
    Application.objects.filter(client_id=CLIENT_ID).update(skip_authorization=True)
    again = watched()
    again.page.goto(authorize)
    again.page.wait_for_url(re.compile("/accounts/login/"))
    again.page.get_by_label(re.compile("^用户名 / 手机号码 / 身份证号码")).fill(person.username)
    again.page.get_by_label(re.compile("^密码")).fill(PASSWORD)
    arrives_at_callback(
        again, lambda: again.page.get_by_role("button", name="登录", exact=True).click()
    )
    assert again.violations() == []

    # elsewhere the policy stays as it is
    plain = watched()
    assert directive(plain.visit(base + "/accounts/login/"), "form-action") == "'self'"
    policy = plain.visit(base + "/accounts/login/?next=/cases/")
    assert directive(policy, "form-action") == "'self'"
