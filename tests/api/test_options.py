"""OPTIONS on every API route answers (200, or 401/403/404/405), never a 500 — also for views
that take no body and so name no serializer (api/metadata.py)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from tests.cases.worlds import build_world

pytestmark = pytest.mark.django_db

GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")
CONVERTER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _concrete(pattern: str, sample: str) -> str | None:
    """A URL for one route's pattern, with `sample` for every parameter (None: cannot say)."""
    if "format" in pattern:  # DRF's .json/.api suffix routes repeat the plain ones
        return None
    text = pattern.replace("^", "").replace("$", "").replace("\\Z", "")
    text = GROUP.sub(sample, text)
    text = CONVERTER.sub(sample, text)
    text = text.replace("\\.", ".").replace("\\-", "-").replace("/?", "/")
    if any(c in text for c in "()[]*+?\\"):
        return None
    return "/" + text


def _resolves(url: str) -> bool:
    try:
        resolve(url)
    except Resolver404:
        return False
    return True


def api_urls() -> list[str]:
    """Every /api/ route, its parameters filled with 1 (51 where a region code is asked)."""
    urls: set[str] = set()

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            here = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, here)
                continue
            for sample in ("1", "51"):
                url = _concrete(here, sample)
                if url is not None and url.startswith("/api/") and _resolves(url):
                    urls.add(url)
                    break

    walk(get_resolver().url_patterns, "")
    return sorted(urls)


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
