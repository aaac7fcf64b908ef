"""Schemathesis hooks for tests/integration/test_api_fuzz.py (loaded with SCHEMATHESIS_HOOKS).

Rules of the API that JSON Schema cannot write: a SIREN's last digit is a Luhn key; a scope
must name an institution or region that holds research units; an officer names the company a
need is for; an SME account has a company, and only a researcher a lab. A *positive* case (data
the schema says is valid) breaking one of them would be refused with 422 and counted as "valid
data rejected"; so positive cases get a correct Luhn key and, when they name a scope, a scope
of the demo. Negative cases are left as generated.
"""

from __future__ import annotations

import re
from typing import Any

import schemathesis

from graph.rules.identity import luhn_valid

KNOWN_SCOPE = {"institution": "Université de Lorraine", "region": "Grand Est"}


def with_luhn_key(siren: str) -> str:
    """``siren`` with its last digit replaced by the one that makes its Luhn sum right."""
    digits = re.sub(r"\D", "", siren)
    head = digits[:8]
    key = next(d for d in "0123456789" if luhn_valid(head + d))
    # keep the caller's spacing (« 552 100 554 »): only the last digit changes
    return siren[: siren.rfind(digits[-1])] + key


def _known_scope(values: dict[str, Any]) -> None:
    for key, known in KNOWN_SCOPE.items():
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            values[key] = known


@schemathesis.hook
def map_case(context: schemathesis.HookContext, case: schemathesis.Case) -> schemathesis.Case:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    path = case.operation.path
    body = case.body
    if path == "/api/needs" and isinstance(body, dict):
        # the officer the fuzzer signs in as submits for a company it must name
        if not isinstance(body.get("company"), str) or not body["company"].strip():
            body["company"] = "Fuzz SA"
        siren = body.get("siren")
        if isinstance(siren, str) and len(re.sub(r"\D", "", siren)) == 9:
            body["siren"] = with_luhn_key(siren)
    if path == "/api/match" and isinstance(body, dict) and isinstance(body.get("scope"), dict):
        _known_scope(body["scope"])
    if path == "/api/users" and isinstance(body, dict):
        # an SME account belongs to a company, only a researcher to a lab (one that exists)
        body.pop("lab_id", None)
        if body.get("role") == "sme":
            body["company"] = "Fuzz SA"
        else:
            body.pop("company", None)
    if path.endswith("/pairings") and isinstance(case.query, dict):
        _known_scope(case.query)
    return case
