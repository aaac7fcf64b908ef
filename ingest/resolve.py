"""Entity resolution: one company (or lab) written several ways becomes one node.

Companies are keyed by SIREN when known, otherwise by a normalised name: case, accents,
punctuation and legal forms (SA, SAS, SARL, SASU, GmbH...) do not count. Labs are keyed by their
RNSR id, otherwise by their normalised name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

LEGAL_FORMS = frozenset(
    """
    sa sas sasu sarl eurl snc sca scs sci scop scic sem gie ei eirl selarl spa srl sl slu
    gmbh ag kg ohg ug bv nv ltd limited plc llc inc corp corporation co cie
    societe ste ets etablissements
    """.split()
)
_SIREN = re.compile(r"^\d{9}$")


def fold(text: str) -> str:
    """Lower case, no accents, œ → oe.

    >>> fold("Société Générale d'Électricité")
    "societe generale d'electricite"
    """
    text = unicodedata.normalize("NFKD", text.lower().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in text if not unicodedata.combining(c))


def name_key(name: str) -> str:
    """The normalised name two spellings of one organisation share.

    >>> name_key("ACME S.A.S.")
    'acme'
    >>> name_key("Acme SAS") == name_key("  acme, sas ") == name_key("ACME")
    True
    >>> name_key("Forges & Aciéries de l'Est (SARL)")
    'forges acieries de l est'
    """
    text = fold(name)
    # S.A.S. / S.A.R.L.: dotted acronyms first, so that their letters join before splitting
    text = re.sub(r"\b(?:[a-z]\.){2,}", lambda m: m.group(0).replace(".", ""), text)
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w]
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def city_name(value: str) -> str | None:
    """A city as registers write it, in title case with single spaces; None when empty.

    >>> city_name("  VANDOEUVRE-LES-NANCY "), city_name("")
    ('Vandoeuvre-Les-Nancy', None)
    """
    text = " ".join(value.split())
    return text.title() if text else None


def company_id(name: str, siren: str | None = None) -> str:
    """``siren:<9 digits>`` when the SIREN is valid, else ``name:<normalised name>``.

    >>> company_id("Acme SAS", "552 100 554")
    'siren:552100554'
    >>> company_id("Acme SAS")
    'name:acme'
    """
    digits = re.sub(r"\s", "", siren or "")
    if _SIREN.match(digits):
        return f"siren:{digits}"
    return "name:" + name_key(name).replace(" ", "-")


def lab_id(name: str, rnsr: str | None = None) -> str:
    """The RNSR id when given, else ``name:<normalised name>``.

    >>> lab_id("Institut Jean Lamour", "200918462h")
    '200918462H'
    >>> lab_id("Laboratoire X (UMR 1234)")
    'name:laboratoire-x-umr-1234'
    """
    code = (rnsr or "").strip().upper()
    if code:
        return code
    return "name:" + name_key(name).replace(" ", "-")


class Merges:
    """Records the spellings that resolved to each key; the report keeps keys with several."""

    def __init__(self) -> None:
        self._names: dict[str, set[str]] = defaultdict(set)

    def add(self, key: str, name: str) -> None:
        """``name`` resolved to ``key``."""
        self._names[key].add(" ".join(name.split()))

    def merged(self) -> dict[str, list[str]]:
        """Keys that several spellings resolved to, with those spellings (sorted)."""
        return {k: sorted(v) for k, v in sorted(self._names.items()) if len(v) > 1}
