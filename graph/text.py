"""Text folding shared by extraction, entity resolution and search."""

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
