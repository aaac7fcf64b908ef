"""Every stored model, fully filled, reads back equal from both stores (real Neo4j included).

The instances come from hypothesis: every optional field holds a value, texts hold accents,
quotes, typographic marks and characters outside Latin-1, so that a reader that forgets a
field (it would come back as its default) or mangles a value fails here.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from graph.model import (
    Collaboration,
    Company,
    Concept,
    ConceptMention,
    Extraction,
    Lab,
    Need,
    Participation,
    Project,
)
from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import Store
from tests.neo4j_server import NEO4J

pytestmark = [pytest.mark.integration]

M = TypeVar("M", bound=BaseModel)

# ids sort alike in Python, SQLite (UTF-8 bytes) and Neo4j (UTF-16 units) below the surrogates
_ID_CHARS = st.characters(max_codepoint=0xD7FF, blacklist_categories=("Cs", "Cc"))
_TEXT_CHARS = st.characters(blacklist_categories=("Cs", "Cc"))
_TRICKY = st.sampled_from(
    ["é", "È", "ç", "œ", "ß", "'", '"', "’", "« »", "\\", "`", "$x", "{a: 1}", "--", ";", "日本語"]
    + ["🙂", "\n", "\t", " "]
)
IDS = st.text(_ID_CHARS, min_size=1, max_size=12)
TEXT = st.lists(st.one_of(_TRICKY, st.text(_TEXT_CHARS, max_size=8)), min_size=1, max_size=4).map(
    "".join
)
WORDS = st.lists(TEXT, max_size=3).map(tuple)
# terms are single tokens (the extractor splits on spaces)
TERM = st.text(_TEXT_CHARS.filter(lambda c: not c.isspace()), min_size=1, max_size=10)
WEIGHT = st.floats(min_value=0, max_value=1, exclude_min=True)
YEAR = st.integers(min_value=1900, max_value=2100)


def every_field(model: type[M], **strategies: st.SearchStrategy[Any]) -> st.SearchStrategy[M]:
    """``model`` with every field given (hypothesis fills the ones not named here)."""
    missing = set(model.model_fields) - set(strategies)
    fills = {
        name: TEXT if model.model_fields[name].annotation in (str, str | None) else None
        for name in missing
    }
    unknown = sorted(name for name, s in fills.items() if s is None)
    assert not unknown, f"give a strategy for {model.__name__}: {unknown}"
    return st.builds(model, **strategies, **fills)


def extractions(concept_ids: st.SearchStrategy[str]) -> st.SearchStrategy[Extraction]:
    # stores give mentions back ordered by concept
    mentions = st.lists(
        every_field(
            ConceptMention,
            concept_id=concept_ids,
            weight=WEIGHT,
            evidence=WORDS,
            sources=st.lists(
                st.sampled_from(["description", "register", "anr", "cordis"]), max_size=4
            ).map(tuple),
        ),
        max_size=3,
        unique_by=lambda m: m.concept_id,
    ).map(lambda ms: tuple(sorted(ms, key=lambda m: m.concept_id)))
    return every_field(
        Extraction,
        language=st.sampled_from(["fr", "en"]),
        mentions=mentions,
        keywords=WORDS,
        terms=st.lists(TERM, max_size=5).map(tuple),
    )


@dataclasses.dataclass(frozen=True)
class World:
    concepts: list[Concept]
    labs: list[tuple[Lab, Extraction]]
    companies: list[Company]
    needs: list[tuple[Need, Extraction]]
    projects: list[Project]
    participations: list[Participation]
    collaborations: list[Collaboration]


def _by_id(items: list[M]) -> list[M]:
    return sorted(items, key=lambda x: x.id)  # type: ignore[attr-defined]


@st.composite
def worlds(draw: st.DrawFn) -> World:
    concept_ids = draw(st.lists(IDS, min_size=1, max_size=4, unique=True))
    concepts = [
        draw(
            every_field(
                Concept,
                id=st.just(cid),
                kind=st.sampled_from(["field", "technology", "material", "skill"]),
                alt_fr=WORDS,
                alt_en=WORDS,
                # BROADER links go to stored concepts; stores give them back ordered
                broader=st.sets(st.sampled_from(concept_ids)).map(lambda s: tuple(sorted(s))),
                source=st.sampled_from(["passerelle", "esco", "naf"]),
            )
        )
        for cid in concept_ids
    ]
    mentioned = st.one_of(st.sampled_from(concept_ids), IDS)
    lab_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    labs = [
        (
            draw(
                every_field(
                    Lab,
                    id=st.just(lid),
                    institutions=WORDS,
                    parent_ids=st.lists(st.sampled_from(lab_ids), max_size=2).map(tuple),
                    kind=st.sampled_from(["unit", "organisation"]),
                    institution_codes=WORDS,
                )
            ),
            draw(extractions(mentioned)),
        )
        for lid in lab_ids
    ]
    company_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    companies = [
        draw(every_field(Company, id=st.just(cid), illustrative=st.booleans()))
        for cid in company_ids
    ]
    need_ids = draw(st.lists(IDS, max_size=3, unique=True))
    needs = [
        (
            draw(
                every_field(
                    Need,
                    id=st.just(nid),
                    company_id=st.sampled_from(company_ids),
                    illustrative=st.booleans(),
                    visibility=st.sampled_from(["confidential", "anonymous", "public"]),
                    concepts_added=st.lists(mentioned, max_size=2, unique=True).map(tuple),
                    concepts_removed=st.lists(mentioned, max_size=2, unique=True).map(tuple),
                )
            ),
            draw(extractions(mentioned)),
        )
        for nid in need_ids
    ]
    project_ids = draw(st.lists(IDS, max_size=3, unique=True))
    projects = [
        draw(
            every_field(
                Project, id=st.just(pid), source=st.sampled_from(["anr", "cordis"]), year=YEAR
            )
        )
        for pid in project_ids
    ]
    partners = [("lab", i) for i in lab_ids] + [("company", i) for i in company_ids]
    participations = (
        [
            Participation(
                project_id=pid, partner_kind=kind, partner_id=partner, coordinator=coordinator
            )
            for pid, (kind, partner), coordinator in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(project_ids), st.sampled_from(partners), st.booleans()
                    ),
                    max_size=4,
                    unique_by=lambda t: (t[0], t[1]),
                )
            )
        ]
        if project_ids
        else []
    )
    collaborations = [
        draw(
            every_field(
                Collaboration,
                lab_id=st.just(lab),
                company_id=st.just(company),
                projects=st.integers(min_value=1, max_value=1000),
                years=st.lists(YEAR, max_size=3).map(tuple),
            )
        )
        for lab, company in draw(
            st.lists(
                st.tuples(st.sampled_from(lab_ids), st.sampled_from(company_ids)),
                max_size=3,
                unique=True,
            )
        )
    ]
    return World(concepts, labs, companies, needs, projects, participations, collaborations)


def write(store: Store, world: World) -> None:
    store.upsert_concepts(world.concepts)
    store.upsert_labs(world.labs)
    store.upsert_companies(world.companies)
    store.upsert_needs(world.needs)
    store.upsert_projects(world.projects, world.participations)
    store.replace_collaborations(world.collaborations)


def assert_reads_back(store: Store, world: World) -> None:
    assert store.concepts() == _by_id(world.concepts)
    labs = [lab for lab, _ in world.labs]
    assert store.labs() == _by_id(labs)
    for lab in labs:
        assert store.lab(lab.id) == lab
    assert store.lab_profiles() == {lab.id: ex for lab, ex in world.labs}
    assert store.companies() == _by_id(world.companies)
    for company in world.companies:
        assert store.company(company.id) == company
    companies = {c.id: c for c in world.companies}
    assert store.needs() == _by_id([need for need, _ in world.needs])
    assert store.need_profiles() == {need.id: ex for need, ex in world.needs}
    for need, ex in world.needs:
        assert store.need(need.id) == need
        assert store.need_profile(need.id) == ex
        assert store.stored_need(need.id) == (need, ex, companies[need.company_id])
    assert store.projects() == _by_id(world.projects)
    assert store.participations() == sorted(
        world.participations, key=lambda p: (p.project_id, p.partner_kind, p.partner_id)
    )
    assert store.collaborations() == sorted(
        world.collaborations, key=lambda c: (c.lab_id, c.company_id)
    )


def test_the_strategies_fill_every_optional_field() -> None:
    """No stored model keeps a default: a reader forgetting a field would show."""

    @given(worlds())
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
    def check(world: World) -> None:
        instances: list[BaseModel] = [
            *world.concepts,
            *(x for pair in world.labs for x in pair),
            *world.companies,
            *(x for pair in world.needs for x in pair),
            *world.projects,
            *world.collaborations,
        ]
        for obj in instances:
            assert not any(v is None for v in obj.model_dump().values()), obj

    check()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=NEO4J)])
def fresh_store(request: pytest.FixtureRequest) -> Iterator[Callable[[], Store]]:
    """A maker of empty stores of each kind (one per hypothesis example)."""
    if request.param == "neo4j":
        neo4j = request.getfixturevalue("neo4j_store")

        def empty_neo4j() -> Store:
            neo4j.wipe()
            return neo4j  # type: ignore[no-any-return]

        yield empty_neo4j
        return
    opened: list[EmbeddedGraphStore] = []
    with tempfile.TemporaryDirectory() as tmp:

        def empty_embedded() -> Store:
            store = EmbeddedGraphStore(Path(tmp) / str(len(opened)))
            opened.append(store)
            return store

        yield empty_embedded
        for store in opened:
            store.close()


def test_every_stored_model_reads_back_whole(fresh_store: Callable[[], Store]) -> None:
    @given(worlds())
    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    def round_trip(world: World) -> None:
        store = fresh_store()
        write(store, world)
        assert_reads_back(store, world)

    round_trip()
