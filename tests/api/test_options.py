"""OPTIONS on every API route answers (200, or 401/403/404/405), never a 500 — also for views
that take no body and so name no serializer (api/metadata.py)."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.api.worlds import api_urls
from tests.cases.worlds import build_world

pytestmark = pytest.mark.django_db


def test_the_routes_are_enumerated():
    urls = api_urls()
    assert len(urls) > 60
    assert "/api/licences/wallet/1/renewal/" in urls
    assert "/api/accounts/organisations/1/agents/" in urls
    assert "/api/regions/51/" in urls


def test_options_never_fails_on_any_route():
    world = build_world()
    superuser = get_user_model().objects.create_superuser("root", "r@example.invalid", "pw-1aA!")
    clients = {
        who: APIClient(raise_request_exception=False)
        for who in ("anonymous", "applicant", "superuser")
    }
    clients["applicant"].force_authenticate(world.applicant)
    clients["superuser"].force_authenticate(superuser)
    failures = []
    for url in api_urls():
        for who, client in clients.items():
            response = client.options(url)
            if response.status_code >= 500 or response.status_code not in (
                200,
                401,
                403,
                404,
                405,
            ):
                failures.append((who, url, response.status_code))
    assert failures == []


def test_options_on_a_view_without_a_serializer_lists_what_it_can():
    client = APIClient()
    client.force_authenticate(build_world().applicant)
    response = client.options("/api/licences/wallet/1/renewal/")
    assert response.status_code == 200
    assert "actions" not in response.json()
    assert response.json()["parses"] == [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ]
