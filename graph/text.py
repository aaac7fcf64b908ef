"""Text folding shared by extraction, entity resolution, search and ids: one fold.

``fold`` lowers case and drops accents and ligatures; ``words`` and ``slug`` are built on it
(the letters and digits of the folded text), so that a name, its search key and its id agree.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Lower case, without accents or ligatures.

    Examples
    --------
    >>> fold("Œuvre Éléments")
    'oeuvre elements'
    >>> fold("Société Générale d'Électricité")
    "societe generale d'electricite"
    """
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """The runs of ASCII letters and digits of the folded text.

    >>> words("Forges & Aciéries de l'Est")
    ['forges', 'acieries', 'de', 'l', 'est']
    """
    return _WORD.findall(fold(text))


def slug(text: str, sep: str = "-") -> str:
    """A stable ASCII id from a name: its folded words joined by ``sep``; empty when the
    name has no letter or digit that folds to ASCII.

    >>> slug("Forges de la Seille (fictive)")
    'forges-de-la-seille-fictive'
    >>> slug("Cæsar & Œuvre", " ")
    'caesar oeuvre'
    """
    return sep.join(words(text))


_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def forbidden_char(text: str) -> str | None:
    r"""The first control character (other than tab, line feed, carriage return) or lone
    surrogate of ``text``, as ``U+XXXX``; None when there is none.

    >>> forbidden_char("ligne 1\nligne 2"), forbidden_char("nul\x00"), forbidden_char("\ud800")
    (None, 'U+0000', 'U+D800')
    """
    found = _FORBIDDEN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def has_letter_or_digit(text: str) -> bool:
    r"""Whether ``text`` holds a letter or a digit of any script (« !!! » or zero-width spaces
    hold none).

    >>> has_letter_or_digit("!!!"), has_letter_or_digit("\u200b\u200b"), has_letter_or_digit("東京")
    (False, False, True)
    """
    return any(c.isalnum() for c in text)


def surface_words(terms: Iterable[str], text: str) -> dict[str, str]:
    """The word of ``text`` each normalised term stands for (the first word whose folded form
    starts with the term), so that explanations show « pièces », not the stem « piec ».

    Examples
    --------
    >>> surface_words(["piec", "surfac", "absent"], "Nos pièces ont une surface rugueuse")
    {'piec': 'pièces', 'surfac': 'surface', 'absent': 'absent'}
    """
    words = re.findall(r"\w+", text)
    folded = [fold(w) for w in words]
    out = {}
    for term in terms:
        found = next((w for w, f in zip(words, folded, strict=True) if f == term), None)
        if found is None:
            found = next(
                (w for w, f in zip(words, folded, strict=True) if f.startswith(term)), term
            )
        out[term] = found
    return out
