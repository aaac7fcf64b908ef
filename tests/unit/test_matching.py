"""Matching on small hand-made profiles, where the answer is known by hand."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.model import Concept, ConceptMention, Extraction
from graph.ranking.matching import MatchIndex, MatchParams


def concept(cid: str, *broader: str) -> Concept:
    return Concept(id=cid, kind="process", label_fr=cid, label_en=cid, broader=broader)


VOCAB = [
    concept("manufacturing"),
    concept("welding", "manufacturing"),
    concept("tig_welding", "welding"),
    concept("laser_welding", "welding"),
    concept("corrosion"),
    concept("steel"),
    concept("rare_alloy"),
]


def profile(*mentions: tuple[str, float], terms: tuple[str, ...] = ()) -> Extraction:
    return Extraction(
        language="fr",
        mentions=tuple(ConceptMention(concept_id=c, weight=w, evidence=(c,)) for c, w in mentions),
        terms=terms,
    )


def test_rare_shared_concept_outranks_common_one() -> None:
    labs = {
        "RARE": profile(("rare_alloy", 1.0)),
        "COMMON": profile(("steel", 1.0)),
        "C2": profile(("steel", 1.0), ("corrosion", 0.5)),
        "C3": profile(("steel", 1.0), ("welding", 0.5)),
    }
    index = MatchIndex(VOCAB, labs)
    need = profile(("rare_alloy", 0.5), ("steel", 0.5))
    ranking = [p.lab_id for p in index.rank_labs(need, limit=4)]
    assert ranking[0] == "RARE"
    assert index.score(need, "RARE") > index.score(need, "COMMON")


def test_contributions_add_up_to_score() -> None:
    labs = {
        "A": profile(("tig_welding", 0.75), ("steel", 0.5), terms=("soudage", "inox", "tig")),
        "B": profile(("corrosion", 0.875), terms=("corrosion", "inox", "peinture")),
        "C": profile(("laser_welding", 0.5), terms=("laser", "soudage")),
    }
    index = MatchIndex(VOCAB, labs)
    need = profile(("welding", 0.5), ("corrosion", 0.5), terms=("soudage", "inox", "rouille"))
    pairings = index.rank_labs(need, limit=3)
    assert {p.lab_id for p in pairings} == {"A", "B", "C"}
    for p in pairings:
        e = p.explanation
        parts = [c.contribution for c in e.concepts] + [t.contribution for t in e.terms]
        assert math.fsum(parts) == pytest.approx(p.score, abs=1e-9)
        assert 0 < p.score <= 1
        assert e.industry_score == 0  # no lab has a track record here


def test_industry_track_record_reorders_relevant_labs_only() -> None:
    labs = {
        "ACADEMIC": profile(("welding", 1.0)),
        "INDUSTRIAL": profile(("welding", 1.0)),
        "UNRELATED": profile(("corrosion", 1.0)),
    }
    need = profile(("welding", 1.0))
    plain = MatchIndex(VOCAB, labs)
    # equal relevance: without a track record the tie breaks on the id
    assert [p.lab_id for p in plain.rank_labs(need, 3)] == ["ACADEMIC", "INDUSTRIAL"]
    index = MatchIndex(
        VOCAB, labs, industry={"INDUSTRIAL": 1.0, "UNRELATED": 1.0}, industry_sme={"ACADEMIC": 0.5}
    )
    ranking = index.rank_labs(need, 3)
    # an irrelevant lab is never lifted, however much it works with industry
    assert [p.lab_id for p in ranking] == ["INDUSTRIAL", "ACADEMIC"]
    for p in ranking:
        e = p.explanation
        parts = [c.contribution for c in e.concepts] + [t.contribution for t in e.terms]
        assert math.fsum([*parts, e.industry_score]) == pytest.approx(p.score, abs=1e-9)
    assert ranking[0].explanation.industry == 1.0 and ranking[0].explanation.industry_score > 0
    assert ranking[1].explanation.industry_score == 0
    # for an SME's need, the track record with SMEs is what counts
    assert [p.lab_id for p in index.rank_labs(need, 3, sme=True)] == ["ACADEMIC", "INDUSTRIAL"]


def test_broader_and_narrower_match_at_a_discount() -> None:
    labs = {"NARROW": profile(("tig_welding", 1.0)), "OTHER": profile(("corrosion", 1.0))}
    index = MatchIndex(VOCAB, labs, MatchParams(concept_share=1.0))
    # the need names the broader concept, the lab the narrower one
    pairing = index.rank_labs(profile(("welding", 1.0)), limit=2)[0]
    assert pairing.lab_id == "NARROW"
    shared = {c.concept_id: c for c in pairing.explanation.concepts}
    assert shared["welding"].lab_weight == pytest.approx(0.5)
    assert shared["welding"].lab_via == ("tig_welding",)
    # an exact match scores more than a match through the hierarchy
    exact = index.score(profile(("tig_welding", 1.0)), "NARROW")
    assert exact > pairing.score


def test_sibling_concepts_meet_through_their_parent() -> None:
    labs = {"LASER": profile(("laser_welding", 1.0)), "RUST": profile(("corrosion", 1.0))}
    index = MatchIndex(VOCAB, labs)
    ranking = index.rank_labs(profile(("tig_welding", 1.0)), limit=2)
    assert [p.lab_id for p in ranking] == ["LASER"]


def test_lexical_channel_counts_words_outside_the_vocabulary() -> None:
    labs = {
        "X": profile(terms=("emboutissage", "presse", "tole")),
        "Y": profile(terms=("bois", "sechage")),
    }
    index = MatchIndex(VOCAB, labs)
    ranking = index.rank_labs(profile(terms=("presse", "emboutissage")), limit=2)
    assert [p.lab_id for p in ranking] == ["X"]
    assert {t.term for t in ranking[0].explanation.terms} == {"presse", "emboutissage"}


def test_no_overlap_gives_no_pairing() -> None:
    index = MatchIndex(VOCAB, {"A": profile(("steel", 1.0), terms=("acier",))})
    assert index.rank_labs(profile(("corrosion", 1.0), terms=("rouille",)), limit=5) == []


def test_ties_break_on_lab_id_and_ranking_is_stable() -> None:
    same = profile(("steel", 1.0), terms=("acier",))
    labs = {"B": same, "A": same, "C": same}
    need = profile(("steel", 1.0), terms=("acier",))
    first = [p.lab_id for p in MatchIndex(VOCAB, labs).rank_labs(need, limit=3)]
    again = [p.lab_id for p in MatchIndex(VOCAB, dict(reversed(labs.items()))).rank_labs(need, 3)]
    assert first == again == ["A", "B", "C"]


def test_rank_needs_orders_needs_for_a_lab() -> None:
    labs = {"A": profile(("corrosion", 1.0)), "B": profile(("steel", 1.0))}
    index = MatchIndex(VOCAB, labs)
    needs = {
        "n1": profile(("steel", 0.5)),
        "n2": profile(("corrosion", 0.5)),
        "n3": profile(("corrosion", 0.5), ("steel", 0.5)),
    }
    ranked = index.rank_needs("A", needs, limit=5)
    assert [n for n, _ in ranked] == ["n2", "n3"]
    assert ranked[0][1].score > ranked[1][1].score


CONCEPT_IDS = [c.id for c in VOCAB]
mention_sets = st.dictionaries(
    st.sampled_from(CONCEPT_IDS), st.sampled_from([0.5, 0.75, 0.875, 1.0]), max_size=4
)
term_sets = st.lists(st.sampled_from(["acier", "inox", "laser", "bois", "presse"]), max_size=5)


@settings(max_examples=60, deadline=None)
@given(
    labs=st.lists(st.tuples(mention_sets, term_sets), min_size=1, max_size=6),
    need=st.tuples(mention_sets, term_sets),
)
def test_scores_bounded_explained_and_deterministic(labs, need) -> None:
    profiles = {f"L{i}": profile(*m.items(), terms=tuple(t)) for i, (m, t) in enumerate(labs)}
    query = profile(*need[0].items(), terms=tuple(need[1]))
    index = MatchIndex(VOCAB, profiles)
    ranking = index.rank_labs(query, limit=10)
    assert ranking == MatchIndex(VOCAB, profiles).rank_labs(query, limit=10)
    scores = [p.score for p in ranking]
    assert scores == sorted(scores, reverse=True)
    for p in ranking:
        assert 0 < p.score <= 1 + 1e-12
        parts = [c.contribution for c in p.explanation.concepts]
        parts += [t.contribution for t in p.explanation.terms]
        assert math.fsum(parts) == pytest.approx(p.score, abs=1e-9)
