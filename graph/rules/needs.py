"""What a company writes of a need: its text fields, each declared once with its rule.

Each :class:`NeedField` names a text field of ``graph.model.Need`` that the company (or an
officer) writes, how long it may be, whether it is one line or a text, whether it is required,
and how forms label it. The use cases check them (``graph.usecases.desk.Desk.submit`` and
``edit``), the API's requests and views are built from them (``api.schemas``), and the web
pages draw their form fields and show them (``api.web``): adding a field a company writes is
the field in ``Need`` and one line here (CONTRIBUTING.md).

The need's text (``text``) is the one analysed for concepts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from graph.errors import InputError
from graph.rules.input import (
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    check_text,
    forbidden_char,
)


@dataclass(frozen=True)
class NeedField:
    """A text field of a need that its company writes.

    Attributes
    ----------
    name : str
        The field of ``graph.model.Need`` (and of the API's requests and views).
    label, label_en : str
        How a form names it (French, English).
    hint, hint_en : str
        What a form says to help fill it in (empty: nothing).
    most : int
        The longest value accepted, in characters.
    lines : int
        1: one line (stripped); more: a text of that many rows in a form.
    required : bool
        A need must have it (a blank value is refused); otherwise it may be empty.
    """

    name: str
    label: str
    label_en: str
    hint: str = ""
    hint_en: str = ""
    most: int = MAX_TITLE_CHARS
    lines: int = 1
    required: bool = True

    def check(self, value: str) -> str:
        """``value`` as stored, or InputError saying what is wrong with it (and where)."""
        if not self.required and not value.strip():
            return ""
        checked = check_text(value, self.name, self.most)
        return checked.strip() if self.lines == 1 else checked


NEED_FIELDS: tuple[NeedField, ...] = (
    NeedField("title", "Titre", "Title", "Une phrase courte.", "A short sentence."),
    NeedField(
        "text", "Description du besoin", "Description of the need", most=MAX_TEXT_CHARS, lines=10
    ),
)
"""Every field a company writes, in the order forms show them."""


def check_written(values: Mapping[str, str | None], *, complete: bool = True) -> dict[str, str]:
    """The fields of ``values`` as stored: every one of ``NEED_FIELDS`` when ``complete`` (a
    new need: a missing required field is refused as a blank one), else those given (an edit).

    Raises
    ------
    InputError
        For a value its field refuses, or a name that is no field a company writes.
    """
    names = {f.name for f in NEED_FIELDS}
    unknown = sorted(k for k in values if k not in names)
    if unknown:
        shown = unknown[0] if not forbidden_char(unknown[0]) else "?"
        raise InputError(
            f"Champ inconnu : {shown} (champs : {', '.join(sorted(names))})",
            f"Unknown field: {shown} (fields: {', '.join(sorted(names))})",
            where=shown,
        )
    out: dict[str, str] = {}
    for f in NEED_FIELDS:
        value = values.get(f.name)
        if value is None and not complete:
            continue
        out[f.name] = f.check(value or "")
    return out
