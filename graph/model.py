"""Domain values: concepts, labs, companies, needs and what extraction finds in a text."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ConceptKind = Literal[
    "field", "technology", "material", "process", "phenomenon", "skill", "equipment", "sector"
]
Language = Literal["fr", "en"]
ProfileSource = str
"""Where a capability of a lab's profile comes from: the ``source`` key of the register that gave
it (``ingest.registers.table``): ``description`` (what its institution supplied), ``register``
(its RNSR entry: domains and ERC panels), ``anr`` (its ANR projects' committees), ``cordis`` (its
CORDIS projects' objectives)."""
LabKind = Literal["unit", "organisation"]
Visibility = Literal["confidential", "anonymous", "public"]
"""Who may read a need: ``confidential``, its company and the tech-transfer officers only;
``anonymous``, also researchers, without the company; ``public``, every signed-in user."""
VISIBILITIES: tuple[Visibility, ...] = ("confidential", "anonymous", "public")


class Frozen(BaseModel):
    """A domain value: immutable, and no field but those declared."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Concept(Frozen):
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
    source: str = "passerelle"
    """Who wrote it: our curated vocabulary (``passerelle``), or the register that extends it
    (``esco``, ``naf``)."""

    def label(self, language: Language = "fr") -> str:
        """Preferred label in ``language``."""
        return self.label_fr if language == "fr" else self.label_en


class ConceptMention(Frozen):
    """A concept found in a text, with its weight in the text and the spans that show it."""

    concept_id: str
    weight: float = Field(gt=0, le=1)
    evidence: tuple[str, ...] = ()
    sources: tuple[ProfileSource, ...] = ()
    """Where a lab's capability comes from (its description, the register, its projects);
    empty for a need's requirements."""


class Extraction(Frozen):
    """What the extraction pipeline found in one text."""

    language: Language
    mentions: tuple[ConceptMention, ...] = ()
    keywords: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    """Normalised content words of the text (lemmas), in order: the lexical channel's tokens."""


class Lab(Frozen):
    """A research unit, keyed by its RNSR id (or, without one, by its normalised name).

    Only units (``kind="unit"``: RNSR units, or units an institution registered with a
    description) are suggested; organisations that registers name as project partners without
    a unit behind them stay in the graph for the track records.
    """

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
    """Scientific domains (French) from the RNSR register."""
    kind: LabKind = "unit"
    institution_codes: tuple[str, ...] = ()
    """The institutions' acronyms as the RNSR writes them (« LORRAINE », « CNRS »)."""
    panels: str = ""
    """ERC panels (English) from the RNSR register."""
    description_en: str = ""
    """The description in English, when the institution gave one."""
    description_source: str | None = None
    """Who supplied the description, and when (« passerelle, 2026-12-01 »)."""
    profile_key: str = ""
    """Digest of what the profile was extracted from (texts, projects, vocabulary): a profile
    is extracted again only when it changes."""

    @property
    def is_unit(self) -> bool:
        """A research unit that may be suggested."""
        return self.kind == "unit"


SUPPLIED_LAB_FIELDS = ("description", "description_en", "description_source")
"""What an institution supplies about a unit: a register's reload keeps them."""


class Company(Frozen):
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


class Project(Frozen):
    """A collaborative research project (ANR, CORDIS)."""

    id: str
    source: str
    """The register that lists it (``anr``, ``cordis``)."""
    acronym: str | None = None
    year: int | None = None
    topic_code: str | None = None
    """ANR evaluation committee (CE08...) or programme; CORDIS topic."""
    topic: str | None = None
    """The topic's label (French for ANR committees)."""
    text: str = ""
    """Title and objective, when the source has them."""


class Participation(Frozen):
    """A lab or a company taking part in a project."""

    project_id: str
    partner_kind: Literal["lab", "company"]
    partner_id: str
    coordinator: bool = False


class Collaboration(Frozen):
    """A lab and a company that worked together, derived from shared projects."""

    lab_id: str
    company_id: str
    projects: int
    years: tuple[int, ...] = ()


class Need(Frozen):
    """A need expressed by a company, in free text."""

    id: str
    company_id: str
    title: str
    text: str
    illustrative: bool = False
    visibility: Visibility = "confidential"
    submitted_by: str | None = None
    """The id of the account that submitted it (None for a corpus loaded by a command)."""
    submitted_at: str | None = None
    """When it was submitted (ISO 8601, UTC)."""
    concepts_added: tuple[str, ...] = ()
    """Concepts its company (or an officer) added to what extraction found: kept when the
    text is edited and its concepts are found again."""
    concepts_removed: tuple[str, ...] = ()
    """Concepts its company (or an officer) removed from what extraction found (kept too)."""
