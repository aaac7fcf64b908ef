"""Finding labs by acronym, name or city: the rules both stores follow."""

from __future__ import annotations

from graph.model import Lab
from graph.rules.search import matches, order, query_words, search_key
from graph.text import key

IJL = Lab(id="200918462H", name="Institut Jean Lamour", acronym="IJL", city="Nancy", description="")
LEMTA = Lab(
    id="200012197R",
    name="Laboratoire Énergies & Mécanique Théorique et Appliquée",
    acronym="LEMTA",
    city="Vandœuvre-lès-Nancy",
    description="",
)


def test_keys_are_folded_words_of_acronym_name_and_city() -> None:
    assert search_key(IJL) == "ijl institut jean lamour nancy"
    assert search_key(LEMTA) == (
        "lemta laboratoire energies mecanique theorique et appliquee vandoeuvre les nancy"
    )
    assert key(None) == "" and key("  ") == ""


def test_each_query_word_must_start_a_word_of_the_key() -> None:
    key = search_key(LEMTA)
    assert matches(key, query_words("Énergies"))
    assert matches(key, query_words("meca THEO"))  # prefixes, any case, any order
    assert matches(key, query_words("vandœuvre"))
    assert not matches(key, query_words("nergie"))  # inside a word: no
    assert not matches(key, query_words("énergie jean"))  # every word must match
    assert matches(key, [])


def test_query_words_are_distinct_folded_and_bounded() -> None:
    assert query_words("Génie génie des procédés!") == ["genie", "des", "procedes"]
    assert query_words("--") == []
    assert len(query_words(" ".join(f"w{i}" for i in range(50)))) == 12


def test_the_acronym_equal_to_the_query_comes_first_then_names() -> None:
    hits = [
        ("3", "Laboratoire B", "X"),
        ("1", "Institut Jean Lamour", "IJL"),
        ("2", "Élan", None),
        ("4", "élan", None),
    ]
    assert order(hits, query_words("x")) == ["3", "2", "4", "1"]
    assert order(hits, []) == ["2", "4", "1", "3"]  # by folded name, then id
