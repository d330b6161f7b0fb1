import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from govserve.catalog import services
from govserve.catalog.models import ImplementationItem, ItemEvent, ItemState
from tests.catalog.factories import ImplementationItemFactory, MaterialFactory
from tests.regions.factories import DepartmentFactory, make_uscc

pytestmark = pytest.mark.django_db

A = ItemEvent.Action


@pytest.fixture
def provincial_item(regions):
    dept = DepartmentFactory(
        name="四川省市场监督管理局", uscc=make_uscc(20000001), region=regions[0]
    )
    item = ImplementationItemFactory(
        department=dept, name="食品生产许可", state=ItemState.PUBLISHED
    )
    MaterialFactory(item=item, name="食品生产许可申请书")
    return item


def test_publish_suspend_resume_cancel_keeps_history(market_bureau):
    item = ImplementationItemFactory(
        department=market_bureau, state=ItemState.DRAFT, effective_date=None
    )
    services.change_state(item, A.PUBLISH, effective_date=dt.date(2025, 1, 2))
    services.change_state(item, A.SUSPEND, reason="系统升级暂停网上受理")
    services.change_state(item, A.RESUME)
    item = services.change_state(
        item, A.CANCEL, effective_date=dt.date(2025, 7, 1), reason="法律依据废止"
    )
    assert item.state == ItemState.CANCELLED and item.end_date == dt.date(2025, 7, 1)
    assert not item.is_actionable
    actions = list(item.events.values_list("action", "from_state", "to_state"))
    assert actions == [
        ("publish", "draft", "published"),
        ("suspend", "published", "suspended"),
        ("resume", "suspended", "published"),
        ("cancel", "published", "cancelled"),
    ]


def test_illegal_transitions_are_refused(market_bureau):
    item = ImplementationItemFactory(
        department=market_bureau, state=ItemState.DRAFT, effective_date=None
    )
    with pytest.raises(services.LifecycleError, match="不能执行“暂停”"):
        services.change_state(item, A.SUSPEND)
    with pytest.raises(services.LifecycleError, match="必须说明理由"):
        services.change_state(item, A.CANCEL)
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT and not item.events.exists()


def test_publishing_an_inconsistent_item_fails_whole(market_bureau):
    item = ImplementationItemFactory(
        department=market_bureau, state=ItemState.DRAFT, promised_limit_days=30
    )
    with pytest.raises(ValidationError) as exc:
        services.change_state(item, A.PUBLISH)
    assert "promised_limit_days" in exc.value.message_dict
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT and not item.events.exists()


def test_delegate_to_lower_level_copies_every_element(regions, provincial_item):
    city_dept = DepartmentFactory(
        name="广安市市场监督管理局", uscc=make_uscc(30000001), region=regions[1]
    )
    [copy] = services.delegate_item(
        provincial_item,
        [(regions[1], city_dept)],
        effective_date=dt.date(2025, 3, 1),
        reason="下放市级实施",
    )
    provincial_item.refresh_from_db()
    assert provincial_item.state == ItemState.DELEGATED and provincial_item.end_date == dt.date(
        2025, 3, 1
    )
    assert copy.state == ItemState.PUBLISHED and copy.delegated_from == provincial_item
    assert copy.exercise_level == 3 and copy.region == regions[1]
    assert list(copy.materials.values_list("name", flat=True)) == ["食品生产许可申请书"]
    event = provincial_item.events.get(action=A.DELEGATE)
    assert list(event.related_items.all()) == [copy]


def test_delegate_only_downwards(regions, market_bureau, provincial_item):
    county_item = ImplementationItemFactory(department=market_bureau)
    with pytest.raises(services.LifecycleError, match="不是.*的下级区划"):
        services.delegate_item(county_item, [(regions[0], provincial_item.department)])


def test_merge(market_bureau):
    a = ImplementationItemFactory(department=market_bureau, name="食品经营许可（新办）")
    b = ImplementationItemFactory(department=market_bureau, name="食品经营许可（延续）")
    into = ImplementationItemFactory(department=market_bureau, name="食品经营许可")
    services.merge_items([a, b], into, effective_date=dt.date(2025, 5, 1), reason="合并为一个事项")
    a.refresh_from_db()
    assert a.state == ItemState.MERGED and a.merged_into == into


def test_revise_raises_version_and_keeps_old_snapshot(market_bureau):
    item = ImplementationItemFactory(department=market_bureau, promised_limit_days=10)
    item = services.revise_item(item, {"promised_limit_days": 5}, reason="承诺时限压缩")
    assert item.version == 2
    event = item.events.get(action=A.REVISE)
    assert event.snapshot["promised_limit_days"] == 5
    with pytest.raises(ValidationError):
        services.revise_item(item, {"promised_limit_days": 40})
    item.refresh_from_db()
    assert item.version == 2 and item.promised_limit_days == 5


def test_list_in_force_on_a_day(market_bureau):
    item = ImplementationItemFactory(department=market_bureau, effective_date=dt.date(2024, 1, 1))
    services.change_state(item, A.CANCEL, effective_date=dt.date(2025, 1, 1), reason="取消")
    qs = ImplementationItem.objects.all()
    assert qs.in_force_on(dt.date(2024, 12, 31)).count() == 1
    assert qs.in_force_on(dt.date(2025, 1, 1)).count() == 0
