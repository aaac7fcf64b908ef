"""The officers' pages in a real browser: the queue, an introduction from proposed to agreement
with its trail, declines and stale forms, the CSV export; the lab search and a lab's page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from api.schemas.views import IndustryPartner, IndustryRecord
from api.web import officer
from graph.model import Need
from graph.rules.accounts import Principal
from tests.browser.conftest import Site, serious_violations, sign_in

TEXT = (
    "Nos pièces en acier galvanisé rouillent au bout de six mois en extérieur : nous cherchons "
    "un traitement de surface contre la corrosion. Référence {ref}."
)


def _need(site: Site, who: str = "sme") -> Need:
    """A need of its own for one test (a unique title, so a new one)."""
    ref = uuid4().hex[:10]
    need, _, created = site.app.state.desk.submit(
        Principal(site.users[who]), title=f"Corrosion des pièces {ref}", text=TEXT.format(ref=ref)
    )
    assert created
    return need  # type: ignore[no-any-return]


def _introduction(site: Site, need: Need) -> tuple[str, str]:
    """An introduction of the need's company to its best lab, opened directly: (id, lab id)."""
    officer = Principal(site.users["officer"])
    desk = site.app.state.desk
    lab_id = desk.pairings(officer, need.id, 1).ranking[0].lab.id
    record, _ = desk.introduce(officer, need.id, lab_id)
    return record.introduction.id, lab_id


