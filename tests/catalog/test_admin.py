import pytest
from django.contrib.auth import get_user_model

from govserve.catalog.models import ItemEvent, ItemState
from tests.catalog.factories import ImplementationItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(
        "catalog-admin", "a@example.invalid", "pw-Str0ng!"
    )
    client.force_login(user)
    return client


def test_admin_pages_render_in_chinese(admin_client, market_bureau):
    item = ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    for url in (
        "/admin/",
        "/admin/catalog/implementationitem/",
        "/admin/catalog/implementationitem/add/",
        f"/admin/catalog/implementationitem/{item.pk}/change/",
        "/admin/catalog/implementationitem/?q=食品",
        "/admin/catalog/bundle/add/",
        "/admin/catalog/searchsynonym/",
        "/admin/regions/department/",
        "/admin/regions/region/",
        "/admin/catalog/itemevent/",
    ):
        resp = admin_client.get(url)
        assert resp.status_code == 200, url
    page = admin_client.get(f"/admin/catalog/implementationitem/{item.pk}/change/").content.decode()
    assert "承诺办结时限（工作日）" in page and "服务对象" in page and "自然人" in page


def test_admin_bulk_action_keeps_history(admin_client, market_bureau):
    item = ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    resp = admin_client.post(
        "/admin/catalog/implementationitem/",
        {"action": "action_suspend", "_selected_action": [item.pk]},
    )
    assert resp.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.SUSPENDED
    assert item.events.get().action == ItemEvent.Action.SUSPEND


def test_admin_change_form_rejects_inconsistent_item(admin_client, market_bureau):
    item = ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    page = admin_client.get(f"/admin/catalog/implementationitem/{item.pk}/change/")
    form = page.context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and not isinstance(v, list | dict) and k != "result_sample"
    }
    data.update(
        {
            "basic_item": item.basic_item_id,
            "region": item.region_id,
            "department": market_bureau.pk,
            "service_objects": ["1"],
            "handling_forms": ["1"],
            "online_depth": [],
            "procedure": "[]",
            "promised_limit_days": 30,
            "statutory_limit_days": 20,
        }
    )
    for prefix in ("materials", "fees", "responsibilities", "events"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    resp = admin_client.post(f"/admin/catalog/implementationitem/{item.pk}/change/", data)
    assert resp.status_code == 200
    assert "不能超过法定办结时限" in resp.content.decode()
    item.refresh_from_db()
    assert item.promised_limit_days == 10
