"""Single sign-on (单点登录): GovServe as an OpenID Connect provider, on django-oauth-toolkit.

A department system is registered as a client by an administrator (the admin, or
`govserve register_oidc_client`), signs people in with the authorization-code flow and PKCE
(S256), and receives an RS256 ID token it verifies with the keys published at the JWKS URL
that `/.well-known/openid-configuration` names. Settings: the "OpenID Connect provider" block
of `govserve/settings.py`; URLs: `govserve/accounts/oidc_urls.py`.

Claims, and the scope each needs (a claim is released only when its scope was granted):

| claim | scope | value |
| --- | --- | --- |
| sub | openid | the account's id (stable, never reused) |
| account_type | openid | `person` (自然人) or `staff` (工作人员) |
| assurance_level, acr | openid | 实名认证等级 0–3 and `govserve:loa<n>` |
| name, preferred_username | profile | real name, login name |
| phone_number | phone | the mobile number |
| department | govserve.roles | the staff member's departments: [{id, name, uscc, region_code}] |
| roles | govserve.roles | active grants: [{role, department_id, region_code, covers_subtree}] |
| organisations | govserve.roles | businesses they act for: [{uscc, name, kind, representation}] |

The resident ID number is never released, in any scope.

The REST API accepts the access tokens (`Authorization: Bearer …`) through
`ScopedOAuth2Authentication`: a token must carry the scope of the part of the API it calls
(`API_SCOPES`; a view may name its own with `required_scopes`), and a token that is presented
but invalid, expired or revoked is refused with 401 instead of being read as anonymous.
"""

import hashlib
import hmac
import json

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import ConnectDiscoveryInfoView
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS

from .models import AccountType, AssuranceLevel, Representation, RoleGrant

ACR_PREFIX = "govserve:loa"


def acr_for(level: int) -> str:
    """The Authentication Context Class Reference for an assurance level, e.g. govserve:loa2."""
    return f"{ACR_PREFIX}{int(level)}"


# -- claims ---------------------------------------------------------------------------------


def active_role_grants(user, at=None):
    """The user's role grants in force now, with their department and region."""
    at = at or timezone.now()
    grants = (
        RoleGrant.objects.filter(user=user, revoked_at__isnull=True)
        .select_related("department", "region")
        .order_by("role", "region__code", "department_id", "pk")
    )
    return [g for g in grants if g.valid_until is None or at < g.valid_until]


def active_representations(user, at=None):
    """The organisations the person acts for now (legal representative or authorised agent)."""
    at = at or timezone.now()
    reps = (
        Representation.objects.filter(person=user, revoked_at__isnull=True, valid_from__lte=at)
        .select_related("organisation")
        .order_by("organisation__name", "pk")
    )
    return [r for r in reps if r.valid_until is None or at < r.valid_until]


def _cached(request, name, compute):
    """One database read per token request for claims that share it (department and roles)."""
    cache = request.__dict__.setdefault("_govserve_claims", {})
    if name not in cache:
        cache[name] = compute()
    return cache[name]


def _grants(request):
    return _cached(request, "grants", lambda: active_role_grants(request.user))


def department_claim(request) -> list[dict]:
    """The staff member's departments: their own post first, then those of their role grants."""
    user = request.user
    if user.account_type != AccountType.STAFF:
        return []
    departments = []
    home = getattr(user, "department", None)
    if home is not None:
        departments.append(home)
    departments += [g.department for g in _grants(request) if g.department_id]
    seen, claim = set(), []
    for dept in departments:
        if dept.pk not in seen:
            seen.add(dept.pk)
            claim.append(
                {
                    "id": dept.pk,
                    "name": dept.name,
                    "uscc": dept.uscc,
                    "region_code": dept.region.code,
                }
            )
    return claim


def roles_claim(request) -> list[dict]:
    if request.user.account_type != AccountType.STAFF:
        return []
    return [
        {
            "role": g.role,
            "department_id": g.department_id,
            "region_code": g.region.code,
            "covers_subtree": g.covers_subtree,
        }
        for g in _grants(request)
    ]


def organisations_claim(request) -> list[dict]:
    return [
        {
            "uscc": r.organisation.uscc,
            "name": r.organisation.name,
            "kind": r.organisation.kind,
            "representation": r.kind,
        }
        for r in active_representations(request.user)
    ]


class GovServeOAuth2Validator(OAuth2Validator):
    """django-oauth-toolkit's validator with GovServe's claims and an is_active check."""

    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "sub": "openid",
        "account_type": "openid",
        "assurance_level": "openid",
        "acr": "openid",
        "name": "profile",
        "preferred_username": "profile",
        "phone_number": "phone",
        "department": "govserve.roles",
        "roles": "govserve.roles",
        "organisations": "govserve.roles",
    }

    def get_additional_claims(self):
        # Request-agnostic form (callables): the claim names are listed in the discovery
        # document, and each value is computed only when its scope was granted.
        return {
            "account_type": lambda r: r.user.account_type,
            "assurance_level": lambda r: int(r.user.assurance_level),
            "acr": lambda r: acr_for(r.user.assurance_level),
            "name": lambda r: r.user.real_name or r.user.get_username(),
            "preferred_username": lambda r: r.user.get_username(),
            "phone_number": lambda r: r.user.mobile or None,
            "department": department_claim,
            "roles": roles_claim,
            "organisations": organisations_claim,
        }

    def validate_bearer_token(self, token, scopes, request):
        if not super().validate_bearer_token(token, scopes, request):
            return False
        user = request.user
        if user is not None and not user.is_active:
            request.oauth2_error = {
                "error": "invalid_token",
                "error_description": "account disabled",
            }
            return False
        return True

    def validate_user(self, username, password, client, request, *args, **kwargs):
        return False  # the password grant is never offered


