"""The project's own exceptions: one error model, mapped to HTTP in one place (web/errors.py).

Every message is a code with parameters from ``graphsvc.model.messages``: the API shows its
English text with ``code`` and ``params``, the pages translate it. A bare string is refused
(``TypeError``), so no message can bypass the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphsvc.model import messages as msg
from graphsvc.model.messages import Message, require_message


class GraphsvcError(Exception):
    """Base of every error graphsvc raises on purpose."""

    status = 500

    def __init__(self, message: Message, *, field: str | None = None):
        require_message(message)
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self):
        return self.message.params

    def to_dict(self) -> dict:
        return {"status": self.status, "message": str(self.message), "field": self.field,
                **self.message.to_dict()}


class NotFound(GraphsvcError):
    status = 404


class Conflict(GraphsvcError):
    status = 409


@dataclass(frozen=True)
class Problem:
    """One thing wrong with some input, at a path such as ``initiatives[3].partners[1].actor``."""

    path: str
    message: Message

    def __post_init__(self):
        require_message(self.message, "Problem.message")

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self):
        return self.message.params

    @property
    def located(self) -> Message:
        """The message with its path in front (``name: is required``), as one message."""
        return msg.AT_FIELD(field=self.path, problem=self.message) if self.path else self.message

    def __str__(self) -> str:
        return str(self.located)

    def to_dict(self) -> dict:
        return {"field": self.path, "message": str(self.message), **self.message.to_dict()}


class Invalid(GraphsvcError):
    """Input that breaks the data model; carries every problem found, not just the first."""

    status = 422

    def __init__(self, problems: list[Problem] | Problem | Message, *, field: str | None = None):
        if isinstance(problems, Message):
            problems = [Problem(field or "", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        if not self.problems or not all(isinstance(p, Problem) for p in self.problems):
            raise TypeError("Invalid needs one or more Problem (or a Message)")
        first = self.problems[0]
        summary = first.located if len(self.problems) == 1 else \
            msg.SEVERAL_PROBLEMS(count=len(self.problems), first=first.located)
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
