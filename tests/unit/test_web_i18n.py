"""Every word of the pages exists in French and in English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from api.web.i18n import MESSAGES, translator
from graph.model import VISIBILITIES, ConceptKind
from graph.rules.accounts import ROLES
from graph.rules.workflow import STATUSES

WEB = Path(__file__).resolve().parents[2] / "api" / "web"
KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]*)["']""")


def used_keys() -> set[str]:
    found: set[str] = set()
    for path in [*WEB.glob("templates/*.html"), *WEB.glob("*.py")]:
        found |= set(KEY.findall(path.read_text(encoding="utf-8")))
    return found


ENUMERATIONS: list[frozenset[str]] = [
    frozenset(STATUSES),
    frozenset(("new", "in_progress", "closed")),
    frozenset(VISIBILITIES),
    frozenset(("unit", "organisation")),
    frozenset(get_args(ConceptKind)),
]
"""The values page keys are built from (``t("intro.status." ~ status)``)."""


def test_every_key_the_pages_use_is_in_the_catalogue() -> None:
    keys = used_keys()
    assert len(keys) > 20
    prefixes = {k for k in keys if k.endswith(".")}
    assert (keys - prefixes) - set(MESSAGES) == set()
    for prefix in prefixes:
        assert any(k.startswith(prefix) for k in MESSAGES), prefix


def test_keys_built_from_values_cover_every_value() -> None:
    families: dict[str, set[str]] = {}
    for key in MESSAGES:
        prefix, _, suffix = key.rpartition(".")
        if any(suffix in e for e in ENUMERATIONS):
            families.setdefault(prefix, set()).add(suffix)
    families = {p: s for p, s in families.items() if len(s) > 1}  # « need.new » is one word
    assert len(families) >= 3
    for prefix, suffixes in families.items():
        assert any(suffixes == e for e in ENUMERATIONS), (prefix, sorted(suffixes))


def test_every_message_has_both_languages() -> None:
    for key, (fr, en) in MESSAGES.items():
        assert fr.strip() and en.strip(), key
    # the keys built from values: roles and error statuses
    assert {f"role.{r}" for r in ROLES} <= set(MESSAGES)
    same = [k for k, (fr, en) in MESSAGES.items() if fr == en and len(fr) > 12]
    assert same == [], "untranslated messages"


def test_placeholders_are_the_same_in_both_languages() -> None:
    names = re.compile(r"{(\w+)}")
    for key, (fr, en) in MESSAGES.items():
        assert set(names.findall(fr)) == set(names.findall(en)), key
    assert translator("en")("nav.signed_in_as", email="a@b.fr", role="SME") == (
        "Signed in: a@b.fr (SME)"
    )
