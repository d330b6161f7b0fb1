"""The wallet REST API: holders list, download and share their licences; departments use a
shared licence stating why; the holder reads the use log."""

import datetime as dt

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from govserve.accounts.models import PersonalDataAccess
from govserve.cases.models import CaseMaterial, MaterialOrigin
from govserve.licences import sharing
from govserve.licences.models import LicenceShare, LicenceStatus, LicenceUse
from tests.accounts.factories import OrganisationFactory
from tests.cases.worlds import PDF_BYTES
from tests.licences.test_selectors import make_licence, represent
from tests.licences.test_sharing import _case_of_market

pytestmark = pytest.mark.django_db

API = "/api/licences/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def licence(world, licence_type):
    return make_licence(world, licence_type, holder_user=world.applicant)


def test_the_wallet_lists_own_and_company_licences_never_others(world, licence_type, licence):
    company = OrganisationFactory()
    represent(world.applicant, company)
    business = make_licence(world, licence_type, holder_organisation=company)
    others = make_licence(world, licence_type, holder_user=world.other_applicant)
    holder = client_for(world.applicant)
    body = holder.get(f"{API}wallet/").json()
    assert body["count"] == 2
    by_id = {row["id"]: row for row in body["results"]}
    assert set(by_id) == {licence.pk, business.pk}
    mine = by_id[licence.pk]
    assert mine["status"] == "valid" and mine["status_label"] == "有效"
    assert mine["holder_id_number"] != world.applicant.id_number
    assert "*" in mine["holder_id_number"]
    assert by_id[business.pk]["holder_id_number"] == company.uscc
    assert mine["pdf"].endswith(f"{API}wallet/{licence.pk}/pdf/")
    assert "/verify/" in mine["verification_url"]
    assert mine["data"] == {"business_address": "广安区北辰街道建设路 1 号"}

    for path in ("", "pdf/", "shares/", "uses/"):
        assert holder.get(f"{API}wallet/{others.pk}/{path}").status_code == 404
    assert APIClient().get(f"{API}wallet/").status_code in (401, 403)


