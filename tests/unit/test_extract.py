"""Extraction on real French phrasing: elisions, plurals, feminine forms, accents, acronyms, lay words."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.errors import ExtractionError
from ingest.extract import SpacyExtractor


def ids(extractor: SpacyExtractor, text: str) -> set[str]:
    return {m.concept_id for m in extractor.extract(text).mentions}


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        # lay wording
        ("Nos pièces rouillent au bout de trois mois, il y a de la rouille partout.", "corrosion"),
        (
            "On voudrait faire de l'impression 3D pour nos pièces détachées.",
            "additive_manufacturing",
        ),
        ("Un jumeau numérique de la ligne nous aiderait.", "digital_twin"),
        # hyphenation
        ("Un jumeau-numérique de la ligne nous aiderait.", "digital_twin"),
        # elisions
        ("Problèmes d'usinage sur des pièces en titane.", "machining"),
        ("L'emboutissage de nos tôles génère des plis.", "stamping"),
        # plurals and feminine forms
        ("Nos traitements thermiques ne donnent pas la dureté attendue.", "heat_treatment"),
        ("Les soudures des cadres se fissurent.", "welding"),
        ("Les outils de coupe s'usent très vite.", "cutting_tools"),
        # accents missing, capitals
        ("probleme de corrosion sur piece en acier inoxydable", "stainless_steel"),
        ("TRAITEMENT THERMIQUE DES ACIERS", "heat_treatment"),
        ("fabrication additive metallique de pieces de rechange", "additive_manufacturing"),
        # acronyms
        ("Nous soudons en TIG des tubes fins.", "tig_welding"),
        ("Contrôle CND par ultrasons des soudures.", "ultrasonic_testing"),
    ],
)
def test_french_phrasing_finds_the_concept(
    extractor: SpacyExtractor, text: str, concept: str
) -> None:
    assert concept in ids(extractor, text)


def test_acronyms_match_only_in_capitals(extractor: SpacyExtractor) -> None:
    assert "tig_welding" in ids(extractor, "soudage TIG")
    assert "tig_welding" not in ids(extractor, "un tig de bois")


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("We have rust on our welded steel frames.", "corrosion"),
        ("We want a digital twin of the press line.", "digital_twin"),
        ("Metal 3D printing of spare parts", "additive_manufacturing"),
        ("Our cutting tools wear out quickly when machining stainless steels.", "stainless_steel"),
    ],
)
def test_english_text_goes_through_the_blank_pipeline(
    extractor: SpacyExtractor, text: str, concept: str
) -> None:
    ex = extractor.extract(text)
    assert ex.language == "en"
    assert concept in {m.concept_id for m in ex.mentions}


def test_weights_and_evidence(extractor: SpacyExtractor) -> None:
    ex = extractor.extract(
        "La corrosion, encore la corrosion et toujours la rouille. Un peu d'usinage."
    )
    by_id = {m.concept_id: m for m in ex.mentions}
    assert by_id["corrosion"].weight > by_id["machining"].weight
    assert 0 < by_id["machining"].weight <= 1
    assert "corrosion" in by_id["corrosion"].evidence and "rouille" in by_id["corrosion"].evidence


def test_longest_match_wins(extractor: SpacyExtractor) -> None:
    found = ids(extractor, "Nous cherchons une expertise en soudage TIG.")
    assert "tig_welding" in found and "welding" not in found


def test_unknown_terms_become_keywords(extractor: SpacyExtractor) -> None:
    ex = extractor.extract("Nos ressorts de suspension cassent sur la ligne de grenaillage.")
    assert any("ressort" in k for k in ex.keywords)
    assert "ressort" in ex.terms


def test_terms_are_lemmas_without_stopwords(extractor: SpacyExtractor) -> None:
    ex = extractor.extract("Les pièces usinées de la PME")
    assert "piec" in ex.terms
    assert not {"le", "la", "de", "les"} & set(ex.terms)


def test_same_text_same_extraction(extractor: SpacyExtractor) -> None:
    text = "Corrosion des aciers galvanisés et usinage du titane."
    assert extractor.extract(text) == extractor.extract(text)
    assert extractor.extract_many([text, text]) == [extractor.extract(text)] * 2


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_text_is_refused(extractor: SpacyExtractor, text: str) -> None:
    with pytest.raises(ExtractionError, match="Texte vide"):
        extractor.extract(text)


def test_the_token_cache_changes_no_result(extractor: SpacyExtractor) -> None:
    fresh = SpacyExtractor(list(extractor.concepts.values()))
    texts = [
        "Nos pièces en acier inoxydable rouillent ; corrosion des soudures.",
        "Our stainless steel parts rust; corrosion of the welds.",
        "Nos pièces en acier inoxydable rouillent ; corrosion des soudures.",
    ]
    first = [fresh.extract(t) for t in texts]
    assert first[0] == first[2]
    # the same words seen after other texts and in a batch read the same
    assert fresh.extract_many(texts) == first
    assert SpacyExtractor(list(extractor.concepts.values())).extract(texts[1]) == first[1]


def test_the_analysed_vocabulary_is_cached_between_runs(
    extractor: SpacyExtractor, tmp_path: Path
) -> None:
    concepts = list(extractor.concepts.values())
    first = SpacyExtractor(concepts, cache_dir=tmp_path)
    assert not first.trie_from_cache and list(tmp_path.glob("vocabulary-*.pickle"))
    second = SpacyExtractor(concepts, cache_dir=tmp_path)
    assert second.trie_from_cache
    text = "Nos soudures TIG sur inox rouillent ; we need a digital twin of the press line."
    assert second.extract(text) == first.extract(text) == extractor.extract(text)
    # another vocabulary is another cache entry, never a stale one
    fewer = SpacyExtractor(concepts[:50], cache_dir=tmp_path)
    assert not fewer.trie_from_cache
    # a damaged cache file is rebuilt, not trusted
    for path in tmp_path.glob("vocabulary-*.pickle"):
        path.write_bytes(b"not a pickle")
    again = SpacyExtractor(concepts, cache_dir=tmp_path)
    assert not again.trie_from_cache and again.extract(text) == first.extract(text)


TIES = """
import json, sys
from graph.model import Concept
from ingest.extract import SpacyExtractor
vocabulary = [
    Concept(id="algorithms", kind="skill", label_fr="algorithme", label_en="algorithm"),
    Concept(id="esco:algorithms", kind="skill", label_fr="algorithmes", label_en="algorithms",
            source="esco"),
    Concept(id="aluminium_alloys", kind="material", label_fr="alliage d'aluminium",
            label_en="aluminium alloy"),
    Concept(id="esco:aluminium_alloys", kind="material", label_fr="alliages d\u2019aluminium",
            label_en="aluminium alloys", source="esco"),
]
extractor = SpacyExtractor(vocabulary)
texts = ["Nous voulons un algorithme de tri.", "Tri des alliages d'aluminium."]
print(json.dumps([sorted(m.concept_id for m in extractor.extract(t).mentions) for t in texts]))
"""


def test_labels_matching_the_same_words_are_all_found_whatever_the_hash_seed() -> None:
    """Two labels written differently (singular, plural) that match the same words: both
    concepts are found, in every process (string hashing is randomised per process)."""
    runs = set()
    for seed in ("1", "2", "3", "4"):
        done = subprocess.run(
            [sys.executable, "-c", TIES],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).resolve().parents[2],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.add(done.stdout.strip())
    assert len(runs) == 1, runs
    assert json.loads(runs.pop()) == [
        ["algorithms", "esco:algorithms"],
        ["aluminium_alloys", "esco:aluminium_alloys"],
    ]
