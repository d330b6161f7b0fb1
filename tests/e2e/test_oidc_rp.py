"""Single sign-on end to end: a separate relying party signs a user in through a running GovServe.

The relying party is what a department system would run: Authlib's OAuth2 client with PKCE
(S256), the provider's discovery document and JWKS, nothing GovServe-specific. A
`requests.Session` plays the user's browser: it is sent to GovServe's login page, signs in
with the CSRF token like a browser form post, approves the consent page, and is redirected to
the relying party's registered callback, which is never served: the code is read from the
Location header. The relying party then exchanges the code, verifies the ID token's RS256
signature with the published keys, calls the API with the access token, and logs out through
the end-session endpoint, which ends the GovServe session and the token.
"""

import warnings
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from authlib.common.security import generate_token
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.requests_client import OAuth2Session
from oauth2_provider.models import Application

from govserve.accounts.models import AccountType, AssuranceLevel, Role, RoleGrant, User
from tests.regions.factories import DepartmentFactory, sichuan_tree

with warnings.catch_warnings():
    # Authlib 1.x announces joserfc as the successor of authlib.jose; the API used here stays.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, jwt

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CLIENT_ID = "gaq-bdc"
CLIENT_SECRET = "rp-secret-" + "k" * 50
# The relying party's registered callback: a port nothing listens on; the browser stops at it.
REDIRECT = "https://127.0.0.1:9/callback"
AFTER_LOGOUT = "https://127.0.0.1:9/signed-out"
PASSWORD = "Gs-2026-e2e-pass"
TIMEOUT = 15


class Forms(HTMLParser):
    """The forms of a page: action, method, and the inputs with their values and types."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "inputs": []})
        elif tag in ("input", "button") and self.forms:
            self.forms[-1]["inputs"].append(attrs)

    @classmethod
    def parse(cls, html):
        parser = cls()
        parser.feed(html)
        return parser.forms


def form_with(html, predicate):
    for form in Forms.parse(html):
        if any(predicate(field) for field in form["inputs"]):
            return form
    raise AssertionError("no such form on the page:\n" + html[:2000])


def hidden_fields(form):
    return {
        f["name"]: f.get("value", "")
        for f in form["inputs"]
        if f.get("type") == "hidden" and f.get("name")
    }


class Browser:
    """The user's browser: cookies, forms, and redirects followed one at a time."""

    def __init__(self):
        self.session = requests.Session()

    def get(self, url, **kw):
        return self.session.get(url, allow_redirects=False, timeout=TIMEOUT, **kw)

    def submit(self, page_url, form, data):
        action = urljoin(page_url, form["attrs"].get("action") or page_url)
        return self.session.post(
            action, data=data, allow_redirects=False, timeout=TIMEOUT, headers={"Referer": page_url}
        )

    def sign_in(self, login_url, username, password):
        page = self.get(login_url)
        assert page.status_code == 200, page.text[:500]
        form = form_with(page.text, lambda f: f.get("type") == "password")
        data = hidden_fields(form)
        assert data.get("csrfmiddlewaretoken"), "the login form carries a CSRF token"
        for field in form["inputs"]:
            name, kind = field.get("name"), field.get("type", "text")
            if kind == "password":
                data[name] = password
            elif name and kind in ("text", "tel", "email") and name not in data:
                data[name] = username
        return self.submit(page.url, form, data)


@pytest.fixture
def reviewer():
    _province, _city, county, _town = sichuan_tree()
    dept = DepartmentFactory(name="广安市广安区自然资源局", region=county)
    user = User.objects.create_user(
        "wangfang",
        password=PASSWORD,
        account_type=AccountType.STAFF,
        real_name="王芳",
        assurance_level=AssuranceLevel.COUNTER_VERIFIED,
        region=county,
        department=dept,
    )
    RoleGrant.objects.create(user=user, role=Role.REVIEWER, department=dept, region=county)
    return user


@pytest.fixture
def registered_rp():
    return Application.objects.create(
        name="广安区不动产登记系统",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        post_logout_redirect_uris=AFTER_LOGOUT,
        algorithm=Application.RS256_ALGORITHM,
    )


