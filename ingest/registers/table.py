"""Every register Passerelle loads, declared once.

A line of :data:`REGISTERS` says all that the rest of Passerelle needs to know of a register:

- its ``name`` (``passerelle ingest NAME``, ``passerelle fetch NAME``), ``help`` and what its
  source is (``source_help``, and the other files it reads: ``params``);
- ``run``: the function that loads it, ``module:function`` taking a :class:`Job`, imported only
  when it runs (``passerelle --help`` imports no loader);
- where ``passerelle load`` (and the notebooks' workspace) finds it: ``files`` in a registers
  folder, or ``shipped``, our own files in the package; ``needs``, the registers it must follow;
- ``downloads``: its official download, for ``passerelle fetch``;
- in a unit's profile: the key its capabilities carry (``source``), how an explanation names
  that source (``label``, or ``provenance``, ``module:function``, when the wording depends on
  the lab), and what of a unit it gives (``profile``, ``module:function``, see
  ``ingest.registers.profiles``).

The command line, the territory's load, the download, the workspace, the units' profiles and
the explanations all read this table: adding a register is one module and one line here (see
CONTRIBUTING.md). The order of the table is the order of ``passerelle ingest --help``, of the
parts of a profile and of the sources an explanation names.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import InputError

if TYPE_CHECKING:
    from graph.extractor import Extractor
    from graph.store.ports import GraphStore
    from ingest.progress import Progress
    from ingest.registers.readers import Report


@dataclass(frozen=True)
class Param:
    """A file a register reads beside its source: a required argument, or an optional option."""

    name: str
    help: str
    argument: bool = False


@dataclass(frozen=True)
class Download:
    """One file of a register's official download.

    Attributes
    ----------
    name : str
        Short name, shown in progress and errors (``"rnsr"``).
    url : str
        Where the portal serves the file.
    filename : str
        Name under which it is saved, without a directory part.
    sha256 : str or None
        Expected digest, when the publisher gives one.
    gzip : bool
        The file is served gzip-compressed and kept so: its magic number is checked.
    """

    name: str
    url: str
    filename: str
    sha256: str | None = None
    gzip: bool = False


@dataclass(frozen=True)
class Job:
    """One load of one register: what its ``run`` function is given."""

    source: Path
    store: GraphStore
    progress: Progress | None = None
    extractor: Extractor | None = None
    """Builds the units' profiles (None for a register that ``extends`` the vocabulary)."""
    files: Mapping[str, Path | None] = field(default_factory=dict)
    """The files of the register's ``params``, by name."""
    sample: int | None = None
    """Keep only the first ``sample`` projects (a register of projects; None: all)."""

    @property
    def analyser(self) -> Extractor:
        """The extractor, which a register that builds profiles needs."""
        if self.extractor is None:
            raise ValueError("this register builds profiles: its job needs an extractor")
        return self.extractor


def _target(path: str) -> Any:
    module, _, attribute = path.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class Register:
    """One register (see the module's docstring for each field)."""

    name: str
    help: str
    source_help: str
    run: str
    params: tuple[Param, ...] = ()
    extends: bool = False
    """It adds concepts (ESCO, NAF) and needs no extractor: the units' profiles are linked
    again after it, with an extractor that knows them."""
    files: tuple[str, ...] = ()
    shipped: str | None = None
    """The folder of ``ingest.resources`` whose ``*.yaml`` files ``passerelle load`` reads."""
    needs: tuple[str, ...] = ()
    downloads: tuple[Download, ...] = ()
    source: str | None = None
    label: tuple[str, str] | None = None
    provenance: str | None = None
    profile: str | None = None

    def loader(self) -> Callable[[Job], Report]:
        """The function that loads the register, its module imported now."""
        run: Callable[[Job], Report] = _target(self.run)
        return run

    def part(self) -> Callable[..., Any] | None:
        """The function giving a unit's part of its profile, or None."""
        return None if self.profile is None else _target(self.profile)

    def provenance_of(self) -> Callable[..., tuple[list[str], list[str]]] | None:
        """The function wording this source in an explanation, or None (``label`` serves)."""
        return None if self.provenance is None else _target(self.provenance)

    def find(self, folder: Path | None) -> Path | None:
        """The first of ``files`` that ``folder`` holds."""
        if folder is None:
            return None
        return next((folder / f for f in self.files if (folder / f).is_file()), None)


