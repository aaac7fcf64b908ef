"""A small world of accounts and needs over the demo corpus, on either store, for the tests of
who may see and do what (``test_authorization.py``, ``test_workflow.py``).

Two companies written for these tests, with names found nowhere else, so that any answer
that holds one of them, or a marker of a need's text, is a leak when its caller may not see
it: company A has a confidential and an anonymous need, company B a confidential one, company
C a public one; an officer's note on each introduction holds ``NOTE_MARKER``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from graph.model import Company, Visibility
from graph.rules.accounts import Principal, User
from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import Store
from graph.usecases.auth import Accounts
from graph.usecases.desk import Desk
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.registers.demo import load_demo
from tests.neo4j_server import open_neo4j_store

ROLES = ("anonymous", "sme_a", "sme_b", "officer", "researcher", "admin")
COMPANY_A = Company(id="aceries-zephyr-quintal", name="Aciéries Zéphyr Quintal", city="Hayange")
COMPANY_B = Company(id="boulonnerie-yxeuil", name="Boulonnerie Yxeuil", city="Toul")
COMPANY_C = Company(id="trefilerie-wavrille", name="Tréfilerie Wavrille", city="Bar-le-Duc")
NOTE_MARKER = "KQZNOTE"
"""In officers' notes: only officers may read it."""
NEED_TEXTS: dict[str, tuple[str, str]] = {
    "confidential": (
        "Corrosion des tôles galvanisées KQZCONF",
        "Nos tôles en acier galvanisé rouillent après six mois de stockage en extérieur. "
        "Référence interne KQZCONF. Nous cherchons un revêtement anticorrosion et un essai "
        "en brouillard salin.",
    ),
    "anonymous": (
        "Fissuration de soudures KQZANON",
        "Les soudures TIG de nos cuves en acier inoxydable fissurent après traitement "
        "thermique. Référence interne KQZANON. Nous voulons comprendre la fissuration et "
        "choisir un procédé de soudage adapté.",
    ),
    "public": (
        "Usure d'outils de coupe KQZPUB",
        "Nos outils de coupe s'usent trop vite en usinage de l'acier inoxydable. Référence "
        "interne KQZPUB. Nous cherchons un revêtement dur et des conditions de coupe.",
    ),
}
NEED_B = (
    "Pièces de fonderie poreuses KQZBEE",
    "Nos pièces de fonderie en aluminium présentent des porosités qui provoquent des fuites. "
    "Référence interne KQZBEE. Nous cherchons à contrôler la solidification et le "
    "contrôle non destructif.",
)
PASSWORD = "un mot de passe de test assez long"


@dataclass
class World:
    """The app over one store, a client per role and the ids the tests use."""

    kind: str
    store: Store
    service: PairingService
    app: Any
    users: dict[str, User]
    clients: dict[str, TestClient]
    needs: dict[str, str]
    """Need ids: ``confidential``, ``anonymous``, ``public`` (company A), ``b`` (company B)."""
    labs: list[str] = field(default_factory=list)
    """Labs suggested for these needs (the opportunities' and introductions' labs)."""

    def principal(self, role: str) -> Principal:
        return Principal(self.users.get(role))

    def desk(self) -> Desk:
        desk: Desk = self.app.state.desk
        return desk


def _store(kind: str, request: pytest.FixtureRequest, tmp: Path) -> Iterator[Store]:
    if kind == "embedded":
        store = EmbeddedGraphStore(tmp)
        yield store
        store.close()
        return
    neo = open_neo4j_store(request.getfixturevalue("neo4j_uri"))
    neo.wipe()
    yield neo
    neo.close()


def build_world(
    kind: str, request: pytest.FixtureRequest, tmp: Path, extractor: SpacyExtractor
) -> Iterator[World]:
    """The demo corpus, companies A and B, their needs and the six callers, on ``kind``."""
    for store in _store(kind, request, tmp / "store"):
        load_demo(store, extractor)
        store.upsert_companies([COMPANY_A, COMPANY_B, COMPANY_C])
        service = PairingService(store, extractor)
        service.warm()
        settings = Settings(
            PASSERELLE_HOME=str(tmp / "home"), PASSERELLE_MATCH_PER_MINUTE=1_000_000
        )
        app = create_app(service, settings=settings)
        accounts = Accounts(store)
        users = {
            "sme_a": accounts.add_user("pme.a@example.fr", "sme", PASSWORD, company=COMPANY_A.id),
            "sme_b": accounts.add_user("pme.b@example.fr", "sme", PASSWORD, company=COMPANY_B.id),
            "officer": accounts.add_user("agent@example.fr", "officer", PASSWORD),
            "researcher": accounts.add_user("chercheur@example.fr", "researcher", PASSWORD),
            "admin": accounts.add_user("admin@example.fr", "admin", PASSWORD),
        }
        sme_c = accounts.add_user("pme.c@example.fr", "sme", PASSWORD, company=COMPANY_C.id)
        desk: Desk = app.state.desk
        needs: dict[str, str] = {}
        for visibility, (title, text) in NEED_TEXTS.items():
            vis: Visibility = visibility  # type: ignore[assignment]
            owner = sme_c if vis == "public" else users["sme_a"]
            need, _, _ = desk.submit(Principal(owner), title=title, text=text, visibility=vis)
            needs[visibility] = need.id
        need_b, _, _ = desk.submit(Principal(users["sme_b"]), title=NEED_B[0], text=NEED_B[1])
        needs["b"] = need_b.id
        labs: list[str] = []
        officer = Principal(users["officer"])
        for need_id in needs.values():
            for r in desk.pairings(officer, need_id, 3).ranking:
                if r.lab.id not in labs:
                    labs.append(r.lab.id)
            intro, _ = desk.introduce(officer, need_id, labs[0], f"Appel prévu {NOTE_MARKER}")
            desk.move(officer, intro.introduction.id, "contacted", f"Message laissé {NOTE_MARKER}")
        clients: dict[str, TestClient] = {}
        with TestClient(app) as anonymous:
            clients["anonymous"] = anonymous
            for role, user in users.items():
                secret, _ = accounts.issue(user, "access")
                c = TestClient(app)
                c.headers["Authorization"] = f"Bearer {secret}"
                clients[role] = c
            yield World(kind, store, service, app, users, clients, needs, labs)
