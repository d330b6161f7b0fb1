"""URLs of the OpenID Connect provider, mounted at the site root (see govserve/urls.py).

The endpoints live under /o/; the discovery document is served where the specification
looks for it, at /.well-known/openid-configuration under the issuer (the site root), and
also under /o/ for clients configured with that base. The namespace is django-oauth-toolkit's
own, so its views find each other. Not mounted: the application self-service pages (clients
are registered by administrators), dynamic registration, the device flow and introspection.
"""

from django.urls import path, re_path
from oauth2_provider import views as dot

from .oidc import DiscoveryView

app_name = "oauth2_provider"

urlpatterns = [
    path("o/authorize/", dot.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", dot.TokenView.as_view(), name="token"),
    path("o/revoke_token/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("o/logout/", dot.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
    path("o/.well-known/jwks.json", dot.JwksInfoView.as_view(), name="jwks-info"),
    re_path(
        r"^\.well-known/openid-configuration/?$",
        DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    re_path(
        r"^o/\.well-known/openid-configuration/?$",
        DiscoveryView.as_view(),
        name="oidc-discovery-under-o",
    ),
    path(
        ".well-known/oauth-authorization-server",
        dot.OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]
