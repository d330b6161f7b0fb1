"""The allowed direction of imports, declared once and enforced (DESIGN.md "Layout").

Three rules, each with a test that proves it can fail:

1. Between apps: an app imports only the apps listed before it in `LAYERS` (relative imports
   resolved). A new app must be placed in `LAYERS` to be allowed at all.
2. Inside an app: models < selectors < services < the entry points (api, views, admin, urls):
   models import no selectors or services, selectors (reads) import no services (writes), and
   nothing below the entry points imports them.
3. What flows upwards goes through a declared hook (`core.hooks`, configured in
   `settings.GOVSERVE`) whose (owner → implementation) pair is in `UPWARD_HOOKS`, or through a
   signal documented in the sending app's `__init__` docstring. A function-local import of
   our code (the usual way to hide a cycle) needs an entry with its reason in `LOCAL_IMPORTS`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

SRC = Path(__file__).resolve().parents[1] / "src" / "govserve"

# Lowest layer first. An app may import the apps listed before it, never those after it.
LAYERS = [
    "core",
    "regions",
    "catalog",
    "accounts",
    "workcalendar",
    "signing",
    "cases",
    "workflow",
    "licences",
    "audit",
    "exchange",
    "supervision",
    "inspections",
    "credit",
    "intermediaries",
    "portal",
    "api",
]
# The top two are both entry points; neither builds on the other.
PEERS = {("portal", "api"), ("api", "portal")}

# Inside an app (or a sub-app such as catalog/search): the rank of each kind of module.
# Modules of other names (pdf, tasks, receivers, forms …) are not ranked.
KINDS = {
    "models": 0,
    "selectors": 1,
    "services": 2,
    "api": 3,
    "views": 3,
    "admin": 3,
    "urls": 3,
    "serializers": 3,
}

# Hooks that call a higher app: hook → (owner, implementing app, why it cannot be an import).
UPWARD_HOOKS = {
    "PAGE_ACCESS": ("core", "accounts", "every app's pages ask who is signed in and staff"),
    "ITEM_VISIBILITY": ("catalog", "accounts", "draft items are visible per role grants"),
    "HELD_LICENCES": ("cases", "licences", "免提交: materials supplied by held licences"),
    "LICENCE_RESULTS": ("cases", "licences", "a bundle asks no licence its own items issue"),
}

# Function-local imports of our code: (file under src/govserve, imported module) → reason.
LOCAL_IMPORTS = {
    ("catalog/search/backends.py", "govserve.catalog.search.text"): "jieba loads on first search",
    ("workcalendar/calendar.py", "govserve.workcalendar.models"): "the calendar is importable "
    "before the apps load (settings, Celery beat)",
}


@dataclass(frozen=True)
class Import:
    source: str  # dotted module doing the import
    target: str  # dotted module imported (relative imports resolved)
    line: int
    local: bool  # inside a function (not module level, not under TYPE_CHECKING)


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool) -> Iterator[Import]:
    """Every import of a `govserve` module in `source`, relative ones resolved."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    local_nodes = {
        id(node)
        for func in ast.walk(tree)
        if isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(func)
    }
    typing_only = {
        id(node)
        for stmt in ast.walk(tree)
        if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test)
        for node in ast.walk(stmt)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                if node.module:
                    targets = [f"{prefix}.{node.module}"]
                else:  # from . import services, selectors
                    targets = [f"{prefix}.{alias.name}" for alias in node.names]
            elif node.module:
                targets = [node.module]
                # from govserve.cases import services → the submodule
                targets += [f"{node.module}.{alias.name}" for alias in node.names]
        for target in targets:
            if target.startswith("govserve."):
                yield Import(module, target, node.lineno, id(node) in local_nodes)


def app_of(module: str) -> str:
    return module.split(".")[1] if module.count(".") >= 1 else ""


def kind_of(module: str) -> tuple[str, str | None]:
    """(unit, kind): the unit is the app or sub-app the module belongs to."""
    parts = module.split(".")[1:]
    for i, part in enumerate(parts):
        if part in KINDS:
            return ".".join(parts[:i]), part
    return ".".join(parts), None


