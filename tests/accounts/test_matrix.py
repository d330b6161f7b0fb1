"""THE AUTHORIZATION MATRIX: each role × each kind of record × read/change, for own/other
department and inside/outside the region subtree. Expected outcomes are the tables below
(Y allowed, - refused); every cell is one parametrised test of `govserve.accounts.policies`.

The people (one grant each):

    anonymous       not signed in
    applicant       a citizen; owns the record marked "mine"
    agent           a citizen acting for 广安某某食品有限公司 (owner of the record marked "org's")
    clerk           综合窗口 of 广安区 (region role)
    reviewer        审查人员, 广安区市场监督管理局
    approver        审批负责人, 广安区市场监督管理局
    supervisor      监察人员 of 广安市 and its subtree
    catalog_admin   事项目录管理员 of 广安区 (its own level: 县级)
    catalog_city    事项目录管理员 of 广安市 and its subtree (市级 and below)
    system_admin    系统管理员 of 四川省 and its subtree
    data_grantee    a reviewer (as above) with a temporary personal-data grant
    superuser       Django superuser

Where records are (departments; the actor's own is 广安区市场监督管理局):

    own        广安区市场监督管理局        own department, own county
    other      广安区卫生健康局            other department, own county
    sibling    前锋区市场监督管理局        other county inside 广安市's subtree
    city       广安市市场监督管理局        the city itself (市级)
    outside    成都市锦江区市场监督管理局  inside 四川省, outside 广安市
    far        重庆市渝中区市场监督管理局  outside 四川省
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.utils import timezone

from govserve.accounts import policies
from govserve.accounts.models import PersonalDataGrant, Representation
from govserve.catalog.models import ItemState
from govserve.regions.models import Region
from tests.accounts.factories import OrganisationFactory, PersonFactory
from tests.accounts.worlds import build_places, make_staff
from tests.catalog.factories import ImplementationItemFactory

# Every cell runs in its own savepoint inside the module's world
# (built once, rolled back at the end).
pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "applicant",
    "agent",
    "clerk",
    "reviewer",
    "approver",
    "supervisor",
    "catalog_admin",
    "catalog_city",
    "system_admin",
    "data_grantee",
    "superuser",
]
PLACES = ["own", "other", "sibling", "city", "outside", "far"]


def table(text: str) -> dict[str, dict[str, bool]]:
    """Rows `actor  Y - Y ...` under a header row of column names → {actor: {column: allowed}}."""
    lines = [line.split() for line in text.strip().splitlines() if line.strip()]
    header, rows = lines[0], lines[1:]
    out = {}
    for actor, *cells in rows:
        assert len(cells) == len(header), actor
        out[actor] = {col: cell == "Y" for col, cell in zip(header, cells, strict=True)}
    assert list(out) == ACTORS, "every actor has a row, in order"
    return out


# -- 1. catalog items ------------------------------------------------------------------------------
# Published items are read by everyone (not tabled: asserted for every actor and place below).
# Changing an item, and reading one not yet published:
ITEM_CHANGE = table("""
                 own  other  sibling  city  outside  far
anonymous         -     -      -       -      -       -
applicant         -     -      -       -      -       -
agent             -     -      -       -      -       -
clerk             -     -      -       -      -       -
reviewer          -     -      -       -      -       -
approver          -     -      -       -      -       -
supervisor        -     -      -       -      -       -
catalog_admin     Y     Y      -       -      -       -
catalog_city      Y     Y      Y       Y      -       -
system_admin      Y     Y      Y       Y      Y       -
data_grantee      -     -      -       -      -       -
superuser         Y     Y      Y       Y      Y       Y
""")

# -- 2. scoped records (cases, in a later issue) ---------------------------------------------------
# A record of a department in a region, owned by some third citizen — except "mine" (owned by the
# applicant) and "org's" (owned by another citizen for the organisation the agent acts for), both
# filed at the own department.
SCOPED_COLUMNS = PLACES + ["mine", "orgs"]
SCOPED_READ = table("""
                 own  other  sibling  city  outside  far  mine  orgs
anonymous         -     -      -       -      -       -    -     -
applicant         -     -      -       -      -       -    Y     -
agent             -     -      -       -      -       -    -     Y
clerk             Y     Y      -       -      -       -    Y     Y
reviewer          Y     -      -       -      -       -    Y     Y
approver          Y     -      -       -      -       -    Y     Y
supervisor        Y     Y      Y       Y      -       -    Y     Y
catalog_admin     -     -      -       -      -       -    -     -
catalog_city      -     -      -       -      -       -    -     -
system_admin      -     -      -       -      -       -    -     -
data_grantee      Y     -      -       -      -       -    Y     Y
superuser         Y     Y      Y       Y      Y       Y    Y     Y
""")
SCOPED_CHANGE = table("""
                 own  other  sibling  city  outside  far  mine  orgs
