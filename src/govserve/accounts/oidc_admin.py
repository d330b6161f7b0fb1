"""The admin page for registering department systems as OpenID Connect clients (接入系统).

django-oauth-toolkit registers its Application admin with the class named in
OAUTH2_PROVIDER["APPLICATION_ADMIN_CLASS"]; this one starts a new client as GovServe expects
it (authorization code, confidential, RS256 ID tokens), so a client added here can sign people
in without further settings. `govserve register_oidc_client` does the same from a shell.
"""

from oauth2_provider.admin import ApplicationAdmin as BaseApplicationAdmin
from oauth2_provider.models import get_application_model

Application = get_application_model()

NEW_CLIENT_DEFAULTS = {
    "client_type": Application.CLIENT_CONFIDENTIAL,
    "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
    "algorithm": Application.RS256_ALGORITHM,
}


class ApplicationAdmin(BaseApplicationAdmin):
    list_display = (
        "name",
        "client_id",
        "client_type",
        "authorization_grant_type",
        "algorithm",
        "skip_authorization",
    )

    def get_changeform_initial_data(self, request):
        return {**NEW_CLIENT_DEFAULTS, **super().get_changeform_initial_data(request)}
