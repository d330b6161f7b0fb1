"""Single sign-on: GovServe as an OpenID Connect provider (discovery, JWKS, code + PKCE, ID
token claims and signature, access tokens on the API with scopes, RP-initiated logout)."""

import base64
import datetime as dt
import hashlib
import json
import secrets
import warnings
from urllib.parse import parse_qs, urlsplit

import pytest
from authlib.deprecate import AuthlibDeprecationWarning
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, IDToken, RefreshToken

from govserve.accounts.models import (
    AccountType,
    AssuranceLevel,
    Organisation,
    Representation,
    Role,
    RoleGrant,
    User,
)
from tests.catalog.factories import ImplementationItemFactory
from tests.regions.factories import DepartmentFactory, make_uscc, sichuan_tree

with warnings.catch_warnings():
    # Authlib 1.x announces joserfc as the successor of authlib.jose; the API used here stays.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.jose import JsonWebKey, jwt
    from authlib.jose.errors import BadSignatureError

pytestmark = pytest.mark.django_db

REDIRECT = "https://bdc.example.gov.cn/oidc/callback"
LOGOUT_REDIRECT = "https://bdc.example.gov.cn/"
SECRET = "s3cret-" + "x" * 60
ISSUER = "http://testserver"


# -- fixtures and helpers ---------------------------------------------------------------------


@pytest.fixture
def rp():
    """A confidential department system registered for single sign-on (consent required)."""
    return Application.objects.create(
        name="广安区不动产登记系统",
        client_id="bdc-client",
        client_secret=SECRET,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=REDIRECT,
        post_logout_redirect_uris=LOGOUT_REDIRECT,
        algorithm=Application.RS256_ALGORITHM,
    )


@pytest.fixture
def staff():
    """A reviewer of 广安区市场监督管理局 with a current grant,
    a subtree grant and a revoked one."""
    province, _city, county, _town = sichuan_tree()
    dept = DepartmentFactory(name="广安市广安区市场监督管理局", region=county)
    user = User.objects.create_user(
        "zhangwei",
        password="Gs-2026-pass",
        account_type=AccountType.STAFF,
        real_name="张伟",
        id_number="511602199001011234",
        mobile="13800000001",
        assurance_level=AssuranceLevel.COUNTER_VERIFIED,
    )
    RoleGrant.objects.create(user=user, role=Role.REVIEWER, department=dept, region=county)
    RoleGrant.objects.create(user=user, role=Role.SUPERVISOR, region=province, covers_subtree=True)
    RoleGrant.objects.create(
        user=user, role=Role.APPROVER, department=dept, region=county, revoked_at=timezone.now()
    )
    RoleGrant.objects.create(
        user=user,
        role=Role.CATALOG_ADMIN,
        region=county,
        valid_until=timezone.now() - dt.timedelta(days=1),
    )
    return user


@pytest.fixture
def citizen():
    user = User.objects.create_user(
        "lina",
        password="Gs-2026-pass",
        real_name="李娜",
        id_number="11010519491231002X",
        mobile="13900000002",
        assurance_level=AssuranceLevel.SELF_DECLARED,
    )
    org = Organisation.objects.create(uscc=make_uscc(42), name="广安市某某食品有限公司")
    Representation.objects.create(organisation=org, person=user, kind=Representation.Kind.AGENT)
    gone = Organisation.objects.create(uscc=make_uscc(43), name="已撤销授权的公司")
    Representation.objects.create(
        organisation=gone, person=user, kind=Representation.Kind.AGENT, revoked_at=timezone.now()
    )
    return user


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=")
    return verifier, challenge.decode()


def authorize_params(app, challenge, scope="openid profile govserve.roles", **extra):
    return {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT,
        "scope": scope,
        "state": "st-1",
        "nonce": "n-0S6_WzA2Mj",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **extra,
    }