REGISTERS: tuple[Register, ...] = (
    Register(
        "descriptions",
        "Descriptions d'unités fournies par les établissements / unit descriptions (see "
        "ingest/registers/descriptions.py for the format).",
        "Fichier YAML ou CSV / YAML or CSV file",
        "ingest.registers.descriptions:load",
        shipped="DESCRIPTIONS",
        needs=("rnsr",),  # our descriptions are of RNSR units
        source="description",
        provenance="ingest.registers.descriptions:provenance_of",
        profile="ingest.registers.descriptions:profile_texts",
    ),
    Register(
        "rnsr",
        "Toutes les unités de recherche du RNSR / every RNSR research unit.",
        "Fichier / file",
        "ingest.registers.rnsr:load",
        files=("rnsr/rnsr_structures_actives.csv", "rnsr_structures_actives.csv"),
        downloads=(
            Download(
                "rnsr",
                # active public research structures, from the research ministry's portal
                "https://data.enseignementsup-recherche.gouv.fr/api/explore/v2.1/catalog/"
                "datasets/fr-esr-structures-recherche-publiques-actives/exports/csv"
                "?delimiter=%3B",
                "rnsr_structures_actives.csv",
            ),
        ),
        source="register",
        label=(
            "sa fiche au registre RNSR (domaines scientifiques, panels ERC)",
            "its RNSR register entry (scientific domains, ERC panels)",
        ),
        profile="ingest.registers.rnsr:profile_texts",
    ),
    Register(
        "anr",
        "Projets ANR, partenaires, collaborations labo–entreprise / ANR projects and partners.",
        "Fichier / file",
        "ingest.registers.anr:load",
        params=(Param("committees", "anr_committees_ces.csv (défaut : à côté / beside)"),),
        files=(
            "anr/anr_partners_2010_2020.csv.gz",
            "anr_partners_2010_2020.csv.gz",
            "anr/anr_partners.csv",
            "anr_partners.csv",
        ),
        downloads=(
            Download(
                "anr",
                # ANR_01 « Projets ANR DOS et DGDS : détail des projets et des partenaires »,
                # through data.gouv.fr's stable resource link (redirects to the latest upload).
                # MUST BE CHECKED: this resource id was seen in one third-party script only. If
                # it fails, take the partners CSV's link from the dataset page:
                # https://www.data.gouv.fr/datasets/anr-01-projets-anr-dos-et-dgds-detail-des-projets-et-des-partenaires/
                "https://www.data.gouv.fr/fr/datasets/r/4b576f41-8f4a-4f0f-860a-98eca420f3b9",
                "anr_partners.csv",
            ),
        ),
        source="anr",
        provenance="ingest.registers.programmes:provenance_of",
        profile="ingest.registers.programmes:profile_part",
    ),
    Register(
        "cordis",
        "Projets CORDIS (UE) et participants / CORDIS projects and participants.",
        "Table des projets / project table",
        "ingest.registers.cordis:load",
        params=(Param("organizations", "Table des organisations", argument=True),),
        source="cordis",
        label=("ses projets européens (CORDIS)", "its European projects (CORDIS)"),
        profile="ingest.registers.cordis:profile_texts",
    ),
    Register(
        "esco",
        "Compétences ESCO (français) et leur hiérarchie / ESCO skills in French.",
        "Dossier ESCO (skills_fr.csv…) / ESCO folder",
        "ingest.registers.extensions:load_esco",
        extends=True,
    ),
    Register(
        "naf",
        "Codes NAF rév. 2 et leurs libellés / NAF codes with French labels.",
        "Fichier / file",
        "ingest.registers.extensions:load_naf",
        extends=True,
    ),
)
"""Every register, in the order ``passerelle ingest --help`` lists them."""


def named(name: str, among: Iterable[Register] | None = None) -> Register:
    """The register called ``name`` (accents and case as written), or InputError naming the
    choices."""
    choices = list(REGISTERS if among is None else among)
    found = next((r for r in choices if r.name == name.strip().lower()), None)
    if found is None:
        names = ", ".join(r.name for r in choices)
        raise InputError(
            f"Registre inconnu : {name} (choix : {names})",
            f"Unknown register: {name} (choices: {names})",
            where="register",
        )
    return found


def of_source(key: str) -> Register | None:
    """The register whose capabilities carry the source ``key``."""
    return next((r for r in REGISTERS if r.source == key), None)


def downloadable() -> list[Register]:
    """The registers ``passerelle fetch`` downloads."""
    return [r for r in REGISTERS if r.downloads]


def in_folders() -> list[Register]:
    """The registers ``passerelle load`` reads from a registers folder."""
    return [r for r in REGISTERS if r.files]


def territory(skip: Collection[str] = ()) -> list[Register]:
    """The registers ``passerelle load`` loads (from a folder or the package), each after the
    registers it needs; those named in ``skip`` are left out."""
    todo = [r for r in REGISTERS if (r.files or r.shipped) and r.name not in skip]
    names = {r.name for r in todo}
    ordered: list[Register] = []
    while todo:
        done = {r.name for r in ordered}
        ready = next(
            (r for r in todo if all(n in done or n not in names for n in r.needs)), todo[0]
        )
        ordered.append(ready)
        todo.remove(ready)
    return ordered


def parts() -> Sequence[tuple[Register, Callable[..., Any]]]:
    """Each register that gives units a part of their profile, with its function."""
    out = []
    for r in REGISTERS:
        part = r.part()
        if part is not None:
            out.append((r, part))
    return out