def test_the_holder_downloads_the_pdf(world, licence):
    response = client_for(world.applicant).get(f"{API}wallet/{licence.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_sharing_needs_a_purpose_and_a_usable_licence(world, licence_type, licence):
    holder = client_for(world.applicant)
    url = f"{API}wallet/{licence.pk}/shares/"
    blank = holder.post(url, {"department": world.market.pk, "purpose": " "}, format="json")
    assert blank.status_code == 400
    assert "purpose" in blank.json()
    assert holder.post(url, {"purpose": "核验"}, format="json").json().keys() == {"department"}
    unknown = holder.post(url, {"department": 999999, "purpose": "核验"}, format="json")
    assert unknown.status_code == 400 and "department" in unknown.json()
    assert holder.post(
        url, {"department": world.market.pk, "purpose": "核验", "days": 0}, format="json"
    ).json().keys() == {"days"}
    assert not LicenceShare.objects.exists()

    revoked = make_licence(world, licence_type, status=LicenceStatus.REVOKED)
    refused = holder.post(
        f"{API}wallet/{revoked.pk}/shares/",
        {"department": world.market.pk, "purpose": "核验"},
        format="json",
    )
    assert refused.status_code == 409 and "已撤销" in refused.json()["licence"][0]
    assert not LicenceShare.objects.exists()

    created = holder.post(
        url, {"department": world.market.pk, "purpose": " 核验 ", "days": 7}, format="json"
    )
    assert created.status_code == 201
    share = created.json()
    assert share["purpose"] == "核验" and share["live"] is True
    assert share["expires_on"] == (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    assert [s["id"] for s in holder.get(url).json()] == [share["id"]]


def test_withdrawing_a_share(world, licence):
    grant = sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    url = f"{API}wallet/shares/{grant.pk}/"
    assert client_for(world.other_applicant).delete(url).status_code == 404
    response = client_for(world.applicant).delete(url)
    assert response.status_code == 200
    assert response.json()["live"] is False and response.json()["revoked_at"]
    assert client_for(world.applicant).delete(url).status_code == 409


def test_a_department_uses_a_shared_licence_and_the_holder_sees_it(world, licence):
    world.market_reviewer.real_name = "陈审查"
    world.market_reviewer.save()
    sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    staff = client_for(world.market_reviewer)
    listed = staff.get(f"{API}shared/").json()
    assert [row["licence"]["id"] for row in listed["results"]] == [licence.pk]
    assert listed["results"][0]["licence"]["holder_id_number"] != world.applicant.id_number

    url = f"{API}{licence.pk}/use/"
    blank = staff.post(url, {"purpose": ""}, format="json")
    assert blank.status_code == 400 and "purpose" in blank.json()
    assert not LicenceUse.objects.exists() and not PersonalDataAccess.objects.exists()

    used = staff.post(url, {"purpose": "审查变更申请"}, format="json")
    assert used.status_code == 201
    body = used.json()
    assert body["number"] == licence.number
    assert body["holder_id_number"] != world.applicant.id_number
    assert body["use"]["purpose"] == "审查变更申请"
    assert body["use"]["department"]["id"] == world.market.pk
    pdf = staff.get(body["pdf"].replace("http://testserver", ""))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == PDF_BYTES
    assert PersonalDataAccess.objects.get().channel == "licence:api"

    uses = client_for(world.applicant).get(f"{API}wallet/{licence.pk}/uses/").json()
    assert uses["count"] == 1
    row = uses["results"][0]
    assert row["department"]["name"] == world.market.name
    assert row["user_name"] == "陈审查"
    assert row["purpose"] == "审查变更申请"
    assert row["channel_label"] == "持证人授权查验"
    assert "user" not in row  # who, by name; never an account ID


def test_another_department_is_refused_and_nothing_is_recorded(world, licence):
    sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    url = f"{API}{licence.pk}/use/"
    other = client_for(world.health_reviewer)
    assert other.post(url, {"purpose": "核验"}, format="json").status_code == 403
    pretending = other.post(url, {"purpose": "核验", "department": world.market.pk}, format="json")
    assert pretending.status_code == 403
    applicant = client_for(world.other_applicant)
    assert applicant.post(url, {"purpose": "核验"}, format="json").status_code == 403
    assert (
        client_for(world.market_reviewer)
        .post(f"{API}999999/use/", {"purpose": "核验"}, format="json")
        .status_code
        == 404
    )
    assert not LicenceUse.objects.exists()
    assert not PersonalDataAccess.objects.exists()


def test_a_withdrawn_share_stops_use(world, licence):
    grant = sharing.share(licence, world.applicant, department=world.market, purpose="核验")
    client_for(world.applicant).delete(f"{API}wallet/shares/{grant.pk}/")
    response = client_for(world.market_reviewer).post(
        f"{API}{licence.pk}/use/", {"purpose": "核验"}, format="json"
    )
    assert response.status_code == 403 and "licence" in response.json()
    assert not LicenceUse.objects.exists()


def test_a_case_of_the_department_carrying_the_licence_is_enough(world, licence):
    case = _case_of_market(world, licence)
    response = client_for(world.market_reviewer).post(
        f"{API}{licence.pk}/use/", {"purpose": "审查申请材料", "case": case.pk}, format="json"
    )
    assert response.status_code == 201
    assert LicenceUse.objects.get().case == case
    unknown = client_for(world.market_reviewer).post(
        f"{API}{licence.pk}/use/", {"purpose": "审查", "case": 999999}, format="json"
    )
    assert unknown.status_code == 400 and "case" in unknown.json()
    CaseMaterial.objects.filter(origin=MaterialOrigin.LICENCE).delete()
    refused = client_for(world.market_reviewer).post(
        f"{API}{licence.pk}/use/", {"purpose": "审查", "case": case.pk}, format="json"
    )
    assert refused.status_code == 403


def test_bearer_tokens_need_the_licences_scopes(world, licence):
    app = Application.objects.create(
        name="掌上办",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="https://app.example.gov.cn/cb",
    )

    def token(scope):
        value = f"tok-{scope.replace(' ', '-')}"
        AccessToken.objects.create(
            user=world.applicant,
            application=app,
            token=value,
            scope=scope,
            expires=timezone.now() + dt.timedelta(hours=1),
        )
        return {"HTTP_AUTHORIZATION": f"Bearer {value}"}

    client = APIClient()
    share = {"department": world.market.pk, "purpose": "核验"}
    url = f"{API}wallet/{licence.pk}/shares/"
    assert client.get(f"{API}wallet/", **token("openid")).status_code == 403
    reader = token("openid licences.read")
    assert client.get(f"{API}wallet/", **reader).json()["count"] == 1
    assert client.post(url, share, format="json", **reader).status_code == 403
    writer = token("openid licences.read licences.write")
    assert client.post(url, share, format="json", **writer).status_code == 201
