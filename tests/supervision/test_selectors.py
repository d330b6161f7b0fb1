"""The workbench's categories, scope and filters (supervision.selectors)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from govserve.cases.models import Case
from govserve.supervision import selectors
from govserve.supervision.filtering import filters_from
from govserve.supervision.scope import supervisor_scope
from govserve.supervision.selectors import Category, Filters
from tests.supervision.workbench_world import build_workbench_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def wb(db):
    return build_workbench_world()


def titles(user, **filters):
    page = selectors.case_page(supervisor_scope(user), Filters(**filters))
    return {row.case.title for row in page.rows}


def test_each_category_holds_its_cases_and_no_others(wb):
    sup = wb.county_supervisor
    assert titles(sup, category=Category.RED) == {"超期的审查", "受理超期的申请", "送达超期"}
    assert titles(sup, category=Category.YELLOW) == {"即将到期的审查"}
    assert titles(sup, category=Category.STOPPED) == {"听证过长", "评审逾期"}
    assert titles(sup, category=Category.ACCEPTANCE_LATE) == {"受理超期的申请"}
    assert titles(sup, category=Category.DEEMED) == {"视为受理"}
    assert titles(sup, category=Category.UNDELIVERED) == {"待送达", "送达超期"}
    assert titles(sup, category=Category.DELIVERY_LATE) == {"送达超期"}
    assert "已办结" not in titles(sup) and "补正中" in titles(sup)
    assert len(titles(sup)) == 11


def test_the_summary_counts_the_same(wb):
    summary = selectors.summary(supervisor_scope(wb.county_supervisor))
    assert summary.tiles == {
        "open": 11,
        "yellow": 1,
        "red": 3,
        "stopped": 2,
        "acceptance_late": 1,
        "deemed": 1,
        "undelivered": 2,
        "delivery_late": 1,
    }
    assert summary.by_stage == {"submitted": 1, "correction": 1, "in_review": 7, "decided": 2}


def test_a_county_supervisor_sees_nothing_of_another_county(wb):
    assert titles(wb.sibling_supervisor) == {"前锋区超期"}
    assert "前锋区超期" not in titles(wb.county_supervisor)
    assert "市级超期" not in titles(wb.county_supervisor)
    assert (
        selectors.visible_case(supervisor_scope(wb.county_supervisor), wb.cases.sibling_red.pk)
        is None
    )


def test_a_city_supervisor_sees_the_whole_city_merged_by_due_date(wb):
    page = selectors.case_page(supervisor_scope(wb.city_supervisor), Filters(category=Category.RED))
    assert {r.case.title for r in page.rows} == {
        "超期的审查",
        "受理超期的申请",
        "送达超期",
        "前锋区超期",
        "市级超期",
    }
    dues = [(r.case.current_due, r.case.pk) for r in page.rows]
    assert dues == sorted(dues)
    assert all(r.colour == "red" and r.days_overdue > 0 for r in page.rows)


def test_a_department_supervisor_sees_only_that_department(wb):
    assert titles(wb.health_supervisor) == {"即将到期的审查", "待送达", "听证过长"}
    rows = selectors.counts_by_department(supervisor_scope(wb.health_supervisor))
    assert [r.name for r in rows] == [wb.places.health.name]


def test_no_grant_no_cases(wb):
    assert not supervisor_scope(wb.reviewer)
    assert titles(wb.reviewer) == set()
    assert selectors.summary(supervisor_scope(wb.reviewer)).tiles["open"] == 0


def test_counts_per_department_and_item(wb):
    scope = supervisor_scope(wb.county_supervisor)
    by_dept = {r.name: (r.open, r.yellow, r.red) for r in selectors.counts_by_department(scope)}
    assert by_dept == {wb.places.market.name: (8, 0, 3), wb.places.health.name: (3, 1, 0)}
    by_item = {r.name: (r.open, r.yellow, r.red) for r in selectors.counts_by_item(scope)}
    assert by_item == {"食品经营许可": (8, 0, 3), "公共场所卫生许可": (3, 1, 0)}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"stage": "decided"}, {"待送达", "送达超期"}),
        ({"q": "听证"}, {"听证过长"}),
        ({"category": "red", "q": "送达"}, {"送达超期"}),
        ({"category": "red", "region": "511603000000"}, {"前锋区超期"}),
        ({"category": "red", "level": "3"}, {"市级超期"}),
    ],
)
def test_filters(wb, params, expected):
    scope = supervisor_scope(wb.city_supervisor)
    page = selectors.case_page(scope, filters_from(params, scope))
    assert {r.case.title for r in page.rows} == expected


def test_filters_by_department_item_channel_and_due_dates(wb):
    scope = supervisor_scope(wb.city_supervisor)
    health = {"即将到期的审查", "待送达", "听证过长"}
    for params in ({"department": str(wb.places.health.pk)}, {"item": str(wb.items.health.pk)}):
        assert {
            r.case.title for r in selectors.case_page(scope, filters_from(params, scope)).rows
        } == health
    Case.objects.filter(pk=wb.cases.red.pk).update(channel="counter")
    page = selectors.case_page(scope, filters_from({"channel": "counter"}, scope))
    assert {r.case.title for r in page.rows} == {"超期的审查"}
    day = wb.cases.yellow.current_due.isoformat()
    page = selectors.case_page(scope, filters_from({"due_from": day, "due_to": day}, scope))
    assert "即将到期的审查" in {r.case.title for r in page.rows}


def test_a_region_outside_the_scope_or_a_bad_value_is_refused(wb):
    scope = supervisor_scope(wb.county_supervisor)
    for params, field in (
        ({"region": "511603000000"}, "region"),
        ({"category": "purple"}, "category"),
        ({"due_from": "2026-13-01"}, "due_from"),
        ({"department": "x"}, "department"),
    ):
        with pytest.raises(Exception) as refused:
            filters_from(params, scope)
        assert refused.value.field == field and refused.value.status == 400


def test_pages_of_fifty(wb):
    scope = supervisor_scope(wb.county_supervisor)
    first = selectors.case_page(scope, Filters(), 1, size=4)
    second = selectors.case_page(scope, Filters(), 2, size=4)
    assert len(first.rows) == 4 and first.has_next and second.number == 2
    assert not {r.case.pk for r in first.rows} & {r.case.pk for r in second.rows}
    assert selectors.PAGE_SIZE == 50


def test_suspension_limits_have_a_legal_basis():
    assert set(selectors.SUSPENSION_LIMITS) == {
        "hearing",
        "tendering",
        "auction",
        "inspection",
        "testing",
        "quarantine",
        "appraisal",
        "expert_review",
    }
    assert selectors.suspension_limit("hearing") == 25
    assert selectors.suspension_limit("testing") == selectors.DEFAULT_SUSPENSION_MAX_WORKING_DAYS
    assert all(limit.basis for limit in selectors.SUSPENSION_LIMITS.values())


def test_the_default_limit_is_configurable(wb, settings):
    settings.GOVSERVE = {**settings.GOVSERVE, "SUPERVISION_SUSPENSION_MAX_WORKING_DAYS": 1}
    assert titles(wb.county_supervisor, category=Category.STOPPED) == {
        "听证过长",
        "评审逾期",
        "检测中",
    }


def test_the_partial_index_migration_exists():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    migration = loader.disk_migrations[("cases", "0007_running_due_partial_indexes")]
    names = {op.index.name: op.index for op in migration.operations}
    assert set(names) == {"case_running_dept_due", "case_running_region_due"}
    for index in names.values():
        assert index.fields[1:] == ["current_due", "id"]
        assert dict(index.condition.children) == dict(selectors.RUNNING.children)
    declared = {i.name: i for i in Case._meta.indexes}
    for name, index in names.items():
        assert declared[name].deconstruct() == index.deconstruct()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL")
def test_the_county_overdue_list_uses_the_partial_index(wb):
    scope = supervisor_scope(wb.county_supervisor)
    keys = selectors.scope_keys(scope)
    where = selectors.category_q(Category.RED, dt.date.today())
    qs = Case.objects.filter(keys.parts[0] & where).order_by("current_due", "pk")[:51]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        plan = qs.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "case_running_region_due" in plan
