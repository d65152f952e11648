"""The project's own exceptions: one error model, mapped to HTTP in one place (web/errors.py)."""

from __future__ import annotations

from dataclasses import dataclass


class GraphsvcError(Exception):
    """Base of every error graphsvc raises on purpose."""

    status = 500

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def to_dict(self) -> dict:
        return {"status": self.status, "message": self.message, "field": self.field}


class NotFound(GraphsvcError):
    status = 404


class Conflict(GraphsvcError):
    status = 409


@dataclass(frozen=True)
class Problem:
    """One thing wrong with some input, at a path such as ``initiatives[3].partners[1].actor``."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message

    def to_dict(self) -> dict:
        return {"field": self.path, "message": self.message}


class Invalid(GraphsvcError):
    """Input that breaks the data model; carries every problem found, not just the first."""

    status = 422

    def __init__(self, problems: list[Problem] | Problem | str, *, field: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(field or "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        first = self.problems[0]
        summary = str(first) if len(self.problems) == 1 else f"{len(self.problems)} problems, first: {first}"
        super().__init__(summary, field=first.path or None)

    def to_dict(self) -> dict:
        body = super().to_dict()
        body["problems"] = [p.to_dict() for p in self.problems]
        return body


class StoreUnavailable(GraphsvcError):
    """The database cannot be reached or used right now (503): retry later."""

    status = 503


class ConfigError(GraphsvcError):
    """A setting is wrong (for example an unknown store URL); reported at start in one line."""

    status = 500
