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


_PARTICLES = frozenset(
    {"de", "du", "des", "la", "le", "les", "sur", "sous", "en", "aux", "au", "et"}
)
_ARTICLES = frozenset({"le", "la", "les", "l"})


def city_name(value: str) -> str | None:
    """A French commune written one way whatever the register: words joined by hyphens,
    particles in lower case, « lès » (near) between two names, « œu », no CEDEX; None when
    empty.

    >>> [city_name(c) for c in ("VANDOEUVRE LES NANCY CEDEX", "Vandoeuvre-Les-Nancy",
    ...                         "vandœuvre-lès-nancy", "  NANCY CEDEX 1 ", "")]
    ['Vandœuvre-lès-Nancy', 'Vandœuvre-lès-Nancy', 'Vandœuvre-lès-Nancy', 'Nancy', None]
    >>> city_name("VILLENEUVE D ASCQ"), city_name("LA ROCHELLE"), city_name("SAINT DIE DES VOSGES")
    ("Villeneuve-d'Ascq", 'La Rochelle', 'Saint-Die-des-Vosges')
    """
    text = re.sub(r"\s+CEDEX(\s+\d+)?\s*$", "", " ".join(value.split()), flags=re.I)
    words = [w for w in re.split(r"[\s\-]+", text.lower().replace("'", " ")) if w]
    if not words:
        return None
    out: list[str] = []
    for i, w in enumerate(words):
        w = re.sub(r"oeu", "œu", w)
        if i == 0:
            out.append(w[:1].upper() + w[1:] + (" " if w in _ARTICLES and len(words) > 1 else "-"))
        elif w in {"les", "lès"} and 0 < i < len(words) - 1 and out[-1].endswith("-"):
            out.append("lès-")
        elif w == "d" or w == "l":
            out.append(w + "'")
        elif w in _PARTICLES:
            out.append(w + "-")
        else:
            out.append(w[:1].upper() + w[1:] + "-")
    return "".join(out).rstrip("-").replace("l' ", "l'").replace("L ", "L'")


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


# words that say nothing of which unit a name designates
_GENERIC = frozenset(
    """
    laboratoire laboratoires institut centre center recherche recherches research unite unit
    umr upr ura fre equipe group groupe department departement sciences science
    de des du la le les et en pour sur d l a the of and for in
    """.split()
)
# a partner named after an institution, not a unit: « Université de Rennes I », « CNRS -
# Délégation régionale », « Commissariat à l'énergie atomique »
_ADMINISTRATIVE = re.compile(
    r"^(universite|univ|cnrs|centre national de la recherche|inserm|institut national|inra|"
    r"inrae|inria|cea|commissariat|ecole|ird|cirad|ifremer|onera|ministere|comue|"
    r"assistance publique|chu|centre hospitalier)\b|\bdelegation\b"
)


def significant_words(name: str) -> set[str]:
    """The words of a name that can tell one unit from another.

    >>> sorted(significant_words("Laboratoire d'Énergétique et de Mécanique (UMR 7563)"))
    ['energetique', 'mecanique']
    """
    return {
        w for w in name_key(name).split() if len(w) > 2 and w not in _GENERIC and not w.isdigit()
    }


def same_unit(name: str, official: str, acronym: str | None = None) -> bool:
    """Whether ``name`` can designate the unit officially called ``official``: it is not an
    institution's name, and it shares a significant word or the acronym with it.

    >>> same_unit("Institut Jean Lamour", "INSTITUT JEAN LAMOUR (IJL)")
    True
    >>> same_unit("IJL", "Institut Jean Lamour", "IJL")
    True
    >>> same_unit("CNRS - Délégation régionale Île-de-France Sud", "Laboratoire d'informatique")
    False
    """
    if is_administrative(name):
        return False
    if acronym and name_key(acronym).replace(" ", "") in name_key(name).split():
        return True
    return bool(significant_words(name) & significant_words(official))


def is_administrative(name: str) -> bool:
    """A partner named after an institution (a university, the CNRS...), not after a unit.

    >>> is_administrative("UNIVERSITE DE RENNES I"), is_administrative("Institut Pascal")
    (True, False)
    """
    return _ADMINISTRATIVE.search(name_key(name)) is not None


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
        acronyms: dict[str, str | None] = {}
        for lab in labs:
            # units only: an organisation a source named with a code is that source's spelling,
            # which ``coded`` gives again on every load (the same result whatever the store)
            if lab.is_unit and not lab.id.startswith("name:"):
                units[name_key(lab.name)].add(lab.id)
                self._official[lab.id] = lab.name
                acronyms[lab.id] = lab.acronym
        for name, code in coded:
            # a row may name the unit's institution with the unit's code (« Université de
            # Rennes I », « CNRS - Délégation… »): that name must not draw the rows that name
            # the institution without a code into this one unit
            official = self._official.get(code)
            if is_administrative(name) or (
                official is not None and not same_unit(name, official, acronyms.get(code))
            ):
                continue
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
