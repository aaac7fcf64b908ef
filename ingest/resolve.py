"""Entity resolution: one company (or lab) written several ways becomes one node.

Companies are keyed by SIREN when known, otherwise by a normalised name: case, accents,
punctuation and legal forms (SA, SAS, SARL, SASU, GmbH...) do not count. Labs are keyed by their
RNSR id, otherwise by the RNSR unit of that name when only one bears it, otherwise by their
normalised name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from graph.model import Lab
from graph.text import fold

LEGAL_FORMS = frozenset(
    """
    sa sas sasu sarl eurl snc sca scs sci scop scic sem gie ei eirl selarl spa srl sl slu
    gmbh ag kg ohg ug bv nv ltd limited plc llc inc corp corporation co cie
    societe ste ets etablissements
    """.split()
)
_SIREN = re.compile(r"^\d{9}$")


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


class LabNames:
    """Lab ids for partners that registers name: the RNSR code when given; else the RNSR unit
    that alone bears the partner's normalised name (ANR and CORDIS often leave the code out);
    else ``name:<normalised name>``. A name that several units bear is not guessed."""

    def __init__(self, labs: Iterable[Lab], coded: Iterable[tuple[str, str]] = ()) -> None:
        """``labs``: the store's; ``coded``: (name, RNSR code) pairs the source itself gives,
        so that a lab named with its code on one row and without it on another is one lab,
        whatever the order of the rows and however many times the source is loaded."""
        units: dict[str, set[str]] = defaultdict(set)
        self._official: dict[str, str] = {}
        for lab in labs:
            if not lab.id.startswith("name:"):
                units[name_key(lab.name)].add(lab.id)
                self._official[lab.id] = lab.name
        for name, code in coded:
            units[name_key(name)].add(code)
            self._official.setdefault(code, name)
        self._by_name = {key: ids.pop() for key, ids in units.items() if len(ids) == 1}

    def resolve(self, name: str, rnsr: str | None, merges: Merges) -> str:
        """The lab id; a unit found by its name goes to ``merges`` with both spellings (listed
        when the source spells it otherwise than the RNSR)."""
        if (rnsr or "").strip():
            return lab_id(name, rnsr)
        unit = self._by_name.get(name_key(name))
        if unit is None:
            return lab_id(name)
        merges.add(unit, name)
        merges.add(unit, self._official[unit])
        return unit


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