def authorize(client, app, challenge, **kw):
    """GET /o/authorize/ and approve on the consent page; returns the code from the redirect."""
    params = authorize_params(app, challenge, **kw)
    page = client.get("/o/authorize/", params)
    assert page.status_code == 200, page.content[:500]
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data["allow"] = "on"
    response = client.post("/o/authorize/", data)
    assert response.status_code == 302, response.content[:500]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def exchange(client, app, code, verifier, secret=SECRET):
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    if verifier is not None:
        data["code_verifier"] = verifier
    return client.post(
        "/o/token/",
        data,
        HTTP_AUTHORIZATION="Basic "
        + base64.b64encode(f"{app.client_id}:{secret}".encode()).decode(),
    )


def sign_in(client, app, user, scope="openid profile govserve.roles"):
    """The whole flow for `user`; returns the token response as a dict."""
    client.force_login(user)
    verifier, challenge = pkce_pair()
    code = authorize(client, app, challenge, scope=scope)
    response = exchange(client, app, code, verifier)
    assert response.status_code == 200, response.content
    return response.json()


def jwks(client):
    return JsonWebKey.import_key_set(client.get("/o/.well-known/jwks.json").json())


def decode_id_token(client, id_token, app=None):
    claims = jwt.decode(
        id_token,
        jwks(client),
        claims_options={
            "iss": {"essential": True, "value": ISSUER},
            "aud": {"essential": True, "value": app.client_id if app else None},
            "nonce": {"essential": True, "value": "n-0S6_WzA2Mj"},
        },
    )
    claims.validate()
    return claims


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# -- discovery and keys -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/.well-known/openid-configuration", "/o/.well-known/openid-configuration"]
)
def test_discovery_document(client, path):
    doc = client.get(path).json()
    assert doc["issuer"] == ISSUER
    assert doc["authorization_endpoint"] == f"{ISSUER}/o/authorize/"
    assert doc["token_endpoint"] == f"{ISSUER}/o/token/"
    assert doc["userinfo_endpoint"] == f"{ISSUER}/o/userinfo/"
    assert doc["jwks_uri"] == f"{ISSUER}/o/.well-known/jwks.json"
    assert doc["end_session_endpoint"] == f"{ISSUER}/o/logout/"
    assert doc["response_types_supported"] == ["code"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in doc["id_token_signing_alg_values_supported"]
    assert {
        "openid",
        "profile",
        "phone",
        "govserve.roles",
        "catalog.read",
        "catalog.write",
        "accounts.read",
    } <= set(doc["scopes_supported"])
    assert {
        "sub",
        "name",
        "account_type",
        "assurance_level",
        "acr",
        "roles",
        "department",
        "organisations",
    } <= set(doc["claims_supported"])
    assert doc["acr_values_supported"] == [
        "govserve:loa0",
        "govserve:loa1",
        "govserve:loa2",
        "govserve:loa3",
    ]
    assert doc["authorization_response_iss_parameter_supported"] is True
    assert "id_number" not in json.dumps(doc)


def test_oauth_server_metadata_names_the_same_issuer(client):
    doc = client.get("/.well-known/oauth-authorization-server").json()
    assert doc["issuer"] == ISSUER
    assert "password" not in doc["grant_types_supported"]
    assert "implicit" not in doc["grant_types_supported"]


def test_jwks_publishes_the_rsa_signing_key(client, settings):
    keys = client.get("/o/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 1
    (key,) = keys
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert key["kid"] and key["n"] and key["e"] == "AQAB"
    assert "d" not in key and "p" not in key  # public half only
    assert len(base64.urlsafe_b64decode(key["n"] + "==")) * 8 >= 2048


# -- authorization code + PKCE ----------------------------------------------------------------


def test_full_flow_gives_a_signed_id_token_with_govserve_claims(client, rp, staff):
    tokens = sign_in(client, rp, staff)
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["refresh_token"]
    assert set(tokens["scope"].split()) == {"openid", "profile", "govserve.roles"}

    header = json.loads(base64.urlsafe_b64decode(tokens["id_token"].split(".")[0] + "=="))
    assert header["alg"] == "RS256"
    assert header["kid"] == client.get("/o/.well-known/jwks.json").json()["keys"][0]["kid"]

    claims = decode_id_token(client, tokens["id_token"], rp)
    assert claims["sub"] == str(staff.pk)
    assert claims["aud"] == rp.client_id
    assert claims["name"] == "张伟"
    assert claims["preferred_username"] == "zhangwei"
    assert claims["account_type"] == "staff"
    assert claims["assurance_level"] == 2
    assert claims["acr"] == "govserve:loa2"
    dept = staff.role_grants.get(role=Role.REVIEWER).department
    assert claims["department"] == [
        {
            "id": dept.pk,
            "name": "广安市广安区市场监督管理局",
            "uscc": dept.uscc,
            "region_code": "511602000000",
        }
    ]
    assert sorted(claims["roles"], key=lambda r: r["role"]) == [
        {
            "role": "reviewer",
            "department_id": dept.pk,
            "region_code": "511602000000",
            "covers_subtree": False,
        },
        {
            "role": "supervisor",
            "department_id": None,
            "region_code": "510000000000",
            "covers_subtree": True,
        },
    ]  # the revoked approver grant and the expired catalog grant are left out
    assert "phone_number" not in claims  # no phone scope
    assert claims["exp"] - claims["iat"] == 3600


def test_the_id_number_is_never_in_a_token(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid profile phone govserve.roles")
    payload = base64.urlsafe_b64decode(tokens["id_token"].split(".")[1] + "==").decode()
    userinfo = client.get("/o/userinfo/", **bearer(tokens["access_token"])).content.decode()
    for text in (payload, userinfo):
        assert staff.id_number not in text
        assert "id_number" not in text


def test_claims_follow_the_scopes(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid")
    claims = decode_id_token(client, tokens["id_token"], rp)
    assert claims["account_type"] == "staff" and claims["acr"] == "govserve:loa2"
    for claim in (
        "name",
        "preferred_username",
        "roles",
        "department",
        "organisations",
        "phone_number",
    ):
        assert claim not in claims

    client.logout()
    tokens = sign_in(client, rp, staff, scope="openid phone")
    claims = decode_id_token(client, tokens["id_token"], rp)
    assert claims["phone_number"] == "13800000001"
    assert "roles" not in claims


def test_citizen_claims_list_the_businesses_they_act_for(client, rp, citizen):
    tokens = sign_in(client, rp, citizen)
    claims = decode_id_token(client, tokens["id_token"], rp)
    assert claims["account_type"] == "person"
    assert claims["acr"] == "govserve:loa1"
    assert claims["roles"] == [] and claims["department"] == []
    assert claims["organisations"] == [
        {
            "uscc": make_uscc(42),
            "name": "广安市某某食品有限公司",
            "kind": "2",
            "representation": "agent",
        }
    ]


def test_userinfo_answers_with_the_same_claims(client, rp, staff):
    tokens = sign_in(client, rp, staff)
    info = client.get("/o/userinfo/", **bearer(tokens["access_token"])).json()
    assert info["sub"] == str(staff.pk)
    assert info["account_type"] == "staff"
    assert {r["role"] for r in info["roles"]} == {"reviewer", "supervisor"}


def test_id_token_signed_by_another_key_does_not_verify(client, rp, staff):
    tokens = sign_in(client, rp, staff)
    forged_key = JsonWebKey.generate_key("RSA", 2048, is_private=True)
    header, payload, _sig = tokens["id_token"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = [
        {
            "role": "system_admin",
            "department_id": None,
            "region_code": "510000000000",
            "covers_subtree": True,
        }
    ]
    forged = jwt.encode(
        {"alg": "RS256", "kid": json.loads(base64.urlsafe_b64decode(header + "=="))["kid"]},
        claims,
        forged_key,
    )
    with pytest.raises(BadSignatureError):
        jwt.decode(forged, jwks(client))


def test_missing_code_verifier_is_refused(client, rp, staff):
    client.force_login(staff)
    verifier, challenge = pkce_pair()
    code = authorize(client, rp, challenge)
    response = exchange(client, rp, code, None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert not AccessToken.objects.exists()


def test_wrong_code_verifier_is_refused(client, rp, staff):
    client.force_login(staff)
    _verifier, challenge = pkce_pair()
    code = authorize(client, rp, challenge)
    response = exchange(client, rp, code, pkce_pair()[0])
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_authorize_without_pkce_is_refused(client, rp, staff):
    client.force_login(staff)
    params = authorize_params(rp, "x")
    del params["code_challenge"], params["code_challenge_method"]
    response = client.get("/o/authorize/", params)
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_request"]


def test_plain_pkce_method_is_refused(client, rp, staff):
    """Only S256: a "plain" challenge (the verifier itself) never becomes a code."""
    from oauth2_provider.models import Grant

    client.force_login(staff)
    verifier = secrets.token_urlsafe(48)
    params = authorize_params(rp, verifier, code_challenge_method="plain")
    page = client.get("/o/authorize/", params)
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    response = client.post("/o/authorize/", {**data, "allow": "on"})
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["invalid_request"]
    assert not Grant.objects.exists()


def test_a_code_is_used_once(client, rp, staff):
    client.force_login(staff)
    verifier, challenge = pkce_pair()
    code = authorize(client, rp, challenge)
    assert exchange(client, rp, code, verifier).status_code == 200
    assert exchange(client, rp, code, verifier).status_code == 400


def test_wrong_client_secret_is_refused(client, rp, staff):
    client.force_login(staff)
    verifier, challenge = pkce_pair()
    code = authorize(client, rp, challenge)
    response = exchange(client, rp, code, verifier, secret="not-the-secret")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example.com/oidc/callback",
        "https://bdc.example.gov.cn/oidc/callback/other",  # prefix of a registered one
        "https://bdc.example.gov.cn/oidc/callback?next=https://evil.example.com",
        "http://bdc.example.gov.cn/oidc/callback",  # scheme differs
    ],
)
def test_unregistered_redirect_uri_is_refused_without_redirecting(client, rp, staff, redirect_uri):
    client.force_login(staff)
    _verifier, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/", authorize_params(rp, challenge, redirect_uri=redirect_uri)
    )
    assert response.status_code == 400
    assert "Location" not in response
    assert "无法完成登录授权" in response.content.decode()


def test_unknown_client_is_refused(client, staff):
    client.force_login(staff)
    _verifier, challenge = pkce_pair()
    response = client.get(
        "/o/authorize/",
        {**authorize_params(Application(client_id="nobody"), challenge)},
    )
    assert response.status_code == 400
    assert "Location" not in response


def test_anonymous_user_is_sent_to_the_login_page(client, rp, settings):
    _verifier, challenge = pkce_pair()
    response = client.get("/o/authorize/", authorize_params(rp, challenge))
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == settings.LOGIN_URL == "/accounts/login/"
    assert parse_qs(target.query)["next"][0].startswith("/o/authorize/?")


def test_consent_page_lists_the_scopes_in_chinese(client, rp, staff):
    client.force_login(staff)
    _verifier, challenge = pkce_pair()
    page = client.get(
        "/o/authorize/", authorize_params(rp, challenge, scope="openid profile catalog.write")
    )
    html = page.content.decode()
    assert "广安区不动产登记系统" in html
    for text in (
        "使用政务服务网账户登录（用户标识）",
        "姓名、登录名、账户类型和实名认证等级",
        "维护事项目录",
        "同意并登录",
    ):
        assert text in html


def test_refusing_consent_issues_nothing(client, rp, staff):
    client.force_login(staff)
    _verifier, challenge = pkce_pair()
    page = client.get("/o/authorize/", authorize_params(rp, challenge))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    response = client.post("/o/authorize/", data)  # no "allow"
    assert parse_qs(urlsplit(response["Location"]).query)["error"] == ["access_denied"]
    assert not AccessToken.objects.exists()


def test_trusted_client_skips_consent_and_response_names_the_issuer(client, rp, staff):
    rp.skip_authorization = True
    rp.save()
    client.force_login(staff)
    _verifier, challenge = pkce_pair()
    response = client.get("/o/authorize/", authorize_params(rp, challenge))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["code"] and query["iss"] == [ISSUER]  # RFC 9207 mix-up defence


def test_refresh_token_rotates_and_a_replay_revokes_the_family(client, rp, staff):
    tokens = sign_in(client, rp, staff)
    auth = "Basic " + base64.b64encode(f"{rp.client_id}:{SECRET}".encode()).decode()
    first = client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=auth,
    )
    assert first.status_code == 200
    renewed = first.json()
    assert renewed["refresh_token"] != tokens["refresh_token"]
    replay = client.post(
        "/o/token/",
        {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        HTTP_AUTHORIZATION=auth,
    )
    assert replay.status_code == 400
    assert client.get("/o/userinfo/", **bearer(renewed["access_token"])).status_code == 401


def test_tokens_are_stored_hashed(client, rp, staff):
    tokens = sign_in(client, rp, staff)
    stored = AccessToken.objects.get()
    assert stored.token != tokens["access_token"]
    assert RefreshToken.objects.get().token != tokens["refresh_token"]
    assert not Application.objects.filter(client_secret=SECRET).exists()
    assert Application.objects.get().client_secret.startswith("govserve_client_sha256$")


# -- the API with access tokens ---------------------------------------------------------------


@pytest.fixture
def catalog_admin(staff):
    from django.contrib.auth.models import Permission

    staff.is_staff = True
    staff.save()
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="catalog", codename__startswith="change_"
        )
    )
    county = staff.role_grants.get(role=Role.REVIEWER).region
    RoleGrant.objects.create(user=staff, role=Role.CATALOG_ADMIN, region=county)
    return staff


def test_token_with_catalog_write_can_write_the_catalog(client, rp, catalog_admin):
    tokens = sign_in(client, rp, catalog_admin, scope="openid catalog.read catalog.write")
    client.logout()  # from here on only the token speaks for the user
    item = ImplementationItemFactory()
    response = client.patch(
        f"/api/items/{item.pk}/",
        {"visit_reason": "需现场核查"},
        content_type="application/json",
        **bearer(tokens["access_token"]),
    )
    assert response.status_code == 200, response.content
    item.refresh_from_db()
    assert item.visit_reason == "需现场核查"


def test_token_without_catalog_write_cannot_write_the_catalog(client, rp, catalog_admin):
    tokens = sign_in(client, rp, catalog_admin, scope="openid profile catalog.read")
    client.logout()
    item = ImplementationItemFactory()
    response = client.post(
        "/api/items/",
        {"name": "新事项"},
        content_type="application/json",
        **bearer(tokens["access_token"]),
    )
    assert response.status_code == 403
    assert response.json()["detail"].startswith("访问令牌缺少授权范围")
    response = client.patch(
        f"/api/items/{item.pk}/",
        {"visit_reason": "x"},
        content_type="application/json",
        **bearer(tokens["access_token"]),
    )
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.visit_reason != "x"
    # reading is what the token was granted
    assert client.get("/api/items/", **bearer(tokens["access_token"])).status_code == 200


def test_token_without_catalog_read_cannot_read_as_the_user(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid profile")
    client.logout()
    assert client.get("/api/items/", **bearer(tokens["access_token"])).status_code == 403
    assert client.get("/api/items/").status_code == 200  # the public catalog stays public


def test_forged_token_is_refused(client):
    response = client.get("/api/items/", **bearer(secrets.token_urlsafe(30)))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_expired_token_is_refused(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid catalog.read")
    client.logout()
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/items/", **bearer(tokens["access_token"])).status_code == 401
    assert client.get("/o/userinfo/", **bearer(tokens["access_token"])).status_code == 401


def test_revoked_token_is_refused(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid catalog.read")
    auth = "Basic " + base64.b64encode(f"{rp.client_id}:{SECRET}".encode()).decode()
    assert (
        client.post(
            "/o/revoke_token/", {"token": tokens["access_token"]}, HTTP_AUTHORIZATION=auth
        ).status_code
        == 200
    )
    client.logout()
    assert client.get("/api/items/", **bearer(tokens["access_token"])).status_code == 401


def test_token_of_a_disabled_account_is_refused(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid catalog.read")
    client.logout()
    User.objects.filter(pk=staff.pk).update(is_active=False)
    assert client.get("/api/items/", **bearer(tokens["access_token"])).status_code == 401


def test_token_in_the_query_string_is_refused(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid catalog.read")
    client.logout()
    assert client.get("/api/items/", {"access_token": tokens["access_token"]}).status_code == 401


def test_accounts_me_needs_accounts_read(client, rp, citizen):
    from django.urls import NoReverseMatch, resolve
    from django.urls.exceptions import Resolver404

    try:
        resolve("/api/accounts/me/")
    except (Resolver404, NoReverseMatch):
        pytest.skip("/api/accounts/me/ is not wired yet")
    without = sign_in(client, rp, citizen, scope="openid profile")
    client.logout()
    assert client.get("/api/accounts/me/", **bearer(without["access_token"])).status_code == 403
    with_scope = sign_in(client, rp, citizen, scope="openid accounts.read")
    client.logout()
    response = client.get("/api/accounts/me/", **bearer(with_scope["access_token"]))
    assert response.status_code == 200
    assert response.json()["username"] == "lina"


def test_openapi_documents_the_oauth2_scheme_and_scopes(client):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    flow = schema["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]
    assert flow["authorizationUrl"] == "/o/authorize/" and "catalog.write" in flow["scopes"]
    create = schema["paths"]["/api/items/"]["post"]["security"]
    assert {"oauth2": ["catalog.write"]} in create


# -- RP-initiated logout ----------------------------------------------------------------------


def test_rp_initiated_logout_ends_the_session_and_revokes_tokens(client, rp, staff):
    tokens = sign_in(client, rp, staff, scope="openid catalog.read")
    assert "_auth_user_id" in client.session
    response = client.get(
        "/o/logout/",
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": LOGOUT_REDIRECT,
            "state": "bye",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{LOGOUT_REDIRECT}?state=bye"
    assert "_auth_user_id" not in client.session
    assert not AccessToken.objects.filter(user=staff).exists()
    assert not IDToken.objects.filter(user=staff).exists()
    assert client.get("/api/items/", **bearer(tokens["access_token"])).status_code == 401
    # the next sign-in at any relying party asks for the password again
    _verifier, challenge = pkce_pair()
    assert client.get("/o/authorize/", authorize_params(rp, challenge))["Location"].startswith(
        "/accounts/login/"
    )


def test_logout_to_an_unregistered_uri_is_refused(client, rp, staff):
    tokens = sign_in(client, rp, staff)
    response = client.get(
        "/o/logout/",
        {
            "id_token_hint": tokens["id_token"],
            "post_logout_redirect_uri": "https://evil.example.com/",
        },
    )
    assert response.status_code == 400
    assert "_auth_user_id" in client.session


def test_logout_without_a_hint_asks_first(client, rp, staff):
    client.force_login(staff)
    page = client.get("/o/logout/")
    assert page.status_code == 200
    assert "退出政务服务网登录" in page.content.decode()
    assert "_auth_user_id" in client.session
    response = client.post("/o/logout/", {"allow": "on"})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
