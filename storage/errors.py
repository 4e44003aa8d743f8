"""Domain errors: a code and parameters; handlers turn them into Polish sentences."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule of the club was not met (not a bug): e.g. code='invite_expired'."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        extra = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"{self.code}({extra})" if extra else self.code


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""
