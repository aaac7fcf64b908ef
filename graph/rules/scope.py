"""The territory a deployment serves: which units may be suggested (an institution, a region).

A scope names an institution (by name or by the acronym the RNSR gives it: « Université de
Lorraine », « LORRAINE », « CNRS »; accents and case ignored) and/or a region (« Grand Est »,
from the units' postcodes). The empty scope is all of France.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from graph.geo import region_of
from graph.model import Lab
from graph.rules.input import MAX_SCOPE_CHARS
from graph.text import words


class Scope(BaseModel):
    """Which units may be suggested: those of ``institution`` and/or in ``region``; both empty
    means all of France."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    institution: str | None = Field(
        None,
        max_length=MAX_SCOPE_CHARS,
        description="Établissement de tutelle, nom ou sigle RNSR (« Université de Lorraine », "
        "« LORRAINE »).",
    )
    region: str | None = Field(
        None,
        max_length=MAX_SCOPE_CHARS,
        description="Région (« Grand Est »), d'après le code postal des unités.",
    )

    @property
    def is_everywhere(self) -> bool:
        """No restriction: every unit in France."""
        return not (self.institution or "").strip() and not (self.region or "").strip()

    def admits(self, lab: Lab) -> bool:
        """Whether ``lab`` lies in the scope.

        Examples
        --------
        >>> lab = Lab(id="1", name="X", institutions=("Université de Lorraine", "CNRS"),
        ...           institution_codes=("LORRAINE", "CNRS"), postcode="54506")
        >>> [Scope(institution=q).admits(lab) for q in ("universite de lorraine", "Lorraine",
        ...                                              "CNRS", "Université de Lille")]
        [True, True, True, False]
        >>> Scope(region="grand est").admits(lab), Scope(region="Bretagne").admits(lab)
        (True, False)
        """
        if self.institution and self.institution.strip():
            wanted = words(self.institution)
            names = [words(n) for n in (*lab.institutions, *lab.institution_codes)]
            if not any(n == wanted or _starts(n, wanted) for n in names):
                return False
        if self.region and self.region.strip():
            region = region_of(lab.postcode)
            if region is None or words(region) != words(self.region):
                return False
        return True

    def label(self, language: str = "fr") -> str:
        """How the answer names the scope."""
        parts = [p.strip() for p in (self.institution, self.region) if p and p.strip()]
        if not parts:
            return "toute la France" if language == "fr" else "all of France"
        return " — ".join(parts)


def _starts(name: list[str], wanted: list[str]) -> bool:
    """Every word of ``wanted``, in order, is a whole word of ``name`` (« lorraine » in
    « universite de lorraine »), ignoring short words (« de », « la »)."""
    significant = [w for w in wanted if len(w) > 2]
    if not significant:
        return False
    it = iter(name)
    return all(any(w == n for n in it) for w in significant)
