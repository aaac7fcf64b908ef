"""Lab profiles from every piece of evidence about a unit, each capability with its provenance.

A unit's profile joins the parts the registers give (``ingest.registers.table``: each register
with a ``profile`` function): what its institution wrote (the description, French and English),
what the RNSR register says (French scientific domains; English ERC panels, analysed as
English), the themes of its ANR projects (``ingest.registers.programmes``) and the objectives
of its CORDIS projects (English). A part is texts to analyse (:class:`Text`) or capabilities
found otherwise (an ``Extraction``); every capability keeps its sources and evidence, so that
an explanation can say « d'après ses projets ANR en Matériaux métalliques (12 projets,
2011–2020) ». Words of a lab's name are never evidence: a unit known by its name only has no
capability. Organisations (partners that are not units) get no profile.

A profile is extracted again only when what it is made of changes (texts, projects, the
vocabulary): ``Lab.profile_key`` holds the digest of its inputs, so reloading a register or
loading ESCO after the labs re-links exactly the labs that need it.
"""

from __future__ import annotations

import hashlib
import json
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

from graph.extractor import Extractor
from graph.model import Concept, ConceptMention, Extraction, Lab, Language, Participation, Project
from graph.store.ports import GraphStore
from ingest.progress import Progress

T = TypeVar("T")
PROFILE_VERSION = "3"
"""Changes when the way profiles are built changes: every profile is then built again."""
BATCH = 500
MAX_EVIDENCE = 4


@dataclass(frozen=True)
class Text:
    """A text about a unit, for its profile: analysed in ``language`` (None: detected)."""

    text: str
    language: Language | None = None


Piece = Text | Extraction
"""What a register gives a unit's profile: a text to analyse, or capabilities found otherwise."""
Part = Callable[[Lab, "ProfileReads"], Sequence[Piece]]
"""A register's ``profile`` function: the pieces it gives one unit."""


class ProfileReads:
    """What the registers' parts read, once per build: the store's projects and participations,
    the concepts the extractor links to, and what a part works out once (``once``: the ANR
    programmes' themes, each unit's CORDIS texts...), unless it was ``given``."""

    def __init__(
        self, store: GraphStore, known: Iterable[str], given: Mapping[str, Any] | None = None
    ) -> None:
        self.store = store
        self.known = frozenset(known)
        """The ids of the concepts the extractor links to."""
        self._memo: dict[str, Any] = dict(given or {})

    @property
    def projects(self) -> list[Project]:
        return self.once("projects", self.store.projects)

    @property
    def participations(self) -> list[Participation]:
        return self.once("participations", self.store.participations)

    def once(self, key: str, make: Callable[[], T]) -> T:
        """``make()`` the first time ``key`` is asked for, the same value afterwards."""
        if key not in self._memo:
            self._memo[key] = make()
        return cast(T, self._memo[key])


def vocabulary_key(concepts: Iterable[Concept]) -> str:
    """A digest of the vocabulary an extractor links to: profiles built with another one are
    stale."""
    digest = hashlib.sha256()
    for c in sorted(concepts, key=lambda c: c.id):
        digest.update(
            json.dumps([c.id, c.label_fr, c.label_en, c.alt_fr, c.alt_en, c.broader]).encode()
        )
    return digest.hexdigest()[:16]


def _merge(parts: Sequence[tuple[Extraction, str]], language: Language) -> Extraction:
    """One profile from several extractions: a concept keeps its best weight, every source
    and its first pieces of evidence."""
    weights: dict[str, float] = {}
    evidence: dict[str, list[str]] = defaultdict(list)
    sources: dict[str, list[str]] = defaultdict(list)
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
    given : mapping, optional
        What a part would work out itself, given instead (``ProfileReads.once``): another ANR
        programme mapping (``ingest.registers.programmes.given``), for a test or a what-if.
    """

    def __init__(
        self, store: GraphStore, extractor: Extractor, given: Mapping[str, Any] | None = None
    ) -> None:
        from ingest.registers.table import parts

        self.store = store
        self.extractor = extractor
        self.given = dict(given or {})
        self._parts = parts()
        self._key = vocabulary_key(extractor.concepts.values())
        self._reads = self._fresh_reads()

    def _fresh_reads(self) -> ProfileReads:
        return ProfileReads(self.store, self.extractor.concepts, self.given)

    def pieces(self, lab: Lab) -> list[tuple[Piece, str]]:
        """What the registers give ``lab``'s profile, each piece with its source's key (none for
        an organisation)."""
        if not lab.is_unit:
            return []
        out: list[tuple[Piece, str]] = []
        for register, part in self._parts:
            for piece in part(lab, self._reads):
                empty = not piece.text.strip() if isinstance(piece, Text) else not piece.mentions
                if not empty:
                    out.append((piece, register.source or register.name))
        return out

    def key(self, lab: Lab) -> str:
        """The digest of what ``lab``'s profile is made of."""
        payload: list[Any] = [PROFILE_VERSION, self._key, lab.kind]
        for piece, source in self.pieces(lab):
            if isinstance(piece, Text):
                payload.append([source, piece.text, piece.language])
            else:
                payload.append(
                    [source, [[m.concept_id, m.weight, m.evidence] for m in piece.mentions]]
                )
        return hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:20]

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
            pieces = {lab.id: self.pieces(lab) for lab in chunk}
            found: dict[str, list[tuple[Extraction, str]]] = defaultdict(list)
            # texts are analysed a language at a time (detected, French, English)
            for lang in (None, "fr", "en"):
                group = [
                    (lab_id, piece.text, source)
                    for lab_id, items in pieces.items()
                    for piece, source in items
                    if isinstance(piece, Text) and piece.language == lang
                ]
                if not group:
                    continue
                extractions = _extract(self.extractor, [text for _, text, _ in group], lang)
                for (lab_id, _, source), ex in zip(group, extractions, strict=True):
                    found[lab_id].append((ex, source))
            for lab in chunk:
                parts = found.get(lab.id, [])
                language: Language = parts[0][0].language if parts else "fr"
                parts += [(p, s) for p, s in pieces[lab.id] if isinstance(p, Extraction)]
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
        self._reads = self._fresh_reads()
        rebuilt = self.build(self.store.labs(), progress=progress)
        for start in range(0, len(rebuilt), BATCH):
            self.store.upsert_labs(rebuilt[start : start + BATCH])
        return len(rebuilt)
