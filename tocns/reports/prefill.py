"""Sources of pre-filled values for a monthly report. `reports` knows none of them: an app that
can count something (the field log) registers a function here when it starts."""

from collections.abc import Callable
from decimal import Decimal

_sources: list[Callable] = []


def register(source: Callable) -> None:
    """source(report) -> {indicator code: (value, explanation)}."""
    if source not in _sources:
        _sources.append(source)


def suggestions(report) -> dict[str, tuple[Decimal, str]]:
    found: dict[str, tuple[Decimal, str]] = {}
    for source in _sources:
        found.update(source(report))
    return found
