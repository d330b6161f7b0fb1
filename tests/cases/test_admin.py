"""Admin for cases: read-mostly, scoped like the rest, state changes only through the services."""

import pytest
from django.urls import reverse

from govserve.accounts.models import PersonalDataAccess
from govserve.cases import services
from govserve.cases.models import Case, CaseState, FormField
from tests.cases.worlds import pdf, staff
from tests.regions.factories import RegionFactory

pytestmark = pytest.mark.django_db


def submitted_case(world, applicant=None) -> Case:
    case, _created = services.apply(
        applicant or world.applicant,
        idempotency_key=None,
        item=world.item,
        uploads=[(world.id_card.pk, pdf()), (world.floor_plan.pk, pdf("plan.pdf"))],
    )
    return case


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "Root-2026-pass")


def test_a_case_is_read_only_with_its_history_and_masked_numbers(client, world, superuser):
    case = submitted_case(world)
    client.force_login(superuser)
    listing = client.get(reverse("admin:cases_case_changelist"))
    assert listing.status_code == 200 and case.number in listing.content.decode()
    page = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "提交申请" in page and "申请人身份证明" in page  # events and materials inlines
    assert world.applicant.id_number not in page and world.applicant.id_number[:4] in page
    assert client.get(reverse("admin:cases_case_add")).status_code == 403
    before = case.state
    client.post(reverse("admin:cases_case_change", args=[case.pk]), {"state": CaseState.CLOSED})
    case.refresh_from_db()
    assert case.state == before
    assert PersonalDataAccess.objects.filter(viewer=superuser, channel="admin").exists()


def test_staff_see_only_their_cases_and_accept_through_the_service(client, world):
    case = submitted_case(world)
    clerk = world.clerk
    client.force_login(clerk)
    listing = client.get(reverse("admin:cases_case_changelist"))
    assert listing.status_code == 200 and case.number in listing.content.decode()
    client.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert PersonalDataAccess.objects.filter(
        viewer=clerk, subject=world.applicant, channel="admin"
    ).exists()
    client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "accept_selected", "_selected_action": [case.pk]},
    )
    case.refresh_from_db()
    assert case.state == CaseState.IN_REVIEW and case.documents.count() == 1

    other = RegionFactory(
        code="511621000000",
        name="岳池县",
        full_name="四川省广安市岳池县",
        level=3,
        parent=world.city,
    )
    client.force_login(staff("far-clerk", "clerk", other))
    assert case.number not in client.get(reverse("admin:cases_case_changelist")).content.decode()
    client.force_login(world.applicant)
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 302  # not staff


def test_form_fields_are_kept_by_the_catalog_administrators_of_the_item(client, world):
    county_admin = staff("county-catalog", "catalog_admin", world.county)
    other = RegionFactory(
        code="511621000000",
        name="岳池县",
        full_name="四川省广安市岳池县",
        level=3,
        parent=world.city,
    )
    far_admin = staff("far-catalog", "catalog_admin", other)
    add = reverse("admin:cases_formfield_add")
    data = {
        "item": world.item.pk,
        "key": "shop_name",
        "label": "经营场所名称",
        "field_type": "text",
        "required": "on",
        "choices": "[]",
        "order": 1,
    }

    client.force_login(far_admin)
    refused = client.post(add, data)
    assert refused.status_code == 200 and "超出您的目录管理区划或层级" in refused.content.decode()
    assert not FormField.objects.exists()

    client.force_login(county_admin)
    assert client.post(add, data).status_code == 302
    field = FormField.objects.get()
    listing = client.get(
        reverse("admin:cases_formfield_changelist") + f"?item__id__exact={world.item.pk}"
    )
    assert "经营场所名称" in listing.content.decode()

    client.force_login(far_admin)
    change = reverse("admin:cases_formfield_change", args=[field.pk])
    client.post(change, {**data, "label": "改掉"})
    field.refresh_from_db()
    assert field.label == "经营场所名称"

    client.force_login(world.clerk)  # not a catalog administrator
    assert client.get(reverse("admin:cases_formfield_changelist")).status_code == 403


def test_a_number_field_gets_its_bounds_in_the_admin(client, world):
    client.force_login(staff("county-catalog", "catalog_admin", world.county))
    add = reverse("admin:cases_formfield_add")
    data = {
        "item": world.item.pk,
        "key": "staff_count",
        "label": "从业人员人数",
        "field_type": "number",
        "required": "on",
        "choices": "[]",
        "order": 1,
    }
    upside_down = client.post(add, {**data, "min_value": "10", "max_value": "0"})
    assert "最大值不能小于最小值" in upside_down.content.decode()
    on_text = client.post(add, {**data, "field_type": "text", "min_value": "0"})
    assert "只有数字字段可以设置最小值、最大值" in on_text.content.decode()
    assert not FormField.objects.exists()
    assert client.post(add, {**data, "min_value": "0"}).status_code == 302
    assert FormField.objects.get().min_value == 0


def test_notifications_are_read_only(client, world, superuser):
    case = submitted_case(world)
    client.force_login(superuser)
    note = case.notifications.get()
    page = client.get(reverse("admin:cases_notification_change", args=[note.pk]))
    assert page.status_code == 200 and note.subject in page.content.decode()
    assert client.get(reverse("admin:cases_notification_add")).status_code == 403
