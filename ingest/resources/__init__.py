"""The data Passerelle ships inside its package, read with ``importlib.resources``.

Everything here was written by the Passerelle team (each file's header says so):

- ``vocabulary/``: the curated bilingual concepts, ``*.yaml`` (format: ``vocabulary/README.md``);
- ``demo/``: the demo corpus, ``labs.yaml`` (20 Université de Lorraine units) and ``needs.yaml``
  (illustrative SME needs);
- ``descriptions/``: our descriptions of the Université de Lorraine's units, ``*.yaml``;
- ``mappings/``: ANR committee and programme codes mapped to our concepts
  (``anr_programmes.yaml``).

The code finds them through the names below, never through a path computed from a source
file, so that a wheel installed anywhere reads the copy it ships, as a checkout reads its own.
A location is a :class:`~importlib.resources.abc.Traversable` (a :class:`pathlib.Path` when the
package sits on disk, as it does in a checkout or an installed wheel); code that needs a real
file on disk gets one with :func:`as_file`.

>>> VOCABULARY.name, DEMO.name
('vocabulary', 'demo')
>>> [f.name for f in yaml_files(DEMO)]
['labs.yaml', 'needs.yaml']
>>> ANR_PROGRAMMES.is_file() and UL_DESCRIPTIONS.is_file()
True
"""

from __future__ import annotations

from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

__all__ = [
    "ANR_PROGRAMMES",
    "DEMO",
    "DESCRIPTIONS",
    "ROOT",
    "UL_DESCRIPTIONS",
    "VOCABULARY",
    "Traversable",
    "as_file",
    "read_yaml",
    "yaml_files",
]

ROOT: Traversable = files(__name__)
"""The package's data folder."""
VOCABULARY: Traversable = ROOT / "vocabulary"
"""The curated vocabulary: every ``*.yaml`` file of the folder."""
DEMO: Traversable = ROOT / "demo"
"""The demo corpus: ``labs.yaml`` and ``needs.yaml``."""
DESCRIPTIONS: Traversable = ROOT / "descriptions"
"""Our descriptions of research units: every ``*.yaml`` file of the folder."""
UL_DESCRIPTIONS: Traversable = DESCRIPTIONS / "universite-de-lorraine.yaml"
"""Our descriptions of the Université de Lorraine's units (the demo labs' texts among them)."""
ANR_PROGRAMMES: Traversable = ROOT / "mappings" / "anr_programmes.yaml"
"""ANR committee and programme codes mapped to our concepts."""


def yaml_files(folder: Traversable) -> list[Traversable]:
    """The ``*.yaml`` files of ``folder`` (shipped or any :class:`~pathlib.Path`), by name;
    none when ``folder`` is not a folder."""
    if not folder.is_dir():
        return []
    found = (f for f in folder.iterdir() if f.is_file() and f.name.endswith(".yaml"))
    return sorted(found, key=lambda f: f.name)


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about ten times faster), else PyYAML's."""


def read_yaml(text: str) -> Any:
    """A YAML document, read safely (plain data only).

    Raises ``yaml.YAMLError`` when the text is not YAML.

    >>> read_yaml("a: [1, deux]")
    {'a': [1, 'deux']}
    """
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
