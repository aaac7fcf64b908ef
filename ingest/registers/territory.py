"""The real graph of a territory in one step, and one register at a time.

``load_territory``: the vocabulary and the demo corpus, then every register of the table
(``ingest.registers.table``) that ``passerelle load`` reads: those found in a registers folder
(RNSR, ANR) and those the package ships (our descriptions of the Université de Lorraine's
units), each after the registers it needs. ``load_register``: one register from one source, as
``passerelle ingest`` loads it (a register that extends the vocabulary relinks the units'
profiles after it).

Registers are looked for in the folder the settings name (``PASSERELLE_REGISTERS``), laid out
as ``../shared/data`` is (``rnsr/rnsr_structures_actives.csv``, ``anr/anr_partners_*.csv.gz``)
or as ``passerelle fetch`` leaves them. Without any register the demo corpus alone is loaded.
Every step is idempotent: loading twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import InputError
from graph.extractor import Extractor
from graph.store.ports import GraphStore
from ingest import resources
from ingest.language.vocabulary import load_vocabulary
from ingest.progress import Progress
from ingest.registers.demo import load_demo
from ingest.registers.readers import Report
from ingest.registers.table import Job, Register, in_folders, territory


@dataclass
class Loaded:
    """What a load did: the demo's counts and each register's report."""

    demo: dict[str, int]
    reports: list[Report] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Registers not found in the folder."""


def load_register(
    register: Register,
    source: Path,
    store: GraphStore,
    progress: Progress | None = None,
    *,
    extractor: Callable[[], Extractor] | Extractor | None = None,
    files: Mapping[str, Path | None] | None = None,
    sample: int | None = None,
) -> tuple[Report, int | None]:
    """Load ``source`` as ``register`` says: its report, and for a register that extends the
    vocabulary (ESCO, NAF) how many units' profiles were linked again after it.

    ``extractor`` is the extractor, or what builds it for the store's concepts (called after an
    extension: the units' profiles are linked again with one that knows the new concepts).
    """
    from ingest.registers.profiles import ProfileBuilder

    def analyser() -> Extractor:
        if extractor is None:
            raise ValueError(f"the register {register.name} needs an extractor")
        return extractor() if callable(extractor) else extractor

    job = Job(
        source=source,
        store=store,
        progress=progress,
        extractor=None if register.extends else analyser(),
        files=dict(files or {}),
        sample=sample,
    )
    report = register.loader()(job)
    if not register.extends:
        return report, None
    # the order in which registers are loaded does not change the graph
    return report, ProfileBuilder(store, analyser()).refresh(progress=progress)


def load_territory(
    store: GraphStore,
    extractor: Extractor,
    registers: Path | None,
    progress: Progress | None = None,
    *,
    demo: bool = True,
    skip: Collection[str] = (),
    sample: int | None = None,
) -> Loaded:
    """The vocabulary and (with ``demo``) the demo corpus, then each register of the territory
    (``table.territory()``, less those named in ``skip``) found in ``registers`` or shipped in
    the package, a register being loaded only once those it needs are (only the first
    ``sample`` projects of a register of projects when given: see
    ``ingest.registers.anr.ingest_anr``)."""
    if demo:
        loaded = Loaded(load_demo(store, extractor, progress))
    else:
        concepts = load_vocabulary()
        store.upsert_concepts(concepts)
        loaded = Loaded({"concepts": len(concepts), "labs": 0, "companies": 0, "needs": 0})
    done: set[str] = set()
    for register in territory(skip):
        if not all(name in done for name in register.needs):
            continue  # our descriptions are of RNSR units: without the register, none to join
        if register.shipped is not None:
            folder: resources.Traversable = getattr(resources, register.shipped)
            for file in resources.yaml_files(folder):
                with resources.as_file(file) as path:
                    loaded.reports.append(
                        load_register(
                            register, path, store, progress, extractor=extractor, sample=sample
                        )[0]
                    )
            done.add(register.name)
            continue
        found = register.find(registers)
        if found is None:
            loaded.missing.append(register.name)
            continue
        report, _ = load_register(
            register, found, store, progress, extractor=extractor, sample=sample
        )
        loaded.reports.append(report)
        done.add(register.name)
    return loaded


def missing_registers(folder: Path | None) -> list[Register]:
    """The registers of a registers folder (``table.in_folders()``) that ``folder`` lacks."""
    return [r for r in in_folders() if r.find(folder) is None]


def load_registers(
    store: GraphStore,
    folder: Path,
    sample: int | None = None,
    progress: Progress | None = None,
    *,
    extractor: Extractor | None = None,
) -> Loaded:
    """Load the real registers of ``folder`` into ``store``, as ``passerelle load`` does but
    without the demo corpus: the vocabulary, then every register of the territory
    (``load_territory``).

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
        When ``folder`` lacks a register of the territory (nothing is loaded then).
    """
    for register in missing_registers(folder):
        expected = register.files[0]
        raise InputError(
            f"Registre {register.name.upper()} introuvable dans {folder} (attendu : "
            f"{expected}) ; `passerelle fetch` le télécharge.",
            f"{register.name.upper()} register not found in {folder} (expected: {expected}); "
            "`passerelle fetch` downloads it.",
            where=str(folder / expected),
        )
    if extractor is None:
        from ingest.language.extract import SpacyExtractor

        extensions = [c for c in store.concepts() if c.source != "passerelle"]
        extractor = SpacyExtractor([*load_vocabulary(), *extensions])
    return load_territory(store, extractor, folder, progress, demo=False, sample=sample)
