"""The ANR programme mapping (ingest/resources/mappings/anr_programmes.yaml): well formed, only known
concepts, and every programme code of the real ANR partner file covered."""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.language.vocabulary import load_vocabulary
from ingest.resources import ANR_PROGRAMMES

MAPPING = ANR_PROGRAMMES
PROJECT_CODE = re.compile(r"^ANR-(\d{2})-([A-Z0-9]+)-\d{4}$")
KEYS = {"code", "label_fr", "thematic", "concepts", "rows", "years"}

# Frequent thematic programmes whose topic our vocabulary does not cover: `concepts: []` on
# purpose, each with a YAML comment. None since the broad scientific fields (life sciences,
# medicine, physics, humanities, food...) of ingest/resources/vocabulary/00_domains.yaml.
OUTSIDE_VOCABULARY: set[str] = set()


@pytest.fixture(scope="module")
def programmes() -> list[dict[str, Any]]:
    data = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    assert isinstance(data["programmes"], list)
    return data["programmes"]


def test_entries_are_well_formed(programmes: list[dict[str, Any]]) -> None:
    codes = [p["code"] for p in programmes]
    assert len(codes) == len(set(codes))
    for p in programmes:
        assert set(p) == KEYS, p.get("code")
        assert re.fullmatch(r"[A-Z0-9]+", p["code"])
        assert isinstance(p["label_fr"], str) and p["label_fr"].strip(), p["code"]
        assert isinstance(p["thematic"], bool), p["code"]
        assert isinstance(p["concepts"], list) and len(p["concepts"]) <= 6, p["code"]
        assert isinstance(p["rows"], int) and p["rows"] > 0, p["code"]
        first, last = p["years"]
        assert 2010 <= first <= last <= 2020, p["code"]
        if p["label_fr"] == f"Programme {p['code']}":  # unknown acronym: no topic claimed
            assert not p["thematic"], p["code"]
    assert [p["rows"] for p in programmes] == sorted((p["rows"] for p in programmes), reverse=True)


def test_concepts_exist_in_the_vocabulary(programmes: list[dict[str, Any]]) -> None:
    ids = {c.id for c in load_vocabulary()}
    for p in programmes:
        assert len(set(p["concepts"])) == len(p["concepts"]), p["code"]
        assert set(p["concepts"]) <= ids, (p["code"], set(p["concepts"]) - ids)


def test_non_thematic_programmes_map_to_no_concept(programmes: list[dict[str, Any]]) -> None:
    for p in programmes:
        if not p["thematic"]:
            assert p["concepts"] == [], p["code"]


def test_frequent_thematic_programmes_have_concepts(programmes: list[dict[str, Any]]) -> None:
    thematic = sorted((p for p in programmes if p["thematic"]), key=lambda p: -p["rows"])[:40]
    for p in thematic:
        if p["code"] in OUTSIDE_VOCABULARY:
            assert p["concepts"] == [], f"{p['code']} now has concepts: drop it from the list"
        else:
            assert p["concepts"], p["code"]
    assert OUTSIDE_VOCABULARY <= {p["code"] for p in thematic}


def test_every_code_of_the_anr_file_is_mapped(
    shared: Path, programmes: list[dict[str, Any]]
) -> None:
    partners = shared / "anr" / "anr_partners_2010_2020.csv.gz"
    rows: Counter[str] = Counter()
    with gzip.open(partners, "rt", encoding="utf-8", newline="") as f:
        for record in csv.DictReader(f):
            match = PROJECT_CODE.match(record["id"].strip().upper())
            if match:
                rows[match[2]] += 1
    mapped = {p["code"]: p["rows"] for p in programmes}
    assert set(rows) - set(mapped) == set()
    assert mapped == dict(rows)
