"""The real graph of a territory in one step: vocabulary and demo corpus, the public registers
found in a folder (RNSR, ANR), and our descriptions of the Université de Lorraine's units.

Registers are looked for in the folder the settings name (``PASSERELLE_REGISTERS``), laid out
as ``../shared/data`` is (``rnsr/rnsr_structures_actives.csv``, ``anr/anr_partners_*.csv.gz``)
or as ``passerelle fetch`` leaves them. Without any register the demo corpus alone is loaded,
as before. Every step is idempotent: loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from graph.store.ports import Extractor, GraphStore
from ingest.language.vocabulary import load_vocabulary
from ingest.registers.anr import ingest_anr
from ingest.registers.demo import load_demo
from ingest.registers.descriptions import ingest_descriptions
from ingest.registers.loaders import Progress
from ingest.registers.readers import Report
from ingest.registers.rnsr import ingest_rnsr
from ingest.resources import DESCRIPTIONS, Traversable, as_file, yaml_files

DESCRIPTIONS_DIR = DESCRIPTIONS

RNSR_FILES = ("rnsr/rnsr_structures_actives.csv", "rnsr_structures_actives.csv")
ANR_FILES = (
    "anr/anr_partners_2010_2020.csv.gz",
    "anr_partners_2010_2020.csv.gz",
    "anr/anr_partners.csv",
    "anr_partners.csv",
)


def find(folder: Path | None, names: tuple[str, ...]) -> Path | None:
    """The first of ``names`` that exists in ``folder``."""
    if folder is None:
        return None
    return next((folder / n for n in names if (folder / n).is_file()), None)


@dataclass
class Loaded:
    """What a load did: the demo's counts and each register's report."""

    demo: dict[str, int]
    reports: list[Report] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Registers not found in the folder."""


def load_territory(
    store: GraphStore,
    extractor: Extractor,
    registers: Path | None,
    progress: Progress | None = None,
    *,
    demo: bool = True,
    descriptions: Sequence[Traversable] | None = None,
    anr_sample: int | None = None,
) -> Loaded:
    """The vocabulary and (with ``demo``) the demo corpus, then the RNSR, the descriptions
    (our own, shipped in ``ingest/resources/descriptions``, unless others are given) and the ANR projects when
    the register files are in ``registers`` (only the first ``anr_sample`` projects when given:
    see ``ingest.registers.anr.ingest_anr``)."""
    if demo:
        loaded = Loaded(load_demo(store, extractor, progress))
    else:
        concepts = load_vocabulary()
        store.upsert_concepts(concepts)
        loaded = Loaded({"concepts": len(concepts), "labs": 0, "companies": 0, "needs": 0})
    rnsr = find(registers, RNSR_FILES)
    anr = find(registers, ANR_FILES)
    if rnsr is None:
        loaded.missing.append("rnsr")
    else:
        loaded.reports.append(ingest_rnsr(rnsr, store, extractor, progress))
        # our descriptions are of RNSR units: without the register they have no unit to join
        files = yaml_files(DESCRIPTIONS_DIR) if descriptions is None else descriptions
        for file in files:
            with as_file(file) as path:
                loaded.reports.append(ingest_descriptions(path, store, extractor, progress))
    if anr is None:
        loaded.missing.append("anr")
    else:
        loaded.reports.append(
            ingest_anr(anr, store, extractor, progress=progress, sample=anr_sample)
        )
    return loaded


def load_registers(
    store: GraphStore,
    folder: Path,
    sample: int | None = None,
    progress: Progress | None = None,
    *,
    extractor: Extractor | None = None,
) -> Loaded:
    """Load the real registers of ``folder`` into ``store``, as ``passerelle load`` does but
    without the demo corpus: the vocabulary, the RNSR (every unit), our descriptions of the
    units, then the ANR projects and their partners (``load_territory``).

    Parameters
    ----------
    store : GraphStore
        Where to load (an ``EmbeddedGraphStore``, or Neo4j).
    folder : Path
        A folder laid out as ``../shared/data`` (``rnsr/rnsr_structures_actives.csv``,
        ``anr/anr_partners_2010_2020.csv.gz``) or as ``passerelle fetch`` leaves it.
    sample : int, optional
        Keep only the first ``sample`` ANR projects of the file (in file order, each with all
        its partners; the RNSR is always loaded whole): a short run for tests and CI. The
        shared file lists the latest call first, so a sample of 1,500 is the 2020 projects
        only. ``None`` loads every project.
    progress : Progress, optional
        ``progress(what, done, total)``, as the loaders report it.
    extractor : Extractor, optional
        Builds the units' profiles; by default spaCy over the curated vocabulary and the
        extensions (ESCO, NAF) the store holds.

    Returns
    -------
    Loaded
        Each register's report.

    Raises
    ------
    InputError
        When ``folder`` lacks the RNSR or the ANR file (nothing is loaded then).
    """
    for register, names in (("RNSR", RNSR_FILES), ("ANR", ANR_FILES)):
        if find(folder, names) is None:
            raise InputError(
                f"Registre {register} introuvable dans {folder} (attendu : {names[0]}) ; "
                "`passerelle fetch` le télécharge.",
                f"{register} register not found in {folder} (expected: {names[0]}); "
                "`passerelle fetch` downloads it.",
                where=str(folder / names[0]),
            )
    if extractor is None:
        from ingest.language.extract import SpacyExtractor
        from ingest.language.vocabulary import load_vocabulary

        extensions = [c for c in store.concepts() if c.source != "passerelle"]
        extractor = SpacyExtractor([*load_vocabulary(), *extensions])
    return load_territory(store, extractor, folder, progress, demo=False, anr_sample=sample)