class DiscoveryView(ConnectDiscoveryInfoView):
    """The OpenID Provider metadata, with the assurance levels GovServe can assert."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["acr_values_supported"] = [acr_for(level) for level in AssuranceLevel.values]
        data["claims_parameter_supported"] = False
        data["ui_locales_supported"] = ["zh-CN", "en"]
        response.content = json.dumps(data)
        return response


# -- the REST API with access tokens ---------------------------------------------------------

# Which scopes a bearer token needs, per app of the API: (to read, to change). An app not
# listed needs no scope to read and "<app>.write" to change, which nothing grants until the
# app adds its scopes here and to settings.OIDC_SCOPES. Account changes are made at GovServe
# itself: "accounts.write" is never granted to a relying party.
API_SCOPES = {
    "catalog": ("catalog.read", "catalog.write"),
    "regions": ("catalog.read", "catalog.write"),
    "accounts": ("accounts.read", "accounts.write"),
    "workcalendar": (
        None,
        "workcalendar.write",
    ),  # the calendar is public; loading a notice is a write
    "workflow": ("workflow.read", "workflow.write"),  # the inbox; acting on tasks, uploads
    "cases": (
        "cases.read",
        "cases.write",
    ),  # applications, progress, notifications; acting on cases
    # Workbench, 督办, ratings, tickets, statistics; channels and the 12345 hotline post
    # ratings and tickets with their own narrower scopes (`required_scopes` on those views).
    "supervision": ("supervision.read", "supervision.write"),
}


def _api_app(view) -> str | None:
    parts = type(view).__module__.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "govserve" else None


def required_scopes(view, method: str) -> list[str]:
    """The scopes a bearer token must carry for this view and HTTP method."""
    declared = getattr(view, "required_scopes", None)
    if declared is not None:
        return list(declared)
    app = _api_app(view)
    if app is None:
        return []
    read, write = API_SCOPES.get(app, (None, f"{app}.write"))
    scope = read if method.upper() in SAFE_METHODS else write
    return [scope] if scope else []


class InsufficientScope(exceptions.PermissionDenied):
    default_detail = gettext_lazy("访问令牌未获得此操作所需的授权范围")
    default_code = "insufficient_scope"


class InvalidToken(exceptions.AuthenticationFailed):
    default_detail = gettext_lazy("访问令牌无效、已过期或已撤销")
    default_code = "invalid_token"


def _presents_token(request) -> bool:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    return header[:7].lower() == "bearer " or "access_token" in request.GET


class ScopedOAuth2Authentication(OAuth2Authentication):
    """OAuth2Authentication that refuses bad tokens (401) and tokens without the scope (403)."""

    www_authenticate_realm = "govserve"

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            if _presents_token(request):
                request.oauth2_error = {
                    "error": "invalid_token",
                    **getattr(request, "oauth2_error", {}),
                }
                raise InvalidToken()
            return None
        user, token = result
        view = (getattr(request, "parser_context", None) or {}).get("view")
        needed = required_scopes(view, request.method) if view is not None else []
        if not token.allow_scopes(needed):
            raise InsufficientScope(
                _("访问令牌缺少授权范围：%(scopes)s") % {"scopes": " ".join(needed)}
            )
        # A client-credentials token acts for the client system alone, not for a person.
        return (user if user is not None else AnonymousUser()), token


class ScopedOAuth2Scheme(OpenApiAuthenticationExtension):
    """OpenAPI: the OAuth2 security scheme, with the scopes each operation needs."""

    target_class = "govserve.accounts.oidc.ScopedOAuth2Authentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema):
        return {self.name: required_scopes(auto_schema.view, auto_schema.method)}

    def get_security_definition(self, auto_schema):
        from django.conf import settings

        scopes = {name: str(text) for name, text in settings.OIDC_SCOPES.items()}
        return {
            "type": "oauth2",
            "description": str(
                _("政务服务网统一身份认证（OpenID Connect，授权码模式 + PKCE S256）")
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "/o/authorize/",
                    "tokenUrl": "/o/token/",
                    "refreshUrl": "/o/token/",
                    "scopes": scopes,
                }
            },
        }


# -- client secrets --------------------------------------------------------------------------


class ClientSecretHasher(BasePasswordHasher):
    """Salted HMAC-SHA256 for OAuth client secrets (OAUTH2_PROVIDER["CLIENT_SECRET_HASHER"]).

    A client secret is 128 random characters, not a password a person chose: no dictionary
    reaches it, so the deliberately slow password hash (PBKDF2, a million rounds, ~0.2 s of
    CPU) would add no protection, only a cost every token request pays and that anyone who
    knows a client_id could impose on the server at will. Listed last in PASSWORD_HASHERS, so
    it never hashes a user's password.
    """

    algorithm = "govserve_client_sha256"

    def encode(self, password, salt):
        self._check_encode_args(password, salt)
        digest = hmac.new(salt.encode(), password.encode(), hashlib.sha256).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded):
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password, encoded):
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
        return {
            "algorithm": decoded["algorithm"],
            "salt": mask_hash(decoded["salt"], show=2),
            "hash": mask_hash(decoded["hash"]),
        }

    def harden_runtime(self, password, encoded):
        pass
