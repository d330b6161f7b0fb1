"""An item can require a minimum real-name level; the policy compares the applicant's."""

import pytest
from django.contrib.auth.models import AnonymousUser

from govserve.accounts.models import AssuranceLevel
from govserve.accounts.policies import meets_assurance
from tests.accounts.factories import PersonFactory
from tests.catalog.factories import ImplementationItemFactory
from tests.regions.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def test_minimum_assurance_level(client):
    item = ImplementationItemFactory(
        department=DepartmentFactory(), min_assurance_level=AssuranceLevel.COUNTER_VERIFIED
    )
    person = PersonFactory(assurance_level=AssuranceLevel.SELF_DECLARED)
    assert not meets_assurance(person, item)
    person.assurance_level = AssuranceLevel.COUNTER_VERIFIED
    assert meets_assurance(person, item)
    assert not meets_assurance(AnonymousUser(), item)
    page = client.get(f"/items/{item.pk}/").content.decode()
    assert "最低实名认证等级" in page and "窗口核验" in page
