"""Load the curated vocabulary (``ingest/resources/vocabulary/*.yaml``) into Concept values."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from graph.errors import InputError
from graph.model import Concept
from ingest.resources import VOCABULARY, Traversable, read_yaml, yaml_files

VOCABULARY_DIR = VOCABULARY
"""The vocabulary the package ships (see :mod:`ingest.resources`)."""


# libyaml's safe loader when PyYAML was built with it (ten times faster), else the pure one


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def load_vocabulary(folder: Traversable = VOCABULARY_DIR) -> list[Concept]:
    """Every concept of the YAML files in ``folder`` (a folder on disk or the shipped
    vocabulary), in file then entry order.

    Raises
    ------
    InputError
        A file that is not valid YAML, an entry with a missing or wrong field, a duplicate id
        or a BROADER link to an unknown id; the message names the file and the entry.
    """
    files = yaml_files(folder)
    if not files:
        raise InputError(
            f"Aucun fichier de vocabulaire (*.yaml) dans {folder}",
            f"No vocabulary file (*.yaml) in {folder}",
        )
    concepts: dict[str, Concept] = {}
    origin: dict[str, str] = {}
    for path in files:
        try:
            data = read_yaml(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as e:
            raise InputError(
                f"{path.name} n'est pas un YAML lisible : {e}",
                f"{path.name} is not readable YAML: {e}",
                where=str(path),
            ) from e
        for n, raw in enumerate(data.get("concepts") or [], start=1):
            where = f"{path.name}, entrée {n}"
            if not isinstance(raw, dict):
                raise InputError(
                    "entrée qui n'est pas un objet", "entry is not a mapping", where=where
                )
            try:
                concept = Concept(
                    id=raw.get("id"),
                    kind=raw.get("kind"),
                    label_fr=raw.get("fr"),
                    label_en=raw.get("en"),
                    alt_fr=_as_tuple(raw.get("fr_alt")),
                    alt_en=_as_tuple(raw.get("en_alt")),
                    broader=_as_tuple(raw.get("broader")),
                    esco=raw.get("esco"),
                    euroscivoc=raw.get("euroscivoc"),
                    naf=str(raw["naf"]) if raw.get("naf") is not None else None,
                )
            except ValidationError as e:
                fields = ", ".join(".".join(str(p) for p in err["loc"]) for err in e.errors())
                raise InputError(
                    f"champ(s) invalide(s) : {fields}",
                    f"invalid field(s): {fields}",
                    where=f"{where} ({raw.get('id')})",
                ) from e
            if concept.id in concepts:
                raise InputError(
                    f"identifiant {concept.id} déjà défini dans {origin[concept.id]}",
                    f"id {concept.id} already defined in {origin[concept.id]}",
                    where=where,
                )
            concepts[concept.id] = concept
            origin[concept.id] = where
    for c in concepts.values():
        for b in c.broader:
            if b not in concepts:
                raise InputError(
                    f"concept plus large inconnu : {b}",
                    f"unknown broader concept: {b}",
                    where=f"{origin[c.id]} ({c.id})",
                )
    return list(concepts.values())
