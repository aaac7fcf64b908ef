"""What the API answers about labs, concepts, needs and pairings: views of the domain's values
(each view shows or hides every field of its model), and the conversions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Self

from pydantic import BaseModel, Field, create_model

from api import explain
from graph.model import (
    Company,
    Concept,
    ConceptKind,
    ConceptMention,
    Extraction,
    Lab,
    LabKind,
    Need,
    ProfileSource,
    Visibility,
)
from graph.ranking.matching import Pairing
from graph.ranking.track_record import TrackRecords
from graph.rules.needs import NEED_FIELDS
from graph.rules.workflow import NeedStatus
from graph.text import surface_words
from graph.usecases.desk import NeedRecord
from graph.usecases.pairing import RankedLab, ScopeUsed


class _Mirror(BaseModel):
    """A public view of a domain model (``source``).

    A field of the view named like one of the model's has the model's type and is copied from
    it by ``of``; every other field of the model is named in ``hidden``. A field added to the
    model is thus never left out by oversight: the API does not start until each view shows
    it or hides it.
    """

    source: ClassVar[type[BaseModel] | None] = None
    hidden: ClassVar[frozenset[str]] = frozenset()
    """The model's fields the view leaves out, on purpose (or shows under another name)."""
    derived: ClassVar[frozenset[str]] = frozenset()
    """Fields named like the model's whose value the view computes instead of copying it."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.source is not None:
            cls.check_mirror()

    @classmethod
    def check_mirror(cls) -> None:
        """TypeError unless the view shows or hides each field of its model, with its type."""
        assert cls.source is not None
        model, view = cls.source.model_fields, cls.model_fields
        unseen = sorted(set(model) - set(view) - cls.hidden)
        stale = sorted(cls.hidden - (set(model) - set(view)))
        if unseen or stale:
            raise TypeError(
                f"{cls.__name__} must show or hide each field of {cls.source.__name__}: "
                f"neither shown nor hidden {unseen}, hidden but unknown or shown {stale}"
            )
        for name in cls.copied():
            if view[name].annotation != model[name].annotation:
                raise TypeError(
                    f"{cls.__name__}.{name} is {view[name].annotation}, "
                    f"{cls.source.__name__}.{name} is {model[name].annotation}"
                )

    @classmethod
    def copied(cls) -> list[str]:
        """The fields copied from the model."""
        model = cls.source.model_fields if cls.source else {}
        return [name for name in cls.model_fields if name in model and name not in cls.derived]

    @classmethod
    def of(cls, obj: BaseModel, **more: Any) -> Self:
        """The view of ``obj``, with ``more`` (the view's own and derived fields)."""
        return cls.model_validate({**{name: getattr(obj, name) for name in cls.copied()}, **more})


class ConceptPublic(_Mirror):
    """A concept found in a text."""

    source = ConceptMention
    hidden = frozenset({"concept_id"})  # shown as id

    id: str
    label: str
    label_en: str
    weight: float
    evidence: tuple[str, ...]
    sources: tuple[ProfileSource, ...] = ()
    """For a lab's capability: where it comes from (description, register, anr, cordis)."""


_LAB_DETAILS = frozenset(
    {"description", "postcode", "institutions", "domains", "kind", "description_source"}
)
"""What a lab's page shows beyond its public view."""


_LAB_PRIVATE = frozenset(
    {"parent_ids", "institution_codes", "panels", "description_en", "profile_key"}
)
"""What no public view of a lab shows (ERC panels are shown within ``domains``)."""


class LabPublic(_Mirror):
    """A lab: ``id`` is its RNSR number."""

    source = Lab
    hidden = _LAB_DETAILS | _LAB_PRIVATE

    id: str
    name: str
    acronym: str | None
    city: str | None


class IndustryPartner(_Mirror):
    """A company the lab worked with in shared projects."""

    source = Company
    hidden = frozenset({"naf", "size", "illustrative", "siren"})

    id: str
    name: str
    category: str | None
    city: str | None
    region: str | None
    projects: int


class IndustryRecord(BaseModel):
    """A lab's work with industry (ANR projects shared with companies)."""

    companies: int
    smes: int
    projects_with_industry: int
    by_year: dict[int, int]
    by_topic: dict[str, int]
    partners: list[IndustryPartner]


class LabDetail(LabPublic):
    """A lab with its description, capabilities and industry track record."""

    hidden = _LAB_PRIVATE
    derived = frozenset({"domains"})

    description: str
    postcode: str | None = None
    institutions: tuple[str, ...] = ()
    domains: str = ""
    """The RNSR scientific domains, then the ERC panels."""
    kind: LabKind = "unit"
    """unit (a research unit, which may be suggested) or organisation (a project partner)."""
    description_source: str | None = None
    capabilities: list[ConceptPublic]
    keywords: list[str]
    industry: IndustryRecord


class SharedConcept(BaseModel):
    """A concept shared by the need and the lab, and what it adds to the score."""

    id: str
    label: str
    label_en: str
    contribution: float
    specificity: float
    need_weight: float
    lab_weight: float
    need_via: list[str]
    lab_via: list[str]
    need_evidence: list[str]
    lab_evidence: list[str]
    lab_sources: list[str] = []
    """Where the lab's capability comes from: description, register, anr, cordis."""
    provenance: str = ""
    """The same, in words (« d'après ses projets ANR … »)."""
    provenance_en: str = ""


class SharedTerm(BaseModel):
    """A word shared by the two texts (BM25 channel) and what it adds to the score."""

    term: str
    contribution: float
    word: str = ""
    """The word of the need's text the term stands for."""


class ContextPart(BaseModel):
    """A graph signal (history with the company, its partners' partners, place, topic record)."""

    signal: str
    label: str
    label_en: str
    value: float
    contribution: float
    detail: str = ""
    """What the signal is about: the themes inferred from the need's concepts."""


class ExplanationPublic(BaseModel):
    """Why this pairing: the parts add up to the score."""

    summary: str
    summary_en: str
    concept_score: float
    lexical_score: float
    industry_score: float = 0.0
    """What the lab's industry track record adds (work with companies, with SMEs for an SME)."""
    industry: float = 0.0
    """The lab's industry track record, from 0 (none known) to 1 (the most in the graph)."""
    context: list[ContextPart] = []
    """What the graph around the need adds: the parts of the score beyond the text."""
    concepts: list[SharedConcept]
    terms: list[SharedTerm]


class PairingPublic(BaseModel):
    """A suggested lab."""

    rank: int
    score: float
    lab: LabPublic
    explanation: ExplanationPublic


class ScopePublic(BaseModel):
    """The scope a ranking was made in."""

    institution: str | None
    region: str | None
    label: str
    label_en: str
    units: int
    """How many research units the scope holds."""


class MatchResponse(BaseModel):
    """A need's analysis and its suggested labs."""

    language: str
    concepts: list[ConceptPublic]
    keywords: list[str]
    pairings: list[PairingPublic]
    scope: ScopePublic | None = None


class _NeedPublic(_Mirror):
    """A stored need, as the caller may see it: ``company_id`` and ``company`` are null when
    the need is ``anonymous`` and the caller is neither its company nor an officer. The fields
    its company writes (title, text...) are those of ``graph.rules.needs``."""

    derived = frozenset({"company_id"})

    id: str
    company_id: str | None
    company: str | None = None
    illustrative: bool
    visibility: Visibility
    submitted_at: str | None
    status: NeedStatus = Field("new", description="new, in_progress or closed")


def _mirror_of(
    view: type[_Mirror], source: type[BaseModel], hidden: set[str], **fields: Any
) -> Any:
    """``view`` with ``fields`` added, mirroring ``source`` (checked as any view is)."""
    made: type[_Mirror] = create_model(
        view.__name__.lstrip("_"), __base__=view, __doc__=view.__doc__, **fields
    )
    made.source, made.hidden = source, frozenset(hidden)
    made.check_mirror()
    return made


if TYPE_CHECKING:  # the type checker reads the base: the written fields come from the rules
    NeedPublic = _NeedPublic
else:
    NeedPublic = _mirror_of(
        _NeedPublic,
        Need,
        {"submitted_by", "concepts_added", "concepts_removed"},
        **{f.name: (str, Field(description=f"{f.label} / {f.label_en}")) for f in NEED_FIELDS},
    )


class NeedCreated(BaseModel):
    """The stored need, its id and its concepts."""

    id: str
    created: bool
    language: str
    concepts: list[ConceptPublic]
    keywords: list[str]


class NeedPairings(BaseModel):
    """Labs for a stored need."""

    need: NeedPublic
    pairings: list[PairingPublic]
    scope: ScopePublic | None = None


class OpportunityPublic(BaseModel):
    """A stored need that fits a lab."""

    rank: int
    score: float
    need: NeedPublic
    explanation: ExplanationPublic


class LabOpportunities(BaseModel):
    """Needs that fit a lab, best first."""

    lab: LabPublic
    opportunities: list[OpportunityPublic]


class ConceptEntry(_Mirror):
    """A vocabulary concept."""

    source = Concept
    # label_fr is shown as label, alt_fr and alt_en as synonyms
    hidden = frozenset({"label_fr", "alt_fr", "alt_en", "esco", "euroscivoc", "naf", "source"})

    id: str
    kind: ConceptKind
    label: str
    label_en: str
    synonyms: list[str]
    broader: tuple[str, ...]


class Health(BaseModel):
    """Service status."""

    status: str
    store: str
    labs: int
    units: int = 0
    """Research units: the labs that may be suggested."""
    described: int = 0
    """Units with a description supplied by their institution (or by us)."""
    organisations: int = 0
    """Project partners known by name only, counted in track records, never suggested."""
    needs: int
    concepts: int


class Readiness(BaseModel):
    """The service can serve a match now."""

    ready: bool
    revision: str
    """The store revision its snapshot was read from."""
    units: int
    """Research units in the snapshot."""


def concepts_public(
    extraction: Extraction, labels: Mapping[str, tuple[str, str]]
) -> list[ConceptPublic]:
    """The mentions of an extraction, heaviest first."""
    items = []
    for m in extraction.mentions:
        label, label_en = labels.get(m.concept_id, (m.concept_id, m.concept_id))
        items.append(ConceptPublic.of(m, id=m.concept_id, label=label, label_en=label_en))
    return sorted(items, key=lambda c: (-c.weight, c.id))


def concept_entry(concept: Concept) -> ConceptEntry:
    """Public view of a vocabulary concept."""
    return ConceptEntry.of(
        concept,
        label=concept.label_fr,
        synonyms=[*concept.alt_fr, *concept.alt_en],
    )


def lab_public(lab: Lab) -> LabPublic:
    """Public view of a lab."""
    return LabPublic.of(lab)


def lab_detail(
    lab: Lab,
    profile: Extraction,
    labels: Mapping[str, tuple[str, str]],
    records: TrackRecords,
) -> LabDetail:
    """A lab's page: its public view, description, capabilities and track record."""
    return LabDetail.of(
        lab,
        domains="\n".join(t for t in (lab.domains, lab.panels) if t),
        capabilities=concepts_public(profile, labels),
        keywords=list(profile.keywords),
        industry=industry_record(records, lab.id),
    )


def need_public(record: NeedRecord) -> NeedPublic:
    """A need as its caller may see it (``graph.usecases.desk.NeedRecord``)."""
    need = record.need
    return NeedPublic.of(
        need,
        company_id=need.company_id if record.shown else None,
        company=record.company.name if record.company else None,
        status=record.status,
    )


def scope_public(used: ScopeUsed) -> ScopePublic:
    """Public view of the scope a ranking was made in."""
    return ScopePublic(
        institution=used.scope.institution,
        region=used.scope.region,
        label=used.scope.label("fr"),
        label_en=used.scope.label("en"),
        units=used.units,
    )


def explanation_public(p: Pairing, lab: Lab | None = None, text: str = "") -> ExplanationPublic:
    """Public view of a pairing's explanation, with a one-line summary in each language;
    ``text`` is the need's, to show its words rather than their stems."""
    e = p.explanation
    shown = surface_words([t.term for t in e.terms], text)
    summary, summary_en = explain.summary(e, lab, shown)
    concepts = []
    for c in e.concepts:
        origin_fr, origin_en = explain.provenance(c, lab)
        concepts.append(
            SharedConcept(
                id=c.concept_id,
                label=c.label_fr,
                label_en=c.label_en,
                contribution=c.contribution,
                specificity=c.specificity,
                need_weight=c.need_weight,
                lab_weight=c.lab_weight,
                need_via=list(c.need_via),
                lab_via=list(c.lab_via),
                need_evidence=list(c.need_evidence),
                lab_evidence=list(c.lab_evidence),
                lab_sources=list(c.lab_sources),
                provenance=origin_fr,
                provenance_en=origin_en,
            )
        )
    return ExplanationPublic(
        summary=summary,
        summary_en=summary_en,
        concept_score=e.concept_score,
        lexical_score=e.lexical_score,
        industry_score=e.industry_score,
        industry=e.industry,
        context=[
            ContextPart(
                signal=c.signal,
                label=c.label_fr,
                label_en=c.label_en,
                value=c.value,
                contribution=c.contribution,
                detail=c.detail,
            )
            for c in e.context
        ],
        concepts=concepts,
        terms=[
            SharedTerm(term=t.term, contribution=t.contribution, word=shown.get(t.term, t.term))
            for t in e.terms
        ],
    )


def pairings_public(ranking: list[RankedLab], text: str = "") -> list[PairingPublic]:
    """Public view of a ranking of labs for a need whose text is ``text``."""
    return [
        PairingPublic(
            rank=r.rank,
            score=r.pairing.score,
            lab=lab_public(r.lab),
            explanation=explanation_public(r.pairing, r.lab, text),
        )
        for r in ranking
    ]


def industry_record(records: TrackRecords, lab_id: str, partners: int = 50) -> IndustryRecord:
    """The lab's track record, its ``partners`` most frequent companies named."""
    record = records.of(lab_id)
    named = []
    for company_id, shared in record.partners[:partners]:
        # a company missing from the graph is named by its id
        company = records.companies.get(company_id) or Company(id=company_id, name=company_id)
        named.append(IndustryPartner.of(company, projects=shared))
    return IndustryRecord(
        companies=record.companies,
        smes=record.smes,
        projects_with_industry=record.projects_with_industry,
        by_year=record.by_year,
        by_topic=record.by_topic,
        partners=named,
    )
