"""Fixtures of the ticket tests (the builder is in worlds.py beside this module)."""

import pytest

from tests.supervision.tickets.worlds import build_tickets_world


@pytest.fixture
def tw(db):
    return build_tickets_world()
