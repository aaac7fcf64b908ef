"""The demo corpus: the 20 labs with their real RNSR identity, rich descriptions, illustrative needs."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.text import fold as fold_text
from ingest.registers.demo import read_demo

EXPECTED = (
    "200918462H 201119725X 201019116P 199914409W 200112440X 197612609P 201320573K 200918457C "
    "200919011E 201320575M 198912571S 200315030D 200918491P 201320864B 199412610M 201019679B "
    "201320587A 201320576N 201822730H 199712570F"
).split()


def fold(s: str) -> str:
    return "".join(c for c in fold_text(s) if c.isalnum())


def test_labs_are_the_twenty_with_rich_french_descriptions() -> None:
    labs, _, _ = read_demo()
    assert sorted(lab.id for lab in labs) == sorted(EXPECTED)
    for lab in labs:
        assert len(lab.description.split()) >= 120, lab.acronym
        assert " le " in f" {lab.description.lower()} " or " la " in lab.description.lower()


def test_labs_match_the_rnsr_register(shared: Path) -> None:
    rnsr = shared / "rnsr" / "rnsr_structures_actives.csv"
    with rnsr.open(encoding="utf-8") as f:
        rows = {r["numero_national_de_structure"]: r for r in csv.DictReader(f, delimiter=";")}
    labs, _, _ = read_demo()
    for lab in labs:
        row = rows[lab.id]
        assert fold(lab.acronym or "") == fold(row["sigle"]), lab.id
        assert fold(lab.name) == fold(row["libelle"]), lab.id
        assert fold(lab.city or "")[:5] in fold(row["commune"]).replace(
            "vandoeuvre", "vandoeuvre"
        ), lab.id


def test_needs_are_illustrative_and_many() -> None:
    _, companies, needs = read_demo()
    assert len(needs) >= 30
    assert all(n.illustrative for n in needs) and all(c.illustrative for c in companies)
    assert {n.company_id for n in needs} <= {c.id for c in companies}
    assert all(len(n.text.split()) >= 30 for n in needs)
