"""api/pagination.py: no list answers more than 100 rows at once, whatever ?limit= asks."""

import pytest
from rest_framework.test import APIClient

from govserve.catalog.models import SearchSynonym

pytestmark = pytest.mark.django_db


@pytest.fixture
def synonyms():
    SearchSynonym.objects.bulk_create(
        SearchSynonym(term=f"说法{n:03d}", expansions="营业执照") for n in range(130)
    )


@pytest.mark.parametrize("limit", ["100000000", "101", "99999999999999999999"])
def test_a_page_holds_at_most_100_rows(synonyms, limit):
    body = APIClient().get("/api/synonyms/", {"limit": limit}).json()
    assert body["count"] == 130
    assert len(body["results"]) == 100
    assert "limit=100" in body["next"] and "offset=100" in body["next"]


def test_the_rest_is_on_the_next_page(synonyms):
    client = APIClient()
    first = client.get("/api/synonyms/", {"limit": 100000000}).json()
    rest = client.get(first["next"]).json()
    assert len(rest["results"]) == 30 and rest["next"] is None
    terms = [row["term"] for row in first["results"] + rest["results"]]
    assert len(set(terms)) == 130


def test_smaller_pages_and_the_default_are_unchanged(synonyms):
    client = APIClient()
    assert len(client.get("/api/synonyms/", {"limit": 5}).json()["results"]) == 5
    assert len(client.get("/api/synonyms/").json()["results"]) == 20


def test_an_offset_past_the_end_is_an_empty_page(synonyms):
    body = APIClient().get("/api/synonyms/", {"offset": "99999999999999999999"}).json()
    assert body["results"] == [] and body["count"] == 130
