"""graph.usecases.whatif: a stored need ranked again without a concept, with another, or as another
company's, storing nothing; how a ranking moved; the parts of a score. On the demo corpus."""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.errors import InputError, NotFoundError
from graph.model import Collaboration, Company, Lab, Participation, Project
from graph.ranking.matching import Explanation, Pairing
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.pairing import PairingService, RankedLab
from graph.usecases.whatif import (
    industry_partner,
    main_concepts,
    rank_changes,
    score_parts,
    what_if,
)
from ingest.language.extract import SpacyExtractor
from ingest.registers.demo import load_demo

NEED = "need-039"  # forging simulation: LEM3 first, on its « forgeage »


def test_without_changes_the_ranking_is_the_apis(service: PairingService) -> None:
    _, ranking, used = service.need_pairings(NEED, limit=10)
    found = what_if(service, NEED, limit=10)
    assert found.lab_ids == [r.lab.id for r in ranking]
    assert [r.pairing for r in found.ranking] == [r.pairing for r in ranking]
    assert found.scope == used
    assert found.company == service.store.company(found.need.company_id)
    assert found.removed == found.added == ()


def test_removing_a_concept_reranks_and_stores_nothing(service: PairingService) -> None:
    store = service.store
    revision, profile, need = store.revision(), store.need_profile(NEED), store.need(NEED)
    before = what_if(service, NEED)
    top = before.ranking[0].pairing.explanation.concepts[0]
    after = what_if(service, NEED, remove=top.need_via)
    assert after.removed == top.need_via
    assert not {m.concept_id for m in after.profile.mentions} & set(top.need_via)
    for r in after.ranking:
        for c in r.pairing.explanation.concepts:
            assert not set(c.need_via) & set(top.need_via)
    assert after.lab_ids != before.lab_ids
    # nothing stored: the need, its profile and the store's revision are as they were
    assert store.revision() == revision
    assert store.need_profile(NEED) == profile
    assert store.need(NEED) == need
    assert what_if(service, NEED).lab_ids == before.lab_ids


def test_adding_a_concept_mentions_it_with_weight_one(service: PairingService) -> None:
    found = what_if(service, NEED, add=["welding"])
    weights = {m.concept_id: m.weight for m in found.profile.mentions}
    assert weights["welding"] == 1.0
    assert found.added == ("welding",)


def test_removing_a_concept_the_need_lacks_changes_nothing(service: PairingService) -> None:
    assert what_if(service, NEED, remove=["wood"]).ranking == what_if(service, NEED).ranking


def test_unknown_need_or_concept_is_refused(service: PairingService) -> None:
    with pytest.raises(NotFoundError):
        what_if(service, "need-none")
    with pytest.raises(InputError):
        what_if(service, NEED, remove=["no_such_concept"])


def test_a_large_company_without_track_records_changes_nothing(service: PairingService) -> None:
    own = what_if(service, NEED)
    assert own.company is not None and own.company.is_sme
    large = own.company.model_copy(update={"size": "GE"})
    found = what_if(service, NEED, company=large)
    assert found.company == large and not large.is_sme
    # the demo corpus has no projects: no track record, so SME or not is the same
    assert found.lab_ids == own.lab_ids
    assert industry_partner(service, own.ranking) is None


# -- a company with a history: a hand-made project between a company and a demo lab ------
@pytest.fixture(scope="module")
def with_history(
    tmp_path_factory: pytest.TempPathFactory, extractor: SpacyExtractor
) -> Iterator[tuple[PairingService, str, Company]]:
    """A demo store where the last lab of the need's ranking worked with a company."""
    store = EmbeddedGraphStore(Path(tmp_path_factory.mktemp("whatif")) / "store")
    load_demo(store, extractor)
    service = PairingService(store, extractor)
    last = what_if(service, NEED).ranking[-1].lab.id
    partner = Company(id="acme", name="ACME", region="Grand Est", category="Grande entreprise")
    store.upsert_company(partner)
    store.upsert_projects(
        [Project(id="P1", source="anr", year=2020)],
        [
            Participation(project_id="P1", partner_kind="lab", partner_id=last),
            Participation(project_id="P1", partner_kind="company", partner_id="acme"),
        ],
    )
    store.replace_collaborations([Collaboration(lab_id=last, company_id="acme", projects=1)])
    yield service, last, partner
    store.close()