def test_relying_party_signs_a_user_in_with_authlib(live_server, reviewer, registered_rp):
    # The relying party knows only the issuer; everything else comes from discovery.
    issuer = live_server.url
    meta = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=TIMEOUT).json()
    assert meta["issuer"] == issuer
    assert "S256" in meta["code_challenge_methods_supported"]

    rp = OAuth2Session(
        CLIENT_ID,
        CLIENT_SECRET,
        scope="openid profile govserve.roles accounts.read",
        redirect_uri=REDIRECT,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
    )
    code_verifier = generate_token(48)
    nonce = generate_token(20)
    authorize_url, state = rp.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=code_verifier, nonce=nonce
    )

    # The browser goes to GovServe, is sent to the login page, signs in, comes back.
    browser = Browser()
    response = browser.get(authorize_url)
    assert response.status_code == 302
    login_url = urljoin(authorize_url, response.headers["Location"])
    assert urlsplit(login_url).path == "/accounts/login/"
    response = browser.sign_in(login_url, "wangfang", PASSWORD)
    assert response.status_code == 302, response.text[:1000]
    back = urljoin(login_url, response.headers["Location"])
    assert urlsplit(back).path == "/o/authorize/"

    # The consent page names the system and what it asks for; the user approves.
    consent = browser.get(back)
    assert consent.status_code == 200, consent.text[:1000]
    assert "广安区不动产登记系统" in consent.text
    assert "所属部门、岗位角色及代办的法人" in consent.text
    form = form_with(consent.text, lambda f: f.get("name") == "allow")
    response = browser.submit(consent.url, form, {**hidden_fields(form), "allow": "on"})
    assert response.status_code == 302
    callback = response.headers["Location"]
    assert callback.startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(callback).query)
    assert query["state"] == [state]
    assert query["iss"] == [issuer]  # RFC 9207: the response names who issued the code

    # Back at the relying party: exchange the code with the PKCE verifier.
    token = rp.fetch_token(
        meta["token_endpoint"],
        authorization_response=callback,
        state=state,
        code_verifier=code_verifier,
    )
    assert token["token_type"].lower() == "bearer"
    assert set(token["scope"].split()) == {"openid", "profile", "govserve.roles", "accounts.read"}

    # Verify the ID token against the keys GovServe publishes.
    keys = JsonWebKey.import_key_set(requests.get(meta["jwks_uri"], timeout=TIMEOUT).json())
    claims = jwt.decode(
        token["id_token"],
        keys,
        claims_options={
            "iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": CLIENT_ID},
            "nonce": {"essential": True, "value": nonce},
            "sub": {"essential": True, "value": str(reviewer.pk)},
        },
    )
    claims.validate(leeway=5)
    assert claims.header["alg"] == "RS256"
    assert claims["name"] == "王芳"
    assert claims["account_type"] == "staff"
    assert claims["assurance_level"] == 2 and claims["acr"] == "govserve:loa2"
    assert [r["role"] for r in claims["roles"]] == ["reviewer"]
    assert claims["department"][0]["name"] == "广安市广安区自然资源局"

    # The access token works on the API, as that user.
    me = rp.get(f"{issuer}/api/accounts/me/", timeout=TIMEOUT)
    assert me.status_code == 200, me.text
    assert me.json()["username"] == "wangfang"
    # ... and only within its scopes: it was not granted catalog.write.
    refused = rp.post(f"{issuer}/api/items/", json={"name": "x"}, timeout=TIMEOUT)
    assert refused.status_code == 403

    # Logging out at the relying party ends the GovServe session and the token.
    response = browser.get(
        meta["end_session_endpoint"],
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": AFTER_LOGOUT,
            "state": "bye",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == AFTER_LOGOUT + "?state=bye"
    assert rp.get(f"{issuer}/api/accounts/me/", timeout=TIMEOUT).status_code == 401
    again, _state = rp.create_authorization_url(
        meta["authorization_endpoint"], code_verifier=generate_token(48), nonce=generate_token(20)
    )
    response = browser.get(again)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/accounts/login/"
