"""The introduction workflow: an officer introduces a need's company to a lab and follows it.

``proposed → contacted → meeting → agreement``, or ``declined`` (with a reason) from any open
state. Every change, and every note, is an event of the introduction's audit trail, which is
only ever appended to: stores have no way to edit or remove one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

from pydantic import Field

from graph.errors import ConflictError, InputError
from graph.model import Frozen
from graph.rules.input import check_note

Status = Literal["proposed", "contacted", "meeting", "agreement", "declined"]
STATUSES: tuple[Status, ...] = ("proposed", "contacted", "meeting", "agreement", "declined")
OPEN: frozenset[Status] = frozenset({"proposed", "contacted", "meeting"})
NEXT: dict[Status, Status] = {
    "proposed": "contacted",
    "contacted": "meeting",
    "meeting": "agreement",
}
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    "proposed": ("proposée", "proposed"),
    "contacted": ("contact pris", "contacted"),
    "meeting": ("rencontre", "meeting"),
    "agreement": ("accord", "agreement"),
    "declined": ("déclinée", "declined"),
}
SUCCESS: frozenset[Status] = frozenset({"meeting", "agreement"})
"""Introductions that count for a lab on similar needs (``graph.ranking.feedback``)."""
NeedStatus = Literal["new", "in_progress", "closed"]


class Introduction(Frozen):
    """A need's company introduced to a lab, and where that stands."""

    id: str
    need_id: str
    lab_id: str
    status: Status = "proposed"
    reason: str = ""
    """Why it was declined."""
    opened_by: str
    """The officer's account id."""
    opened_at: str
    updated_at: str
    version: int = Field(1, ge=1)
    """How many events its trail holds: a change is stored only over the version it read."""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


class Event(Frozen):
    """One line of an introduction's audit trail: who, when, from which status to which, and
    the note (a note alone keeps the status: ``from_status == to_status``)."""

    introduction_id: str
    seq: int = Field(ge=1)
    actor: str
    """The account id of who did it."""
    at: str
    from_status: Status | None
    to_status: Status
    note: str = ""


def introduction_id(need_id: str, lab_id: str) -> str:
    """One introduction per need and lab."""
    return "intro-" + hashlib.sha256(f"{need_id}\n{lab_id}".encode()).hexdigest()[:16]


def open_introduction(
    need_id: str, lab_id: str, actor: str, at: datetime, note: str = ""
) -> tuple[Introduction, Event]:
    """A new introduction, ``proposed``, and the first event of its trail."""
    when = at.isoformat(timespec="seconds")
    intro = Introduction(
        id=introduction_id(need_id, lab_id),
        need_id=need_id,
        lab_id=lab_id,
        opened_by=actor,
        opened_at=when,
        updated_at=when,
    )
    event = Event(
        introduction_id=intro.id,
        seq=1,
        actor=actor,
        at=when,
        from_status=None,
        to_status="proposed",
        note=check_note(note),
    )
    return intro, event


def advance(
    intro: Introduction,
    to: Status,
    actor: str,
    at: datetime,
    note: str = "",
    reason: str = "",
) -> tuple[Introduction, Event]:
    """``intro`` moved to ``to`` and the event that says so; ConflictError when the workflow
    does not allow it (a closed introduction, a skipped step, a step back); InputError for a
    decline without a reason."""
    note, reason = check_note(note), check_note(reason, "reason")
    if not intro.is_open:
        raise ConflictError(
            f"L'introduction est close ({STATUS_LABELS[intro.status][0]}) : elle ne change plus.",
            f"The introduction is closed ({intro.status}): it does not change any more.",
            where="to",
        )
    if to == "declined":
        if not reason:
            raise InputError(
                "Indiquez pourquoi l'introduction est déclinée (« reason »).",
                "Say why the introduction is declined ('reason').",
                where="reason",
            )
    elif NEXT[intro.status] != to:
        allowed = NEXT[intro.status]
        raise ConflictError(
            f"Passage impossible de « {STATUS_LABELS[intro.status][0]} » à "
            f"« {STATUS_LABELS[to][0]} » : l'étape suivante est « {STATUS_LABELS[allowed][0]} » "
            "(ou « déclinée »).",
            f"Cannot go from '{intro.status}' to '{to}': the next step is '{allowed}' "
            "(or 'declined').",
            where="to",
        )
    return _step(
        intro,
        actor,
        at,
        to,
        note or (reason if to == "declined" else ""),
        reason=reason if to == "declined" else intro.reason,
    )


def annotate(
    intro: Introduction, actor: str, at: datetime, note: str
) -> tuple[Introduction, Event]:
    """A note added to the trail; the status stays."""
    note = check_note(note)
    if not note:
        raise InputError("La note est vide.", "The note is empty.", where="note")
    return _step(intro, actor, at, intro.status, note)


def _step(
    intro: Introduction, actor: str, at: datetime, to: Status, note: str, **update: str
) -> tuple[Introduction, Event]:
    """``intro`` at status ``to`` (with ``update``), one version on, and the event of its
    trail that records it."""
    when = at.isoformat(timespec="seconds")
    moved = intro.model_copy(
        update={"status": to, "updated_at": when, "version": intro.version + 1, **update}
    )
    event = Event(
        introduction_id=intro.id,
        seq=moved.version,
        actor=actor,
        at=when,
        from_status=intro.status,
        to_status=to,
        note=note,
    )
    return moved, event


def need_status(introductions: Iterable[Introduction]) -> NeedStatus:
    """``new`` without introductions, ``in_progress`` while one is open, else ``closed``."""
    intros: Sequence[Introduction] = list(introductions)
    if not intros:
        return "new"
    return "in_progress" if any(i.is_open for i in intros) else "closed"
