"""A researcher's workspace: the territory's graph loaded and ready, in one call from a notebook.

``open_workspace()`` does what ``passerelle load`` does — the vocabulary, the demo corpus, the
RNSR, our descriptions of the units and the ANR projects, through the project's loaders — into
the store the settings name (the embedded store in ``$PASSERELLE_HOME``, or Neo4j when
``NEO4J_URI`` is set), and returns it with the pairing service the API uses. Loading is
idempotent: a second workspace on the same store changes nothing in it.

The registers are looked for in ``PASSERELLE_REGISTERS``, then in a ``shared/data`` folder
beside the working folder or one of its parents (``../shared/data`` for a clone next to it),
then in ``$PASSERELLE_HOME/registers`` (``passerelle fetch``). Without them, the workspace says
so and holds the demo corpus alone.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from api.factory import build_extractor, build_service, new_store
from api.settings import Settings, load_settings
from graph.store.ports import Store
from ingest.registers.territory import Loaded, load_territory, missing_registers

if TYPE_CHECKING:
    from graph.usecases.pairing import PairingService


def find_registers(settings: Settings, start: Path | None = None) -> Path | None:
    """The folder holding the registers of a territory (``ingest.registers.table.in_folders``:
    the RNSR and the ANR), or ``None``.

    ``settings.registers`` when set (whether or not the files are there: an explicit choice is
    not second-guessed); else the first ``shared/data`` beside ``start`` (default: the working
    folder) or one of its parents that holds them all; else ``settings.home / "registers"``
    when it holds them.
    """
    if settings.registers is not None:
        return settings.registers
    here = (start or Path.cwd()).resolve()
    for folder in [d / "shared" / "data" for d in (here, *here.parents)] + [
        settings.home / "registers"
    ]:
        if not missing_registers(folder):
            return folder
    return None


class TextProgress:
    """Progress for a notebook or a log: one line per step and per tenth of it.

    >>> import io
    >>> out = io.StringIO()
    >>> p = TextProgress(out)
    >>> for done in range(0, 21):
    ...     p("RNSR", done, 20)
    >>> print(out.getvalue().strip())
    RNSR : 0/20
    RNSR : 2/20
    RNSR : 4/20
    RNSR : 6/20
    RNSR : 8/20
    RNSR : 10/20
    RNSR : 12/20
    RNSR : 14/20
    RNSR : 16/20
    RNSR : 18/20
    RNSR : 20/20
    """

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out
        self.shown: dict[str, int] = {}

    def __call__(self, what: str, done: int, total: int) -> None:
        tenth = 10 * done // total if total > 0 else 10
        if self.shown.get(what) == tenth:
            return
        self.shown[what] = tenth
        print(f"{what} : {done}/{total}", file=self.out or sys.stdout, flush=True)


@dataclass
class Workspace:
    """The loaded store, its pairing service and what was loaded (close it, or use ``with``)."""

    settings: Settings
    store: Store
    service: PairingService
    registers: Path | None
    """The registers' folder read, ``None`` when only the demo corpus was loaded."""
    sample: int | None
    """The ANR projects loaded (the first ``sample`` of the file), ``None`` for all."""
    loaded: Loaded
    notes: list[str] = field(default_factory=list)

    @property
    def real(self) -> bool:
        """Whether the public registers are loaded (else: the demo corpus only)."""
        return self.registers is not None

    def describe(self) -> str:
        """What the workspace holds, in French then English."""
        labs = self.store.labs()
        units = sum(lab.is_unit for lab in labs)
        where = (
            f"registres / registers: {self.registers}"
            + (f" (échantillon / sample: {self.sample} projets ANR)" if self.sample else "")
            if self.registers is not None
            else "corpus de démonstration seul / demo corpus only"
        )
        return "\n".join(
            [
                *self.notes,
                f"Stockage / store: {self.settings.store_kind} — {where}",
                f"{units} unités de recherche / research units, {len(labs) - units} autres "
                f"organisations / other organisations, {len(self.store.companies())} "
                f"entreprises / companies, {len(self.store.projects())} projets / projects, "
                f"{len(self.store.needs())} besoins / needs",
            ]
        )

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


NOT_FOUND = (
    "Registres RNSR et ANR introuvables (PASSERELLE_REGISTERS, ../shared/data, "
    "$PASSERELLE_HOME/registers) : ce carnet montre le corpus de démonstration seul ; "
    "`passerelle fetch rnsr` et `passerelle fetch anr` les téléchargent. / The RNSR and ANR "
    "registers were not found: this notebook shows the demo corpus only."
)


def open_workspace(
    settings: Settings | None = None,
    *,
    registers: Path | None = None,
    sample: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Workspace:
    """Load the territory's graph into the store the settings name and open it.

    Parameters
    ----------
    settings : Settings, optional
        Default: ``load_settings()`` (the environment, then ``.env``).
    registers : Path, optional
        The registers' folder; default ``find_registers(settings)``.
    sample : int, optional
        Load only the first ``sample`` ANR projects (the latest call first); default
        ``settings.nb_sample`` (``PASSERELLE_NB_SAMPLE``), else every project.
    progress : callable, optional
        ``progress(what, done, total)``; default ``TextProgress()`` (printed lines).

    Returns
    -------
    Workspace
        The store, loaded, with its ``PairingService`` (scope: the deployment's, by default the
        Université de Lorraine) — close it when done.
    """
    settings = settings or load_settings()
    folder = registers or find_registers(settings)
    sample = sample if sample is not None else settings.nb_sample
    notes: list[str] = []
    if folder is not None and missing_registers(folder):
        notes.append(f"{folder} : " + NOT_FOUND)
        folder = None
    elif folder is None:
        notes.append(NOT_FOUND)
    store = new_store(settings)
    try:
        loaded = load_territory(
            store,
            build_extractor(store, settings),
            folder,
            progress or TextProgress(),
            sample=sample if folder is not None else None,
        )
    except BaseException:
        store.close()
        raise
    return Workspace(
        settings=settings,
        store=store,
        service=build_service(store, settings=settings),
        registers=folder,
        sample=sample if folder is not None else None,
        loaded=loaded,
        notes=notes,
    )
