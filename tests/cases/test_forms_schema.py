"""Application forms are checked against the item's form spec (forms_schema.py): numbers within
the field's bounds, text within its length (the spec's max_length, else a default cap), one value
per field — in an application and in a draft alike, nothing stored when refused."""

import pytest
from rest_framework.test import APIClient

from govserve.cases.forms_schema import max_length
from govserve.cases.models import Case, FormField

DRAFTS = "/api/cases/drafts/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def fields(world):
    return {
        "staff_count": FormField.objects.create(
            item=world.item,
            key="staff_count",
            label="从业人员人数",
            field_type="number",
            min_value=0,
            max_value=100000,
        ),
        "shop_name": FormField.objects.create(
            item=world.item, key="shop_name", label="经营场所名称", max_length=30
        ),
        "address": FormField.objects.create(
            item=world.item, key="address", label="经营场所地址", required=False
        ),
        "notes": FormField.objects.create(
            item=world.item, key="notes", label="备注", field_type="textarea", required=False
        ),
        "area": FormField.objects.create(
            item=world.item, key="area", label="经营面积", field_type="number", required=False
        ),
    }


def draft(world):
    client = client_for(world.applicant)
    pk = client.post(DRAFTS, {"item": world.item.pk}, format="json").json()["id"]
    return client, pk


@pytest.mark.parametrize(
    ("form", "key", "message"),
    [
        ({"staff_count": -3}, "staff_count", "从业人员人数：不能小于 0"),
        ({"staff_count": "-1"}, "staff_count", "从业人员人数：不能小于 0"),
        ({"staff_count": 100001}, "staff_count", "从业人员人数：不能大于 100000"),
        ({"staff_count": "NaN"}, "staff_count", "从业人员人数：请填写数字"),
        ({"staff_count": "Infinity"}, "staff_count", "从业人员人数：请填写数字"),
        ({"shop_name": "店" * 31}, "shop_name", "经营场所名称：不能超过 30 个字"),
        ({"address": "路" * 501}, "address", "经营场所地址：不能超过 500 个字"),
        ({"notes": "字" * 2001}, "notes", "备注：不能超过 2000 个字"),
        ({"address": {"a": "b"}}, "address", "经营场所地址：应填写一个值，不能是对象或列表"),
        ({"address": ["建设路"]}, "address", "经营场所地址：应填写一个值，不能是对象或列表"),
    ],
)
def test_a_draft_is_refused_what_the_spec_does_not_allow(world, fields, form, key, message):
    client, pk = draft(world)
    resp = client.patch(f"{DRAFTS}{pk}/", {"form_data": form}, format="json")
    assert resp.status_code == 400
    assert resp.json() == {f"form_data.{key}": [message]}
    assert Case.objects.get(pk=pk).form_data == {}


def test_values_within_the_spec_are_kept(world, fields):
    client, pk = draft(world)
    form = {
        "staff_count": 0,
        "shop_name": "店" * 30,
        "address": "路" * 500,
        "notes": "字" * 2000,
        "area": "-2.5",  # no bounds in its spec
    }
    resp = client.patch(f"{DRAFTS}{pk}/", {"form_data": form}, format="json")
    assert resp.status_code == 200, resp.content
    assert Case.objects.get(pk=pk).form_data == {**form, "staff_count": "0"}


def test_an_application_with_a_negative_count_is_refused(world, fields):
    resp = client_for(world.applicant).post(
        "/api/cases/",
        {"item": world.item.pk, "form_data": {"staff_count": -3, "shop_name": "小面馆"}},
        format="json",
    )
    assert resp.status_code == 400
    assert resp.json()["form_data.staff_count"] == ["从业人员人数：不能小于 0"]
    assert not Case.objects.exists()


def test_the_form_tells_the_bounds(world, fields):
    resp = client_for(world.applicant).get(f"/api/cases/form/?item={world.item.pk}")
    assert resp.status_code == 200, resp.content
    staff = next(f for f in resp.json()["fields"] if f["key"] == "staff_count")
    assert (staff["min_value"], staff["max_value"]) == ("0.0000", "100000.0000")


def test_default_caps_by_field_type(fields):
    assert max_length(fields["shop_name"]) == 30
    assert max_length(fields["address"]) == 500
    assert max_length(fields["notes"]) == 2000
