"""Explanations in words, French and English: where a lab's capability comes from, and the
one-line summary of a pairing."""

from __future__ import annotations

from collections.abc import Mapping

from graph.model import Lab
from graph.ranking.matching import ConceptContribution, Explanation
from ingest.registers import table


def provenance(c: ConceptContribution, lab: Lab | None) -> tuple[str, str]:
    """Where a lab's capability comes from, in French and English: each of its sources as the
    register that gave it names it (``ingest.registers.table``: ``label``, or ``provenance``
    when the wording depends on the lab), in the table's order."""
    fr: list[str] = []
    en: list[str] = []
    for register in table.REGISTERS:
        if register.source is None or register.source not in c.lab_sources:
            continue
        wording = register.provenance_of()
        if wording is not None:
            more_fr, more_en = wording(lab, c.lab_evidence)
            fr.extend(more_fr)
            en.extend(more_en)
        elif register.label is not None:
            fr.append(register.label[0])
            en.append(register.label[1])
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
