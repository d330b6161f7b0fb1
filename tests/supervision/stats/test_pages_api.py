"""The public statistics page, the supervisors' dashboard (who may see what), CSV exports and
the JSON API (/api/statistics/…)."""

import csv
import io

import pytest
from django.urls import reverse

from tests.accounts.factories import PersonFactory

pytestmark = pytest.mark.django_db

MARCH = {"region": "511602", "from": "2026-03", "to": "2026-03"}


def rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_public_page_shows_figures_targets_and_failing_items(client, sw):
    response = client.get(reverse("statistics:public"), MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert "按时办结率" in html and "75 %" in html
    assert "&lt; 13" in html and "未达标" in html
    assert "公共场所卫生许可" in html  # fails every yardstick
    assert 'id="statistics-charts"' in html and "statistics/vendor/echarts.min.js" in html
    assert "满意率" not in html and "红牌数" not in html  # the dashboard's figures
    assert "<script>" not in html  # CSP: no inline script (json_script is data)


def test_public_page_bad_input_is_a_message_not_a_500(client, sw):
    response = client.get(reverse("statistics:public"), {"from": "2026-13"})
    assert response.status_code == 400 and "YYYY-MM" in response.content.decode()
    assert client.get(reverse("statistics:public"), {"region": "999999"}).status_code == 404
    assert client.get(reverse("statistics:public"), {"department": "x1"}).status_code == 400
    response = client.get(reverse("statistics:public"), {"from": "2026-05", "to": "2026-03"})
    assert response.status_code == 400


def test_public_csv_exports(client, sw):
    response = client.get(reverse("statistics:public-export", args=["indicators"]), MARCH)
    assert response["Content-Type"].startswith("text/csv")
    table = rows(response)
    assert table[0][:3] == ["分组", "指标", "数值"]
    assert ["办件", "按时办结率", "75.0", "%", "", ""] in table
    trend = rows(client.get(reverse("statistics:public-export", args=["trend"]), MARCH))
    assert trend[1][0] == "2026-03"
    assert (
        client.get(reverse("statistics:public-export", args=["ratings"]), MARCH).status_code == 404
    )


def test_the_dashboard_is_for_supervisors_only(client, sw):
    url = reverse("statistics:dashboard")
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(PersonFactory())
    assert client.get(url).status_code == 403
    client.force_login(sw.reviewer)
    assert client.get(url).status_code == 403
    client.force_login(sw.county_supervisor)
    response = client.get(url, {"from": "2026-03", "to": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "广安区" in html and "满意率" in html and "红牌数" in html and "非常不满意" in html


def test_a_supervisor_sees_only_their_regions(client, sw):
    client.force_login(sw.county_supervisor)
    url = reverse("statistics:dashboard")
    assert client.get(url, {"region": "511603"}).status_code == 403  # 前锋区
    assert client.get(url, {"region": "511600"}).status_code == 403  # the city above
    csv_url = reverse("statistics:dashboard-export", args=["indicators"])
    assert client.get(csv_url, {"region": "511603"}).status_code == 403
    client.force_login(sw.city_supervisor)
    assert client.get(url, {"region": "511603"}).status_code == 200
    response = client.get(url, {"region": "511600", "from": "2026-03", "to": "2026-03"})
    assert "前锋区" in response.content.decode()
    assert client.get(url, {"region": "510104"}).status_code == 403  # 锦江区, another city
    ratings = client.get(reverse("statistics:dashboard-export", args=["ratings"]), MARCH)
    assert ["非常满意", "1"] in rows(ratings) and ["非常不满意", "0"] in rows(ratings)


def test_the_header_links_the_dashboard_for_supervisors(client, sw):
    client.force_login(sw.county_supervisor)
    assert (
        reverse("statistics:dashboard") in client.get(reverse("statistics:public")).content.decode()
    )
    client.force_login(sw.reviewer)
    assert (
        reverse("statistics:dashboard")
        not in client.get(reverse("statistics:public")).content.decode()
    )


def test_api_figures_json_and_csv_need_no_token(client, sw):
    response = client.get("/api/statistics/figures/", MARCH)
    assert response.status_code == 200
    body = response.json()
    got = {f["key"]: f for f in body["figures"]}
    assert got["on_time_rate"]["value"] == 75.0
    assert got["average_decision_days"]["target"] == "< 13"
    assert "satisfaction" not in got
    assert body["region"] == "511602000000" and body["period"]["first"] == "2026-03-01"
    response = client.get("/api/statistics/figures/", {**MARCH, "item": sw.good.pk})
    assert {f["key"]: f["value"] for f in response.json()["figures"]}["on_time_rate"] == 66.7
    response = client.get("/api/statistics/figures/", {**MARCH, "file_format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    trend = client.get("/api/statistics/trend/", {**MARCH, "to": "2026-04"}).json()
    applications = next(t for t in trend["trends"] if t["key"] == "applications")
    assert applications == {"key": "applications", "label": "申请件数", "unit": "件",
                            "months": ["2026-03", "2026-04"], "values": [5.0, 1.0]}  # fmt: skip
    yard = client.get("/api/statistics/yardsticks/", MARCH).json()
    steps = next(y for y in yard["yardsticks"] if y["key"] == "steps")
    assert steps["failing"] == 1 and steps["items"][0]["name"] == "公共场所卫生许可"


def test_api_bad_input_is_field_level(client, sw):
    response = client.get("/api/statistics/figures/", {"from": "March"})
    assert response.status_code == 400 and "from" in response.json()
    assert client.get("/api/statistics/figures/", {"region": "123456"}).status_code == 404
    assert client.get("/api/statistics/figures/", {"file_format": "xml"}).status_code == 400


def test_api_dashboard_is_scoped(client, sw):
    assert client.get("/api/statistics/dashboard/figures/", MARCH).status_code in (401, 403)
    client.force_login(sw.reviewer)
    assert client.get("/api/statistics/dashboard/figures/", MARCH).status_code == 403
    client.force_login(sw.county_supervisor)
    response = client.get("/api/statistics/dashboard/figures/", MARCH)
    got = {f["key"]: f["value"] for f in response.json()["figures"]}
    assert got["satisfaction"] == 50.0 and got["red_cards"] == 1
    levels = response.json()["rating_levels"]
    assert levels[0] == {"label": "非常满意", "count": 1}
    assert levels[4] == {"label": "非常不满意", "count": 0}
    sibling = client.get("/api/statistics/dashboard/figures/", {**MARCH, "region": "511603"})
    assert sibling.status_code == 403
    assert client.get("/api/statistics/dashboard/trend/", MARCH).status_code == 200
    assert client.get("/api/statistics/dashboard/yardsticks/", MARCH).status_code == 200


def test_the_page_shows_a_refresh_at_once(client, sw):
    import datetime as dt

    from govserve.cases.models import CaseState
    from govserve.supervision.stats import services
    from tests.cases.factories import CaseFactory

    url = reverse("statistics:public")
    assert "<td>4 件</td>" in client.get(url, MARCH).content.decode()  # 办结件数
    CaseFactory(item=sw.good, state=CaseState.CLOSED, on=dt.date(2026, 3, 2),
                decided_on=dt.date(2026, 3, 3))  # fmt: skip
    assert "<td>4 件</td>" in client.get(url, MARCH).content.decode()  # until the refresh
    services.refresh([dt.date(2026, 3, 1)])
    assert "<td>5 件</td>" in client.get(url, MARCH).content.decode()
