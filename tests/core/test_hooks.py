"""Hooks are declared by the app that calls them, resolved once, and checked at start-up."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from govserve.core import hooks
from govserve.core.checks import hook_problems
from govserve.core.errors import Refused
from govserve.core.registry import Registry


def _with(**changes):
    from django.conf import settings

    return override_settings(GOVSERVE={**settings.GOVSERVE, **changes})


def test_the_configured_hooks_resolve():
    assert hook_problems() == []
    assert callable(hooks.resolve("HELD_LICENCES"))
    assert all(callable(scanner) for scanner in hooks.resolve("MATERIAL_SCANNERS"))


def test_a_hook_that_does_not_import_stops_the_start():
    with _with(HELD_LICENCES="govserve.licences.nowhere.held"):
        problems = hook_problems()
        assert [p.id for p in problems] == ["govserve.E003"]
        assert "HELD_LICENCES" in problems[0].msg
        with pytest.raises(SystemCheckError):
            call_command("check")


def test_a_required_hook_left_empty_and_a_list_for_one_part_are_refused():
    with _with(KEY_STORE=""):
        assert [p.id for p in hook_problems()] == ["govserve.E001"]
    with _with(PAGE_ACCESS=["govserve.accounts.pages.ACCESS", "govserve.accounts.pages.ACCESS"]):
        assert "govserve.E002" in [p.id for p in hook_problems()]


def test_an_optional_hook_left_empty_resolves_to_nothing_and_settings_changes_are_seen():
    with _with(LICENCE_RESULTS=""):
        assert hooks.resolve("LICENCE_RESULTS") is None
    assert hooks.resolve("LICENCE_RESULTS") is not None
    with pytest.raises(LookupError):
        hooks.resolve("NO_SUCH_HOOK")


def test_a_registry_refuses_a_name_twice():
    registry: Registry[int] = Registry("number")
    registry.register("one", 1)
    registry.register("one", 1)  # the same part again (a module imported twice) is fine
    with pytest.raises(ValueError, match="already registered"):
        registry.register("one", 2)

    @registry.add("two")
    def two() -> int:
        return 2

    assert list(registry) == ["one", "two"] and registry.get("two") is two
    with pytest.raises(LookupError):
        registry.get("three")


def test_a_refusal_carries_field_message_and_status():
    exc = Refused("state", "不能办理", status=409)
    assert (exc.field, exc.message, exc.status, exc.as_dict()) == (
        "state",
        "不能办理",
        409,
        {"state": ["不能办理"]},
    )
