"""The REST API: channel posts with client credentials, citizen ratings, rectification steps,
appeals, public figures, idempotency keys."""

import base64
import io

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from govserve.cases.models import Visit
from govserve.supervision.ratings import services
from govserve.supervision.ratings.models import Rating, RectificationState


def register_channel(name="大厅评价器") -> tuple[str, str]:
    out = io.StringIO()
    call_command("register_oidc_client", "--name", name, "--client-credentials", stdout=out)
    values = dict(line.split("=", 1) for line in out.getvalue().split())
    return values["client_id"], values["client_secret"]


def token(client, client_id, secret, scope="ratings.write") -> str:
    auth = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    response = client.post(
        "/o/token/",
        {"grant_type": "client_credentials", "scope": scope},
        HTTP_AUTHORIZATION=f"Basic {auth}",
    )
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


@pytest.fixture
def api():
    return APIClient()


def test_channel_posts_a_rating_with_client_credentials(rw, client, api):
    client_id, secret = register_channel()
    bearer = token(client, client_id, secret)
    visit = Visit.objects.create(case=rw.closed, purpose="领证", recorded_by=rw.clerk)
    body = {
        "channel": "evaluator",
        "case_number": rw.closed.number,
        "visit": visit.pk,
        "level": 2,
        "scores": {"score_attitude": 1, "score_competence": 3},
        "comment": "等候太久",
    }
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer}", "HTTP_IDEMPOTENCY_KEY": "eval-1"}
    response = api.post("/api/ratings/channel/", body, format="json", **headers)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["channel"] == "evaluator" and data["client_id"] == client_id
    assert data["visit"] == visit.pk and data["scores"]["score_attitude"] == 1
    assert data["rectification"]["state"] == "open"  # a bad real-name rating
    rating = Rating.objects.get()
    assert rating.rater == rw.applicant and rating.hall_id == visit.hall_id
    # the same key again: the same rating, nothing new
    again = api.post("/api/ratings/channel/", body, format="json", **headers)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    other = api.post("/api/ratings/channel/", {**body, "level": 5}, format="json", **headers)
    assert other.status_code == 409 and "idempotency_key" in other.json()
    # without the key: a duplicate rating of the visit
    dup = api.post(
        "/api/ratings/channel/", body, format="json", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )
    assert dup.status_code == 409 and "visit" in dup.json()
    assert Rating.objects.count() == 1


def test_channel_post_needs_the_scope_and_a_client_token(rw, client, api):
    client_id, secret = register_channel("只读系统")
    bearer = token(client, client_id, secret, scope="catalog.read")
    body = {"channel": "terminal", "case_number": rw.closed.number, "level": 5}
    response = api.post(
        "/api/ratings/channel/", body, format="json", HTTP_AUTHORIZATION=f"Bearer {bearer}"
    )
    assert response.status_code == 403
    api.force_authenticate(rw.applicant)
    assert api.post("/api/ratings/channel/", body, format="json").status_code == 403
    api.force_authenticate(None)
    assert api.post("/api/ratings/channel/", body, format="json").status_code in (401, 403)
    assert not Rating.objects.exists()


def test_channel_post_refuses_bad_input_field_by_field(rw, client, api):
    client_id, secret = register_channel()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token(client, client_id, secret)}")
    cases = [
        ({"channel": "web", "case_number": rw.closed.number, "level": 5}, "channel"),
        ({"channel": "hotline", "case_number": "nope", "level": 5}, "case_number"),
        ({"channel": "hotline", "case_number": rw.closed.number, "level": 9}, "level"),
        ({"channel": "hotline", "case_number": rw.open_case.number, "level": 5}, "case"),
        (
            {
                "channel": "hotline",
                "case_number": rw.closed.number,
                "level": 3,
                "comment": "x" * 301,
            },
            "comment",
        ),
        (
            {
                "channel": "hotline",
                "case_number": rw.closed.number,
                "level": 3,
                "scores": {"score_attitude": 3},
            },
            "score_attitude",
        ),
    ]
    for body, field in cases:
        response = api.post("/api/ratings/channel/", body, format="json")
        assert 400 <= response.status_code < 500, (body, response.content)
        assert field in response.json(), (body, response.json())
    assert not Rating.objects.exists()


