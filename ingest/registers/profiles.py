"""Lab profiles from every piece of evidence about a unit, each capability with its provenance.

A unit's profile joins what its institution wrote (the description, French and English), what
the RNSR register says (French scientific domains; English ERC panels, analysed as English),
the objectives of its CORDIS projects (English), and the themes of its ANR projects (each
committee or programme mapped to our concepts in ``resources/mappings/anr_programmes.yaml``). Every
capability keeps its sources and evidence, so that an explanation can say « d'après ses
projets ANR en Matériaux métalliques (12 projets, 2011–2020) ». Words of a lab's name are never evidence: a unit known by its name only has no
capability. Organisations (partners that are not units) get no profile.

A profile is extracted again only when what it is made of changes (texts, projects, the
vocabulary): ``Lab.profile_key`` holds the digest of its inputs, so reloading a register or
loading ESCO after the labs re-links exactly the labs that need it.
"""

from __future__ import annotations

import hashlib
import json
import math
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from graph.errors import InputError
from graph.model import (
    Concept,
    ConceptMention,
    Extraction,
    Lab,
    Language,
    Participation,
    ProfileSource,
    Project,
)
from graph.ranking.context import Topic
from graph.store.ports import Extractor, GraphStore
from ingest.registers.loaders import Progress
from ingest.resources import ANR_PROGRAMMES, Traversable, read_yaml

PROGRAMMES_FILE = ANR_PROGRAMMES
PROFILE_VERSION = "2"
"""Changes when the way profiles are built changes: every profile is then built again."""
BATCH = 500
MAX_EVIDENCE = 4
MAX_CORDIS = 5
"""The CORDIS projects of a unit whose objectives join its profile (a bound on the cost)."""


@dataclass(frozen=True)
class Programme:
    """An ANR committee or programme and the concepts of its theme (none when not thematic)."""

    code: str
    label_fr: str
    concepts: tuple[str, ...] = ()
    thematic: bool = True


@dataclass(frozen=True)
class TopicRecord:
    """A unit's projects in one committee or programme."""

    code: str
    projects: int
    first: int | None
    last: int | None


