"""Text folding shared by extraction, entity resolution and search."""

from __future__ import annotations

import unicodedata


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
