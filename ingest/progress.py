"""How a long job says how far it is: ``progress(what, done, total)``.

Loaders, downloads and evaluations report to a ``Progress`` they are given; the command line
draws bars (``api.cli.common.progress_bars``), a notebook prints lines
(``api.notebook.workspace.TextProgress``), a test gives none.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""``progress(what, done, total)``: ``done`` of ``total`` steps of ``what`` (0 when unknown)."""