def load_programmes(path: Traversable = PROGRAMMES_FILE) -> dict[str, Programme]:
    """The curated mapping of ANR committee and programme codes, by code (the shipped one
    unless a file is given)."""
    try:
        data = read_yaml(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise InputError(
            f"Correspondance des programmes ANR illisible : {e}",
            f"Unreadable ANR programme mapping: {e}",
            where=str(path),
        ) from e
    out: dict[str, Programme] = {}
    for n, raw in enumerate(data.get("programmes") or [], start=1):
        if not isinstance(raw, dict) or not raw.get("code") or not raw.get("label_fr"):
            raise InputError(
                "entrée sans code ou sans libellé",
                "entry without a code or a label",
                where=f"{path.name}, entrée {n}",
            )
        code = str(raw["code"]).strip().upper()
        out[code] = Programme(
            code=code,
            label_fr=" ".join(str(raw["label_fr"]).split()),
            concepts=tuple(str(c) for c in raw.get("concepts") or ()),
            thematic=bool(raw.get("thematic", True)),
        )
    return out


def topics(programmes: Mapping[str, Programme] | None = None) -> dict[str, Topic]:
    """The themes of ANR projects for the graph context: thematic programmes with concepts."""
    found = load_programmes() if programmes is None else programmes
    return {
        code: Topic(code, f"{p.label_fr} ({code})", p.concepts)
        for code, p in found.items()
        if p.thematic and p.concepts
    }


def vocabulary_key(concepts: Iterable[Concept]) -> str:
    """A digest of the vocabulary an extractor links to: profiles built with another one are
    stale."""
    digest = hashlib.sha256()
    for c in sorted(concepts, key=lambda c: c.id):
        digest.update(
            json.dumps([c.id, c.label_fr, c.label_en, c.alt_fr, c.alt_en, c.broader]).encode()
        )
    return digest.hexdigest()[:16]


def topic_records(
    projects: Iterable[Project], participations: Iterable[Participation]
) -> dict[str, list[TopicRecord]]:
    """Each lab's ANR projects by committee or programme code (code order)."""
    by_id = {p.id: p for p in projects if p.source == "anr" and p.topic_code}
    years: dict[str, dict[str, list[int | None]]] = defaultdict(lambda: defaultdict(list))
    for part in participations:
        project = by_id.get(part.project_id)
        if part.partner_kind == "lab" and project is not None and project.topic_code:
            years[part.partner_id][project.topic_code].append(project.year)
    out: dict[str, list[TopicRecord]] = {}
    for lab_id, codes in years.items():
        records = []
        for code, ys in sorted(codes.items()):
            known = [y for y in ys if y is not None]
            records.append(
                TopicRecord(code, len(ys), min(known, default=None), max(known, default=None))
            )
        out[lab_id] = records
    return out


def cordis_texts(
    projects: Iterable[Project], participations: Iterable[Participation], most: int = MAX_CORDIS
) -> dict[str, list[str]]:
    """Each lab's CORDIS projects' titles and objectives (its ``most`` first, by project id)."""
    texts = {p.id: p.text for p in projects if p.source == "cordis" and p.text.strip()}
    out: dict[str, list[str]] = defaultdict(list)
    for part in sorted(participations, key=lambda p: p.project_id):
        text = texts.get(part.project_id)
        if part.partner_kind == "lab" and text and len(out[part.partner_id]) < most:
            out[part.partner_id].append(text)
    return dict(out)


def _years(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return ""
    return f", {first}" if first == last else f", {first}–{last}"


def topic_weight(projects: int) -> float:
    """A capability's weight from the number of a unit's projects on a theme: 0.25 for one,
    0.35 for three, 0.45 for seven, at most 0.5. A committee's theme is broad: it weighs less
    than what a description says (extraction gives those up to 1).

    >>> [round(topic_weight(n), 2) for n in (1, 3, 7, 15, 100)]
    [0.25, 0.35, 0.45, 0.5, 0.5]
    """
    return min(0.5, 0.15 + 0.1 * math.log2(1 + projects))


def _merge(parts: Sequence[tuple[Extraction, ProfileSource]], language: Language) -> Extraction:
    """One profile from several extractions: a concept keeps its best weight, every source
    and its first pieces of evidence."""
    weights: dict[str, float] = {}
    evidence: dict[str, list[str]] = defaultdict(list)
    sources: dict[str, list[ProfileSource]] = defaultdict(list)
    keywords: dict[str, None] = {}
    terms: list[str] = []
    for ex, source in parts:
        for m in ex.mentions:
            weights[m.concept_id] = max(weights.get(m.concept_id, 0.0), m.weight)
            for e in m.evidence:
                if e not in evidence[m.concept_id] and len(evidence[m.concept_id]) < MAX_EVIDENCE:
                    evidence[m.concept_id].append(e)
            if source not in sources[m.concept_id]:
                sources[m.concept_id].append(source)
        keywords.update(dict.fromkeys(ex.keywords))
        terms.extend(ex.terms)
    return Extraction(
        language=language,
        mentions=tuple(
            ConceptMention(
                concept_id=c,
                weight=w,
                evidence=tuple(evidence[c]),
                sources=tuple(sorted(sources[c])),
            )
            for c, w in sorted(weights.items())
        ),
        keywords=tuple(keywords),
        terms=tuple(terms),
    )


_MEMO: weakref.WeakKeyDictionary[Any, dict[tuple[str, Language | None], Extraction]] = (
    weakref.WeakKeyDictionary()
)
MEMO_SIZE = 50_000


def _extract(
    extractor: Extractor, texts: Sequence[str], language: Language | None
) -> list[Extraction]:
    """``extractor.extract_many(texts, language=language)``, each text analysed once per
    extractor: a register's texts, extracted when its units are loaded, are not analysed again
    when a later load (ANR, CORDIS, a new vocabulary needs a new extractor) rebuilds profiles."""
    memo = _MEMO.setdefault(extractor, {})
    todo = [t for t in dict.fromkeys(texts) if (t, language) not in memo]
    found = (
        dict(zip(todo, extractor.extract_many(todo, language=language), strict=True))
        if todo
        else {}
    )
    out = [found[t] if t in found else memo[(t, language)] for t in texts]
    if len(memo) + len(found) > MEMO_SIZE:
        memo.clear()
    memo.update({(t, language): ex for t, ex in found.items()})
    return out


class ProfileBuilder:
    """Builds unit profiles for one store, extractor and vocabulary.

    Parameters
    ----------
    store : GraphStore
        Where the labs, projects and participations are read.
    extractor : Extractor
        The extractor; the digest of the concepts it links to is part of every profile's key.
    programmes : mapping, optional
        ANR codes and their themes; ``load_programmes()`` by default.
    """

    def __init__(
        self,
        store: GraphStore,
        extractor: Extractor,
        programmes: Mapping[str, Programme] | None = None,
    ) -> None:
        self.store = store
        self.extractor = extractor
        self.programmes = load_programmes() if programmes is None else dict(programmes)
        vocabulary = extractor.concepts.values()
        known = set(extractor.concepts)
        # a theme's concepts that this vocabulary has (a mapping is checked by its own test)
        self._themes = {
            code: tuple(c for c in p.concepts if c in known)
            for code, p in self.programmes.items()
            if p.thematic
        }
        self._key = vocabulary_key(vocabulary)
        self._records: dict[str, list[TopicRecord]] | None = None
        self._cordis: dict[str, list[str]] = {}

    def records(self) -> dict[str, list[TopicRecord]]:
        """Each lab's ANR projects by code (and its CORDIS objectives), read from the store
        once."""
        if self._records is None:
            projects, participations = self.store.projects(), self.store.participations()
            self._records = topic_records(projects, participations)
            self._cordis = cordis_texts(projects, participations)
        return self._records

    def _texts(self, lab: Lab) -> list[tuple[str, Language | None, ProfileSource]]:
        if not lab.is_unit:
            return []
        self.records()
        texts: list[tuple[str, Language | None, ProfileSource]] = [
            (lab.description, None, "description"),
            (lab.description_en, "en", "description"),
            (lab.domains, "fr", "register"),
            (lab.panels, "en", "register"),
        ]
        # CORDIS objectives are written in English
        texts += [(text, "en", "cordis") for text in self._cordis.get(lab.id, ())]
        return [(t, lang, src) for t, lang, src in texts if t.strip()]

    def _themes_of(self, lab: Lab) -> list[TopicRecord]:
        if not lab.is_unit:
            return []
        return [r for r in self.records().get(lab.id, []) if self._themes.get(r.code)]

    def key(self, lab: Lab) -> str:
        """The digest of what ``lab``'s profile is made of."""
        payload: list[Any] = [
            PROFILE_VERSION,
            self._key,
            lab.kind,
            self._texts(lab),
            [
                (r.code, r.projects, r.first, r.last, self._themes[r.code])
                for r in self._themes_of(lab)
            ],
        ]
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:20]

    def _anr_part(self, lab: Lab) -> Extraction:
        mentions: dict[str, ConceptMention] = {}
        for r in self._themes_of(lab):
            label = self.programmes[r.code].label_fr
            n = f"{r.projects} projet{'s' if r.projects > 1 else ''}"
            evidence = f"projets ANR « {label} » ({n}{_years(r.first, r.last)})"
            weight = topic_weight(r.projects)
            for c in self._themes[r.code]:
                old = mentions.get(c)
                if old is None or weight > old.weight:
                    mentions[c] = ConceptMention(
                        concept_id=c, weight=weight, evidence=(evidence,), sources=("anr",)
                    )
        return Extraction(language="fr", mentions=tuple(mentions.values()))

    def build(
        self, labs: Iterable[Lab], *, force: bool = False, progress: Progress | None = None
    ) -> list[tuple[Lab, Extraction]]:
        """The labs whose profile is stale (or all of them with ``force``), each with its new
        key and its profile."""
        stale = []
        for lab in labs:
            key = self.key(lab)
            if force or key != lab.profile_key:
                stale.append(lab.model_copy(update={"profile_key": key}))
        out: list[tuple[Lab, Extraction]] = []
        for start in range(0, len(stale), BATCH):
            chunk = stale[start : start + BATCH]
            texts = [(lab, t) for lab in chunk for t in self._texts(lab)]
            found: dict[str, list[tuple[Extraction, ProfileSource]]] = defaultdict(list)
            for lang in (None, "fr", "en"):
                group = [(lab, text, src) for lab, (text, lg, src) in texts if lg == lang]
                if not group:
                    continue
                extractions = _extract(self.extractor, [text for _, text, _ in group], lang)
                for (lab, _, src), ex in zip(group, extractions, strict=True):
                    found[lab.id].append((ex, src))
            for lab in chunk:
                parts = found.get(lab.id, [])
                language: Language = parts[0][0].language if parts else "fr"
                anr = self._anr_part(lab)
                if anr.mentions:
                    parts.append((anr, "anr"))
                out.append((lab, _merge(parts, language)))
            if progress:
                progress("profils", min(start + BATCH, len(stale)), len(stale))
        return out

    def writes(
        self, labs: Iterable[Lab], changed: Iterable[str] = (), progress: Progress | None = None
    ) -> dict[str, tuple[Lab, Extraction]]:
        """What to write for ``labs``: those whose profile is stale, and those in ``changed``
        (other fields changed: the same profile is built again, as a write replaces it)."""
        labs = list(labs)
        out = {lab.id: (lab, ex) for lab, ex in self.build(labs, progress=progress)}
        again = set(changed) - out.keys()
        out.update(
            {
                lab.id: (lab, ex)
                for lab, ex in self.build([x for x in labs if x.id in again], force=True)
            }
        )
        return out

    def refresh(self, *, progress: Progress | None = None) -> int:
        """Rebuild every stale profile in the store; returns how many were written."""
        self._records = None
        rebuilt = self.build(self.store.labs(), progress=progress)
        for start in range(0, len(rebuilt), BATCH):
            self.store.upsert_labs(rebuilt[start : start + BATCH])
        return len(rebuilt)
