"""Pluggable parts named in `settings.GOVSERVE` by dotted path (钩子).

A lower app that must call code of a higher one (cases asks licences which licences an
applicant holds) or of a deployment (a virus scanner, an HSM key store) *declares* a hook in
its `AppConfig.ready()`; settings name the implementation; `resolve(name)` imports it once.
The system check (`checks.py`) resolves every declared hook at start-up, and
`tests/test_hierarchy.py` compares the configured targets with the table of allowed upward
hooks, so an upward dependency is never hidden in a string.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .registry import Registry


@dataclass(frozen=True)
class Hook:
    """A declared hook: `name` is its key in settings.GOVSERVE, `owner` the app calling it."""

    name: str
    owner: str
    doc: str
    many: bool = False  # a list of dotted paths (e.g. virus scanners), all called
    optional: bool = False  # may be empty: the owner then does without


hooks: Registry[Hook] = Registry("hook")


def declare(name: str, *, owner: str, doc: str, many: bool = False, optional: bool = False) -> Hook:
    return hooks.register(name, Hook(name, owner, doc, many, optional))


def configured(name: str) -> list[str]:
    """The dotted path(s) settings give for a hook (a list, empty when unset)."""
    value = settings.GOVSERVE.get(name) or []
    paths = [value] if isinstance(value, str) else list(value)
    return [p.strip() for p in paths if p and p.strip()]


@cache
def _load(path: str) -> Any:
    return import_string(path)


def resolve(name: str) -> Any:
    """The object a hook names (None when optional and unset); a list for a `many` hook."""
    hook = hooks.get(name)
    loaded = [_load(path) for path in configured(name)]
    if hook.many:
        return loaded
    if not loaded:
        if hook.optional:
            return None
        raise LookupError(f"settings.GOVSERVE[{name!r}] is not configured")
    return loaded[0]


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    if setting == "GOVSERVE":
        _load.cache_clear()
