"""The workbench demo: the demo supervisor of 广安市 sees a case in every category, once."""

import pytest
from django.core.management import call_command

from govserve.accounts.models import User
from govserve.cases.models import Case
from govserve.supervision import selectors
from govserve.supervision.scope import supervisor_scope
from govserve.supervision.selectors import Filters

pytestmark = pytest.mark.django_db


def test_the_demo_supervisor_sees_every_category(monkeypatch, django_capture_on_commit_callbacks):
    # Only this part's demo (the sub-apps' loaders are tested by their own tests).
    for module in ("stats", "ratings", "tickets", "escalation"):
        demo = __import__(f"govserve.supervision.{module}.demo", fromlist=["demo"])
        for name in ("load", "load_history", "refresh"):
            if hasattr(demo, name):
                monkeypatch.setattr(demo, name, lambda: [])
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", no_real_items=True, verbosity=0)
    scope = supervisor_scope(User.objects.get(username="gac-supervisor"))
    tiles = selectors.summary(scope).tiles
    assert all(tiles[category] >= 1 for category in selectors.CATEGORIES), tiles
    for category in selectors.CATEGORIES:
        rows = selectors.case_page(scope, Filters(category=category)).rows
        assert rows and all(r.case.region.code == "511602000000" for r in rows), category
    count = Case.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo", no_real_items=True, verbosity=0)
    assert Case.objects.count() == count
