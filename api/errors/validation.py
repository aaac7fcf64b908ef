"""Pydantic's validation errors in our words, French and English, without echoing the input."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from api.errors.body import _answer, clip


def _loc(loc: Iterable[object]) -> str:
    return ".".join(clip(p, 40) for p in loc if p != "body") or "body"


def _pattern_rule(pattern: str) -> tuple[str, str]:
    """What a request pattern of ``api.schemas`` asks, in words."""
    if "[0-9]" in pattern:
        return "doit compter 9 chiffres", "must have 9 digits"
    if "\\w" in pattern:
        return (
            "doit contenir une lettre ou un chiffre, sans caractère de contrôle",
            "must hold a letter or digit and no control character",
        )
    if "\\S" in pattern:
        return (
            "est vide ou contient un caractère de contrôle",
            "is blank or holds a control character",
        )
    return (
        "contient un caractère de contrôle ou un saut de ligne",
        "holds a control character or a line break",
    )


def _explain(kind: str, ctx: dict[str, Any], msg: str) -> tuple[str, str]:
    """A validation error of pydantic in French and English, without echoing the input."""
    if kind == "missing":
        return "manque", "is missing"
    if kind == "extra_forbidden":
        return "n'est pas un champ attendu", "is not an expected field"
    if kind == "string_pattern_mismatch":
        return _pattern_rule(str(ctx.get("pattern", "")))
    if kind == "string_too_long":
        most = ctx.get("max_length")
        return f"dépasse {most} caractères", f"is longer than {most} characters"
    if kind == "string_too_short":
        return "est vide", "is empty"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(ctx.values()), "?")
        sign = {"greater_than_equal": "≥", "less_than_equal": "≤"}.get(kind, kind[:4])
        return f"doit être {sign} {bound}", f"must be {sign} {bound}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "doit être un entier", "must be an integer"
    if kind in ("string_type", "string_unicode"):
        return "doit être un texte", "must be a string"
    if kind in ("bool_type", "bool_parsing"):
        return "doit valoir true ou false", "must be true or false"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "doit être un objet JSON", "must be a JSON object"
    text = clip(msg.removeprefix("Value error, "), 300)
    return f"invalide ({text})", f"is invalid ({text})"


async def on_validation_error(request: Request, exc: Exception) -> Response:
    """Fields that do not validate (422), or a body that is not JSON (400)."""
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:
        pos = clip(bad_json["loc"][-1], 20)
        return _answer(
            request.scope,
            400,
            "invalid_json",
            f"Le corps de la requête n'est pas un JSON valide (position {pos}).",
            f"The request body is not valid JSON (position {pos}).",
            "body",
        )
    parts_fr, parts_en, where = [], [], []
    shown = 5
    for e in errors[:shown]:
        loc = _loc(e["loc"])
        where.append(loc)
        kind = e.get("type", "")
        fr, en = _explain(kind, dict(e.get("ctx") or {}), str(e.get("msg", "")))
        parts_fr.append(f"« {loc} » {fr}")
        parts_en.append(f"'{loc}' {en}")
    if len(errors) > shown:
        parts_fr.append(f"et {len(errors) - shown} autres erreurs")
        parts_en.append(f"and {len(errors) - shown} more errors")
    return _answer(
        request.scope,
        422,
        "invalid_input",
        "Requête invalide : " + " ; ".join(parts_fr) + ".",
        "Invalid request: " + "; ".join(parts_en) + ".",
        ", ".join(where),
    )