def layer_violations(imp: Import, layers: list[str] = LAYERS) -> list[str]:
    app, other = app_of(imp.source), app_of(imp.target)
    if other == app or other not in layers and not (SRC / other).is_dir():
        return []
    if app not in layers:
        return [f"{imp.source}: app {app!r} is not placed in LAYERS"]
    if other not in layers:
        return [f"{imp.source}: imports {imp.target}, whose app is not placed in LAYERS"]
    if layers.index(other) < layers.index(app) and (app, other) not in PEERS:
        return []
    return [
        f"{imp.source}:{imp.line} imports {imp.target}: "
        f"{app} may use only {layers[: layers.index(app)]}"
    ]


def order_violations(imp: Import) -> list[str]:
    if app_of(imp.source) != app_of(imp.target):
        return []
    (unit, kind), (other_unit, other_kind) = kind_of(imp.source), kind_of(imp.target)
    if kind is None or other_kind is None or unit != other_unit or kind == other_kind:
        return []
    if KINDS[other_kind] <= KINDS[kind]:  # downwards, or between entry points
        return []
    return [f"{imp.source}:{imp.line} ({kind}) imports {imp.target} ({other_kind})"]


def local_violations(imp: Import, path: str) -> list[str]:
    if not imp.local or path.endswith("apps.py"):  # AppConfig.ready() wires receivers
        return []
    if (path, imp.target) in LOCAL_IMPORTS:
        return []
    return [f"{path}:{imp.line} imports {imp.target} inside a function: list it with a reason"]


def hook_violations(declared: dict[str, str], configured: dict) -> list[str]:
    """`declared`: hook → owner app; `configured`: settings.GOVSERVE."""
    problems = []
    for name, owner in declared.items():
        value = configured.get(name) or []
        for path in [value] if isinstance(value, str) else value:
            target = app_of(path) if path.startswith("govserve.") else ""
            if not target or target == owner:
                continue
            if target not in LAYERS:
                problems.append(f"{name}: {path} is in an app not placed in LAYERS")
            elif LAYERS.index(target) > LAYERS.index(owner):
                allowed = UPWARD_HOOKS.get(name)
                if allowed is None or allowed[:2] != (owner, target):
                    problems.append(f"{name}: {owner} → {target} is not in UPWARD_HOOKS")
    for name in configured:
        value = configured[name]
        if isinstance(value, str) and value.startswith("govserve.") and name not in declared:
            problems.append(f"{name}: configured as a dotted path but no app declares the hook")
    return problems


def _source_files() -> Iterator[Path]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _all_imports() -> Iterator[tuple[str, Import]]:
    for path in _source_files():
        rel = str(path.relative_to(SRC))
        module = module_name(path)
        yield rel, from_source(path.read_text(encoding="utf-8"), module, path.name == "__init__.py")


def from_source(source: str, module: str, is_package: bool) -> list[Import]:
    return list(imports_of(source, module, is_package))


def _flatten() -> list[tuple[str, Import]]:
    return [(rel, imp) for rel, imps in _all_imports() for imp in imps]


ALL = _flatten()


# -- the rules hold for the code -------------------------------------------------------------
def test_apps_import_only_lower_layers():
    problems = [p for rel, imp in ALL if rel != "settings.py" for p in layer_violations(imp)]
    assert not problems, "\n".join(problems)


def test_modules_inside_an_app_keep_their_order():
    problems = [p for _rel, imp in ALL for p in order_violations(imp)]
    assert not problems, "\n".join(problems)


def test_function_local_imports_are_listed_with_a_reason():
    problems = sorted({p for rel, imp in ALL for p in local_violations(imp, rel)})
    assert not problems, "\n".join(problems)
    used = {(rel, imp.target) for rel, imp in ALL if imp.local}
    stale = [key for key in LOCAL_IMPORTS if key not in used and (SRC / key[0]).exists()]
    assert not stale, f"LOCAL_IMPORTS entries no longer needed: {stale}"


