"""Input rules: how long a field may be, which characters it may hold, what an id looks like.

One module for every place that takes input: the API's request schemas (their lengths and
patterns are in the OpenAPI document), the web forms (their ``maxlength`` attributes and their
checks) and the domain's use cases (the checks below, which say what is wrong and where). A
rule changed here changes everywhere.

Characters: text never holds a control character other than tab, line feed and carriage return,
nor a lone surrogate (``forbidden_char``). Patterns are written for both regular expression
engines a request meets (Python's ``re`` and pydantic's), and leave lone surrogates to the
schemas' validator: the fuzzer's schema validator cannot compile a surrogate range.
"""

from __future__ import annotations

import re

from graph.errors import InputError

# -- lengths ----------------------------------------------------------------------------------
MAX_TEXT_CHARS = 20_000
"""Longest need or description accepted, in characters (about eight pages)."""
MAX_TITLE_CHARS = 300
"""Longest need title accepted, in characters."""
MAX_NOTE_CHARS = 4000
"""Longest note or decline reason of an introduction, in characters."""
MAX_COMPANY_CHARS = 300
"""Longest company name accepted, in characters (the longest ANR partner name has 245)."""
MAX_CITY_CHARS = 100
"""Longest city name accepted, in characters."""
MAX_SIREN_CHARS = 20
"""Longest SIREN accepted as written (9 digits, with spaces) by the domain's check."""
MAX_SCOPE_CHARS = 200
"""Longest institution or region naming a scope."""
MAX_QUERY_CHARS = 200
"""Longest search query, in characters."""
MAX_ID_CHARS = 300
"""Longest lab or need id in a path (lab ids of registers' partners are normalised names)."""
MAX_KEY_CHARS = 100
"""Longest id of an introduction, an account or a token (``ID_PATTERN``)."""
MAX_EMAIL_CHARS = 320
"""Longest email (sign-in name) read."""
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
MAX_TOKEN_NAME_CHARS = 100
"""Longest name of a personal token."""
MAX_LIMIT = 100
"""Most results one ranking returns."""
MAX_PAGE = 1000
"""The most labs one page of a search lists."""
MAX_OFFSET = 1_000_000
"""Largest ``offset`` of a page of labs (far beyond any graph we hold; keeps it a 64-bit integer
for the stores)."""

# -- characters and patterns ------------------------------------------------------------------
CONTROL = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
"""Control characters other than tab, line feed and carriage return (a character class)."""
_FORBIDDEN = re.compile(rf"[{CONTROL}\ud800-\udfff]")
TEXT_PATTERN = rf"^[^\S{CONTROL}]*[^\s{CONTROL}][^{CONTROL}]*$"
"""Some character other than a space, and no control character."""
NAME_PATTERN = rf"^(?:_|[^\w{CONTROL}])*[^\W_][^{CONTROL}]*$"
"""At least one letter or digit, and no control character."""
LINE_PATTERN = rf"^[^{CONTROL}\n\r]*$"
"""No control character, no line break (query and path parameters)."""
NOTE_PATTERN = rf"^[^{CONTROL}]*$"
"""No control character; may be empty."""
SIREN_PATTERN = r"^[0-9]{3} ?[0-9]{3} ?[0-9]{3}$"
"""Nine digits, optionally in groups of three (« 552 100 554 »); the Luhn key is checked too."""
ID_PATTERN = rf"^[A-Za-z0-9._:-]{{1,{MAX_KEY_CHARS}}}$"
"""An id of an introduction, an account or a token."""
EMAIL_PATTERN = r"[^@\s]{1,64}@[^@\s.][^@\s]{0,189}\.[^@\s.]{2,63}"
"""What an account's email looks like."""


def forbidden_char(text: str) -> str | None:
    r"""The first control character (other than tab, line feed, carriage return) or lone
    surrogate of ``text``, as ``U+XXXX``; None when there is none.

    >>> forbidden_char("ligne 1\nligne 2"), forbidden_char("nul\x00"), forbidden_char("\ud800")
    (None, 'U+0000', 'U+D800')
    >>> forbidden_char("\x85")
    'U+0085'
    """
    found = _FORBIDDEN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def replace_forbidden(text: str, by: str = "\ufffd") -> str:
    r"""``text`` with each forbidden character replaced, fit to be repeated in a message.

    >>> replace_forbidden("a\x00b")
    'a\ufffdb'
    """
    return _FORBIDDEN.sub(by, text)


