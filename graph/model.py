"""Domain values: concepts, labs, companies, needs and what extraction finds in a text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ConceptKind = Literal[
    "field", "technology", "material", "process", "phenomenon", "skill", "equipment", "sector"
]
Language = Literal["fr", "en"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Concept(_Frozen):
    """A vocabulary concept (technology, material, process, skill...)."""

    id: str
    kind: ConceptKind
    label_fr: str
    label_en: str
    alt_fr: tuple[str, ...] = ()
    alt_en: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    esco: str | None = None
    euroscivoc: str | None = None
    naf: str | None = None

    def label(self, language: Language = "fr") -> str:
        """Preferred label in ``language``."""
        return self.label_fr if language == "fr" else self.label_en


class ConceptMention(_Frozen):
    """A concept found in a text, with its weight in the text and the spans that show it."""

    concept_id: str
    weight: float = Field(gt=0, le=1)
    evidence: tuple[str, ...] = ()


class Extraction(_Frozen):
    """What the extraction pipeline found in one text."""

    language: Language
    mentions: tuple[ConceptMention, ...] = ()
    keywords: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    """Normalised content words of the text (lemmas), in order: the lexical channel's tokens."""


class Lab(_Frozen):
    """A research unit, keyed by its RNSR id."""

    id: str
    name: str
    acronym: str | None = None
    city: str | None = None
    description: str = ""


class Company(_Frozen):
    """A company that expresses needs."""

    id: str
    name: str
    city: str | None = None
    naf: str | None = None
    size: str | None = None
    illustrative: bool = False


class Need(_Frozen):
    """A need expressed by a company, in free text."""

    id: str
    company_id: str
    title: str
    text: str
    illustrative: bool = False
