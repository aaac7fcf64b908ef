"""Company identity (graph.rules.identity) and the one fold its ids are built on (graph.text)."""

from __future__ import annotations

import csv
import gzip
import re
import unicodedata
from pathlib import Path

import pytest

from graph.errors import InputError
from graph.model import Company
from graph.rules.identity import check_siren, luhn_valid, resolve_company
from graph.rules.input import MAX_COMPANY_CHARS
from graph.text import key as search_fold
from graph.text import slug
from ingest.registers import anr
from ingest.registers.resolve import company_id, name_key


def legacy_slugify(name: str) -> str:
    """The slug as graph.usecases.pairing wrote it before the folds were one (kept to compare)."""
    text = unicodedata.normalize("NFKD", name.lower().replace("œ", "oe"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


class Stored(dict[str, Company]):
    def add(self, company: Company | None) -> None:
        if company is not None:
            self[company.id] = company


def test_the_same_name_in_another_city_is_another_company() -> None:
    stored = Stored()
    cid, new = resolve_company("Acme", "Metz", None, stored.get)
    assert (cid, new) == ("acme", Company(id="acme", name="Acme", city="Metz"))
    stored.add(new)
    # same folded name and city: the same company, nothing new
    assert resolve_company("  ACMÉ ", "METZ", None, stored.get) == ("acme", None)
    other, new_other = resolve_company("Acme", "Nancy", None, stored.get)
    assert other == "acme--nancy" and new_other is not None and new_other.city == "Nancy"
    stored.add(new_other)
    assert resolve_company("acme", "nancy", None, stored.get) == ("acme--nancy", None)
    assert resolve_company("Acme", None, None, stored.get)[0] == "acme--no-city"
    assert stored["acme"].city == "Metz"  # never overwritten


def test_a_siren_alone_identifies_the_company() -> None:
    stored = Stored({"siren:552100554": Company(id="siren:552100554", name="X", city="Lyon")})
    assert resolve_company("Acme", "Metz", "552 100 554", stored.get) == ("siren:552100554", None)
    cid, new = resolve_company("Acme", "Metz", "732829320", stored.get)
    assert cid == "siren:732829320" and new is not None and new.siren == "732829320"
    # the id the register loaders give a company of that SIREN
    assert cid == company_id("ACME SA", "732829320")


@pytest.mark.parametrize(
    ("siren", "says"), [("552100555", "Luhn"), ("55210055", "9"), ("abcdefghi", "9")]
)
def test_a_bad_siren_is_refused_saying_why(siren: str, says: str) -> None:
    with pytest.raises(InputError) as caught:
        resolve_company("Acme", None, siren, Stored().get)
    assert caught.value.where == "siren" and says in caught.value.message_fr


@pytest.mark.parametrize(
    ("name", "city", "where"),
    [
        ("!!!", None, "company"),
        ("\u200b\u200b", None, "company"),
        ("Acme\x00", None, "company"),
        ("Acme\ud800", None, "company"),
        ("x" * (MAX_COMPANY_CHARS + 1), None, "company"),
        ("Acme", "---", "city"),
    ],
)
def test_names_must_name(name: str, city: str | None, where: str) -> None:
    with pytest.raises(InputError) as caught:
        resolve_company(name, city, None, Stored().get)
    assert caught.value.where == where


def test_a_name_with_no_ascii_letter_never_gets_an_empty_id() -> None:
    cid, new = resolve_company("東京", None, None, Stored().get)
    assert cid.startswith("name-") and len(cid) == 17 and new is not None


def test_luhn() -> None:
    assert [luhn_valid(s) for s in ("552100554", "732829320", "123456789")] == [
        True,
        True,
        False,
    ]
    assert check_siren(" 732 829 320 ") == "732829320"


def test_one_fold_keeps_the_ids_of_every_real_anr_partner(shared: Path) -> None:
    """The slug on the one fold equals the former slug for every partner name of the real ANR
    file (and the search key is its spaced form): no stored id changes, no migration needed."""
    path = shared / "anr" / "anr_partners_2010_2020.csv.gz"
    names: set[str] = set()
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            names.add(" ".join(row[anr.COL_NAME].split()))
            names.add(" ".join(row[anr.COL_CITY].split()))
    assert len(names) > 5000
    changed = [n for n in names if slug(n) != legacy_slugify(n)]
    assert changed == []
    assert all(search_fold(n) == slug(n, " ") for n in names)
    # the loaders' « name:<key> » ids rest on ``fold`` itself, which did not change
    assert company_id("Forges & Aciéries de l'Est (SARL)") == "name:forges-acieries-de-l-est"
    assert name_key("ŒUVRE S.A.S.") == "oeuvre"
