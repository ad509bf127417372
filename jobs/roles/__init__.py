"""Who the To Do lines are for: the brand's roles, and who fixes the data errors of each tab."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sheetsync import policies, setting


@policies("todo")
@dataclass(frozen=True)
class Roles:
    """[policies.todo]: who the To Do lines are for, by role; who fixes each tab's data errors."""

    va: str = "VA"
    founder: str = "Founder"
    workshop: str = "Workshop"
    # tab -> who fixes its data errors (a tab not named: the VA)
    fixers: Mapping[str, str] = setting({}, refers="tab")

    def fixer(self, tab: str) -> str:
        return self.fixers.get(tab, self.va)

    @property
    def order(self) -> tuple[str, ...]:
        """The people whose groups come first on the To Do tab, in this order."""
        return (self.va, self.founder, self.workshop)