def has_letter_or_digit(text: str) -> bool:
    r"""Whether ``text`` holds a letter or a digit of any script (« !!! » or zero-width spaces
    hold none).

    >>> has_letter_or_digit("!!!"), has_letter_or_digit("\u200b\u200b"), has_letter_or_digit("東京")
    (False, False, True)
    """
    return any(c.isalnum() for c in text)


def _forbidden(field: str, bad: str) -> InputError:
    return InputError(
        f"Le champ « {field} » contient un caractère interdit ({bad}).",
        f"Field '{field}' holds a forbidden character ({bad}).",
        where=field,
    )


def _too_long(field: str, most: int, length: int, fr: str = "", en: str = "") -> InputError:
    return InputError(
        f"Le champ « {field} » dépasse {most} caractères ({length}){fr}.",
        f"Field '{field}' is longer than {most} characters ({length}){en}.",
        where=field,
    )


def check_text(text: str, field: str = "text", most: int = MAX_TEXT_CHARS) -> str:
    r"""The text, if it is not blank, holds at most ``most`` characters and no control
    character (other than tab and line breaks).

    >>> check_text("Nos pièces rouillent.")
    'Nos pièces rouillent.'
    >>> check_text("titre\x07", "title")
    Traceback (most recent call last):
    ...
    graph.errors.InputError: Le champ « title » contient un caractère interdit (U+0007). (title)
    """
    if not text or not text.strip():
        raise InputError(
            f"Le champ « {field} » est vide : décrivez le besoin en quelques phrases.",
            f"Field '{field}' is empty: describe the need in a few sentences.",
            where=field,
        )
    if len(text) > most:
        raise _too_long(field, most, len(text), " : résumez-le", ": shorten it")
    bad = forbidden_char(text)
    if bad is not None:
        raise _forbidden(field, bad)
    return text


def check_name(value: str, field: str, most: int) -> str:
    """``value`` stripped, when it has a letter or digit, no control character and at most
    ``most`` characters; InputError otherwise.

    >>> check_name("  Forges de l'Est ", "company", MAX_COMPANY_CHARS)
    "Forges de l'Est"
    """
    text = value.strip()
    bad = forbidden_char(text)
    if bad:
        raise _forbidden(field, bad)
    if len(text) > most:
        raise _too_long(field, most, len(text))
    if not has_letter_or_digit(text):
        raise InputError(
            f"Le champ « {field} » doit contenir au moins une lettre ou un chiffre.",
            f"Field '{field}' must hold at least one letter or digit.",
            where=field,
        )
    return text


def check_note(note: str, field: str = "note") -> str:
    r"""A note (or a reason) stripped: at most ``MAX_NOTE_CHARS`` characters and no control
    character; it may be empty.

    >>> check_note("  rendez-vous pris \n")
    'rendez-vous pris'
    """
    note = note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise _too_long(field, MAX_NOTE_CHARS, len(note))
    bad = forbidden_char(note)
    if bad is not None:
        raise _forbidden(field, bad)
    return note


def check_password(password: str) -> str:
    """A password long enough and not too long."""
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise InputError(
            f"Le mot de passe doit compter de {MIN_PASSWORD_CHARS} à {MAX_PASSWORD_CHARS} "
            "caractères.",
            f"The password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters long.",
            where="password",
        )
    return password


def check_limit(limit: int, most: int = MAX_LIMIT) -> int:
    """``limit`` if it lies in 1..``most``."""
    if not 1 <= limit <= most:
        raise InputError(
            f"« limit » doit être entre 1 et {most} (reçu {limit}).",
            f"'limit' must be between 1 and {most} (got {limit}).",
            where="limit",
        )
    return limit


def check_offset(offset: int) -> int:
    """``offset`` if it is not negative."""
    if offset < 0:
        raise InputError(
            f"« offset » ne peut pas être négatif (reçu {offset}).",
            f"'offset' cannot be negative (got {offset}).",
            where="offset",
        )
    return offset
