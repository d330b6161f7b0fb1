"""/api/accounts/: registration, profile, organisations and agents, staff, role grants, reveal."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from govserve.accounts.models import (
    PersonalDataAccess,
    PersonalDataGrant,
    Representation,
    RoleGrant,
    SecurityEvent,
    User,
)
from tests.accounts.factories import PersonFactory, make_company_uscc, make_resident_id
from tests.accounts.worlds import make_staff

pytestmark = pytest.mark.django_db

ID = make_resident_id(7)


# -- registration and profile ----------------------------------------------------------------------
def test_register_answers_masked(api):
    resp = api.post(
        "/api/accounts/register/",
        {
            "real_name": "王五",
            "id_number": ID,
            "mobile": "13812345678",
            "password": "Ga2024-service",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["id_number"] == ID[:4] + "*" * 10 + ID[-4:]
    assert body["mobile"] == "138****5678"
    assert (body["assurance_level"], body["account_type"]) == (1, "person")
    assert "password" not in body and ID not in resp.content.decode()


def test_register_refuses_with_field_errors_and_writes_nothing(api, citizen):
    resp = api.post(
        "/api/accounts/register/",
        {
            "real_name": "王五",
            "id_number": citizen.id_number,
            "mobile": citizen.mobile,
            "password": "123",
        },
        format="json",
    )
    assert resp.status_code == 400
    body = resp.json()
    assert body["id_number"] == ["该身份证号码已注册"] and body["mobile"] == ["该手机号码已注册"]
    assert body["password"]
    assert User.objects.count() == 1
    resp = api.post(
        "/api/accounts/register/",
        {
            "real_name": "王五",
            "id_number": ID[:-1] + "0" if ID[-1] != "0" else ID[:-1] + "1",
            "mobile": "13812340000",
            "password": "Ga2024-service",
        },
        format="json",
    )
    assert resp.status_code == 400 and "校验码错误" in resp.json()["id_number"][0]


def test_me(api, citizen):
    assert api.get("/api/accounts/me/").status_code in (401, 403)
    body = api.as_user(citizen).get("/api/accounts/me/").json()
    assert (
        body["real_name"] == "张三" and body["mobile"] == "138****5678" and "*" in body["id_number"]
    )
    assert body["roles"] == []
    resp = api.patch(
        "/api/accounts/me/", {"mobile": "13900001111", "email": "z@example.invalid"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["mobile"] == "139****1111"
    resp = api.patch("/api/accounts/me/", {"id_number": ID, "is_superuser": True}, format="json")
    assert resp.status_code == 400 and set(resp.json()) == {"id_number", "is_superuser"}
    citizen.refresh_from_db()
    assert not citizen.is_superuser


def test_me_lists_roles_for_staff(api, places):
    clerk = make_staff("clerk", "clerk", places.county)
    roles = api.as_user(clerk).get("/api/accounts/me/").json()["roles"]
    assert [(r["role"], r["region"], r["covers_subtree"]) for r in roles] == [
        ("clerk", "511602000000", False)
    ]


# -- organisations and agents ----------------------------------------------------------------------
@pytest.fixture
def company(api, places, citizen):
    resp = api.as_user(citizen).post(
        "/api/accounts/me/organisations/",
        {"uscc": make_company_uscc(9), "name": "广安某某食品有限公司", "kind": "2"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["my_role"] == "legal" and resp.json()["region"] == "511602000000"
    return resp.json()


def test_organisations(api, citizen, other_citizen, company):
    listed = api.as_user(citizen).get("/api/accounts/me/organisations/").json()
    assert [(o["name"], o["my_role"]) for o in listed] == [("广安某某食品有限公司", "legal")]
    assert api.as_user(other_citizen).get("/api/accounts/me/organisations/").json() == []
    resp = api.as_user(other_citizen).post(
        "/api/accounts/me/organisations/",
        {"uscc": company["uscc"], "name": "冒名", "kind": "2"},
        format="json",
    )
    assert resp.status_code == 400 and resp.json() == {"uscc": ["该统一社会信用代码已登记"]}


def test_authorise_and_revoke_agent(api, citizen, other_citizen, company):
    url = f"/api/accounts/organisations/{company['id']}/agents/"
    client = api.as_user(citizen)
    resp = client.post(
        url, {"identifier": other_citizen.id_number, "real_name": "错名"}, format="json"
    )
    assert resp.status_code == 400 and "identifier" in resp.json()
    until = (timezone.now() + dt.timedelta(days=30)).isoformat()
    resp = client.post(
        url,
        {"identifier": other_citizen.mobile, "real_name": "李四", "valid_until": until},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    rep = resp.json()
    assert rep["kind"] == "agent" and rep["person"]["mobile"] == "139****4321"
    assert other_citizen.id_number not in resp.content.decode()
    assert [r["kind"] for r in client.get(url).json()] == ["agent", "legal"]
    # The agent now sees the organisation, and may not authorise others.
    agent = api.as_user(other_citizen)
    assert [o["my_role"] for o in agent.get("/api/accounts/me/organisations/").json()] == ["agent"]
    third = PersonFactory(username="13700000000", real_name="王五")
    resp = agent.post(url, {"identifier": third.mobile, "real_name": "王五"}, format="json")
    assert (
        resp.status_code == 403
        and resp.json()["detail"] == "只有该法人的现任法定代表人可以授权代理人"
    )
    # Revoke.
    resp = api.as_user(citizen).delete(f"{url}{rep['id']}/")
    assert resp.status_code == 204
    assert Representation.objects.get(pk=rep["id"]).revoked_at is not None
    assert api.as_user(other_citizen).get(url).status_code == 404
    kinds = list(
        SecurityEvent.objects.filter(kind="representation")
        .order_by("id")
        .values_list("detail__action", flat=True)
    )
    assert kinds == ["registered", "authorised", "revoked"]


def test_someone_elses_organisation_is_404(api, other_citizen, company):
    url = f"/api/accounts/organisations/{company['id']}/agents/"
    assert api.as_user(other_citizen).get(url).status_code == 404
    assert (
        api.as_user(other_citizen).get("/api/accounts/organisations/999999/agents/").status_code
        == 404
    )
    resp = api.as_user(other_citizen).post(
        url, {"identifier": "x", "real_name": "x"}, format="json"
    )
    assert resp.status_code == 404


def test_an_organisation_that_does_not_exist_is_404_for_a_superuser_too(api, db):
    root = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw-1aA!")
    for pk in ("999", "99999999999999999999"):
        resp = api.as_user(root).get(f"/api/accounts/organisations/{pk}/agents/")
        assert resp.status_code == 404
        assert resp.json() == {"detail": "法人不存在"}


# -- staff and role grants -------------------------------------------------------------------------
def test_staff_list_and_create_in_scope(api, places, county_admin):
    make_staff("in", home=places.county, real_name="区内")
    make_staff("out", home=places.sibling, real_name="区外")
    client = api.as_user(county_admin)
    names = [s["username"] for s in client.get("/api/accounts/staff/").json()["results"]]
    assert names == ["ga-admin", "in"]
    resp = client.post(
        "/api/accounts/staff/",
        {
            "username": "new",
            "real_name": "新人",
            "password": "Ga2024-service",
            "region": "511602",
            "department": places.health.pk,
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert User.objects.get(username="new").department == places.health
    resp = client.post(
        "/api/accounts/staff/",
        {"username": "new2", "real_name": "新人", "password": "Ga2024-service", "region": "511603"},
        format="json",
    )
    assert resp.status_code == 403 and "前锋区" in resp.json()["detail"]
    assert not User.objects.filter(username="new2").exists()
    outsider = User.objects.get(username="out")
    assert client.get(f"/api/accounts/staff/{outsider.pk}/").status_code == 404


def test_staff_api_is_for_system_admins(api, places, citizen):
    clerk = make_staff("clerk", "clerk", places.county)
    for user in (citizen, clerk):
        resp = api.as_user(user).get("/api/accounts/staff/")
        assert (
            resp.status_code == 403
            and resp.json()["detail"] == "仅系统管理员可以管理工作人员、角色和授权"
        )
    assert api.as_user(None).get("/api/accounts/role-grants/").status_code in (401, 403)


def test_role_grants(api, places, county_admin):
    newcomer = make_staff("newcomer", home=places.county)
    client = api.as_user(county_admin)
    resp = client.post(
        "/api/accounts/role-grants/",
        {
            "user": newcomer.pk,
            "role": "reviewer",
            "region": "511602",
            "department": places.market.pk,
            "reason": "新岗位",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    grant = resp.json()
    assert (grant["role"], grant["region"], grant["granted_by"], grant["active"]) == (
        "reviewer",
        "511602000000",
        county_admin.pk,
        True,
    )
    listed = client.get("/api/accounts/role-grants/", {"user": newcomer.pk}).json()["results"]
    assert [g["id"] for g in listed] == [grant["id"]]
    # Outside the granter's region: 403 with a clear message, nothing changes.
    before = (RoleGrant.objects.count(), SecurityEvent.objects.count())
    resp = client.post(
        "/api/accounts/role-grants/",
        {"user": newcomer.pk, "role": "clerk", "region": "511603"},
        format="json",
    )
    assert resp.status_code == 403
    assert resp.json()["detail"] == "您无权管理“四川省广安市前锋区”：超出您的管理区划"
    resp = client.post(
        "/api/accounts/role-grants/",
        {"user": newcomer.pk, "role": "supervisor", "region": "511602", "covers_subtree": True},
        format="json",
    )
    assert resp.status_code == 403 and "及其下级区划" in resp.json()["detail"]
    assert (RoleGrant.objects.count(), SecurityEvent.objects.count()) == before
    # Field errors are 400.
    resp = client.post(
        "/api/accounts/role-grants/",
        {"user": newcomer.pk, "role": "approver", "region": "511602"},
        format="json",
    )
    assert resp.status_code == 400 and "department" in resp.json()
    # Revoke.
    resp = client.post(
        f"/api/accounts/role-grants/{grant['id']}/revoke/", {"reason": "调岗"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["active"] is False
    assert SecurityEvent.objects.filter(
        kind="role_revoked", user=newcomer, actor=county_admin
    ).exists()


def test_role_grants_outside_scope_are_404(api, places, county_admin, province_admin):
    other = make_staff("other", "clerk", places.sibling)
    grant = RoleGrant.objects.get(user=other)
    client = api.as_user(county_admin)
    assert client.get(f"/api/accounts/role-grants/{grant.pk}/").status_code == 404
    assert (
        client.post(f"/api/accounts/role-grants/{grant.pk}/revoke/", {}, format="json").status_code
        == 404
    )
    assert (
        api.as_user(province_admin).get(f"/api/accounts/role-grants/{grant.pk}/").status_code == 200
    )


def test_data_grants(api, places, county_admin):
    newcomer = make_staff("newcomer", home=places.county)
    until = (timezone.now() + dt.timedelta(days=3)).isoformat()
    client = api.as_user(county_admin)
    resp = client.post(
        "/api/accounts/data-grants/",
        {"user": newcomer.pk, "reason": "核查", "valid_until": until},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert PersonalDataGrant.objects.get().granted_by == county_admin
    assert len(client.get("/api/accounts/data-grants/").json()["results"]) == 1
    outsider = make_staff("outsider", home=places.sibling)
    resp = client.post(
        "/api/accounts/data-grants/",
        {"user": outsider.pk, "reason": "核查", "valid_until": until},
        format="json",
    )
    assert resp.status_code == 403


# -- people: masked profile, reveal, counter verification ------------------------------------------
def test_reveal_is_logged(api, places, citizen):
    clerk = make_staff("clerk", "clerk", places.county)
    admin = make_staff("admin", "system_admin", places.county)
    url = f"/api/accounts/users/{citizen.pk}/"
    profile = api.as_user(clerk).get(url).json()
    assert profile["id_number"] == citizen.id_number[:4] + "*" * 10 + citizen.id_number[-4:]
    # A clerk sees it in full only while verifying at the counter.
    resp = api.post(f"{url}reveal/", {"reason": "查看"}, format="json")
    assert resp.status_code == 403 and not PersonalDataAccess.objects.exists()
    resp = api.post(f"{url}reveal/", {"reason": "现场核验身份", "verifying": True}, format="json")
    assert resp.status_code == 200 and resp.json() == {
        "id_number": citizen.id_number,
        "mobile": citizen.mobile,
    }
    # A system administrator must give a reason.
    resp = api.as_user(admin).post(f"{url}reveal/", {"reason": " "}, format="json")
    assert resp.status_code == 400
    assert api.post(f"{url}reveal/", {"reason": "投诉核查"}, format="json").status_code == 200
    log = list(
        PersonalDataAccess.objects.order_by("at", "id").values_list(
            "viewer__username", "subject_id", "fields", "reason", "channel"
        )
    )
    assert log == [
        ("clerk", citizen.pk, "id_number,mobile", "现场核验身份", "api:counter"),
        ("admin", citizen.pk, "id_number,mobile", "投诉核查", "api"),
    ]


def test_people_the_viewer_may_not_see_are_404(api, places, citizen, other_citizen):
    catalog_admin = make_staff("cat", "catalog_admin", places.county)
    for viewer in (other_citizen, catalog_admin):
        assert api.as_user(viewer).get(f"/api/accounts/users/{citizen.pk}/").status_code == 404
        assert (
            api.post(
                f"/api/accounts/users/{citizen.pk}/reveal/", {"reason": "x"}, format="json"
            ).status_code
            == 404
        )
    assert api.get("/api/accounts/users/987654/").status_code == 404
    assert not PersonalDataAccess.objects.exists()
    # One's own numbers, in full, are logged too.
    resp = api.as_user(citizen).post(
        f"/api/accounts/users/{citizen.pk}/reveal/", {"reason": "本人查看"}, format="json"
    )
    assert resp.status_code == 200 and PersonalDataAccess.objects.get().viewer == citizen


def test_verify_identity_at_counter(api, places, citizen):
    clerk = make_staff("clerk", "clerk", places.county)
    reviewer = make_staff("reviewer", "reviewer", places.county, department=places.market)
    url = f"/api/accounts/users/{citizen.pk}/verify-identity/"
    assert api.as_user(reviewer).post(url).status_code == 403
    resp = api.as_user(clerk).post(url)
    assert resp.status_code == 200 and resp.json()["assurance_level"] == 2


def test_schema_documents_the_accounts_api(tmp_path):
    import io

    from django.core.management import call_command

    out = tmp_path / "schema.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(out), stderr=io.StringIO()
    )
    text = out.read_text(encoding="utf-8")
    for path in (
        "/api/accounts/register/",
        "/api/accounts/me/",
        "/api/accounts/me/organisations/",
        "/api/accounts/organisations/{organisation_pk}/agents/",
        "/api/accounts/staff/",
        "/api/accounts/role-grants/{id}/revoke/",
        "/api/accounts/users/{id}/reveal/",
        "/api/accounts/data-grants/",
    ):
        assert f"  {path}:" in text, path
