"""Load the demo corpus (``ingest/resources/demo``: 20 Université de Lorraine labs, illustrative
SME needs)."""

from __future__ import annotations

import random
import re
from typing import Any

import yaml
from pydantic import ValidationError

from graph.errors import InputError
from graph.extractor import Extractor
from graph.model import SUPPLIED_LAB_FIELDS, Company, Lab, Need
from graph.store.ports import GraphStore
from ingest.language.vocabulary import load_vocabulary
from ingest.progress import Progress
from ingest.registers.descriptions import read_descriptions
from ingest.registers.profiles import ProfileBuilder
from ingest.resources import DEMO, UL_DESCRIPTIONS, Traversable, as_file, read_yaml

DEMO_DIR = DEMO
DESCRIPTIONS_FILE = UL_DESCRIPTIONS


def _read(path: Traversable) -> dict[str, Any]:
    try:
        data = read_yaml(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise InputError(
            f"Fichier illisible : {e}", f"Unreadable file: {e}", where=str(path)
        ) from e
    except yaml.YAMLError as e:
        raise InputError(f"YAML invalide : {e}", f"Invalid YAML: {e}", where=str(path)) from e
    if not isinstance(data, dict):
        raise InputError(
            "le fichier doit contenir un objet YAML",
            "file must hold a YAML mapping",
            where=str(path),
        )
    return data


def _build(kind: type[Any], raw: dict[str, Any], where: str) -> Any:
    try:
        return kind(**raw)
    except (ValidationError, TypeError) as e:
        raise InputError(f"entrée invalide : {e}", f"invalid entry: {e}", where=where) from e


def read_demo(
    folder: Traversable = DEMO_DIR, descriptions: Traversable = DESCRIPTIONS_FILE
) -> tuple[list[Lab], list[Company], list[Need]]:
    """The demo labs (their descriptions from ``descriptions``, unless ``labs.yaml`` gives
    one), companies and needs, checked before anything is written; both default to the
    shipped files (a folder and a file on disk can be given instead)."""
    labs_data = _read(folder / "labs.yaml")
    described: dict[str, Lab] = {}
    if descriptions.is_file():
        with as_file(descriptions) as path:
            described = read_descriptions(path)
    labs = []
    for n, raw in enumerate(labs_data.get("labs") or [], start=1):
        found = described.get(str(raw.get("id")))
        text = " ".join(str(raw.get("description", "")).split())
        labs.append(
            _build(
                Lab,
                {k: raw.get(k) for k in ("id", "name", "acronym", "city", "postcode")}
                | {
                    "description": text or (found.description if found else ""),
                    "description_en": "" if text or not found else found.description_en,
                    "description_source": (
                        "passerelle, démonstration"
                        if text or not found
                        else found.description_source
                    ),
                    "institutions": tuple(labs_data.get("institutions") or ()),
                    "institution_codes": tuple(labs_data.get("institution_codes") or ()),
                },
                f"labs.yaml, entrée {n}",
            )
        )
    needs_data = _read(folder / "needs.yaml")
    illustrative = bool(needs_data.get("illustrative", False))
    companies = [
        _build(
            Company,
            {k: raw.get(k) for k in ("id", "name", "city", "size")}
            | {"naf": str(raw["naf"]) if raw.get("naf") else None, "illustrative": illustrative},
            f"needs.yaml, entreprise {n}",
        )
        for n, raw in enumerate(needs_data.get("companies") or [], start=1)
    ]
    known = {c.id for c in companies}
    needs: list[Need] = []
    for n, raw in enumerate(needs_data.get("needs") or [], start=1):
        where = f"needs.yaml, besoin {n}"
        if raw.get("company") not in known:
            raise InputError(
                f"entreprise inconnue : {raw.get('company')}",
                f"unknown company: {raw.get('company')}",
                where=where,
            )
        needs.append(
            _build(
                Need,
                {
                    "id": raw.get("id"),
                    "company_id": raw.get("company"),
                    "title": raw.get("title"),
                    "text": " ".join(str(raw.get("text", "")).split()),
                    "illustrative": illustrative,
                },
                where,
            )
        )
    return labs, companies, needs


def load_demo(
    store: GraphStore,
    extractor: Extractor,
    progress: Progress | None = None,
    folder: Traversable = DEMO_DIR,
) -> dict[str, int]:
    """Write the vocabulary and the demo corpus into ``store``; running it twice changes nothing.

    Returns the number of concepts, labs, companies and needs loaded.
    """
    concepts = load_vocabulary()
    labs, companies, needs = read_demo(folder)
    step = progress or (lambda _what, _done, _total: None)
    store.upsert_concepts(concepts)
    step("concepts", len(concepts), len(concepts))
    # a lab the RNSR register loaded keeps what the register says (domains, institutions...)
    # and a description an institution supplied since
    known = {lab.id: lab for lab in store.labs()}
    register = ("postcode", "institutions", "institution_codes", "parent_ids", "domains", "panels")
    labs = [
        lab.model_copy(
            update={k: getattr(known[lab.id], k) for k in register}
            | (
                {k: getattr(known[lab.id], k) for k in SUPPLIED_LAB_FIELDS}
                if known[lab.id].description_source not in (None, lab.description_source)
                else {}
            )
            | {"profile_key": known[lab.id].profile_key}
        )
        if lab.id in known
        else lab
        for lab in labs
    ]
    store.upsert_labs(ProfileBuilder(store, extractor).build(labs))
    store.link_lab_parents()
    step("labs", len(labs), len(labs))
    by_id = {c.id: c for c in companies}
    need_extractions = extractor.extract_many([f"{n.title}. {n.text}" for n in needs])
    owners = [by_id[cid] for cid in sorted({need.company_id for need in needs})]
    store.upsert_needs(zip(needs, need_extractions, strict=True), owners)
    step("needs", len(needs), len(needs))
    return {
        "concepts": len(concepts),
        "labs": len(labs),
        "companies": len(companies),
        "needs": len(needs),
    }


def scaled_labs(labs: list[Lab], factor: int, seed: int = 7) -> list[Lab]:
    """``factor`` variants of each lab (benchmarks): its own sentences, shuffled, plus two borrowed."""
    rng = random.Random(seed)
    sentences = {lab.id: re.split(r"(?<=[.;])\s+", lab.description) for lab in labs}
    pool = [s for ss in sentences.values() for s in ss]
    out = []
    for k in range(factor):
        for lab in labs:
            own = list(sentences[lab.id])
            rng.shuffle(own)
            text = " ".join(own[: max(3, len(own) - 1)] + rng.sample(pool, 2))
            out.append(lab.model_copy(update={"id": f"{lab.id}-{k:03d}", "description": text}))
    return out
