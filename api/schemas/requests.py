"""What clients send: request bodies and path and query parameters, each text field with its
length and pattern (in the OpenAPI document too)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Path, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, field_validator

from graph.model import Visibility
from graph.rules.accounts import Role
from graph.rules.input import (
    EMAIL_PATTERN,
    ID_PATTERN,
    LINE_PATTERN,
    MAX_CITY_CHARS,
    MAX_COMPANY_CHARS,
    MAX_EMAIL_CHARS,
    MAX_ID_CHARS,
    MAX_KEY_CHARS,
    MAX_LIMIT,
    MAX_NOTE_CHARS,
    MAX_PASSWORD_CHARS,
    MAX_SCOPE_CHARS,
    MAX_TEXT_CHARS,
    MAX_TOKEN_NAME_CHARS,
    MIN_PASSWORD_CHARS,
    NAME_PATTERN,
    NOTE_PATTERN,
    SIREN_PATTERN,
    TEXT_PATTERN,
    forbidden_char,
)
from graph.rules.needs import NEED_FIELDS
from graph.rules.scope import Scope
from graph.rules.workflow import Status

# Every string field has a maximum length and a pattern, both in the OpenAPI document; the
# patterns are checked with Python's ``re`` (``regex_engine``), the engine the fuzzer generates
# with, so that the document and the checks agree.


Siren = Annotated[
    str, Field(max_length=11, pattern=SIREN_PATTERN, json_schema_extra={"format": "siren"})
]
"""A SIREN as the API takes it; ``format: siren`` tells a client (or a fuzzer) that its last
digit is a Luhn key."""


def _integral(value: object) -> object:
    """JSON Schema counts 10.0 as an integer: take it as 10 (any other float stays refused)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral)]
"""An integer as JSON Schema has it: ``10`` or ``10.0``, never ``"10"`` nor ``true``."""


def check_chars(value: str) -> str:
    """Pydantic validator: text without control characters (but tab and new lines) nor lone
    surrogates."""
    bad = forbidden_char(value)
    if bad:
        raise ValueError(
            f"caractère interdit / forbidden character {bad} "
            "(caractère de contrôle ou substitut isolé / control character or lone surrogate)"
        )
    return value


class _Request(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", regex_engine="python-re")

    @field_validator("*", mode="after")
    @classmethod
    def _no_forbidden_char(cls, value: object) -> object:
        """No text field holds a lone surrogate or a control character (422)."""
        return check_chars(value) if isinstance(value, str) else value


class ScopeRequest(_Request):
    """Which units may be suggested (see ``graph.rules.scope.Scope``); ``{}`` is all of France."""

    institution: str | None = Field(
        None,
        max_length=MAX_SCOPE_CHARS,
        pattern=LINE_PATTERN,
        description="Établissement de tutelle, nom ou sigle RNSR (« Université de Lorraine », "
        "« LORRAINE »).",
    )
    region: str | None = Field(
        None,
        max_length=MAX_SCOPE_CHARS,
        pattern=LINE_PATTERN,
        description="Région (« Grand Est »), d'après le code postal des unités.",
    )

    def to_scope(self) -> Scope:
        """The domain's scope."""
        return Scope(institution=self.institution, region=self.region)


class MatchRequest(_Request):
    """A need in free text, French or English."""

    text: str = Field(
        max_length=MAX_TEXT_CHARS,
        pattern=TEXT_PATTERN,
        description=f"Le besoin en texte libre (au plus {MAX_TEXT_CHARS} caractères).",
    )
    limit: JsonInt = Field(
        10, ge=1, le=MAX_LIMIT, description="Nombre de laboratoires proposés (1 à 100)."
    )
    scope: ScopeRequest | None = Field(
        None,
        description='Périmètre : {"institution": …} ou {"region": …} ; {} pour toute la '
        "France ; absent : le périmètre par défaut du déploiement.",
    )


def _written(submit: bool) -> dict[str, Any]:
    """The fields a company writes (``graph.rules.needs.NEED_FIELDS``) as request fields: each
    with its length and pattern; for an edit, every one may be left out."""
    out: dict[str, Any] = {}
    for f in NEED_FIELDS:
        required = submit and f.required
        info = Field(
            ... if required else None,
            max_length=f.most,
            pattern=TEXT_PATTERN if f.required else NOTE_PATTERN,
            description=f"{f.label} / {f.label_en} (au plus {f.most} caractères)"
            + ("" if f.required else ", facultatif / optional"),
        )
        out[f.name] = (str if required else str | None, info)
    return out


class _Written(_Request):
    """A request that carries the fields a company writes (generated: ``_written``)."""

    def written(self) -> dict[str, str]:
        """The fields a company writes that the request gives, by name."""
        values = {f.name: getattr(self, f.name, None) for f in NEED_FIELDS}
        return {name: value for name, value in values.items() if value is not None}


class _NeedSubmit(_Written):
    """A need to store. An SME account submits for its own company (``company`` may be left
    out); an officer names the company it submits for, identified by its SIREN when given
    (checked with its Luhn key), otherwise by its name and its city: the same name in another
    city is another company (see ``graph.rules.identity``). The fields a company writes (its
    title, its text...) are those of ``graph.rules.needs``."""

    visibility: Visibility = Field(
        "confidential",
        description="confidential (l'entreprise et les chargés de valorisation ; par défaut), "
        "anonymous (les chercheurs voient le texte, jamais l'entreprise), public (tout compte)",
    )
    company: str | None = Field(
        None,
        max_length=MAX_COMPANY_CHARS,
        pattern=NAME_PATTERN,
        description=f"Nom de l'entreprise (au plus {MAX_COMPANY_CHARS} caractères, au moins une "
        "lettre ou un chiffre).",
    )
    city: str | None = Field(
        None,
        max_length=MAX_CITY_CHARS,
        pattern=NAME_PATTERN,
        description="Ville de l'entreprise : avec le nom, elle l'identifie quand le SIREN manque.",
    )
    siren: Siren | None = Field(
        None,
        description="SIREN de l'entreprise (9 chiffres, clé de Luhn) : l'identifie à lui seul.",
    )


LabId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_ID_CHARS,
        pattern=LINE_PATTERN,
        description="Numéro RNSR du laboratoire (ou id d'un partenaire de projet).",
    ),
]


