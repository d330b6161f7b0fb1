"""A small typed registry of named parts (the idea of Open Formulieren's plugin registry).

One `Registry[T]` per kind of part: hooks, data-sharing sources, notification channels …
A part is registered once under a unique name; registering a name twice is a programming
error, found at start-up rather than by whichever registration happened to win.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._parts: dict[str, T] = {}

    def register(self, name: str, part: T, *, replace: bool = False) -> T:
        if name in self._parts and not replace and self._parts[name] != part:
            raise ValueError(f"{self.kind} {name!r} is already registered")
        self._parts[name] = part
        return part

    def add(self, name: str) -> Callable[[T], T]:
        """Decorator form: `@registry.add("name")` above a class or function."""

        def decorator(part: T) -> T:
            return self.register(name, part)

        return decorator

    def get(self, name: str) -> T:
        try:
            return self._parts[name]
        except KeyError:
            raise LookupError(f"no {self.kind} named {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self._parts

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._parts))

    def items(self) -> list[tuple[str, T]]:
        return sorted(self._parts.items())
