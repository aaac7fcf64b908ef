"""Descriptions of research units supplied by their institutions (YAML or CSV), with provenance.

Format (YAML)::

    source: Université de Lorraine   # who supplied the descriptions (default for every entry)
    date: "2026-12-01"               # when (default for every entry)
    descriptions:
      - rnsr: 200918462H             # the unit's RNSR id (required)
        text_fr: "…"                 # French and/or English text (at least one)
        text_en: "…"
        source: …                    # optional, per entry
        date: …
        name: …                      # only to register a unit the RNSR does not list:
        acronym: …                   #   name required then; acronym, city, postcode optional
        city: …
        postcode: "54000"

CSV: the same fields as columns (``rnsr``, ``text_fr``, ``text_en``, ``source``, ``date``,
``name``, ``acronym``, ``city``, ``postcode``), comma-separated, UTF-8. A description replaces
the unit's earlier one; its profile is built again from it and from the register (see
``ingest.registers.profiles``). An entry that cannot be used is reported with the file, the entry and
the field, and skipped; nothing else is changed. Loading the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from graph.errors import InputError
from graph.extractor import Extractor
from graph.model import Lab
from graph.rules.input import MAX_TEXT_CHARS
from graph.store.ports import GraphStore
from ingest.progress import Progress
from ingest.registers.loaders import RNSR_ID
from ingest.registers.profiles import ProfileBuilder, ProfileReads, Text
from ingest.registers.readers import Report, RowError, read_rows
from ingest.registers.table import Job
from ingest.resources import read_yaml

FIELDS = ("rnsr", "text_fr", "text_en", "source", "date", "name", "acronym", "city", "postcode")
_PASSERELLE = "passerelle"


def provenance(source: str | None, language: str = "fr") -> str:
    """How an explanation names a description's origin.

    >>> provenance("passerelle, 2026-12-01")
    "la description rédigée par l'équipe Passerelle (2026-12-01)"
    >>> provenance("Université de Lorraine, 2027-01-15", "en")
    'the description supplied by Université de Lorraine (2027-01-15)'
    """
    who, _, when = (source or "").partition(", ")
    when = f" ({when})" if when else ""
    if who.strip().lower() == _PASSERELLE:
        if language == "en":
            return f"the description written by the Passerelle team{when}"
        return f"la description rédigée par l'équipe Passerelle{when}"
    if language == "en":
        return f"the description supplied by {who or 'the lab'}{when}"
    return f"la description fournie par {who or 'le laboratoire'}{when}"


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _entries(path: Path) -> Iterator[tuple[str, dict[str, str] | RowError]]:
    """Each entry with its place (« entrée 3 », « ligne 4 »), defaults applied."""
    if path.suffix.lower() in {".yaml", ".yml"}:
        try:
            data = read_yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
            raise InputError(
                f"Fichier de descriptions illisible : {e}",
                f"Unreadable descriptions file: {e}",
                where=str(path),
            ) from e
        if not isinstance(data, dict) or not isinstance(data.get("descriptions"), list):
            raise InputError(
                "le fichier doit contenir une liste « descriptions: »",
                "the file must hold a 'descriptions:' list",
                where=str(path),
            )
        defaults = {k: _text(data.get(k)) for k in ("source", "date")}
        for n, raw in enumerate(data["descriptions"], start=1):
            where = f"entrée {n}"
            if not isinstance(raw, dict):
                yield where, RowError(path.name, n, "entrée qui n'est pas un objet / not a mapping")
                continue
            unknown = sorted(set(map(str, raw)) - set(FIELDS))
            if unknown:
                yield where, RowError(path.name, n, f"champ inconnu / unknown field: {unknown[0]}")
                continue
            entry = {k: _text(raw.get(k)) for k in FIELDS}
            yield where, {k: entry[k] or defaults.get(k, "") for k in FIELDS}
        return
    for line, row in read_rows(path, delimiter=",", required=("rnsr",)):
        if isinstance(row, RowError):
            yield f"ligne {line}", row
        else:
            yield f"ligne {line}", {k: _text(row.get(k)) for k in FIELDS}


def read_descriptions(path: Path) -> dict[str, Lab]:
    """The entries of a descriptions file as labs holding only what the entry says (RNSR id,
    texts, source, and the name when it gives one), by RNSR id; entries that cannot be used
    are left out (``ingest_descriptions`` reports them)."""
    out: dict[str, Lab] = {}
    for n, (_where, entry) in enumerate(_entries(path), start=1):
        if isinstance(entry, RowError):
            continue
        lab = _parse(entry | {"name": entry["name"] or entry["rnsr"]}, {}, path.name, n)
        if isinstance(lab, Lab):
            out.setdefault(lab.id, lab)
    return out


def _parse(entry: dict[str, str], known: dict[str, Lab], file: str, n: int) -> Lab | RowError:
    rnsr = entry["rnsr"].upper()
    if not RNSR_ID.match(rnsr):
        return RowError(file, n, f"rnsr : identifiant RNSR invalide / invalid RNSR id {rnsr!r}")
    if not entry["text_fr"] and not entry["text_en"]:
        return RowError(file, n, "text_fr / text_en : aucun texte / no text")
    for field in ("text_fr", "text_en"):
        if len(entry[field]) > MAX_TEXT_CHARS:
            return RowError(
                file, n, f"{field} : plus de / over {MAX_TEXT_CHARS} caractères / characters"
            )
    source = ", ".join(x for x in (entry["source"] or "inconnue", entry["date"]) if x)
    update: dict[str, Any] = {
        "description": entry["text_fr"],
        "description_en": entry["text_en"],
        "description_source": source,
        "kind": "unit",
    }
    lab = known.get(rnsr)
    if lab is not None:
        return lab.model_copy(update=update)
    if not entry["name"]:
        return RowError(
            file,
            n,
            f"rnsr : unité inconnue {rnsr} (chargez le RNSR d'abord, ou donnez « name » pour "
            f"l'enregistrer) / unknown unit (load the RNSR first, or give 'name' to register it)",
        )
    return Lab(
        id=rnsr,
        name=entry["name"],
        acronym=entry["acronym"] or None,
        city=entry["city"] or None,
        postcode=entry["postcode"] or None,
        **update,
    )


def ingest_descriptions(
    path: Path, store: GraphStore, extractor: Extractor, progress: Progress | None = None
) -> Report:
    """Load unit descriptions from ``path`` into ``store``; a second run changes nothing."""
    report = Report("descriptions")
    if not path.is_file():
        raise InputError(
            f"Fichier introuvable : {path}", f"File not found: {path}", where=str(path)
        )
    known = {lab.id: lab for lab in store.labs()}
    labs: dict[str, Lab] = {}
    for n, (where, entry) in enumerate(_entries(path), start=1):
        report.read += 1
        if isinstance(entry, RowError):
            report.reject(RowError(path.name, entry.line, f"{where} : {entry.reason}"))
            continue
        lab = _parse(entry, known, path.name, n)
        if isinstance(lab, RowError):
            report.reject(RowError(path.name, lab.line, f"{where}, {lab.reason}"))
        elif lab.id in labs:
            report.reject(RowError(path.name, n, f"{where}, rnsr : en double / duplicate"))
        else:
            labs[lab.id] = lab
    changed = [lab for lab in labs.values() if lab != known.get(lab.id)]
    report.unchanged = len(labs) - len(changed)
    for lab in changed:
        if lab.id in known:
            report.updated += 1
        else:
            report.created += 1
    rebuilt = ProfileBuilder(store, extractor).writes(
        changed, {lab.id for lab in changed}, progress
    )
    if rebuilt:
        store.upsert_labs(rebuilt.values())
    if progress:
        progress("descriptions", 1, 1)
    return report


def load(job: Job) -> Report:
    """``passerelle ingest descriptions FILE``."""
    return ingest_descriptions(job.source, job.store, job.analyser, job.progress)


def profile_texts(lab: Lab, reads: ProfileReads) -> list[Text]:
    """What a unit's description gives its profile: the text (its language detected) and the
    English version."""
    return [Text(lab.description), Text(lab.description_en, "en")]


def provenance_of(lab: Lab | None, evidence: Sequence[str]) -> tuple[list[str], list[str]]:
    """How an explanation names a capability found in the unit's description: who supplied
    it, and when."""
    source = lab.description_source if lab else None
    return [provenance(source, "fr")], [provenance(source, "en")]
