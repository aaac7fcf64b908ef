"""Graph signals: the company's history, its partners' partners, place and topic record."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from graph.model import (
    Company,
    Concept,
    ConceptMention,
    Extraction,
    Lab,
    Need,
    Participation,
    Project,
)
from graph.ranking.context import GraphContext, Topic
from graph.ranking.matching import MatchIndex
from graph.ranking.pipeline import Ranker, RankingData
from graph.ranking.signals import default_weights
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor


def ex(*concepts: str, terms: tuple[str, ...] = ()) -> Extraction:
    return Extraction(
        language="fr",
        mentions=tuple(ConceptMention(concept_id=c, weight=1.0) for c in concepts),
        terms=terms,
    )


VOCAB = [Concept(id="welding", kind="process", label_fr="soudage", label_en="welding")]
LABS = ["L1", "L2", "L3", "L4"]
PROJECTS = [
    Project(id="P1", source="anr", year=2015, topic_code="CE08"),
    Project(id="P2", source="anr", year=2016, topic_code="CE08"),
    Project(id="P3", source="anr", year=2017, topic_code="CE10"),
]
PARTS = [
    Participation(project_id="P1", partner_kind="lab", partner_id="L1"),
    Participation(project_id="P1", partner_kind="company", partner_id="ACME"),
    Participation(project_id="P1", partner_kind="lab", partner_id="L2"),
    Participation(project_id="P2", partner_kind="lab", partner_id="L2"),
    Participation(project_id="P3", partner_kind="lab", partner_id="L2"),
    Participation(project_id="P3", partner_kind="lab", partner_id="L3"),
]
TOPICS = {
    "CE08": Topic("CE08", "Matériaux métalliques (CE08)", ("metals", "welding")),
    "CE10": Topic("CE10", "Usine du futur (CE10)", ("robotics",)),
    "CE99": Topic("CE99", "Sans concept (CE99)", ()),
}


def context() -> GraphContext:
    return GraphContext(LABS, PROJECTS, PARTS, TOPICS, {"L1": "Grand Est", "L4": "Grand Est"})


def test_a_need_is_about_the_themes_that_share_its_concepts() -> None:
    ctx = context()
    assert ctx.topics_of({"welding": 1.0}) == {"CE08": 1.0}
    assert ctx.topics_of({"welding": 1.0, "robotics": 0.9}) == {"CE08": 1.0, "CE10": 0.9}
    # a broader concept alone, at half weight, is not enough; no concept, no theme
    assert ctx.topics_of({"metals": 0.25}) == {}
    assert ctx.topics_of({}) == {}
    assert ctx.describe({"CE08": 1.0, "CE10": 0.9}) == (
        "Matériaux métalliques (CE08); Usine du futur (CE10)"
    )


def test_signals_by_hand() -> None:
    ctx = context()
    s = {
        "history": ctx.history("ACME"),
        "partners": ctx.partners("ACME"),
        "proximity": ctx.proximity("Grand Est"),
        "topic_record": ctx.topic_record({"CE08": 1.0}),
    }
    assert s["history"].tolist() == [1.0, 1.0, 0.0, 0.0]  # ACME worked with L1 and L2 (P1)
    # partners of L1 and L2: L1<->L2 once (P1), L2<->L3 once (P3)
    assert s["partners"][2] > 0 and s["partners"][3] == 0
    assert s["proximity"].tolist() == [1.0, 0.0, 0.0, 1.0]
    # CE08 is the need's topic: L2 has two projects there, L1 one, L3 none
    record = s["topic_record"]
    assert record[1] == 1.0 and 0 < record[0] < 1 and record[2] == 0.0
    assert not ctx.history("NOBODY").any() and not ctx.proximity(None).any()
    assert not ctx.topic_record({}).any()


def test_context_adds_up_and_lifts_the_company_partners() -> None:
    index = MatchIndex(VOCAB, {lab: ex("welding") for lab in LABS})
    need = ex("welding", terms=("materiau", "metalliqu"))
    plain = [p.lab_id for p in index.rank_labs(need, 4)]
    assert plain == LABS  # equal relevance: lab id order
    ranker = Ranker(
        RankingData(
            VOCAB,
            {lab: ex("welding") for lab in LABS},
            projects=PROJECTS,
            participations=PARTS,
            topics=TOPICS,
            regions={"L1": "Grand Est", "L4": "Grand Est"},
        )
    )
    assert ranker.themes(need) == {"CE08": 1.0}
    acme = Company(id="ACME", name="Acme", region="Grand Est")
    ranked = ranker.rank(need, 4, company=acme)
    # the officers' feedback has no introduction here: only the graph's four signals apply
    weights = {k: w for k, w in default_weights().items() if k != "feedback"}
    # ACME worked with L1 and L2: they come first. By hand, with relevance r = 0.7 each (the
    # concept channel) and W = 2.25: L2 adds r * 0.5 * 1.0 (topic record, two CE08 projects:
    # it multiplies relevance), L1 adds r * 0.5 * log 2 / log 3 and 0.15 (same region);
    # history and partners are equal. 0.35 - 0.22 = 0.13 < 0.15: L1 first.
    assert [p.lab_id for p in ranked][:2] == ["L1", "L2"]
    parts = {p.lab_id: {c.signal: c.contribution for c in p.explanation.context} for p in ranked}
    scale = 1 / (1 + sum(weights.values()))
    assert parts["L2"]["topic_record"] == pytest.approx(0.7 * 0.5 * scale)
    assert parts["L1"]["topic_record"] == pytest.approx(
        0.7 * 0.5 * math.log(2) / math.log(3) * scale
    )
    assert parts["L1"]["proximity"] == pytest.approx(0.15 * scale)
    for p in ranked:
        e = p.explanation
        total = math.fsum(
            [c.contribution for c in e.concepts]
            + [t.contribution for t in e.terms]
            + [c.contribution for c in e.context]
            + [e.industry_score]
        )
        assert total == pytest.approx(p.score, abs=1e-9)
        assert 0 < p.score <= 1
    assert {c.signal for c in ranked[0].explanation.context} >= {"history", "topic_record"}


def test_the_service_uses_the_graph_for_a_stored_need(
    tmp_path: Path, extractor: SpacyExtractor, vocabulary: list[Concept]
) -> None:
    store = EmbeddedGraphStore(tmp_path)
    store.upsert_concepts(vocabulary)
    texts = {
        "201119725X": "Soudage et assemblage des aciers, essais mécaniques.",
        "200918462H": "Soudage, métallurgie physique des aciers, corrosion.",
    }
    labs = [Lab(id=i, name=i, description=t, postcode="57000") for i, t in texts.items()]
    store.upsert_labs(zip(labs, extractor.extract_many(list(texts.values())), strict=True))
    acme = Company(id="name:acme", name="Acme", category="PME", region="Grand Est")
    store.upsert_companies([acme])
    store.upsert_projects(
        [Project(id="ANR-15-CE08-0001", source="anr", year=2015, topic_code="CE08")],
        [
            Participation(
                project_id="ANR-15-CE08-0001", partner_kind="lab", partner_id="200918462H"
            ),
            Participation(
                project_id="ANR-15-CE08-0001", partner_kind="company", partner_id="name:acme"
            ),
        ],
    )
    text = "Nos soudures d'acier fissurent : nous cherchons un partenaire en soudage."
    store.upsert_need(
        Need(id="n1", company_id="name:acme", title="Soudures", text=text), extractor.extract(text)
    )
    service = PairingService(store, extractor)
    _, ranked, _scope = service.need_pairings("n1")
    first = ranked[0]
    assert first.lab.id == "200918462H"  # the lab Acme already worked with
    signals = {c.signal for c in first.pairing.explanation.context}
    assert {"history", "proximity"} <= signals
    # a free-text match knows no company: only the topic record may apply
    free = service.match_text(text).ranking
    assert all(c.signal == "topic_record" for r in free for c in r.pairing.explanation.context)
    store.close()
