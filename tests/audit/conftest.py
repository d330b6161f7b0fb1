"""Archive tests archive the documents and licences of the cases world plus a licence type
that the world's 食品经营许可 item issues (builders in tests/cases/worlds.py,
tests/licences/worlds.py)."""

import pytest

from tests.cases.worlds import build_world
from tests.licences.worlds import make_licence_type


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def licence_type(world):
    return make_licence_type(world)


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    """Each test's archive checkpoints go to its own folder (never the shared var/)."""
    folder = tmp_path / "archive-checkpoints"
    settings.GOVSERVE = {**settings.GOVSERVE, "ARCHIVE_CHECKPOINT_DIR": folder}
    return folder