anonymous         -     -      -       -      -       -    -     -
applicant         -     -      -       -      -       -    Y     -
agent             -     -      -       -      -       -    -     Y
clerk             Y     Y      -       -      -       -    Y     Y
reviewer          Y     -      -       -      -       -    Y     Y
approver          Y     -      -       -      -       -    Y     Y
supervisor        -     -      -       -      -       -    -     -
catalog_admin     -     -      -       -      -       -    -     -
catalog_city      -     -      -       -      -       -    -     -
system_admin      -     -      -       -      -       -    -     -
data_grantee      Y     -      -       -      -       -    Y     Y
superuser         Y     Y      Y       Y      Y       Y    Y     Y
""")

# -- 3. a person's personal data -------------------------------------------------------------------
# Subjects: the actor themself, another citizen, a staff member at home in 广安区 (inside the
# system administrator's scope) and one at home in 渝中区 (outside it).
# "view": see the profile, masked. "full": the ID and mobile numbers in full (every full view is
# logged by selectors.reveal_personal_data). "verify": in full while verifying at the counter.
PERSON_COLUMNS = [
    "self_view",
    "self_full",
    "citizen_view",
    "citizen_full",
    "citizen_verify",
    "staff_in_view",
    "staff_in_full",
    "staff_out_view",
    "staff_out_full",
]
PERSONAL_DATA = table("""
              self_view self_full citizen_view citizen_full citizen_verify staff_in_view staff_in_full staff_out_view staff_out_full
