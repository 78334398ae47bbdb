"""A state machine's allowed transitions as data: one table per machine, checked in one place."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Generic, TypeVar

from django.db import models

from egov.lib.problems import Conflict

S = TypeVar("S", bound=models.TextChoices)


class Transitions(Generic[S]):
    """``Transitions({A: {B, C}, B: {C}, C: set()})``: from A one may go to B or C, and so on.

    Every state must appear as a key, so that a forgotten state is an error, not a dead end.
    """

    def __init__(self, states: type[S], allowed: Mapping[S, set[S]]) -> None:
        missing = set(states) - set(allowed)
        if missing:
            raise ValueError(f"states without a row in the transition table: {missing}")
        self.states = states
        self.allowed = {state: frozenset(targets) for state, targets in allowed.items()}

    def allows(self, current: str, target: str) -> bool:
        return target in self.allowed.get(self.states(current), frozenset())

    def check(self, current: str, target: str) -> None:
        if not self.allows(current, target):
            # The generic, already translated message; the states go along for integrators.
            raise Conflict(code="invalid_transition", extra={"from": current, "to": target})

    def pairs(self) -> Iterator[tuple[S, S, bool]]:
        """Every (from, to, allowed) pair, for tests that cover the whole table."""
        for current in self.states:
            for target in self.states:
                yield current, target, target in self.allowed[current]

    def is_final(self, state: str) -> bool:
        return not self.allowed[self.states(state)]