def test_a_company_that_worked_with_a_lab_lifts_it(
    with_history: tuple[PairingService, str, Company],
) -> None:
    service, lab_id, partner = with_history
    before = what_if(service, NEED)
    found = industry_partner(service, before.ranking)
    assert found is not None
    ranked, company = found
    assert (ranked.lab.id, company) == (lab_id, partner)
    after = what_if(service, NEED, company=company)
    moved = rank_changes(before.ranking, after.ranking).of(lab_id)
    assert moved.before is not None and moved.after is not None
    assert moved.after < moved.before
    lifted = after.ranking[moved.after - 1].pairing.explanation
    assert "history" in {c.signal for c in lifted.context}


# -- rank_changes ----------------------------------------------------------------------------
def _ranking(*ids: str) -> list[RankedLab]:
    return [
        RankedLab(n, Lab(id=i, name=i), Pairing(i, 1.0 / n, Explanation(0, 0, (), ())))
        for n, i in enumerate(ids, start=1)
    ]


def test_rank_changes_names_every_move() -> None:
    moved = rank_changes(_ranking("A", "B", "C", "D"), _ranking("B", "A", "C", "E"))
    assert [c.lab_id for c in moved.changes] == ["A", "B", "C", "D", "E"]
    assert moved.risen == ["B"] and moved.fallen == ["A"]
    assert moved.entered == ["E"] and moved.left == ["D"]
    assert moved.moved == 4  # C kept its rank
    assert moved.of("A").gained == -1 and moved.of("B").gained == 1
    assert moved.of("D").gained is None and moved.of("E").before is None
    assert moved.of("Z").before is None and moved.of("Z").after is None


def test_same_ranking_moves_nothing() -> None:
    moved = rank_changes(_ranking("A", "B"), _ranking("A", "B"))
    assert moved.moved == 0 and not moved.entered and not moved.left


# -- score_parts -------------------------------------------------------------------------------
def test_score_parts_add_up_to_the_score(service: PairingService) -> None:
    ranking = what_if(service, NEED).ranking
    assert ranking
    keep = main_concepts(ranking, most=2)
    assert len(keep) == 2
    for r in ranking:
        for parts in (score_parts(r.pairing), score_parts(r.pairing, keep, language="en")):
            assert all(p.value > 0 for p in parts)
            assert math.isclose(sum(p.value for p in parts), r.pairing.score, rel_tol=1e-9)
        grouped = score_parts(r.pairing, keep)
        assert {p.key for p in grouped if p.kind == "concept"} <= set(keep)


def test_score_parts_with_graph_signals_add_up(
    with_history: tuple[PairingService, str, Company],
) -> None:
    service, lab_id, partner = with_history
    found = what_if(service, NEED, company=partner)
    kinds = set()
    for r in found.ranking:
        parts = score_parts(r.pairing)
        kinds |= {p.kind for p in parts}
        assert math.isclose(sum(p.value for p in parts), r.pairing.score, rel_tol=1e-9)
    assert {"concept", "context", "industry"} <= kinds


def test_main_concepts_are_the_largest_contributions(service: PairingService) -> None:
    ranking = what_if(service, NEED).ranking
    total: dict[str, float] = {}
    for r in ranking:
        for c in r.pairing.explanation.concepts:
            total[c.concept_id] = total.get(c.concept_id, 0.0) + c.contribution
    best = main_concepts(ranking, most=3)
    assert best == sorted(total, key=lambda c: (-total[c], c))[:3]
