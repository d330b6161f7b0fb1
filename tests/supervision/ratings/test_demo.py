"""The ratings demo: good and bad ratings, one rectification under way, one appeal the
supervisor sees; a second run adds nothing."""

from govserve.accounts.models import RoleGrant
from govserve.cases.models import CaseState
from govserve.supervision.ratings import demo
from govserve.supervision.ratings.models import (
    AppealState,
    Rating,
    RatingAppeal,
    Rectification,
    RectificationState,
)
from govserve.supervision.ratings.selectors import visible_appeals, visible_rectifications
from tests.accounts.factories import StaffFactory
from tests.cases.factories import CaseFactory


def test_demo_ratings_once(rw):
    supervisor = StaffFactory(username="gac-supervisor", region=rw.city)
    RoleGrant.objects.create(
        user=supervisor, role="supervisor", region=rw.city, covers_subtree=True
    )
    for n in range(40):
        CaseFactory(
            item=rw.item,
            applicant=rw.applicant if n % 2 else rw.other_applicant,
            state=CaseState.CLOSED,
        )
    lines = demo.load()
    assert any("演示评价" in line for line in lines)
    ratings = Rating.objects.count()
    assert ratings > 20
    assert Rating.objects.filter(level__gte=4).exists() and Rating.objects.filter(level__lte=2)
    assert Rectification.objects.filter(state=RectificationState.ACCEPTED).exists()
    assert Rectification.objects.filter(state=RectificationState.RECTIFIED).count() == 1
    assert visible_rectifications(supervisor).count() == Rectification.objects.count()
    assert visible_appeals(supervisor).filter(state=AppealState.PENDING).count() == 1
    assert demo.load() == []
    assert Rating.objects.count() == ratings and RatingAppeal.objects.count() == 1
