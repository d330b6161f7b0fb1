"""Admin: masked numbers in lists, grants made through the services
(scope rules, events), read-only logs."""

import pytest

from govserve.accounts.models import RoleGrant, SecurityEvent
from tests.accounts.worlds import PASSWORD, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(django_user_model):
    return django_user_model.objects.create_superuser("root", password="x")


def test_user_list_masks_numbers(client, root, citizen):
    client.force_login(root)
    html = client.get("/admin/accounts/user/").content.decode()
    assert citizen.id_number[:4] + "**********" + citizen.id_number[-4:] in html
    assert (
        citizen.id_number not in html and citizen.mobile not in html
    )  # login names that are numbers too
    page = client.get(f"/admin/accounts/user/{citizen.pk}/change/").content.decode()
    assert citizen.id_number not in page


def test_user_search_by_exact_number_only(client, root, citizen):
    client.force_login(root)
    assert "张三" in client.get("/admin/accounts/user/", {"q": citizen.id_number}).content.decode()
    assert (
        "张三"
        not in client.get("/admin/accounts/user/", {"q": citizen.id_number[:10]}).content.decode()
    )


def test_system_admin_grants_in_scope_through_the_admin(client, places, county_admin):
    newcomer = make_staff("newcomer", home=places.county, real_name="新同事")
    county_admin.set_password(PASSWORD)
    county_admin.save()
    client.force_login(county_admin)
    assert client.get("/admin/accounts/rolegrant/").status_code == 200
    form = {
        "user": newcomer.pk,
        "role": "reviewer",
        "region": places.county.pk,
        "department": places.market.pk,
        "reason": "新岗位",
    }
    resp = client.post("/admin/accounts/rolegrant/add/", form)
    assert resp.status_code == 302, resp.content.decode()[:2000]
    grant = RoleGrant.objects.get(user=newcomer)
    assert grant.granted_by == county_admin
    assert SecurityEvent.objects.filter(
        kind="role_granted", user=newcomer, actor=county_admin
    ).exists()
    # Outside the county: not offered, refused, nothing written.
    resp = client.post(
        "/admin/accounts/rolegrant/add/",
        {**form, "region": places.sibling.pk, "department": places.sibling_market.pk},
    )
    assert resp.status_code == 200 and RoleGrant.objects.filter(user=newcomer).count() == 1
    # A rule the service enforces shows on the form.
    resp = client.post(
        "/admin/accounts/rolegrant/add/", {**form, "role": "clerk", "covers_subtree": "on"}
    )
    assert resp.status_code == 200 and "及其下级区划" in resp.content.decode()
    # Revoke with the action.
    resp = client.post(
        "/admin/accounts/rolegrant/", {"action": "revoke", "_selected_action": [grant.pk]}
    )
    assert resp.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert SecurityEvent.objects.filter(kind="role_revoked", user=newcomer).exists()


def test_non_admin_staff_cannot_reach_grants(client, places):
    clerk = make_staff("clerk", "clerk", places.county)
    client.force_login(clerk)
    assert client.get("/admin/accounts/rolegrant/").status_code == 403


def test_logs_are_read_only(client, root):
    client.force_login(root)
    assert client.get("/admin/accounts/securityevent/").status_code == 200
    assert client.get("/admin/accounts/securityevent/add/").status_code == 403
    assert client.get("/admin/accounts/personaldataaccess/add/").status_code == 403
    assert client.get("/admin/accounts/personaldataaccess/").status_code == 200
