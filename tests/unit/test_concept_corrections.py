"""A need's company corrects the concepts found in its text (``Desk.correct_concepts``): a
removed concept leaves the profile and the rankings, an added one enters them (weight 1, no
evidence), the corrections survive an edit of the text; only the need's company and officers
may correct, an unknown concept is refused. On the embedded store over the demo corpus."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.errors import ForbiddenError, InputError, NotFoundError
from graph.rules.accounts import Principal
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.auth import Accounts
from graph.usecases.desk import Desk
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.registers.demo import load_demo

PASSWORD = "mot de passe des corrections"
TEXT = (
    "Nos pièces en acier galvanisé rouillent au bout de six mois en extérieur ; "
    "nous cherchons un traitement de surface plus durable contre la corrosion."
)
ADDED = "welding"


@dataclass
class Bench:
    desk: Desk
    who: dict[str, Principal]
    need_id: str


@pytest.fixture(scope="module")
def demo(
    tmp_path_factory: pytest.TempPathFactory, extractor: SpacyExtractor
) -> Iterator[tuple[EmbeddedGraphStore, Desk, dict[str, Principal]]]:
    store = EmbeddedGraphStore(Path(tmp_path_factory.mktemp("corrections")) / "store")
    load_demo(store, extractor)
    service = PairingService(store, extractor)
    service.warm()
    companies = [c.id for c in store.companies()]
    accounts = Accounts(store)
    who = {
        "sme": Principal(accounts.add_user("a@pme.fr", "sme", PASSWORD, company=companies[0])),
        "other_sme": Principal(
            accounts.add_user("b@pme.fr", "sme", PASSWORD, company=companies[1])
        ),
        "officer": Principal(accounts.add_user("agent@ul.fr", "officer", PASSWORD)),
        "researcher": Principal(accounts.add_user("c@ul.fr", "researcher", PASSWORD)),
    }
    yield store, Desk(service), who
    store.close()


@pytest.fixture
def bench(demo: tuple[EmbeddedGraphStore, Desk, dict[str, Principal]]) -> Bench:
    _, desk, who = demo
    need, _, _ = desk.submit(who["sme"], title="Corrosion", text=TEXT, visibility="anonymous")
    return Bench(desk, who, need.id)


def found(bench: Bench) -> set[str]:
    return {m.concept_id for m in bench.desk.need_profile(bench.who["sme"], bench.need_id).mentions}


def ranking(bench: Bench) -> list[tuple[str, set[str]]]:
    """Each suggested lab and the concepts its explanation shares with the need."""
    shown = bench.desk.pairings(bench.who["sme"], bench.need_id, 10).ranking
    return [(r.lab.id, {c.concept_id for c in r.pairing.explanation.concepts}) for r in shown]


@pytest.fixture(autouse=True)
def _fresh(bench: Bench) -> Iterator[None]:
    yield
    bench.desk.withdraw(bench.who["officer"], bench.need_id)


def test_a_removed_concept_leaves_the_profile_and_the_rankings(bench: Bench) -> None:
    before = found(bench)
    assert before, "the demo text should mention some concepts"
    heaviest = max(
        bench.desk.need_profile(bench.who["sme"], bench.need_id).mentions, key=lambda m: m.weight
    ).concept_id
    ranked = ranking(bench)
    assert any(heaviest in shared for _, shared in ranked)
    need, profile = bench.desk.correct_concepts(bench.who["sme"], bench.need_id, remove=[heaviest])
    assert need.concepts_removed == (heaviest,)
    assert heaviest not in {m.concept_id for m in profile.mentions}
    assert found(bench) == before - {heaviest}
    after = ranking(bench)
    assert after != ranked
    assert all(heaviest not in shared for _, shared in after)


def test_an_added_concept_enters_the_profile_with_weight_one_and_the_rankings(
    bench: Bench,
) -> None:
    assert ADDED not in found(bench)
    ranked = ranking(bench)
    need, profile = bench.desk.correct_concepts(bench.who["officer"], bench.need_id, add=[ADDED])
    assert need.concepts_added == (ADDED,)
    mention = next(m for m in profile.mentions if m.concept_id == ADDED)
    assert mention.weight == 1.0 and mention.evidence == ()
    assert ADDED in found(bench)
    after = ranking(bench)
    assert after != ranked
    assert any(ADDED in shared for _, shared in after)
    # adding it again changes nothing
    again, profile_again = bench.desk.correct_concepts(bench.who["sme"], bench.need_id, add=[ADDED])
    assert again.concepts_added == (ADDED,) and profile_again == profile


def test_corrections_survive_an_edit_of_the_text(bench: Bench) -> None:
    removed = sorted(found(bench))[0]
    bench.desk.correct_concepts(bench.who["sme"], bench.need_id, add=[ADDED], remove=[removed])
    bench.desk.edit(bench.who["sme"], bench.need_id, text=TEXT + " Le zinc s'écaille aussi.")
    after = found(bench)
    assert ADDED in after and removed not in after
    # adding back a removed concept undoes the removal
    need, _ = bench.desk.correct_concepts(bench.who["sme"], bench.need_id, add=[removed])
    assert removed not in need.concepts_removed
    assert removed in found(bench)


def test_only_the_need_s_company_and_officers_correct(bench: Bench) -> None:
    some = sorted(found(bench))[0]
    with pytest.raises(NotFoundError):
        bench.desk.correct_concepts(bench.who["other_sme"], bench.need_id, remove=[some])
    with pytest.raises(ForbiddenError):
        bench.desk.correct_concepts(bench.who["researcher"], bench.need_id, remove=[some])
    with pytest.raises(InputError) as e:
        bench.desk.correct_concepts(bench.who["sme"], bench.need_id, add=["pas-un-concept"])
    assert e.value.where == "concept_id"
    assert some in found(bench)


def test_the_need_page_highlights_each_evidence_once_in_plain_pieces() -> None:
    from api.web.needs import highlighted
    from graph.model import ConceptMention, Extraction

    text = "Acier <b>galvanisé</b> :\nl'acier rouille."
    found = Extraction(
        language="fr",
        mentions=(
            ConceptMention(concept_id="steel", weight=0.5, evidence=("acier",)),
            ConceptMention(concept_id="corrosion", weight=0.5, evidence=("rouille", "")),
            ConceptMention(concept_id="added", weight=1.0),
        ),
    )
    assert highlighted(text, found) == [
        [("Acier", "steel"), (" <b>galvanisé</b> :", None)],
        [("l'", None), ("acier", "steel"), (" ", None), ("rouille", "corrosion"), (".", None)],
    ]


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("title", "T" * 301, "300"),
        ("title", "titre\x07", "U+0007"),
        ("title", "   ", "vide"),
        ("text", "texte\x00 nul", "U+0000"),
    ],
)
def test_the_desk_checks_a_needs_fields_for_every_door(
    bench: Bench, field: str, value: str, says: str
) -> None:
    """The same checks for the API, the pages and the CLI: they live in the desk. Nothing
    changes when a field is refused."""
    before = bench.desk.need(bench.who["sme"], bench.need_id)
    fields = {"title": "Corrosion", "text": TEXT, field: value}
    with pytest.raises(InputError) as submitted:
        bench.desk.submit(bench.who["sme"], title=fields["title"], text=fields["text"])
    with pytest.raises(InputError) as edited:
        bench.desk.edit(bench.who["sme"], bench.need_id, **{field: value})
    for error in (submitted.value, edited.value):
        assert error.where == field and says in str(error)
    assert bench.desk.need(bench.who["sme"], bench.need_id) == before
