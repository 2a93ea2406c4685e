"""Errors as values with stable codes.

Services raise these; the API's exception handler and the admin views turn them into the
JSON error shape or a message. ``code`` is stable (clients branch on it), ``message`` is for
people, ``extra`` carries per-field details.
"""

from typing import Any


class ApplicationError(Exception):
    """A refused operation: nothing was changed."""

    code = "error"
    http_status = 400

    def __init__(
        self, message: str, *, extra: dict[str, Any] | None = None, code: str | None = None
    ):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.extra}

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and other.code == self.code
            and other.message == self.message
            and other.extra == self.extra
        )

    def __hash__(self) -> int:
        return hash((type(self), self.code, self.message))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class NotFound(ApplicationError):
    code = "not_found"
    http_status = 404


class Conflict(ApplicationError):
    code = "conflict"
    http_status = 409


class Unprocessable(ApplicationError):
    code = "unprocessable"
    http_status = 422
