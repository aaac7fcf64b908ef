"""Officers' introductions change the rankings, on both stores: hand-made cases whose order is
worked out by hand.

Two labs with the same profile, L1 and L2: without feedback they tie, and the tie is broken by
id, so L1 comes first for any need of their concepts. Need N1 requires corrosion (1.0) and
coating (0.5); need N2 corrosion (1.0) and galvanising (0.5): their concept overlap is
min-sum / max-sum = 1.0 / (1.0 + 0.5 + 0.5) = 0.5. Lab L3 shares nothing with them.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from graph.model import Company, Concept, ConceptMention, Extraction, Lab, Need
from graph.ranking.feedback import feedback_for, overlap
from graph.rules.workflow import advance, open_introduction
from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import Store
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from tests.neo4j_server import NEO4J

pytestmark = pytest.mark.integration

AT = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
CONCEPTS = [
    Concept(id="corrosion", kind="phenomenon", label_fr="corrosion", label_en="corrosion"),
    Concept(id="coating", kind="process", label_fr="revêtement", label_en="coating"),
    Concept(id="galvanising", kind="process", label_fr="galvanisation", label_en="galvanising"),
    Concept(id="machining", kind="process", label_fr="usinage", label_en="machining"),
]


def mentions(**weights: float) -> tuple[ConceptMention, ...]:
    return tuple(ConceptMention(concept_id=c, weight=w) for c, w in weights.items())


SAME = Extraction(
    language="fr",
    mentions=mentions(corrosion=1.0, coating=1.0, galvanising=1.0),
    terms=("corrosion", "revetement", "galvanisation"),
)
LABS = [
    (Lab(id="L1", name="Laboratoire un", city="Nancy"), SAME),
    (Lab(id="L2", name="Laboratoire deux", city="Metz"), SAME),
    (
        Lab(id="L3", name="Laboratoire trois", city="Metz"),
        Extraction(language="fr", mentions=mentions(machining=1.0), terms=("usinage",)),
    ),
]
COMPANY = Company(id="acme", name="Acme (fictive)", city="Metz")
N1 = Need(id="N1", company_id="acme", title="Rouille", text="Nos pièces rouillent.")
N1_EX = Extraction(language="fr", mentions=mentions(corrosion=1.0, coating=0.5))
N2 = Need(id="N2", company_id="acme", title="Galvanisation", text="La galvanisation cloque.")
N2_EX = Extraction(language="fr", mentions=mentions(corrosion=1.0, galvanising=0.5))
N3 = Need(id="N3", company_id="acme", title="Usinage", text="Nos outils s'usent.")
N3_EX = Extraction(language="fr", mentions=mentions(machining=1.0))


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=NEO4J)])
def service(
    request: pytest.FixtureRequest, tmp_path: Path, extractor: SpacyExtractor
) -> Iterator[PairingService]:
    if request.param == "embedded":
        store: Store = EmbeddedGraphStore(tmp_path)
    else:
        store = request.getfixturevalue("neo4j_store")
    store.upsert_concepts(CONCEPTS)
    store.upsert_labs(LABS)
    store.upsert_needs([(N1, N1_EX), (N2, N2_EX), (N3, N3_EX)], [COMPANY])
    yield PairingService(store, extractor)
    if request.param == "embedded":
        store.close()


def order(service: PairingService, need_id: str) -> list[str]:
    return [r.lab.id for r in service.need_pairings(need_id, 10)[1]]


def step(service: PairingService, need_id: str, lab_id: str, *to: str) -> None:
    """Open an introduction and move it through ``to``."""
    intro, event = open_introduction(need_id, lab_id, "agent", AT)
    store = service.store
    if not store.add_introduction(intro, event):
        found = store.introduction(intro.id)
        assert found is not None
        intro = found
    for status in to:
        reason = "pas disponible cette année" if status == "declined" else ""
        intro, event = advance(intro, status, "agent", AT, reason=reason)  # type: ignore[arg-type]
        store.record_event(intro, event)


def test_the_overlap_of_two_needs_is_worked_out_by_hand() -> None:
    assert overlap(N1_EX, N2_EX) == pytest.approx(0.5)
    assert overlap(N1_EX, N1_EX) == 1.0
    assert overlap(N1_EX, N3_EX) == 0.0


def test_without_introductions_the_tie_is_broken_by_id(service: PairingService) -> None:
    assert order(service, "N1") == ["L1", "L2"]  # L3 shares no concept: never suggested
    assert order(service, "N2") == ["L1", "L2"]
    ranking = service.need_pairings("N1")[1]
    assert ranking[0].pairing.score == pytest.approx(ranking[1].pairing.score)
    assert all(c.signal != "feedback" for r in ranking for c in r.pairing.explanation.context)


def test_a_meeting_on_a_similar_need_lifts_the_lab_and_says_why(service: PairingService) -> None:
    step(service, "N2", "L2", "contacted")
    assert order(service, "N1") == ["L1", "L2"]  # contacted is not a success yet
    step(service, "N2", "L2", "meeting")
    assert order(service, "N1") == ["L2", "L1"]
    first = service.need_pairings("N1")[1][0]
    parts = {c.signal: c for c in first.pairing.explanation.context}
    assert parts["feedback"].value == pytest.approx(0.5)  # the overlap of N1 and N2
    assert parts["feedback"].contribution > 0
    assert parts["feedback"].label_fr == "a réussi sur des besoins proches"
    # the explanation's parts still add up to the score
    e = first.pairing.explanation
    total = math.fsum(c.contribution for c in e.context)
    assert first.pairing.score >= total > 0
    # a need with nothing in common gets nothing from it (and L2 is still not suggested)
    assert "L2" not in order(service, "N3") and order(service, "N3") == ["L3"]


def test_an_agreement_counts_as_a_meeting_and_a_decline_on_a_similar_need_does_not(
    service: PairingService,
) -> None:
    step(service, "N2", "L1", "declined")
    assert order(service, "N1") == ["L1", "L2"]
    step(service, "N2", "L2", "contacted", "meeting", "agreement")
    assert order(service, "N1") == ["L2", "L1"]


def test_a_lab_declined_for_a_need_leaves_its_suggestions_only(service: PairingService) -> None:
    step(service, "N1", "L1", "contacted", "declined")
    assert order(service, "N1") == ["L2"]
    assert order(service, "N2") == ["L1", "L2"]  # declined for N1, not for N2
    found = feedback_for("N1", N1_EX, service.store.introductions(), service.store.need_profile)
    assert found.declined == {"L1": "pas disponible cette année"}
    # a lab declined for this need gets no lift from its successes elsewhere
    step(service, "N2", "L1", "contacted", "meeting")
    assert order(service, "N1") == ["L2"]


def test_a_withdrawn_need_teaches_nothing_any_more(service: PairingService) -> None:
    step(service, "N2", "L2", "contacted", "meeting")
    assert order(service, "N1") == ["L2", "L1"]
    assert service.store.delete_need("N2")
    assert order(service, "N1") == ["L1", "L2"]
