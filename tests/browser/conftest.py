"""Browser tests: the app served over real HTTP (uvicorn in a thread) over the demo corpus,
driven by Playwright in Debian's headless Chromium (``/usr/bin/chromium``; Playwright's own
browser download cannot work on our machines), with axe-core for accessibility.

Every test here is marked ``browser``; ``make test`` runs them (``.ci/run`` installs Chromium).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from api.main import create_app
from api.settings import Settings
from graph.rules.accounts import User
from graph.store.embedded import EmbeddedGraphStore
from graph.usecases.auth import Accounts
from graph.usecases.pairing import PairingService
from ingest.language.extract import SpacyExtractor
from ingest.registers.demo import load_demo
from tests.live import serving

CHROMIUM = os.environ.get("PASSERELLE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
PASSWORD = "mot de passe du navigateur"
SME_COMPANY = "forges-de-la-seille"
OTHER_COMPANY = "fonderie-des-trois-vallees"


@dataclass
class Site:
    """The live site: its address, the store behind it, and its accounts by role."""

    url: str
    store: EmbeddedGraphStore
    app: Any
    users: dict[str, User]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, extractor: SpacyExtractor) -> Iterator[Site]:
    home = tmp_path_factory.mktemp("browser-site")
    store = EmbeddedGraphStore(home / "store")
    load_demo(store, extractor)
    service = PairingService(store, extractor)
    service.warm()
    settings = Settings(PASSERELLE_HOME=str(home), PASSERELLE_MATCH_PER_MINUTE=100_000)
    app = create_app(service, settings=settings)
    accounts = Accounts(store)
    users = {
        "sme": accounts.add_user("pme@navigateur.fr", "sme", PASSWORD, company=SME_COMPANY),
        "other_sme": accounts.add_user(
            "autre.pme@navigateur.fr", "sme", PASSWORD, company=OTHER_COMPANY
        ),
        "officer": accounts.add_user("agent@navigateur.fr", "officer", PASSWORD),
        "researcher": accounts.add_user(
            "chercheur@navigateur.fr", "researcher", PASSWORD, lab_id=store.labs()[0].id
        ),
        "admin": accounts.add_user("admin@navigateur.fr", "admin", PASSWORD),
    }
    with serving(app) as url:
        yield Site(url, store, app, users)
    store.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from Debian's package, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM):
        pytest.fail(f"browser tests need Chromium at {CHROMIUM} (apt install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh browser context (no cookies) at desktop size."""
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    p = context.new_page()
    yield p
    context.close()


@pytest.fixture
def phone(browser: Any, site: Site) -> Iterator[Any]:
    """A fresh browser context at a phone's size."""
    context = browser.new_context(
        base_url=site.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(15_000)
    p = context.new_page()
    yield p
    context.close()


def sign_in(page: Any, user: User, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page, as a person would."""
    page.goto("/auth/login")
    page.get_by_label(re.compile("Adresse électronique|Email")).fill(user.email)
    page.get_by_label(re.compile("Mot de passe|Password")).fill(password)
    page.get_by_role("button", name=re.compile("Se connecter|Sign in")).last.click()
    page.wait_for_load_state()
    assert "/auth/login" not in page.url, page.content()[:500]


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
