"""The tickets API: citizens and staff (session or bearer token), the public list, and the
12345 hotline with its own client credentials (scope tickets.write, no person behind it)."""

import base64
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from govserve.supervision.tickets import services
from govserve.supervision.tickets.models import Ticket, TicketEvent, TicketState
from tests.supervision.tickets.worlds import caller, file

pytestmark = pytest.mark.django_db

API = "/api/tickets/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def hotline_token(scope="tickets.write", *, user=None, name="12345 政务服务便民热线") -> dict:
    app = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
    )
    value = f"tok-{app.pk}-{scope.replace(' ', '-')}"
    AccessToken.objects.create(
        user=user,
        application=app,
        token=value,
        scope=scope,
        expires=timezone.now() + dt.timedelta(hours=1),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def test_a_citizen_files_and_reads_their_own_tickets(tw):
    client = client_for(tw.citizen)
    body = {"kind": "consultation", "title": "咨询", "content": "请问", "item": tw.item.pk}
    created = client.post(API, body, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["state"] == "assigned" and data["department"]["id"] == tw.market.pk
    assert data["phone"] == "139****0001"
    again = client.post(API, body, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    conflict = client.post(
        API, {**body, "title": "别的"}, format="json", HTTP_IDEMPOTENCY_KEY="a-1"
    )
    assert conflict.status_code == 409 and "idempotency_key" in conflict.json()
    listed = client.get(API).json()
    assert [t["number"] for t in listed["results"]] == [data["number"]]
    assert client_for(tw.other).get(API).json()["results"] == []
    assert client_for(tw.other).get(f"{API}{data['id']}/").status_code == 404
    detail = client.get(f"{API}{data['id']}/").json()
    assert [e["action"] for e in detail["events"]] == ["filed", "assigned"]


def test_anonymous_filing_through_the_api_needs_a_phone(tw):
    client = APIClient()
    body = {"kind": "suggestion", "title": "建议", "content": "延长办公时间", "region": "511602"}
    refused = client.post(API, body, format="json")
    assert refused.status_code == 400 and "phone" in refused.json()
    done = client.post(API, {**body, "phone": "13900000002"}, format="json")
    assert done.status_code == 201 and done.json()["anonymous"] is True
    assert client.get(API).status_code in (401, 403)  # listing needs an account


def test_bad_input_is_a_field_level_400(tw):
    client = client_for(tw.citizen)
    for body, field in (
        ({"kind": "x", "title": "t", "content": "c"}, "kind"),
        ({"kind": "complaint", "title": "t", "content": "c"}, "region"),
        ({"kind": "complaint", "title": "t", "content": "c", "region": "999999"}, "region"),
        ({"kind": "complaint", "title": "t", "content": "c", "item": 999999}, "item"),
    ):
        response = client.post(API, body, format="json")
        assert response.status_code == 400 and field in response.json(), body
    assert not Ticket.objects.exists()


def test_department_actions_and_authorization(tw):
    ticket = file(tw, item=tw.item)
    url = f"{API}{ticket.pk}/"
    assert client_for(tw.sibling_staff).post(f"{url}accept/", {}).status_code == 404
    assert client_for(tw.health_staff).post(f"{url}accept/", {}).status_code == 404
    staff = client_for(tw.market_staff)
    early = staff.post(f"{url}reply/", {"text": "答复"}, format="json")
    assert early.status_code == 409
    assert staff.post(f"{url}accept/", {}).json()["state"] == "accepted"
    moved = staff.post(
        f"{url}transfer/", {"department": tw.health.pk, "reason": "卫生问题"}, format="json"
    )
    assert moved.status_code == 200 and moved.json()["department"]["id"] == tw.health.pk
    event = moved.json()["events"][-1]
    assert (event["action"], event["from_department"]["id"], event["reason"]) == (
        "transferred",
        tw.market.pk,
        "卫生问题",
    )
    health = client_for(tw.health_staff)
    health.post(f"{url}accept/", {})
    replied = health.post(f"{url}reply/", {"text": "已处理"}, format="json").json()
    assert replied["state"] == "replied" and replied["replied_on_time"] is True
    citizen = client_for(tw.citizen)
    assert citizen.post(f"{url}visit/", {"satisfaction": 9}, format="json").status_code == 400
    assert citizen.post(f"{url}visit/", {"satisfaction": 5}, format="json").status_code == 200
    assert client_for(tw.citizen).post(f"{url}close/", {}).status_code == 403
    assert client_for(tw.dispatcher).post(f"{url}close/", {}).json()["state"] == "closed"
    assert client_for(tw.dispatcher).post(f"{url}dance/", {}).status_code == 404


def test_staff_lists_are_scoped(tw):
    ours, theirs = file(tw, item=tw.item), file(tw, region=tw.sibling)
    numbers = lambda user: {t["number"] for t in client_for(user).get(API).json()["results"]}  # noqa: E731
    assert numbers(tw.market_staff) == {ours.number}
    assert numbers(tw.dispatcher) == {ours.number}
    assert numbers(tw.sibling_dispatcher) == {theirs.number}
    assert numbers(tw.city_supervisor) == {ours.number, theirs.number}
    assert numbers(tw.health_staff) == set()


def test_the_hotline_files_with_client_credentials_and_gets_the_number(tw):
    headers = hotline_token()
    client = APIClient()
    body = {
        "kind": "complaint",
        "title": "来电投诉窗口推诿",
        "content": "来电人反映窗口人员推诿。",
        "region": "511602000000",
        "phone": "13900000009",
    }
    created = client.post(
        f"{API}hotline/", body, format="json", HTTP_IDEMPOTENCY_KEY="call-1", **headers
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    ticket = Ticket.objects.get(number=number)
    assert (ticket.channel, ticket.filer, ticket.client_name) == (
        "hotline",
        None,
        "12345 政务服务便民热线",
    )
    assert ticket.events.get(action="filed").actor_label == "12345 政务服务便民热线"
    retry = client.post(
        f"{API}hotline/", body, format="json", HTTP_IDEMPOTENCY_KEY="call-1", **headers
    )
    assert retry.status_code == 200 and retry.json()["number"] == number
    assert client.get(f"{API}hotline/{number}/", **headers).json()["state"] == "dispatching"
    # the hotline updates: a caller adds something, later confirms and is called back
    noted = client.post(
        f"{API}hotline/{number}/note/",
        {"text": "来电人补充：发生在上周三"},
        format="json",
        **headers,
    )
    assert noted.status_code == 200 and noted.json()["events"][-1]["action"] == "updated"
    assert client.post(f"{API}hotline/{number}/accept/", {}, **headers).status_code == 404
    early = client.post(f"{API}hotline/{number}/confirm/", {}, **headers)
    assert early.status_code == 409


def test_the_hotline_needs_its_scope_and_a_client_token(tw):
    body = {
        "kind": "complaint",
        "title": "t",
        "content": "c",
        "region": "511602",
        "phone": "13900000009",
    }
    client = APIClient()
    assert client.post(f"{API}hotline/", body, format="json").status_code in (401, 403)
    wrong_scope = hotline_token("supervision.write")
    assert client.post(f"{API}hotline/", body, format="json", **wrong_scope).status_code == 403
    # a person's token with the scope is not the hotline system
    personal = hotline_token("tickets.write", user=tw.citizen, name="个人应用")
    assert client.post(f"{API}hotline/", body, format="json", **personal).status_code == 403
    assert not Ticket.objects.exists()


def test_the_hotline_client_gets_its_token_from_the_token_endpoint(tw, client):
    out = io.StringIO()
    call_command("register_oidc_client", "--name", "12345 热线", "--client-credentials", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    auth = base64.b64encode(f"{values['client_id']}:{values['client_secret']}".encode()).decode()
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": "tickets.write"},
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    body = {
        "kind": "consultation",
        "title": "咨询",
        "content": "请问",
        "item": tw.item.pk,
        "phone": "13900000009",
    }
    created = APIClient().post(
        f"{API}hotline/", body, format="json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert created.status_code == 201, created.content
    assert created.json()["department"]["id"] == tw.market.pk


def test_the_public_list_is_open_and_anonymised(tw):
    ticket = file(tw, item=tw.item, content="我的电话 13912340001")
    services.accept(caller(tw.market_staff), ticket)
    services.reply(caller(tw.market_staff), ticket, "已回复")
    services.confirm(caller(tw.citizen), Ticket.objects.get(pk=ticket.pk))
    rows = APIClient().get(f"{API}public/").json()["results"]
    assert len(rows) == 1 and "13912340001" not in str(rows)
    assert "number" not in rows[0] and "phone" not in rows[0]
    assert TicketEvent.objects.filter(ticket=ticket, action="confirmed").exists()
    assert Ticket.objects.get(pk=ticket.pk).state == TicketState.CONFIRMED
