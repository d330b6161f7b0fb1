"""The site's Content-Security-Policy middleware (django-csp's), with two per-page exceptions:
single sign-on's redirects (form-action) and the browsable API's inline styles (style-src).

The policy (settings.CONTENT_SECURITY_POLICY) lets forms post only to this site
(`form-action 'self'`), and browsers apply form-action to the redirects that follow a form's
submission too. Three pages of the OpenID Connect provider send the browser on to a department
system (a relying party) after a form: the consent page (/o/authorize/: 同意 redirects to the
client's callback), the sign-out page (/o/logout/: on to the client's post-logout address), and
the login page on the way to the consent page (once consent is given, /o/authorize/ redirects
straight on). For those pages, and only when the request names a registered client, that
client's registered origins are added to form-action; every other page keeps the policy as is.

The browsable API (DRF's HTML rendering of /api/… for a browser) is Django REST framework's own
template, with style="…" attributes and a generated <style> for code highlighting: its pages
allow inline styles ('unsafe-inline' in style-src, never in script-src: its scripts are files).
It is a developer's page and its styles are DRF's, not ours to rewrite; everything else keeps
style-src 'self'.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from csp.middleware import CSPMiddleware as BaseCSPMiddleware
from csp.middleware import PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from oauth2_provider.models import AbstractApplication, get_application_model
from rest_framework.renderers import BrowsableAPIRenderer


def _origin(uri: str) -> str | None:
    parts = urlsplit(uri)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _oidc_page(request: HttpRequest) -> tuple[bool, str | None]:
    """Whether this is one of the three pages, and the client_id the request names there."""
    path = request.path_info
    authorize = reverse("oauth2_provider:authorize")
    if path in (authorize, reverse("oauth2_provider:rp-initiated-logout")):
        return True, request.POST.get("client_id") or request.GET.get("client_id")
    if path == settings.LOGIN_URL:
        following = urlsplit(request.POST.get("next") or request.GET.get("next") or "")
        if following.path == authorize and not following.netloc:
            return True, next(iter(parse_qs(following.query).get("client_id", [])), None)
    return False, None


def relying_party_origins(request: HttpRequest, response: HttpResponseBase) -> list[str]:
    """On the three pages: the origins of the registered redirect and post-logout addresses of
    the client the page answers for (the view's `application` when it found one — the sign-out
    page may know it only from the ID token — else the registered client the request names)."""
    is_oidc_page, client_id = _oidc_page(request)
    if not is_oidc_page:
        return []
    context = getattr(response, "context_data", None) or {}
    application = context.get("application")
    if not isinstance(application, AbstractApplication):
        if not client_id:
            return []
        application = get_application_model().objects.filter(client_id=client_id).first()
        if application is None:
            return []
    uris = f"{application.redirect_uris} {application.post_logout_redirect_uris}".split()
    return sorted({origin for uri in uris if (origin := _origin(uri))})


class CSPMiddleware(BaseCSPMiddleware):
    """django-csp's middleware; on the OIDC pages above form-action also allows the client, and
    the browsable API's pages allow inline styles."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        if origins := relying_party_origins(request, response):
            update["form-action"] = [*update.get("form-action", []), *origins]
        if isinstance(getattr(response, "accepted_renderer", None), BrowsableAPIRenderer):
            update["style-src"] = [*update.get("style-src", []), "'unsafe-inline'"]
        parts.update = update or parts.update
        return parts