def _fits_the_screen(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_an_officer_introduces_from_the_queue_and_follows_it_to_agreement(
    page: Any, site: Site
) -> None:
    need = _need(site)
    officer = site.users["officer"]
    sign_in(page, officer)
    page.get_by_role("link", name="File des besoins").click()
    assert page.get_by_role("heading", name="File des besoins", level=1).is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Nouveaux").click()
    card = page.locator(f"article[data-need='{need.id}']")
    assert card.get_by_role("link", name=need.title).get_attribute("href") == f"/needs/{need.id}"
    suggestions = card.locator(".queue-suggestions > li")
    assert 1 <= suggestions.count() <= 3
    first = suggestions.first
    lab_id = first.get_attribute("data-lab")
    lab = site.store.lab(lab_id)
    assert lab is not None
    name = lab.acronym or lab.name
    first.get_by_label(f"Note pour {name} (facultative)").fill("Premier contact par l'agence")
    first.get_by_role("button", name=f"Mettre en relation avec {name}").click()
    assert re.search(r"/introductions/intro-[0-9a-f]+$", page.url)
    intro_id = page.url.rsplit("/", 1)[1]
    assert page.get_by_role("link", name=need.title).get_attribute("href") == f"/needs/{need.id}"
    assert page.get_by_role("link", name=name).first.get_attribute("href") == f"/labs/{lab_id}"
    assert page.locator("[aria-current=step]").inner_text().startswith("proposée")

    for step, note in (
        ("contact pris", "Appel au directeur du laboratoire"),
        ("rencontre", "Visite sur site le 12"),
        ("accord", "Contrat de prestation signé"),
    ):
        page.get_by_label("Note (facultative)").first.fill(note)
        page.get_by_role("button", name=f"Passer à l'étape « {step} »").click()
        assert page.locator("#current-status").inner_text() == step
    assert page.locator("[aria-current=step]").inner_text().startswith("accord")
    # closed: no more forms to move it
    assert page.get_by_role("button", name=re.compile("Passer à l'étape")).count() == 0
    assert page.get_by_role("button", name="Décliner la mise en relation").count() == 0

    trail = page.locator("ol.trail > li")
    assert trail.count() == 4
    lines = [trail.nth(i).inner_text() for i in range(4)]
    expected = [
        ("ouverture → proposée", "Premier contact par l'agence"),
        ("proposée → contact pris", "Appel au directeur du laboratoire"),
        ("contact pris → rencontre", "Visite sur site le 12"),
        ("rencontre → accord", "Contrat de prestation signé"),
    ]
    for line, (move, note) in zip(lines, expected, strict=True):
        assert move in line and note in line and officer.email in line, line
    assert serious_violations(page) == []

    # the export, from the queue's link, with the session
    page.goto("/queue")
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporter en CSV").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    row = next(r for r in rows if r["introduction"] == intro_id)
    assert row["status"] == "agreement"
    assert row["laboratoire"] == name
    assert row["besoin"] == need.title


def test_a_decline_without_a_reason_keeps_the_note_and_says_why(page: Any, site: Site) -> None:
    intro_id, _ = _introduction(site, _need(site))
    sign_in(page, site.users["officer"])
    page.goto(f"/introductions/{intro_id}")
    form = page.locator("#decline-form")
    form.get_by_label("Note (facultative)").fill("Le laboratoire est débordé")
    # the browser's own check would stop an empty reason: send it as a script would
    page.evaluate("document.getElementById('decline-reason').removeAttribute('required')")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.get_by_role("button", name="Décliner la mise en relation").click()
    assert answer.value.status == 422
    error = page.locator("#decline-reason-error")
    assert error.is_visible() and "pourquoi" in error.inner_text()
    reason = page.get_by_label("Motif du refus")
    assert "decline-reason-error" in (reason.get_attribute("aria-describedby") or "")
    assert page.locator("#decline-note").input_value() == "Le laboratoire est débordé"
    assert page.locator("#current-status").inner_text() == "proposée"
    assert serious_violations(page) == []

    # with a reason, it is declined and the reason shown
    reason.fill("Pas de disponibilité avant un an")
    page.locator("#decline-form").get_by_role("button", name="Décliner la mise en relation").click()
    assert page.locator("#current-status").inner_text() == "déclinée"
    assert "Pas de disponibilité avant un an" in page.locator("p.declined").inner_text()
    assert page.locator("ol.trail > li").count() == 2


def test_a_stale_form_and_an_empty_note_are_explained_not_crashed(page: Any, site: Site) -> None:
    intro_id, _ = _introduction(site, _need(site))
    sign_in(page, site.users["officer"])
    other = page.context.new_page()
    page.goto(f"/introductions/{intro_id}")
    other.goto(f"/introductions/{intro_id}")
    page.get_by_role("button", name="Passer à l'étape « contact pris »").click()
    assert page.locator("#current-status").inner_text() == "contact pris"
    other.locator("#move-note").fill("Je l'appelle aussi")
    with other.expect_response(lambda r: r.request.method == "POST") as answer:
        other.get_by_role("button", name="Passer à l'étape « contact pris »").click()
    assert answer.value.status == 409
    alert = other.get_by_role("alert")
    assert "Passage impossible" in alert.inner_text()
    assert other.locator("#current-status").inner_text() == "contact pris"
    assert other.get_by_role("button", name="Passer à l'étape « rencontre »").is_visible()
    assert serious_violations(other) == []

    page.evaluate("document.getElementById('add-note').removeAttribute('required')")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Ajouter la note").click()
    assert answer.value.status == 422
    assert page.locator("#add-note-error").is_visible()
    page.get_by_label("Ajouter une note à l'historique").fill("Relancer vendredi")
    page.get_by_role("button", name="Ajouter la note").click()
    last = page.locator("ol.trail > li").last
    assert "Relancer vendredi" in last.inner_text() and "note" in last.inner_text()


def test_only_the_need_s_company_and_officers_read_an_introduction(
    page: Any, browser: Any, site: Site
) -> None:
    intro_id, _ = _introduction(site, _need(site))
    site.app.state.desk.note(Principal(site.users["officer"]), intro_id, "Note interne secrète")
    sign_in(page, site.users["other_sme"])
    assert page.goto(f"/introductions/{intro_id}").status == 404
    context = browser.new_context(base_url=site.url)
    own = context.new_page()
    sign_in(own, site.users["sme"])
    assert own.goto(f"/introductions/{intro_id}").status == 200
    assert "Note interne secrète" not in own.content()
    assert site.users["officer"].email not in own.content()
    assert own.get_by_role("button", name="Décliner la mise en relation").count() == 0
    assert own.get_by_role("button", name="Ajouter la note").count() == 0
    context.close()


def test_lab_search_finds_by_acronym_and_pages(
    page: Any, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = next(lab for lab in site.store.labs() if lab.acronym and lab.kind == "unit")
    assert lab.acronym is not None
    page.goto("/")
    page.get_by_role("link", name="Laboratoires").first.click()
    box = page.get_by_label("Rechercher un laboratoire")
    assert box.get_attribute("type") == "search"
    box.fill(lab.acronym)
    page.get_by_role("button", name="Rechercher").click()
    assert page.get_by_label("Rechercher un laboratoire").input_value() == lab.acronym
    found = page.locator(f".lab-list li[data-lab='{lab.id}'] a")
    assert found.get_attribute("href") == f"/labs/{lab.id}"
    assert serious_violations(page) == []

    total = site.store.search_labs(None, 1)[0]
    page.goto("/labs")
    assert page.locator(".lab-list li").count() == min(20, total)
    if total <= 20:
        # the demo holds 20: pages of 8 instead (the server runs in this process)
        monkeypatch.setattr(officer, "LABS_PER_PAGE", 8)
    size = officer.LABS_PER_PAGE
    pages = -(-total // size)
    assert pages > 1
    page.goto("/labs")
    assert page.get_by_text(f"Page 1 sur {pages}").is_visible()
    assert page.get_by_role("link", name="Page précédente").count() == 0
    first_page = page.locator(".lab-list li").first.get_attribute("data-lab")
    page.get_by_role("link", name="Page suivante").click()
    assert page.get_by_text(f"Page 2 sur {pages}").is_visible()
    assert page.locator(".lab-list li").count() == min(size, total - size)
    assert page.locator(".lab-list li").first.get_attribute("data-lab") != first_page
    page.get_by_role("link", name="Page précédente").click()
    assert page.locator(".lab-list li").first.get_attribute("data-lab") == first_page
    # the query is kept from page to page
    page.goto("/labs?q=nancy")
    assert page.get_by_label("Rechercher un laboratoire").input_value() == "nancy"
    if page.get_by_role("link", name="Page suivante").count():
        assert "q=nancy" in (
            page.get_by_role("link", name="Page suivante").get_attribute("href") or ""
        )
    assert page.goto("/labs/pas-un-laboratoire").status == 404


def test_a_lab_page_draws_its_work_with_industry(
    page: Any, site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = site.store.labs()[0]
    industry = IndustryRecord(
        companies=3,
        smes=2,
        projects_with_industry=4,
        by_year={2019: 1, 2021: 3, 2023: 2},
        by_topic={"corrosion": 2, "soudage": 1},
        partners=[
            IndustryPartner(
                id="acme",
                name="Acme Lorraine",
                category="PME",
                city="Metz",
                region=None,
                projects=2,
            )
        ],
    )
    # the demo's labs have no project with companies: the page is given one to draw
    real = officer.lab_detail

    def with_industry(*args: Any) -> Any:
        return real(*args).model_copy(update={"industry": industry})

    monkeypatch.setattr(officer, "lab_detail", with_industry)
    page.goto(f"/labs/{lab.id}")
    assert page.get_by_role("heading", name="Expérience industrielle").is_visible()
    years = page.locator(".by-year li")
    assert years.count() == 3
    assert [years.nth(i).locator(".year").inner_text() for i in range(3)] == [
        "2019",
        "2021",
        "2023",
    ]
    assert years.nth(1).locator(".bar").get_attribute("aria-label") == "projets en 2021 : 100 %"
    assert "Acme Lorraine" in page.locator(".partners").inner_text()
    assert "corrosion (2)" in page.locator(".chips").inner_text()
    assert serious_violations(page) == []


def test_a_lab_page_shows_capabilities_and_opportunities_to_officers_only(
    page: Any, browser: Any, site: Site
) -> None:
    need = _need(site)
    officer = Principal(site.users["officer"])
    lab_id = site.app.state.desk.pairings(officer, need.id, 1).ranking[0].lab.id
    anonymous = browser.new_context(base_url=site.url).new_page()
    anonymous.goto(f"/labs/{lab_id}")
    assert anonymous.get_by_role("heading", name="Compétences").is_visible()
    assert anonymous.locator(".capabilities li .bar").count() >= 1
    assert anonymous.get_by_role("heading", name="Expérience industrielle").is_visible()
    assert anonymous.get_by_role("heading", name="Besoins qui lui correspondent").count() == 0
    assert need.title not in anonymous.content()
    assert serious_violations(anonymous) == []
    anonymous.context.close()

    sign_in(page, site.users["officer"])
    page.goto(f"/labs/{lab_id}")
    assert page.get_by_role("heading", name="Besoins qui lui correspondent").is_visible()
    assert page.locator(".opportunity-list li").count() >= 1
    assert serious_violations(page) == []


def test_a_researcher_s_own_lab_page_shows_the_needs_that_fit(page: Any, site: Site) -> None:
    sign_in(page, site.users["researcher"])
    page.get_by_role("link", name="Mon laboratoire").click()
    assert page.url.endswith(f"/labs/{site.users['researcher'].lab_id}")
    assert page.get_by_role("heading", name="Besoins qui lui correspondent").is_visible()


def test_the_queue_and_a_lab_page_fit_a_phone(phone: Any, site: Site) -> None:
    need = _need(site)
    sign_in(phone, site.users["officer"])
    phone.goto("/queue")
    assert phone.locator(f"article[data-need='{need.id}']").is_visible()
    assert _fits_the_screen(phone)
    first = phone.locator(f"article[data-need='{need.id}'] .queue-suggestions > li").first
    lab_id = first.get_attribute("data-lab")
    phone.goto(f"/labs/{lab_id}")
    assert phone.get_by_role("heading", name="Compétences").is_visible()
    assert _fits_the_screen(phone)


def test_the_officer_pages_speak_english_too(page: Any, site: Site) -> None:
    intro_id, lab_id = _introduction(site, _need(site))
    sign_in(page, site.users["officer"])
    page.goto("/lang/en?next=/queue")
    assert page.get_by_role("heading", name="Needs queue", level=1).is_visible()
    assert page.get_by_role("link", name="Export as CSV").is_visible()
    page.goto(f"/introductions/{intro_id}")
    assert page.get_by_role("button", name="Move to the step 'contacted'").is_visible()
    assert page.get_by_role("heading", name="Audit trail").is_visible()
    page.goto("/labs?q=nancy")
    assert page.get_by_label("Search for a lab").input_value() == "nancy"
    page.goto(f"/labs/{lab_id}")
    assert page.get_by_role("heading", name="Capabilities").is_visible()
    assert page.get_by_role("heading", name="Needs that fit it").is_visible()
