"""Sources of pre-filled values for a monthly report. `reports` knows none of them: an app that
can count something (the field log) registers a function here when it starts.

The counts are put into the cells the leader has not saved yet each time the page opens, and are
stored only by his own save or send. Storing them when the report is opened would freeze an early
count (the log keeps growing until the leader sends) into a number the page could no longer tell
from one he typed, so it could neither refresh it nor leave it alone safely; and it would write on
a mere visit. This way the values travel with the typed ones, under the same save key (a retry
never doubles) and version (nothing overwritten unseen), and a saved cell, even an empty one, is
never replaced by the log."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from .checks import format_number

_sources: list[tuple[Callable, str]] = []


@dataclass(frozen=True)
class Suggestion:
    value: Decimal
    label: str   # where the figure comes from, in plain words: "Theo nhật ký"
    detail: str  # the source's own explanation: "Từ nhật ký: 2 hoạt động"

    def line(self, unit_of_measure: str) -> str:
        """"Theo nhật ký: 12 người": the figure with its unit of measure in words."""
        number = format_number(self.value)
        amount = f"{number}{unit_of_measure}" if unit_of_measure == "%" else f"{number} {unit_of_measure}".strip()
        return f"{self.label}: {amount}"


def register(source: Callable, *, label) -> None:
    """source(report) -> {indicator code: (value, explanation)}; label names the source for the
    leader ("Theo nhật ký")."""
    if all(known is not source for known, _label in _sources):
        _sources.append((source, label))


def suggestions(report) -> dict[str, Suggestion]:
    found: dict[str, Suggestion] = {}
    for source, label in _sources:
        for code, (value, detail) in source(report).items():
            found[code] = Suggestion(Decimal(value), str(label), detail)
    return found
