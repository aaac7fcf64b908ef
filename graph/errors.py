"""Errors of Passerelle.

Every error the package raises derives from ``PasserelleError``::

    PasserelleError
    ├── InputError          bad input: says what is wrong and where (file, row, field)
    ├── NotFoundError       an id that the graph does not hold (or that the caller may not see)
    ├── ForbiddenError      the caller's role may not do this
    ├── ConflictError       the action does not fit the current state (a workflow transition)
    ├── ExtractionError     text that cannot be analysed
    └── StoreError          the store failed to read or write
        └── StoreUnavailable    the store cannot be reached (retry later)

Each carries a French message first and an English one, since users read French first.
"""

from __future__ import annotations


class PasserelleError(Exception):
    """Root of every Passerelle error."""

    code = "error"

    def __init__(self, message_fr: str, message_en: str | None = None, *, where: str | None = None):
        self.message_fr = message_fr
        self.message_en = message_en or message_fr
        self.where = where
        super().__init__(f"{message_fr}" + (f" ({where})" if where else ""))


class InputError(PasserelleError):
    """Input that cannot be accepted as it is."""

    code = "invalid_input"


class NotFoundError(PasserelleError):
    """An identifier that the graph does not hold."""

    code = "not_found"


class ForbiddenError(PasserelleError):
    """The caller is known but its role may not do this."""

    code = "forbidden"


class ConflictError(PasserelleError):
    """The action does not fit the current state of what it acts on."""

    code = "conflict"


class ExtractionError(PasserelleError):
    """Text that the extraction pipeline cannot analyse."""

    code = "extraction_failed"


class StoreError(PasserelleError):
    """The store failed to read or write."""

    code = "store_error"


class StoreUnavailable(StoreError):
    """The store cannot be reached; the operation may be retried later."""

    code = "store_unavailable"


def unknown_need(need_id: str) -> NotFoundError:
    """A need the graph does not hold, or that the caller may not read (the same answer)."""
    return NotFoundError(f"Besoin inconnu : {need_id}", f"Unknown need: {need_id}", where="need_id")


def unknown_lab(lab_id: str) -> NotFoundError:
    """A lab the graph does not hold."""
    return NotFoundError(
        f"Laboratoire inconnu : {lab_id}", f"Unknown lab: {lab_id}", where="lab_id"
    )


def unknown_introduction(intro_id: str) -> NotFoundError:
    """An introduction that does not exist, or that the caller may not see."""
    return NotFoundError(
        f"Introduction inconnue : {intro_id}",
        f"Unknown introduction: {intro_id}",
        where="introduction_id",
    )
