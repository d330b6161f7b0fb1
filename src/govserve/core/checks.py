"""System check: every declared hook resolves, every required one is configured."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.utils.module_loading import import_string

from .hooks import configured, hooks


def hook_problems() -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    for name, hook in hooks.items():
        paths = configured(name)
        if not paths and not (hook.optional or hook.many):
            problems.append(
                checks.Error(
                    f"settings.GOVSERVE[{name!r}] is not set ({hook.owner}: {hook.doc})",
                    id="govserve.E001",
                )
            )
        if len(paths) > 1 and not hook.many:
            problems.append(
                checks.Error(
                    f"settings.GOVSERVE[{name!r}] names one part, not a list", id="govserve.E002"
                )
            )
        for path in paths:
            try:
                import_string(path)
            except ImportError as exc:
                problems.append(
                    checks.Error(
                        f"settings.GOVSERVE[{name!r}] = {path!r} does not resolve: {exc}",
                        hint=f"{hook.owner} calls it: {hook.doc}",
                        id="govserve.E003",
                    )
                )
    return problems


@checks.register()
def check_hooks(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return hook_problems()
