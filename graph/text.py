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


def key(text: str | None) -> str:
    """The folded words of a text joined by single spaces: how names, labels and queries are
    compared (a lab's search key, a concept's label, a scope's institution).

    >>> key("Laboratoire d'Énergétique et de Mécanique Théorique (LEMTA)")
    'laboratoire d energetique et de mecanique theorique lemta'
    >>> key(None)
    ''
    """
    return " ".join(words(text)) if text else ""


def slug(text: str, sep: str = "-") -> str:
    """A stable ASCII id from a name: its folded words joined by ``sep``; empty when the
    name has no letter or digit that folds to ASCII.

    >>> slug("Forges de la Seille (fictive)")
    'forges-de-la-seille-fictive'
    >>> slug("Cæsar & Œuvre", " ")
    'caesar oeuvre'
    """
    return sep.join(words(text))


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