def test_every_app_is_placed_in_a_layer():
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    apps.discard("locale")
    assert apps <= set(LAYERS), f"place {sorted(apps - set(LAYERS))} in LAYERS"


def test_configured_hooks_are_declared_and_allowed():
    from govserve.core.hooks import hooks

    declared = {name: hook.owner for name, hook in hooks.items()}
    assert not hook_violations(declared, settings.GOVSERVE)
    # Every upward hook in the table is still declared by its owner (no dead entries).
    for name, (owner, _target, _why) in UPWARD_HOOKS.items():
        assert declared.get(name) == owner, name


# -- each rule can fail ------------------------------------------------------------------
def _imports(code: str, module: str, is_package: bool = False) -> list[Import]:
    return from_source(code, module, is_package)


@pytest.mark.parametrize(
    ("code", "module", "expected"),
    [
        ("from govserve.licences import services\n", "govserve.cases.views", 1),
        ("from ...licences.models import Licence\n", "govserve.cases.services.intake", 1),
        ("from govserve.cases.models import Case\n", "govserve.licences.services", 0),
        ("from govserve.accounts.views import page\n", "govserve.core.pages", 1),
        ("from govserve.portal import views\n", "govserve.api.urls", 1),
    ],
)
def test_layer_rule_can_fail(code, module, expected):
    lines = {imp.line for imp in _imports(code, module) if layer_violations(imp)}
    assert len(lines) == expected, lines


def test_an_app_missing_from_the_table_is_refused():
    imp = Import("govserve.newapp.services", "govserve.cases.models", 1, False)
    assert layer_violations(imp, LAYERS) and "not placed" in layer_violations(imp, LAYERS)[0]


@pytest.mark.parametrize(
    ("code", "module", "is_package", "expected"),
    [
        ("from .services import submit\n", "govserve.cases.selectors", False, 1),
        ("from ..services.intake import submit\n", "govserve.cases.selectors.inbox", False, 1),
        ("from . import services\n", "govserve.catalog.models", False, 1),
        ("from .selectors import x\n", "govserve.catalog.services", False, 0),
        ("from .views import x\n", "govserve.licences.services", False, 1),
        ("from .services import x\n", "govserve.licences.api.wallet", False, 0),
        ("from .search import index\n", "govserve.catalog.services", False, 0),
        ("from .models import Entry\n", "govserve.catalog.search.selectors", False, 0),
    ],
)
def test_order_rule_can_fail(code, module, is_package, expected):
    lines = {imp.line for imp in _imports(code, module, is_package) if order_violations(imp)}
    assert len(lines) == expected, lines


def test_relative_imports_are_resolved():
    (imp,) = _imports("from ..errors import CaseError\n", "govserve.cases.services.intake")
    assert imp.target == "govserve.cases.errors"
    (imp,) = _imports("from .intake import submit\n", "govserve.cases.services", is_package=True)
    assert imp.target == "govserve.cases.services.intake"


def test_local_import_rule_can_fail():
    code = "def f():\n    from govserve.cases import services\n"
    imps = _imports(code, "govserve.cases.selectors")
    assert any(local_violations(imp, "cases/selectors.py") for imp in imps)
    guarded = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .models import X\n"
    assert not _imports(guarded, "govserve.cases.selectors")


def test_hook_rule_can_fail():
    declared = {"HELD_LICENCES": "cases", "SNEAKY": "catalog", "KEY_STORE": "signing"}
    fine = {"HELD_LICENCES": "govserve.licences.once_only.held_licence_materials"}
    assert not hook_violations(declared, fine)
    upward = {"SNEAKY": "govserve.cases.services.submit"}
    assert hook_violations(declared, upward) == ["SNEAKY: catalog → cases is not in UPWARD_HOOKS"]
    undeclared = {"SURPRISE": "govserve.licences.services.issue"}
    assert hook_violations(declared, undeclared)
    downward = {"KEY_STORE": "govserve.core.errors.Refused"}
    assert not hook_violations(declared, downward)
