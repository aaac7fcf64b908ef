"""Screenshots of the main pages, at desktop and phone width, into docs/screenshots/.

    make screenshots

Serves the app over the demo corpus (a temporary embedded store), signs in as a demo SME and a
demo officer, and takes each page with Debian's headless Chromium (Playwright).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from api.main import create_app  # noqa: E402
from api.settings import Settings  # noqa: E402
from graph.rules.accounts import Principal  # noqa: E402
from graph.store.embedded import EmbeddedGraphStore  # noqa: E402
from graph.usecases.auth import Accounts  # noqa: E402
from graph.usecases.pairing import PairingService  # noqa: E402
from ingest.language.extract import SpacyExtractor  # noqa: E402
from ingest.language.vocabulary import load_vocabulary  # noqa: E402
from ingest.registers.demo import load_demo  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.live import serving  # noqa: E402

OUT = REPO / "docs" / "screenshots"
PASSWORD = "capture d'écran de démonstration"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
TRY = "Nos pièces en acier galvanisé rouillent au bout de six mois en extérieur, pourquoi ?"


def demo_app(home: Path) -> Any:
    extractor = SpacyExtractor(load_vocabulary())
    store = EmbeddedGraphStore(home / "store")
    load_demo(store, extractor)
    service = PairingService(store, extractor)
    service.warm()
    return create_app(service, settings=Settings(PASSERELLE_HOME=str(home)))


def sign_in(page: Any, email: str) -> None:
    page.goto("/auth/login")
    page.fill("#username", email)
    page.fill("#password", PASSWORD)
    page.locator("form[action='/auth/login'] button[type=submit]").click()
    page.wait_for_load_state()


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = demo_app(Path(tmp))
        with serving(app) as url:
            shoot(app, url)


def shoot(app: Any, url: str) -> None:
    """Every page of ``shots`` at each size, from the live site at ``url``."""
    from playwright.sync_api import sync_playwright

    accounts = Accounts(app.state.service.store)
    sme = accounts.add_user(
        "pme@demo.passerelle.fr", "sme", PASSWORD, company="forges-de-la-seille"
    )
    officer = accounts.add_user("agent@demo.passerelle.fr", "officer", PASSWORD)
    desk = app.state.desk
    need = next(r for r in desk.needs(Principal(sme)))
    found = desk.pairings(Principal(officer), need.need.id, 3)
    intro, _ = desk.introduce(
        Principal(officer), need.need.id, found.ranking[0].lab.id, "Premier appel prévu."
    )
    desk.move(
        Principal(officer), intro.introduction.id, "contacted", "Courriel envoyé au directeur."
    )
    lab = found.ranking[0].lab.id
    shots: list[tuple[str, str | None, str]] = [
        ("home", None, "/"),
        ("sme-needs", sme.email, "/needs"),
        ("sme-need", sme.email, f"/needs/{need.need.id}"),
        ("sme-new-need", sme.email, "/needs/new"),
        ("officer-queue", officer.email, "/queue"),
        ("officer-introduction", officer.email, f"/introductions/{intro.introduction.id}"),
        ("lab", officer.email, f"/labs/{lab}"),
        ("labs", None, "/labs?q=nancy"),
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for size, viewport in SIZES.items():
            for name, email, path in shots:
                context = browser.new_context(base_url=url, viewport=viewport)  # type: ignore[arg-type]
                page = context.new_page()
                if email:
                    sign_in(page, email)
                page.goto(path)
                if name == "home":
                    page.fill("#text", TRY)
                    page.locator("form[action='/try'] button[type=submit]").click()
                    page.wait_for_load_state()
                target = OUT / f"{name}-{size}.png"
                page.screenshot(path=str(target))
                print(target.relative_to(REPO))
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
