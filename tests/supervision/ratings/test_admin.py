"""The admin shows ratings, rectifications and appeals read only."""

from govserve.supervision.ratings import services


def test_admin_lists_read_only(rw, admin_client):
    rating, _ = services.rate(rw.applicant, rw.decided, level=1, comment="慢")
    for url in (
        "/admin/supervision_ratings/rating/",
        f"/admin/supervision_ratings/rating/{rating.pk}/change/",
        "/admin/supervision_ratings/rectification/",
        f"/admin/supervision_ratings/rectification/{rating.rectification.pk}/change/",
        "/admin/supervision_ratings/ratingappeal/",
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/supervision_ratings/rating/add/").status_code == 403
