"""The API's public views are derived from the domain models: a field added to a model cannot
be left out of a view by oversight, and every shown field is copied from the model."""

from __future__ import annotations

import pytest

from api.schemas.views import (
    ConceptEntry,
    IndustryPartner,
    LabDetail,
    LabPublic,
    _Mirror,
    concept_entry,
    lab_public,
    need_public,
)
from graph.model import Company, Concept, Lab, Need
from graph.usecases.desk import NeedRecord

LAB = Lab(
    id="201119725X",
    name="Laboratoire d'Étude des Microstructures",
    acronym="LEM3",
    city="Metz",
    description="Soudage « TIG ».",
    postcode="57070",
    institutions=("Université de Lorraine", "CNRS"),
    parent_ids=("200918462H",),
    domains="Sciences pour l'ingénieur",
    kind="organisation",
    institution_codes=("LORRAINE",),
    panels="PE8",
    description_en="Welding.",
    description_source="passerelle, 2026-12-01",
    profile_key="abc",
)


def test_a_view_that_forgets_a_field_of_its_model_is_refused() -> None:
    with pytest.raises(TypeError, match=r"neither shown nor hidden \['region'"):

        class Partner(_Mirror):
            source = Company
            hidden = frozenset({"naf", "size", "illustrative", "siren", "category"})

            id: str
            name: str
            city: str | None

    class Grown(Company):  # a field added to the model reaches its views
        employees: int | None = None

    with pytest.raises(TypeError, match=r"\['employees'\]"):

        class GrownPartner(_Mirror):
            source = Grown
            hidden = IndustryPartner.hidden

            id: str
            name: str
            category: str | None
            city: str | None
            region: str | None


def test_a_view_cannot_hide_what_it_shows_nor_retype_a_field() -> None:
    with pytest.raises(TypeError, match=r"hidden but unknown or shown \['nope'\]"):

        class Stale(_Mirror):
            source = Need
            hidden = frozenset({"nope"})

            id: str
            title: str
            company_id: str
            text: str
            illustrative: bool

    with pytest.raises(TypeError, match="Retyped.illustrative"):

        class Retyped(_Mirror):
            source = Need
            hidden = frozenset(
                {"submitted_at", "submitted_by", "visibility", "concepts_added", "concepts_removed"}
            )

            id: str
            title: str
            company_id: str
            text: str
            illustrative: str


def test_views_copy_every_shown_field() -> None:
    assert lab_public(LAB).model_dump() == {
        "id": LAB.id,
        "name": LAB.name,
        "acronym": LAB.acronym,
        "city": LAB.city,
    }
    shown = set(LabDetail.copied())
    assert shown == {
        "id",
        "name",
        "acronym",
        "city",
        "description",
        "postcode",
        "institutions",
        "kind",
        "description_source",
    }
    detail = LabDetail.of(
        LAB,
        domains="d",
        capabilities=[],
        keywords=[],
        industry={
            "companies": 0,
            "smes": 0,
            "projects_with_industry": 0,
            "by_year": {},
            "by_topic": {},
            "partners": [],
        },
    )
    assert {name: getattr(detail, name) for name in shown} == {
        name: getattr(LAB, name) for name in shown
    }
    need = Need(
        id="n",
        company_id="c",
        title="T « é »",
        text="x",
        illustrative=True,
        visibility="anonymous",
        submitted_by="user-1",
        submitted_at="2026-12-02T08:00:00+00:00",
    )
    shown_need = need_public(NeedRecord(need, None, "new", True)).model_dump()
    assert shown_need == {
        **need.model_dump(exclude={"submitted_by", "concepts_added", "concepts_removed"}),
        "company": None,
        "status": "new",
    }
    hidden = need_public(NeedRecord(need, None, "in_progress", False)).model_dump()
    assert hidden["company_id"] is None and hidden["status"] == "in_progress"
    assert "user-1" not in str(hidden)
    concept = Concept(
        id="tig",
        kind="process",
        label_fr="soudage TIG",
        label_en="TIG welding",
        alt_fr=("TIG",),
        alt_en=("GTAW",),
        broader=("welding",),
    )
    assert concept_entry(concept) == ConceptEntry(
        id="tig",
        kind="process",
        label="soudage TIG",
        label_en="TIG welding",
        synonyms=["TIG", "GTAW"],
        broader=("welding",),
    )
    assert LabPublic.source is Lab and IndustryPartner.source is Company
