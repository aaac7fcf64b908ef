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
    source: Literal["passerelle", "esco", "naf"] = "passerelle"
    """Who wrote it: our curated vocabulary, or a register loaded as an extension."""

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
    """A research unit, keyed by its RNSR id (or, without one, by its normalised name)."""

    id: str
    name: str
    acronym: str | None = None
    city: str | None = None
    description: str = ""
    postcode: str | None = None
    institutions: tuple[str, ...] = ()
    """Parent institutions (tutelles)."""
    parent_ids: tuple[str, ...] = ()
    """RNSR ids of the units this one belongs to (PART_OF)."""
    domains: str = ""
    """Scientific domains (French) and ERC panels (English) from the RNSR register."""

    @property
    def profile_text(self) -> str:
        """The text the lab's capabilities are extracted from: description and domains, else name."""
        return "\n".join(t for t in (self.description, self.domains) if t) or self.name


class Company(_Frozen):
    """A company: it expresses needs and takes part in projects."""

    id: str
    name: str
    city: str | None = None
    naf: str | None = None
    size: str | None = None
    illustrative: bool = False
    category: str | None = None
    """As registers write it: PME, TPE, Entreprise autre que TPE ou PME..."""
    region: str | None = None
    siren: str | None = None

    @property
    def is_sme(self) -> bool:
        """A small or medium enterprise (PME, TPE, SME)."""
        return (self.category or self.size or "").upper() in {"PME", "TPE", "SME", "MICRO"}


class Project(_Frozen):
    """A collaborative research project (ANR, CORDIS)."""

    id: str
    source: Literal["anr", "cordis"]
    acronym: str | None = None
    year: int | None = None
    topic_code: str | None = None
    """ANR evaluation committee (CE08...) or programme; CORDIS topic."""
    topic: str | None = None
    """The topic's label (French for ANR committees)."""
    text: str = ""
    """Title and objective, when the source has them."""


class Participation(_Frozen):
    """A lab or a company taking part in a project."""

    project_id: str
    partner_kind: Literal["lab", "company"]
    partner_id: str
    coordinator: bool = False


class Collaboration(_Frozen):
    """A lab and a company that worked together, derived from shared projects."""

    lab_id: str
    company_id: str
    projects: int
    years: tuple[int, ...] = ()


class Need(_Frozen):
    """A need expressed by a company, in free text."""

    id: str
    company_id: str
    title: str
    text: str
    illustrative: bool = False
