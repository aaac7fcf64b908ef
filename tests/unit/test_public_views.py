"""The API's public views are derived from the domain models: none can leave a field out."""

from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import BaseModel

from api import schemas
from graph.model import Company, Lab


def views() -> list[type[schemas._Mirror]]:
    return [
        v
        for v in vars(schemas).values()
        if isinstance(v, type) and issubclass(v, schemas._Mirror) and v.source is not None
    ]


def test_every_view_shows_or_hides_each_field_of_its_model() -> None:
    assert {v.__name__ for v in views()} >= {"LabPublic", "LabDetail", "IndustryPartner"}
    for view in views():
        assert view.source is not None
        shown = set(view.model_fields) & set(view.source.model_fields)
        assert shown | view.hidden == set(view.source.model_fields), view.__name__


def test_a_view_that_forgets_a_field_of_its_model_is_refused() -> None:
    with pytest.raises(TypeError, match=r"CompanyView must show or hide .*'siren'"):

        class CompanyView(schemas._Mirror):
            source: ClassVar[type[BaseModel] | None] = Company
            hidden: ClassVar[frozenset[str]] = frozenset(
                {"city", "naf", "size", "illustrative", "category", "region"}
            )

            id: str
            name: str


def test_a_view_field_typed_unlike_its_model_is_refused() -> None:
    with pytest.raises(TypeError, match=r"LabView.acronym"):

        class LabView(schemas._Mirror):
            source: ClassVar[type[BaseModel] | None] = Lab
            hidden: ClassVar[frozenset[str]] = frozenset(Lab.model_fields) - {"id", "acronym"}

            id: str
            acronym: str


def test_a_view_copies_every_field_it_shows() -> None:
    lab = Lab(
        id="201119725X",
        name="Laboratoire d'Étude des Microstructures « LEM3 »",
        acronym="LEM3",
        city="Metz",
        description="Soudage.",
        postcode="57070",
        institutions=("Université de Lorraine",),
        domains="SPI",
        kind="unit",
        description_source="passerelle, 2026-12-01",
    )
    public = schemas.LabPublic.of(lab)
    assert public.model_dump() == {f: getattr(lab, f) for f in schemas.LabPublic.model_fields}
