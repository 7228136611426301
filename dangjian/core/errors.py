"""BusinessError: a broken rule, with a stable code and a message a user can read (Chinese)."""

from __future__ import annotations


class BusinessError(Exception):
    """Raised by services when a rule forbids the action. Nothing has been written when it is raised.

    ``code`` is stable (tests and API clients match on it); ``message`` is shown to the user.
    ``details`` carries structured data, for example the row errors of an import.
    """

    def __init__(self, code: str, message: str, *, details: object | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message
