"""Fixtures of the escalation tests (the builder is in worlds.py beside this module)."""

import pytest

from tests.supervision.escalation.worlds import build_escalation_world


@pytest.fixture
def ew(db):
    return build_escalation_world()
