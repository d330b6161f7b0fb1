"""Register a department system as an OpenID Connect client (接入系统登记).

    govserve register_oidc_client --name 某市不动产登记系统 \\
        --redirect-uri https://bdc.example.gov.cn/oidc/callback [--confidential]

prints the client_id (and, for a confidential client, the client_secret: shown once, stored
hashed). Redirect URIs must then match exactly. The same clients can be managed in the admin
(认证和授权 › Applications).
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    help = (
        "Register a relying party (department system) for single sign-on and print its credentials."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--name", required=True, help="the system's name, shown on the consent page"
        )
        parser.add_argument(
            "--redirect-uri",
            action="append",
            default=[],
            dest="redirect_uris",
            help="a redirect URI (exact match); repeat for several",
        )
        parser.add_argument(
            "--post-logout-redirect-uri",
            action="append",
            default=[],
            dest="logout_uris",
            help="where RP-initiated logout may return to; repeat for several",
        )
        parser.add_argument(
            "--confidential",
            action="store_true",
            help="a server-side client that keeps a secret (default: a public client, PKCE only)",
        )
        parser.add_argument(
            "--client-credentials",
            action="store_true",
            help=(
                "a confidential system calling the API as itself "
                "(client_credentials grant, no users)"
            ),
        )
        parser.add_argument(
            "--skip-consent",
            action="store_true",
            help="an in-house system trusted by the platform: users are not asked to consent",
        )
        parser.add_argument(
            "--allowed-origin",
            action="append",
            default=[],
            dest="origins",
            help="CORS origin for the token endpoint",
        )
        parser.add_argument("--client-id", help="use this client_id instead of a generated one")

    def handle(
        self,
        *args,
        name,
        redirect_uris,
        logout_uris,
        confidential,
        client_credentials,
        skip_consent,
        origins,
        client_id,
        **options,
    ):
        Application = get_application_model()
        confidential = confidential or client_credentials
        if client_credentials:
            grant = Application.GRANT_CLIENT_CREDENTIALS
        else:
            grant = Application.GRANT_AUTHORIZATION_CODE
            if not redirect_uris:
                raise CommandError("--redirect-uri is required for a client that signs users in")
        secret = generate_client_secret() if confidential else ""
        app = Application(
            name=name,
            client_type=Application.CLIENT_CONFIDENTIAL
            if confidential
            else Application.CLIENT_PUBLIC,
            authorization_grant_type=grant,
            redirect_uris=" ".join(redirect_uris),
            post_logout_redirect_uris=" ".join(logout_uris),
            allowed_origins=" ".join(origins),
            algorithm=Application.RS256_ALGORITHM,
            skip_authorization=skip_consent,
            client_secret=secret,
        )
        if client_id:
            app.client_id = client_id
        try:
            app.full_clean()
        except ValidationError as exc:
            problems = "; ".join(
                f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()
            )
            raise CommandError(problems) from exc
        with transaction.atomic():
            app.save()
        self.stdout.write(f"client_id={app.client_id}")
        if secret:
            self.stdout.write(f"client_secret={secret}")
            self.stderr.write("The secret is stored hashed and cannot be shown again: copy it now.")
