"""What the ratings part gives the other supervision parts: overdue rectifications for the
escalation ladder, entries on a case's timeline, monthly figures for the statistics."""

import datetime as dt

from django.utils import timezone

from govserve.supervision.ratings import services
from govserve.supervision.ratings.models import Rating
from govserve.supervision.registries import CASE_HISTORY, METRIC_SOURCES, OVERDUE_SOURCES


def figures(month) -> dict:
    rows = METRIC_SOURCES.get("ratings")(month)
    return {(r.metric, r.region_id, r.department_id, r.item_id): r.count for r in rows}


def test_metric_rows_count_only_the_latest_and_never_excluded(rw):
    month = timezone.localdate().replace(day=1)
    where = (rw.county.pk, rw.market.pk, rw.item.pk)
    first, _ = services.rate(rw.applicant, rw.decided, level=1, comment="慢")
    services.rate(rw.applicant, rw.decided, level=5, channel="app")
    excluded, _ = services.rate(rw.applicant, rw.closed, level=2, comment="乱评")
    appeal = services.appeal(rw.market_reviewer, excluded, ground="malicious", reasons="恶意")
    services.decide_appeal(rw.supervisor, appeal, uphold=True, reasons="查实")
    rect = first.rectification
    services.verify(rw.market_reviewer, rect, verification="属实")
    services.rectify(rw.market_reviewer, rect, measures="整改")
    services.reply(rw.market_reviewer, rect, text="答复")
    services.review(rw.supervisor, rect, accept=True)
    services.re_rate(rw.applicant, first, level=4, comment="改进了")
    f = figures(month)
    assert f[("ratings.count", *where)] == 2  # the re-rating (4) and the app's 5
    assert f[("ratings.satisfied", *where)] == 2
    assert f[("ratings.level_4", *where)] == 1 and f[("ratings.level_5", *where)] == 1
    assert ("ratings.level_1", *where) not in f and ("ratings.level_2", *where) not in f
    assert f[("ratings.bad", *where)] == 1  # the excluded bad rating is not counted
    assert f[("ratings.bad_rectified", *where)] == 1
    assert f[("ratings.rectified_on_time", *where)] == 1
    # another month has nothing
    assert figures(month - dt.timedelta(days=40)) == {}
    assert all(r.month == month for r in METRIC_SOURCES.get("ratings")(month))


def test_overdue_rectifications_go_to_the_departments_handlers(rw):
    rating, _ = services.rate(rw.applicant, rw.decided, level=1, comment="慢")
    services.rate(rw.other_applicant, rw.sibling_case, level=1, comment="差")
    source = OVERDUE_SOURCES.get("rectification")
    rect = rating.rectification
    assert source(rect.due) == []  # due today is not late
    late = source(rect.due + dt.timedelta(days=1))
    assert len(late) == 2
    work = next(w for w in late if w.object_id == rect.pk)
    assert work.kind == "rectification" and work.key == f"rectification:{rect.pk}:reply"
    assert work.department_id == rw.market.pk and work.region_id == rw.county.pk
    assert work.handler_ids == {rw.market_reviewer.pk, rw.market_approver.pk}
    assert work.case_id == rw.decided.pk and work.url == f"/ratings/rectifications/{rect.pk}/"
    # batches by id
    assert [w.object_id for w in source(rect.due + dt.timedelta(days=1), limit=1)] == [rect.pk]
    assert rect.pk not in [
        w.object_id for w in source(rect.due + dt.timedelta(days=1), after_id=rect.pk)
    ]
    # replied: no longer late
    services.verify(rw.market_reviewer, rect, verification="属实")
    services.rectify(rw.market_reviewer, rect, measures="整改")
    services.reply(rw.market_reviewer, rect, text="答复")
    assert rect.pk not in [w.object_id for w in source(rect.due + dt.timedelta(days=1))]


def test_case_history_has_the_ratings_and_the_steps(rw):
    rating, _ = services.rate(rw.applicant, rw.decided, level=2, comment="慢")
    services.verify(rw.market_reviewer, rating.rectification, verification="经核实属实")
    services.appeal(rw.market_reviewer, rating, ground="mistaken", reasons="误评")
    entries = CASE_HISTORY.get("ratings")(rw.decided.pk)
    texts = [f"{e.kind} {e.text}" for e in entries]
    assert any("不满意" in t and t.startswith("评价") for t in texts)
    assert any("核实：经核实属实" in t for t in texts)
    assert any(t.startswith("申诉") for t in texts)
    assert entries == sorted(entries, key=lambda e: e.at)
    assert CASE_HISTORY.get("ratings")(rw.closed.pk) == []
    assert Rating.objects.count() == 1
