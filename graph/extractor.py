"""The extractor's interface: how free text becomes concept mentions, keywords and terms.

``ingest.language.extract.SpacyExtractor`` implements it; the domain core only knows this
protocol (no NLP library is imported in ``graph/``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from graph.model import Concept, Extraction, Language


class Extractor(Protocol):
    """Turns free text into concept mentions, keywords and terms."""

    @property
    def concepts(self) -> Mapping[str, Concept]:
        """The vocabulary it links to, by id."""
        ...

    def extract(self, text: str, *, language: Language | None = None) -> Extraction:
        """Analyse one text, in ``language`` when given, else in the language detected."""
        ...

    def extract_many(
        self, texts: Sequence[str], *, language: Language | None = None
    ) -> list[Extraction]:
        """Analyse several texts in one batch (in ``language`` when given)."""
        ...
