"""The allowed direction of imports between apps, declared once (DESIGN.md: apps depend downwards).

An app may import the apps listed before it, never those after it; events that flow
upwards go through explicit service calls or signals.
"""

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "govserve"

# Lowest layer first. Apps later in the list may import earlier ones.
LAYERS = [
    "regions",
    "catalog",
    "accounts",
    "workcalendar",
    "cases",
    "workflow",
    "licences",
    "exchange",
    "supervision",
    "inspections",
    "credit",
    "intermediaries",
    "audit",
    "portal",
    "api",
]
# The top two are both entry points; neither builds on the other.
PEERS = {("portal", "api"), ("api", "portal")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m.split(".")[1] for m in found if m.startswith("govserve.") and len(m.split(".")) > 1}


def _app_files():
    for app in LAYERS:
        folder = SRC / app
        if folder.is_dir():
            for path in folder.rglob("*.py"):
                if "migrations" not in path.parts:
                    yield app, path


@pytest.mark.parametrize(("app", "path"), list(_app_files()), ids=lambda v: str(v).split("src/")[-1])
def test_apps_import_only_lower_layers(app, path):
    rank = LAYERS.index(app)
    for other in _imports(path):
        if other == app or other not in LAYERS:
            continue
        assert LAYERS.index(other) < rank and (app, other) not in PEERS, (
            f"{path.relative_to(SRC)} imports govserve.{other}: {app} may use only {LAYERS[:rank]}"
        )


def test_every_app_is_placed_in_a_layer():
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert apps <= set(LAYERS), f"place {sorted(apps - set(LAYERS))} in LAYERS"
