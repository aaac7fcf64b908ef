"""ANR committees and programmes: the curated mapping of their codes to our concepts, the themes
of projects for the graph's signals, and the part of a unit's profile its ANR projects give.

Each committee or programme code of the ANR is mapped to concepts of our vocabulary in
``resources/mappings/anr_programmes.yaml`` (written by the Passerelle team); a unit's projects in
a thematic one give it those concepts, weighted by how many projects it had there, with the
evidence « projets ANR « Matériaux métalliques » (12 projets, 2011–2020) ».
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from graph.errors import InputError
from graph.model import ConceptMention, Extraction, Lab, Participation, Project
from graph.ranking.context import Topic
from ingest.resources import ANR_PROGRAMMES, Traversable, read_yaml

if TYPE_CHECKING:
    from ingest.registers.profiles import ProfileReads

PROGRAMMES_FILE = ANR_PROGRAMMES
KEY = "anr programmes"
"""Where a profile build keeps the mapping (``ProfileReads.once``)."""


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


def profile_part(lab: Lab, reads: ProfileReads) -> list[Extraction]:
    """A unit's capabilities from its ANR projects: the concepts of each thematic committee or
    programme it had projects in, weighted by how many (``topic_weight``), with the evidence."""
    themes = reads.once("anr themes", lambda: _themes(reads))
    programmes: Mapping[str, Programme] = reads.once(KEY, load_programmes)
    records = reads.once("anr records", lambda: topic_records(reads.projects, reads.participations))
    mentions: dict[str, ConceptMention] = {}
    for r in records.get(lab.id, []):
        concepts = themes.get(r.code)
        if not concepts:
            continue
        label = programmes[r.code].label_fr
        n = f"{r.projects} projet{'s' if r.projects > 1 else ''}"
        evidence = f"projets ANR « {label} » ({n}{_years(r.first, r.last)})"
        weight = topic_weight(r.projects)
        for c in concepts:
            old = mentions.get(c)
            if old is None or weight > old.weight:
                mentions[c] = ConceptMention(
                    concept_id=c, weight=weight, evidence=(evidence,), sources=("anr",)
                )
    return [Extraction(language="fr", mentions=tuple(mentions.values()))] if mentions else []


def _themes(reads: ProfileReads) -> dict[str, tuple[str, ...]]:
    """Each thematic code's concepts that the extractor's vocabulary has (a mapping is checked
    by its own test)."""
    programmes: Mapping[str, Programme] = reads.once(KEY, load_programmes)
    return {
        code: tuple(c for c in p.concepts if c in reads.known)
        for code, p in programmes.items()
        if p.thematic
    }


def given(programmes: Mapping[str, Programme]) -> dict[str, Any]:
    """What to give a profile build (``ProfileBuilder(..., given=...)``) for it to use these
    programmes instead of the shipped mapping."""
    return {KEY: dict(programmes)}


def provenance_of(lab: Lab | None, evidence: Sequence[str]) -> tuple[list[str], list[str]]:
    """How an explanation names a capability's ANR projects (its first two themes)."""
    projects = [e for e in evidence if e.startswith("projets ANR")][:2]
    return [f"ses {e}" for e in projects], [
        f"its ANR {e.removeprefix('projets ANR ')}" for e in projects
    ]