NeedId = Annotated[
    str,
    Path(
        min_length=1,
        max_length=MAX_ID_CHARS,
        pattern=LINE_PATTERN,
        description="Identifiant du besoin (need-…).",
    ),
]


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Nombre de résultats (1 à 100).")]


IntroductionId = Annotated[
    str,
    Path(
        max_length=MAX_KEY_CHARS,
        pattern=ID_PATTERN,
        description="identifiant de l'introduction (intro-…)",
    ),
]


TokenId = Annotated[
    str, Path(max_length=MAX_KEY_CHARS, pattern=ID_PATTERN, description="identifiant du jeton")
]


UserId = Annotated[
    str,
    Path(
        max_length=MAX_KEY_CHARS, pattern=ID_PATTERN, description="identifiant du compte (user-…)"
    ),
]


class PersonalTokenCreate(_Request):
    """A personal token for scripts and notebooks."""

    name: str = Field(
        max_length=MAX_TOKEN_NAME_CHARS,
        pattern=NAME_PATTERN,
        description="à quoi il sert / what it is for",
    )


class UserCreate(_Request):
    """A new account (admins)."""

    email: str = Field(max_length=MAX_EMAIL_CHARS, pattern=f"^{EMAIL_PATTERN}$")
    role: Role
    password: str = Field(min_length=MIN_PASSWORD_CHARS, max_length=MAX_PASSWORD_CHARS)
    company: str | None = Field(None, max_length=MAX_COMPANY_CHARS, pattern=NAME_PATTERN)
    lab_id: str | None = Field(None, max_length=MAX_KEY_CHARS, pattern=ID_PATTERN)


class _NeedEdit(_Written):
    """What to change in a need (fields left out stay)."""

    visibility: Visibility | None = None


if TYPE_CHECKING:  # the type checker reads the bases: the fields come from graph.rules.needs
    NeedSubmit = _NeedSubmit
    NeedEdit = _NeedEdit
else:
    NeedSubmit = create_model(
        "NeedSubmit", __base__=_NeedSubmit, __doc__=_NeedSubmit.__doc__, **_written(True)
    )
    NeedEdit = create_model(
        "NeedEdit", __base__=_NeedEdit, __doc__=_NeedEdit.__doc__, **_written(False)
    )


class IntroductionCreate(_Request):
    """Open an introduction of a need's company to a lab."""

    need_id: str = Field(pattern=ID_PATTERN)
    lab_id: str = Field(pattern=ID_PATTERN)
    note: str = Field("", max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)


class Transition(_Request):
    """Move an introduction: to its next step, or ``declined`` with a ``reason``."""

    to: Status
    note: str = Field("", max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)
    reason: str = Field("", max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)


class NoteCreate(_Request):
    """A note on an introduction's trail."""

    note: str = Field(min_length=1, max_length=MAX_NOTE_CHARS, pattern=NOTE_PATTERN)