anonymous         -         -          -            -            -              -             -              -              -
applicant         Y         Y          -            -            -              -             -              -              -
agent             Y         Y          -            -            -              -             -              -              -
clerk             Y         Y          Y            -            Y              -             -              -              -
reviewer          Y         Y          Y            -            -              -             -              -              -
approver          Y         Y          Y            -            -              -             -              -              -
supervisor        Y         Y          Y            -            -              -             -              -              -
catalog_admin     Y         Y          -            -            -              -             -              -              -
catalog_city      Y         Y          -            -            -              -             -              -              -
system_admin      Y         Y          Y            Y            Y              Y             Y              -              -
data_grantee      Y         Y          Y            Y            Y              -             -              -              -
superuser         Y         Y          Y            Y            Y              Y             Y              Y              Y
""")  # noqa: E501


@dataclass(frozen=True)
class Scoped:
    """Stands in for a case: a department in a region, an applicant, perhaps an organisation."""

    department_id: int
    region: Region
    owner_id: int | None = None
    organisation_id: int | None = None


class Anonymous:
    pk = id = None
    is_authenticated = False
    is_active = False
    is_superuser = False


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_world()
        transaction.set_rollback(True)


def _build_world():
    p = build_places()
    departments = {
        "own": p.market,
        "other": p.health,
        "sibling": p.sibling_market,
        "city": p.city_market,
        "outside": p.jinjiang_market,
        "far": p.yuzhong_market,
    }
    applicant = PersonFactory(username="13800000001", real_name="申请人")
    agent = PersonFactory(username="13800000002", real_name="代理人")
    someone = PersonFactory(username="13800000003", real_name="其他群众")
    org = OrganisationFactory()
    Representation.objects.create(organisation=org, person=agent, kind="agent")
    actors = {
        "anonymous": Anonymous(),
        "applicant": applicant,
        "agent": agent,
        "clerk": make_staff("m-clerk", "clerk", p.county),
        "reviewer": make_staff("m-reviewer", "reviewer", p.county, department=p.market),
        "approver": make_staff("m-approver", "approver", p.county, department=p.market),
        "supervisor": make_staff("m-supervisor", "supervisor", p.city, covers_subtree=True),
        "catalog_admin": make_staff("m-catalog", "catalog_admin", p.county),
        "catalog_city": make_staff("m-catalog-city", "catalog_admin", p.city, covers_subtree=True),
        "system_admin": make_staff("m-sysadmin", "system_admin", p.province, covers_subtree=True),
        "data_grantee": make_staff("m-grantee", "reviewer", p.county, department=p.market),
        "superuser": PersonFactory(
            username="m-root", is_superuser=True, is_staff=True, id_number=None
        ),
    }
    PersonalDataGrant.objects.create(
        user=actors["data_grantee"],
        reason="核查",
        valid_until=timezone.now() + dt.timedelta(days=1),
    )
    items = {
        (place, state): ImplementationItemFactory(
            department=dept,
            region=dept.region,
            name=f"事项-{place}-{state}",
            state=state,
            effective_date=dt.date(2024, 1, 1) if state == ItemState.PUBLISHED else None,
        )
        for place, dept in departments.items()
        for state in (ItemState.PUBLISHED, ItemState.DRAFT)
    }
    scoped = {
        place: Scoped(dept.pk, dept.region, owner_id=someone.pk)
        for place, dept in departments.items()
    }
    scoped["mine"] = Scoped(p.market.pk, p.county, owner_id=applicant.pk)
    scoped["orgs"] = Scoped(p.market.pk, p.county, owner_id=someone.pk, organisation_id=org.pk)
    subjects = {
        "citizen": someone,
        "staff_in": make_staff("m-staff-in", home=p.county),
        "staff_out": make_staff("m-staff-out", home=p.yuzhong),
    }
    return {"actors": actors, "items": items, "scoped": scoped, "subjects": subjects}


def cells(tbl, columns):
    return [(actor, col, tbl[actor][col]) for actor in ACTORS for col in columns]


@pytest.mark.parametrize(("actor", "place", "allowed"), cells(ITEM_CHANGE, PLACES))
def test_item_change(world, actor, place, allowed):
    user = world["actors"][actor]
    published = world["items"][(place, ItemState.PUBLISHED)]
    draft = world["items"][(place, ItemState.DRAFT)]
    assert policies.can_change_item(user, published) is allowed
    assert policies.can_change_item(user, draft) is allowed


@pytest.mark.parametrize(("actor", "place", "allowed"), cells(ITEM_CHANGE, PLACES))
def test_item_read(world, actor, place, allowed):
    user = world["actors"][actor]
    assert policies.can_read_item(user, world["items"][(place, ItemState.PUBLISHED)]) is True
    assert policies.can_read_item(user, world["items"][(place, ItemState.DRAFT)]) is allowed


@pytest.mark.parametrize("actor", ACTORS)
def test_item_querysets_agree_with_the_table(world, actor):
    """The queryset filters (lists, exports) give exactly the items the functions allow."""
    from govserve.catalog.models import ImplementationItem

    user = world["actors"][actor]
    ids = {item.pk for item in world["items"].values()}
    changeable = set(
        ImplementationItem.objects.filter(pk__in=ids)
        .filter(policies.changeable_items_q(user))
        .values_list("pk", flat=True)
    )
    visible = set(
        policies.visible_items_queryset(
            user, ImplementationItem.objects.filter(pk__in=ids)
        ).values_list("pk", flat=True)
    )
    for (place, state), item in world["items"].items():
        assert (item.pk in changeable) is ITEM_CHANGE[actor][place], (place, state)
        assert (item.pk in visible) is (
            state == ItemState.PUBLISHED or ITEM_CHANGE[actor][place]
        ), (place, state)


@pytest.mark.parametrize(("actor", "record", "allowed"), cells(SCOPED_READ, SCOPED_COLUMNS))
def test_scoped_read(world, actor, record, allowed):
    r = world["scoped"][record]
    assert (
        policies.can_read_scoped(
            world["actors"][actor],
            department_id=r.department_id,
            region=r.region,
            owner_id=r.owner_id,
            organisation_id=r.organisation_id,
        )
        is allowed
    )


@pytest.mark.parametrize(("actor", "record", "allowed"), cells(SCOPED_CHANGE, SCOPED_COLUMNS))
def test_scoped_change(world, actor, record, allowed):
    r = world["scoped"][record]
    assert (
        policies.can_change_scoped(
            world["actors"][actor],
            department_id=r.department_id,
            region=r.region,
            owner_id=r.owner_id,
            organisation_id=r.organisation_id,
        )
        is allowed
    )


@pytest.mark.parametrize(
    ("actor", "cell", "allowed"),
    [
        c
        for c in cells(PERSONAL_DATA, PERSON_COLUMNS)
        if not (c[0] == "anonymous" and c[1].startswith("self"))
    ],
)
def test_personal_data(world, actor, cell, allowed):
    viewer = world["actors"][actor]
    who, what = cell.rsplit("_", 1)
    subject = viewer if who == "self" else world["subjects"][who]
    if what == "view":
        assert policies.can_view_person(viewer, subject) is allowed
    else:
        assert (
            policies.can_view_full_personal_data(viewer, subject, verifying=what == "verify")
            is allowed
        )


def test_anonymous_has_no_self():
    assert not PERSONAL_DATA["anonymous"]["self_view"]


def test_matrix_size():
    """12 actors × (6 places × item change/read + 8 scoped records × read/change
    + 9 personal-data cells)."""
    assert len(ACTORS) == 12
    assert len(cells(ITEM_CHANGE, PLACES)) * 2 + len(
        cells(SCOPED_READ, SCOPED_COLUMNS)
    ) * 2 == 12 * (12 + 16)
