"""Which company a need comes from: the written rule of company identity.

The rule
--------
1. **SIREN first.** When a SIREN is given (9 digits, spaces allowed, with a valid Luhn check
   digit), it alone identifies the company: its id is ``siren:<9 digits>``, the id the register
   loaders (ANR, CORDIS) give a company whose SIREN they know, so a need joins the company's
   projects. A SIREN that is not 9 digits or fails its checksum is refused (``InputError``,
   answered 422), never ignored.
2. **Otherwise name and city.** Without a SIREN, a company is its *folded name* (``graph.text
   .slug``: case, accents, punctuation and spacing do not count) **and** its folded city (no
   city is a value of its own). Its id is the name's slug when that id is free or held by the
   same (name, city); a company whose name folds like a stored one but whose city differs is a
   **distinct company** (we chose this over a 409: the need is stored, nothing is merged, and
   nothing is dropped), with the id ``<name slug>--<city slug>`` (``--no-city`` without a
   city). A slug never holds ``--``, so these ids cannot collide with a name's own.
3. **Names must name.** A name with no letter or digit (« !!! », zero-width spaces) is refused;
   so is a city given with none. A name whose letters fold to no ASCII letter (« 東京 ») gets
   the id ``name-<12 hex digits of its SHA-256>``: never an empty id.

Ids already stored keep their meaning: a company created before this rule has the slug of its
name as id, which rule 2 finds again (with its city). Pure domain code: no FastAPI, no store.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

from graph.errors import InputError
from graph.model import Company
from graph.rules.input import (
    MAX_CITY_CHARS,
    MAX_COMPANY_CHARS,
    check_name,
)
from graph.text import fold, slug

SIREN_PATTERN = r"^[0-9 ]*$"


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn checksum (as SIREN and SIRET do).

    >>> luhn_valid("552100554"), luhn_valid("552100555"), luhn_valid("732829320")
    (True, False, True)
    """
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def check_siren(value: str) -> str:
    """The SIREN's 9 digits, or InputError saying what is wrong with it.

    >>> check_siren("552 100 554")
    '552100554'
    """
    digits = re.sub(r"\s", "", value)
    shown = value if len(value) <= 30 else value[:30] + "…"
    if not re.fullmatch(r"[0-9]{9}", digits):
        raise InputError(
            f"Le SIREN « {shown} » doit compter 9 chiffres.",
            f"The SIREN '{shown}' must have 9 digits.",
            where="siren",
        )
    if not luhn_valid(digits):
        raise InputError(
            f"Le SIREN « {digits} » est invalide : sa clé de contrôle (Luhn) est fausse.",
            f"The SIREN '{digits}' is invalid: its check digit (Luhn) is wrong.",
            where="siren",
        )
    return digits


def name_slug(name: str) -> str:
    """The id part a name gives: its slug, or a digest when no letter of it folds to ASCII.

    >>> name_slug("Acme S.A."), name_slug("東京")
    ('acme-s-a', 'name-130016b2599b')
    """
    folded = unicodedata.normalize("NFC", fold(name)).strip()
    return slug(name) or "name-" + hashlib.sha256(folded.encode()).hexdigest()[:12]


def same_city(a: str | None, b: str | None) -> bool:
    """Whether two cities fold alike (both missing counts as alike).

    >>> same_city("Vandœuvre-lès-Nancy", "VANDOEUVRE LES NANCY"), same_city("Metz", None)
    (True, False)
    """
    return _city_key(a) == _city_key(b)


def _city_key(city: str | None) -> str:
    return name_slug(city) if city and city.strip() else ""


def resolve_company(
    name: str,
    city: str | None,
    siren: str | None,
    lookup: Callable[[str], Company | None],
) -> tuple[str, Company | None]:
    """The id of the company a need names, and the Company to create (None when it is
    stored already), following the module's rule; ``lookup`` reads a stored company by id.

    >>> stored = {"acme": Company(id="acme", name="ACME", city="Metz")}
    >>> resolve_company("Acme", "metz", None, stored.get)
    ('acme', None)
    >>> resolve_company("Acme", "Nancy", None, stored.get)[0]
    'acme--nancy'
    >>> resolve_company("Acme", None, None, stored.get)[0]
    'acme--no-city'
    >>> resolve_company("Acme", "Nancy", "552 100 554", stored.get)[0]
    'siren:552100554'
    """
    name = check_name(name, "company", MAX_COMPANY_CHARS)
    city = check_name(city, "city", MAX_CITY_CHARS) if city is not None and city.strip() else None
    if siren is not None and siren.strip():
        digits = check_siren(siren)
        company_id = f"siren:{digits}"
        if lookup(company_id) is not None:
            return company_id, None
        return company_id, Company(id=company_id, name=name, city=city, siren=digits)
    base = name_slug(name)
    known = lookup(base)
    if known is None or same_city(known.city, city):
        return base, None if known else Company(id=base, name=name, city=city)
    company_id = f"{base}--{_city_key(city) or 'no-city'}"
    if lookup(company_id) is not None:
        return company_id, None
    return company_id, Company(id=company_id, name=name, city=city)
