"""Explanations in words, French and English: where a lab's capability comes from, and the
one-line summary of a pairing."""

from __future__ import annotations

from collections.abc import Mapping

from graph.model import Lab
from graph.ranking.matching import ConceptContribution, Explanation
from ingest.registers.descriptions import provenance as description_provenance


def provenance(c: ConceptContribution, lab: Lab | None) -> tuple[str, str]:
    """Where a lab's capability comes from, in French and English."""
    fr: list[str] = []
    en: list[str] = []
    if "description" in c.lab_sources:
        source = lab.description_source if lab else None
        fr.append(description_provenance(source, "fr"))
        en.append(description_provenance(source, "en"))
    if "register" in c.lab_sources:
        fr.append("sa fiche au registre RNSR (domaines scientifiques, panels ERC)")
        en.append("its RNSR register entry (scientific domains, ERC panels)")
    if "anr" in c.lab_sources:
        projects = [e for e in c.lab_evidence if e.startswith("projets ANR")]
        fr.extend(f"ses {e}" for e in projects[:2])
        en.extend(f"its ANR {e.removeprefix('projets ANR ')}" for e in projects[:2])
    if "cordis" in c.lab_sources:
        fr.append("ses projets européens (CORDIS)")
        en.append("its European projects (CORDIS)")
    if not fr:
        return "", ""
    return "d'après " + " et ".join(fr), "from " + " and ".join(en)


def summary(e: Explanation, lab: Lab | None, shown: Mapping[str, str]) -> tuple[str, str]:
    """The one-line summary of an explanation, French and English: its main shared concepts
    and where the lab's first one comes from, the shared words (as the need wrote them:
    ``shown``, by term) and what the graph's signals are about."""
    top = e.concepts[:4]
    fr_parts = ", ".join(f"{c.label_fr} (+{c.contribution:.2f})" for c in top)
    en_parts = ", ".join(f"{c.label_en} (+{c.contribution:.2f})" for c in top)
    words = ", ".join(dict.fromkeys(shown.get(t.term, t.term) for t in e.terms[:5]))
    origin_fr, origin_en = provenance(top[0], lab) if top else ("", "")
    themes = [c for c in e.context if c.detail]
    summary_fr = (
        f"Concepts partagés : {fr_parts or 'aucun'}"
        + (f" — {origin_fr}" if origin_fr else "")
        + (f" ; mots communs : {words}" if words else "")
        + "".join(f" ; {c.label_fr} : {c.detail}" for c in themes)
        + "."
    )
    summary_en = (
        f"Shared concepts: {en_parts or 'none'}"
        + (f" — {origin_en}" if origin_en else "")
        + (f"; shared words: {words}" if words else "")
        + "".join(f"; {c.label_en}: {c.detail}" for c in themes)
        + "."
    )
    return summary_fr, summary_en
