"""/api/supervision/ notices, escalations, cards and ladders."""

import datetime as dt

from rest_framework.test import APIClient

from govserve.cases.models import CaseState
from govserve.supervision.escalation import services
from govserve.supervision.escalation.models import SupervisionNotice
from tests.cases.factories import CaseFactory


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def late(ew, item=None):
    return CaseFactory(
        item=item or ew.item,
        state=CaseState.IN_REVIEW,
        on=dt.date(2026, 9, 1),
        current_due=dt.date(2026, 9, 30),
    )


def test_create_with_idempotency_key_then_reply_return_accept(ew):
    case = late(ew)
    sup = api(ew.county_sup)
    body = {"case": case.pk, "subject": "超期督办", "body": "请说明", "reply_days": 3}
    first = sup.post("/api/supervision/notices/", body, format="json", HTTP_IDEMPOTENCY_KEY="n-1")
    assert first.status_code == 201, first.json()
    again = sup.post("/api/supervision/notices/", body, format="json", HTTP_IDEMPOTENCY_KEY="n-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    clash = sup.post(
        "/api/supervision/notices/",
        {**body, "subject": "另一件"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="n-1",
    )
    assert clash.status_code == 409 and "idempotency_key" in clash.json()
    assert SupervisionNotice.objects.count() == 1
    pk = first.json()["id"]
    data = first.json()
    assert data["department"] == ew.market.pk and data["state"] == "open"
    assert data["events"][0]["action"] == "issued"

    dept = api(ew.reviewer)
    assert [n["id"] for n in dept.get("/api/supervision/notices/").json()["results"]] == [pk]
    replied = dept.post(
        f"/api/supervision/notices/{pk}/reply/", {"reply_text": "已处理"}, format="json"
    )
    assert replied.status_code == 200 and replied.json()["state"] == "replied"
    returned = sup.post(
        f"/api/supervision/notices/{pk}/return/", {"reason": "不完整"}, format="json"
    )
    assert returned.json()["state"] == "open" and returned.json()["round"] == 2
    dept.post(f"/api/supervision/notices/{pk}/reply/", {"reply_text": "补充说明"}, format="json")
    accepted = sup.post(f"/api/supervision/notices/{pk}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "closed"
    again = sup.post(f"/api/supervision/notices/{pk}/accept/", {}, format="json")
    assert again.status_code == 409


def test_refusals_are_field_level(ew):
    sup = api(ew.county_sup)
    missing = sup.post("/api/supervision/notices/", {"subject": "s", "body": "b"}, format="json")
    assert missing.status_code == 400 and "case" in missing.json()
    other = late(ew, ew.sibling_item)
    denied = sup.post(
        "/api/supervision/notices/", {"case": other.pk, "subject": "s", "body": "b"}, format="json"
    )
    assert denied.status_code == 403 and "department" in denied.json()
    nobody = sup.post(
        "/api/supervision/notices/", {"case": 999999, "subject": "s", "body": "b"}, format="json"
    )
    assert nobody.status_code == 400
    by_dept = api(ew.reviewer).post(
        "/api/supervision/notices/",
        {"case": late(ew).pk, "subject": "s", "body": "b"},
        format="json",
    )
    assert by_dept.status_code == 403
    assert not SupervisionNotice.objects.exists()


def test_scope_of_lists_and_details(ew):
    notice, _ = services.issue_notice(ew.county_sup, case=late(ew), subject="s", body="b")
    assert api(ew.sibling_sup).get(f"/api/supervision/notices/{notice.pk}/").status_code == 404
    assert api(ew.health_reviewer).get("/api/supervision/notices/").json()["results"] == []
    reply = api(ew.health_reviewer).post(
        f"/api/supervision/notices/{notice.pk}/reply/", {"reply_text": "x"}, format="json"
    )
    assert reply.status_code == 404
    assert api().get("/api/supervision/notices/").status_code in (401, 403)
    from govserve.accounts.models import Role
    from tests.accounts.worlds import make_staff

    clerk = make_staff("esc-api-clerk", Role.COUNTER_CLERK, ew.county)
    assert api(clerk).get("/api/supervision/notices/").status_code == 403


def test_escalations_cards_and_ladders(ew):
    case = late(ew)
    services.escalate(dt.date(2026, 10, 9))
    sup = api(ew.county_sup)
    escalations = sup.get(f"/api/supervision/escalations/?case={case.pk}").json()["results"]
    assert [e["target"] for e in escalations] == ["department_head", "handler"]
    assert api(ew.sibling_sup).get("/api/supervision/escalations/").json()["results"] == []
    cards = sup.get("/api/supervision/cards/?level=red&month=2026-10").json()["results"]
    assert len(cards) == 1 and cards[0]["department"] == ew.market.pk
    bad = sup.get("/api/supervision/cards/?month=2026-13")
    assert bad.status_code == 400 and "month" in bad.json()
    ladders = sup.get("/api/supervision/ladders/").json()
    county = next(row for row in ladders if row["region"] == ew.county.code)
    assert county["defined_at"] is None
    assert [s["days_after"] for s in county["steps"]] == [0, 2, 5]


def test_schema_describes_the_routes(ew):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("esc-admin", "a@example.com", "x-Pass-2024")
    schema = api(admin).get("/api/schema/?format=json").json()
    for route in (
        "/api/supervision/notices/",
        "/api/supervision/notices/{id}/",
        "/api/supervision/notices/{id}/reply/",
        "/api/supervision/notices/{id}/accept/",
        "/api/supervision/notices/{id}/return/",
        "/api/supervision/escalations/",
        "/api/supervision/cards/",
        "/api/supervision/ladders/",
    ):
        assert route in schema["paths"], route