def test_citizen_rates_and_re_rates_through_the_api(rw, api):
    api.force_authenticate(rw.applicant)
    url = f"/api/ratings/cases/{rw.decided.pk}/"
    response = api.post(url, {"level": 1, "comment": "材料要求不清楚"}, format="json")
    assert response.status_code == 201, response.content
    rating_id = response.json()["id"]
    early = api.post(f"/api/ratings/{rating_id}/re-rate/", {"level": 5}, format="json")
    assert early.status_code == 409
    listing = api.get(url).json()
    assert [r["id"] for r in listing] == [rating_id]
    # the department works through the API
    api.force_authenticate(rw.market_reviewer)
    rect_id = api.get("/api/ratings/rectifications/").json()["results"][0]["id"]
    for step, text in (("verify", "属实"), ("rectify", "已更新办事指南"), ("reply", "已更新")):
        response = api.post(
            f"/api/ratings/rectifications/{rect_id}/{step}/", {"text": text}, format="json"
        )
        assert response.status_code == 200, response.content
    assert response.json()["state"] == RectificationState.REPLIED
    review = api.post(
        f"/api/ratings/rectifications/{rect_id}/review/", {"accept": True}, format="json"
    )
    assert review.status_code == 403  # department staff do not review themselves
    api.force_authenticate(rw.applicant)
    response = api.post(
        f"/api/ratings/{rating_id}/re-rate/", {"level": 4, "comment": "好多了"}, format="json"
    )
    assert response.status_code == 201 and response.json()["revises"] == rating_id
    api.force_authenticate(rw.supervisor)
    review = api.post(
        f"/api/ratings/rectifications/{rect_id}/review/", {"accept": True}, format="json"
    )
    assert review.status_code == 200 and review.json()["state"] == "accepted"


def test_citizen_api_only_own_cases(rw, api):
    api.force_authenticate(rw.other_applicant)
    url = f"/api/ratings/cases/{rw.decided.pk}/"
    assert api.get(url).status_code == 404
    assert api.post(url, {"level": 5}, format="json").status_code == 404
    api.force_authenticate(None)
    assert api.get(url).status_code in (401, 403)


def test_rectification_api_scope(rw, api):
    services.rate(rw.applicant, rw.decided, level=2, comment="慢")
    services.rate(rw.other_applicant, rw.sibling_case, level=1, comment="差")
    api.force_authenticate(rw.sibling_supervisor)
    numbers = [r["case_number"] for r in api.get("/api/ratings/rectifications/").json()["results"]]
    assert numbers == [rw.sibling_case.number]
    api.force_authenticate(rw.health_reviewer)
    assert api.get("/api/ratings/rectifications/").json()["results"] == []
    api.force_authenticate(rw.applicant)
    assert api.get("/api/ratings/rectifications/").status_code == 403


def test_appeal_api(rw, api):
    rating, _ = services.rate(rw.applicant, rw.decided, level=1, comment="恶意")
    api.force_authenticate(rw.health_reviewer)
    assert (
        api.post(
            f"/api/ratings/{rating.pk}/appeals/",
            {"ground": "malicious", "reasons": "x"},
            format="json",
        ).status_code
        == 404
    )
    api.force_authenticate(rw.market_reviewer)
    response = api.post(
        f"/api/ratings/{rating.pk}/appeals/",
        {"ground": "malicious", "reasons": "申请人事后承认"},
        format="json",
    )
    assert response.status_code == 201
    appeal_id = response.json()["id"]
    api.force_authenticate(rw.supervisor)
    assert [a["id"] for a in api.get("/api/ratings/appeals/").json()["results"]] == [appeal_id]
    decided = api.post(
        f"/api/ratings/appeals/{appeal_id}/decide/",
        {"uphold": True, "reasons": "查实"},
        format="json",
    )
    assert decided.status_code == 200 and decided.json()["state"] == "upheld"
    rating.refresh_from_db()
    assert rating.excluded


def test_public_satisfaction(rw, api):
    services.rate(rw.applicant, rw.decided, level=5)
    services.rate(rw.applicant, rw.closed, level=2, comment="慢")
    response = api.get("/api/ratings/satisfaction/")
    assert response.status_code == 200
    (row,) = response.json()
    assert row["name"] == rw.market.name and row["count"] == 2
    assert row["levels"] == [0, 1, 0, 0, 1] and row["satisfaction"] == 50.0
    assert row["bad"] == 1 and row["rectified"] == 0 and row["rectification_rate"] == 0.0
    assert api.get("/api/ratings/satisfaction/", {"region": "12"}).status_code == 400
    assert api.get("/api/ratings/satisfaction/", {"group": "x"}).status_code == 400
    by_region = api.get(
        "/api/ratings/satisfaction/", {"group": "region", "region": rw.sibling.code}
    )
    assert by_region.json() == []


def test_schema_describes_the_routes(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for route in (
        "/api/ratings/channel/",
        "/api/ratings/cases/{case_id}/",
        "/api/ratings/{id}/re-rate/",
        "/api/ratings/rectifications/{id}/reply/",
        "/api/ratings/appeals/{id}/decide/",
        "/api/ratings/satisfaction/",
    ):
        assert route in paths, route
    channel = paths["/api/ratings/channel/"]["post"]
    assert {"oauth2": ["ratings.write"]} in channel["security"]
    assert {"201", "200", "400", "403", "404", "409"} <= set(channel["responses"])
