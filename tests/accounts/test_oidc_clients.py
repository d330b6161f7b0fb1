"""Registering relying parties: `govserve register_oidc_client` and the admin page."""

import base64
import io

import pytest
from django.core.management import CommandError, call_command
from oauth2_provider.models import AccessToken, Application

pytestmark = pytest.mark.django_db


def register(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("register_oidc_client", *args, stdout=out, stderr=err)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    return values, err.getvalue()


def test_confidential_client_gets_a_secret_shown_once(client):
    values, err = register(
        "--name",
        "某市不动产登记系统",
        "--redirect-uri",
        "https://bdc.example.gov.cn/cb",
        "--confidential",
    )
    app = Application.objects.get(client_id=values["client_id"])
    assert app.name == "某市不动产登记系统"
    assert app.client_type == Application.CLIENT_CONFIDENTIAL
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.algorithm == Application.RS256_ALGORITHM
    assert app.redirect_uris == "https://bdc.example.gov.cn/cb"
    assert not app.skip_authorization
    assert len(values["client_secret"]) >= 64
    assert app.client_secret != values["client_secret"]  # stored hashed
    assert "cannot be shown again" in err


def test_public_client_has_no_secret():
    values, _err = register(
        "--name", "政务服务移动端", "--redirect-uri", "https://app.example.gov.cn/cb"
    )
    assert "client_secret" not in values
    app = Application.objects.get(client_id=values["client_id"])
    assert app.client_type == Application.CLIENT_PUBLIC


def test_several_redirect_uris_and_logout_uris():
    values, _ = register(
        "--name",
        "审批系统",
        "--redirect-uri",
        "https://a.example.gov.cn/cb",
        "--redirect-uri",
        "https://b.example.gov.cn/cb",
        "--post-logout-redirect-uri",
        "https://a.example.gov.cn/",
        "--skip-consent",
        "--client-id",
        "shenpi",
    )
    app = Application.objects.get(client_id="shenpi")
    assert values["client_id"] == "shenpi"
    assert app.redirect_uris.split() == [
        "https://a.example.gov.cn/cb",
        "https://b.example.gov.cn/cb",
    ]
    assert app.post_logout_redirect_uris == "https://a.example.gov.cn/"
    assert app.skip_authorization


@pytest.mark.parametrize(
    "args",
    [
        ["--name", "无回调"],
        ["--name", "坏地址", "--redirect-uri", "javascript:alert(1)"],
        ["--name", "带片段", "--redirect-uri", "https://a.example.gov.cn/cb#x"],
    ],
)
def test_bad_registrations_are_refused(args):
    with pytest.raises(CommandError):
        register(*args)
    assert not Application.objects.exists()


def test_client_credentials_system_can_get_a_token(client):
    values, _ = register("--name", "数据共享交换平台", "--client-credentials")
    auth = base64.b64encode(f"{values['client_id']}:{values['client_secret']}".encode()).decode()
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "catalog.read"},
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    assert AccessToken.objects.get().user is None
    # it reads the catalog as the system itself (no person behind it)
    assert client.get("/api/items/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    assert client.get("/api/accounts/me/", HTTP_AUTHORIZATION=f"Bearer {token}").status_code in (
        401,
        403,
    )


def test_admin_starts_a_new_client_as_govserve_expects(admin_client):
    page = admin_client.get("/admin/oauth2_provider/application/add/")
    assert page.status_code == 200
    initial = page.context["adminform"].form.initial
    assert initial["algorithm"] == "RS256"
    assert initial["authorization_grant_type"] == "authorization-code"
    assert initial["client_type"] == "confidential"
