"""The needs pages in a real browser, for SMEs first: submit a need, see its concepts in its
text, correct them and see the labs follow, edit and withdraw it; another company's need is
not found; a rejected form keeps what was typed; axe finds nothing serious; phone width."""

from __future__ import annotations

import re
from typing import Any

from graph.rules.accounts import Principal
from tests.browser.conftest import Site, serious_violations, sign_in

TEXT = (
    "Nos pièces en acier galvanisé rouillent au bout de six mois en extérieur. "
    "Nous cherchons un traitement de surface plus durable contre la corrosion."
)


def lab_ids(page: Any) -> list[str]:
    return [li.get_attribute("data-lab") for li in page.locator("li.pairing").all()]


def shared_concepts(page: Any) -> str:
    return " | ".join(page.locator("li.pairing .concept-label").all_inner_texts())


def submit(page: Any, title: str, text: str = TEXT, visibility: str = "confidentiel") -> str:
    page.goto("/needs/new")
    page.get_by_label("Titre").fill(title)
    page.get_by_label("Description du besoin").fill(text)
    page.get_by_label(visibility, exact=True).check()
    page.get_by_role("button", name="Déposer le besoin").click()
    page.wait_for_url(re.compile(r"/needs/need-"))
    return str(page.url.rsplit("/", 1)[1].split("#")[0])


def test_an_sme_submits_a_need_sees_its_concepts_and_corrects_them(page: Any, site: Site) -> None:
    sign_in(page, site.users["sme"])
    page.goto("/needs")
    assert page.get_by_role("heading", name="Mes besoins", level=1).is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Déposer un besoin").first.click()
    assert page.get_by_text("jamais le nom de votre entreprise").is_visible()
    assert page.get_by_label("confidentiel", exact=True).is_checked()  # the default
    assert serious_violations(page) == []
    need_id = submit(page, "Corrosion de pièces galvanisées", visibility="anonyme")
    assert page.get_by_role("heading", name="Corrosion de pièces galvanisées").is_visible()
    assert "anonyme" in page.locator(".need-facts").inner_text()
    marks = page.locator(".need-text mark.concept")
    assert marks.count() >= 1
    assert marks.first.inner_text().lower() in TEXT.lower()
    assert serious_violations(page) == []

    # remove the concept the first lab shares most: it leaves the chips, the marks and the labs
    chips = page.locator("ul.chips li.chip")
    label = page.locator("li.pairing .concept-label").first.inner_text()
    chip = chips.filter(has_text=label).first
    concept = chip.get_attribute("data-concept")
    before_labs, before_shared = lab_ids(page), shared_concepts(page)
    count = chips.count()
    chip.get_by_role("button", name=f"Retirer « {label} »").click()
    page.wait_for_load_state()
    assert page.locator(f'li.chip[data-concept="{concept}"]').count() == 0
    assert page.locator("ul.chips li.chip").count() == count - 1
    assert page.locator(f'mark.concept[data-concept="{concept}"]').count() == 0
    after_shared = shared_concepts(page)
    assert label not in after_shared.split(" | ")
    assert (lab_ids(page), after_shared) != (before_labs, before_shared)

    # add one through the search box: two letters and more, then a suggestion
    before_labs, before_shared = lab_ids(page), shared_concepts(page)
    page.get_by_label("Ajouter une compétence").press_sequentially("soudage TIG", delay=20)
    suggestion = page.locator("[data-concept-search] ul button").first
    suggestion.wait_for()
    added = suggestion.inner_text()
    suggestion.click()
    page.wait_for_load_state()
    assert page.locator("ul.chips li.chip", has_text=added).is_visible()
    assert (lab_ids(page), shared_concepts(page)) != (before_labs, before_shared)
    assert page.url.split("#")[0].endswith(f"/needs/{need_id}")
    # the page in English
    page.goto(f"/lang/en?next=/needs/{need_id}")
    assert page.get_by_role("heading", name="Capabilities recognised").is_visible()
    assert "anonymous" in page.locator(".need-facts").inner_text()
    page.goto("/lang/fr?next=/needs")


def test_the_concept_search_works_without_javascript(browser: Any, site: Site) -> None:
    context = browser.new_context(base_url=site.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, site.users["sme"])
        submit(page, "Sans script")
        page.get_by_label("Ajouter une compétence").fill("soudage")
        page.get_by_role("button", name="Chercher").click()
        assert "q=soudage" in page.url and "csrf" not in page.url
        choice = page.locator("[data-concept-search] ul button").first
        added = choice.inner_text()
        choice.click()
        assert page.locator("ul.chips li.chip", has_text=added).is_visible()
    finally:
        context.close()


def test_an_sme_cannot_open_another_company_s_need(page: Any, browser: Any, site: Site) -> None:
    sign_in(page, site.users["sme"])
    need_id = submit(page, "Besoin confidentiel de la forge")
    other = browser.new_context(base_url=site.url)
    try:
        intruder = other.new_page()
        sign_in(intruder, site.users["other_sme"])
        response = intruder.goto(f"/needs/{need_id}")
        assert response.status == 404
        assert intruder.get_by_role("heading", name="Erreur 404").is_visible()
        assert "Besoin confidentiel de la forge" not in intruder.content()
        assert intruder.request.get(f"/api/needs/{need_id}").status == 404
        assert intruder.request.get(f"/needs/{need_id}/edit").status == 404
        intruder.goto("/needs")
        assert intruder.locator(f'tr[data-need="{need_id}"]').count() == 0
    finally:
        other.close()


def test_a_rejected_form_keeps_what_was_typed(page: Any, site: Site) -> None:
    sign_in(page, site.users["sme"])
    page.goto("/needs/new")
    long_text = "Nos soudures TIG sur inox fissurent après traitement thermique. " * 20
    page.get_by_label("Description du besoin").fill(long_text)
    page.get_by_label("public", exact=True).check()
    page.evaluate(
        "document.querySelectorAll('[required]').forEach(e => e.removeAttribute('required'))"
    )
    page.get_by_role("button", name="Déposer le besoin").click()
    error = page.locator("#title-error")
    assert error.is_visible() and "vide" in error.inner_text()
    assert "title-error" in (page.get_by_label("Titre").get_attribute("aria-describedby") or "")
    assert page.get_by_label("Description du besoin").input_value() == long_text
    assert page.get_by_label("public", exact=True).is_checked()
    assert page.get_by_role("alert").is_visible()
    assert serious_violations(page) == []


def test_an_sme_edits_and_withdraws_its_need(page: Any, site: Site) -> None:
    sign_in(page, site.users["sme"])
    need_id = submit(page, "Besoin à modifier")
    page.get_by_role("link", name="Modifier le besoin").click()
    assert page.get_by_label("Titre").input_value() == "Besoin à modifier"
    page.get_by_label("Titre").fill("Besoin <em>modifié</em>")
    page.get_by_label("public", exact=True).check()
    page.get_by_role("button", name="Enregistrer les modifications").click()
    page.wait_for_url(re.compile(rf"/needs/{need_id}$"))
    # what was typed is shown as typed, never as markup
    assert page.locator("h1").inner_text() == "Besoin <em>modifié</em>"
    assert page.locator("main em").count() == 0
    assert "public" in page.locator(".need-facts").inner_text()
    page.get_by_role("button", name="Retirer définitivement ce besoin").click()
    page.wait_for_url(re.compile(r"/needs\?done=withdrawn"))
    assert page.get_by_role("status").inner_text().startswith("Le besoin a été retiré")
    assert page.locator(f'tr[data-need="{need_id}"]').count() == 0
    assert page.goto(f"/needs/{need_id}").status == 404


def test_the_need_page_fits_a_phone(phone: Any, site: Site) -> None:
    sign_in(phone, site.users["sme"])
    submit(phone, "Besoin lu sur un téléphone")
    assert phone.locator("li.pairing").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.goto("/needs")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_officer_submits_for_a_company_and_follows_the_introductions(
    page: Any, browser: Any, site: Site
) -> None:
    sign_in(page, site.users["officer"])
    page.goto("/needs/new")
    page.get_by_label("Titre").fill("Besoin déposé par l'agent")
    page.get_by_label("Description du besoin").fill(TEXT)
    page.evaluate("document.getElementById('company').removeAttribute('required')")
    page.get_by_role("button", name="Déposer le besoin").click()
    assert page.locator("#company-error").is_visible()
    assert page.get_by_label("Titre").input_value() == "Besoin déposé par l'agent"
    assert serious_violations(page) == []
    page.get_by_label("Entreprise").fill("Atelier témoin du navigateur")
    page.get_by_role("button", name="Déposer le besoin").click()
    page.wait_for_url(re.compile(r"/needs/need-"))
    need_id = page.url.rsplit("/", 1)[1]
    assert "Atelier témoin du navigateur" in page.locator(".need-facts").inner_text()
    lab = page.locator("li.pairing").first.get_attribute("data-lab")
    desk = site.app.state.desk
    intro = desk.introduce(Principal(site.users["officer"]), need_id, lab)[0].introduction
    page.reload()
    link = page.get_by_role("link", name="Suivre cette mise en relation")
    assert link.get_attribute("href") == f"/introductions/{intro.id}"
    # a researcher reads the list, without the confidential need
    other = browser.new_context(base_url=site.url)
    try:
        reader = other.new_page()
        sign_in(reader, site.users["researcher"])
        reader.goto("/needs")
        assert reader.get_by_role("heading", name="Besoins", level=1).is_visible()
        assert reader.locator(f'tr[data-need="{need_id}"]').count() == 0
        assert reader.get_by_role("link", name="Déposer un besoin").count() == 0
    finally:
        other.close()


def test_an_sme_follows_the_steps_of_its_introductions(page: Any, site: Site) -> None:
    sign_in(page, site.users["sme"])
    need_id = submit(page, "Besoin suivi pas à pas")
    lab = page.locator("li.pairing").first.get_attribute("data-lab")
    officer = Principal(site.users["officer"])
    desk = site.app.state.desk
    intro = desk.introduce(officer, need_id, lab)[0].introduction
    desk.move(officer, intro.id, "contacted", note="note interne de l'agent")
    page.reload()
    current = page.locator('[aria-current="step"]')
    assert "contact pris" in current.inner_text()
    assert "note interne" not in page.content()
    assert page.get_by_role("link", name="Suivre cette mise en relation").count() == 0
    assert "en cours" in page.locator(".need-facts").inner_text()
    assert serious_violations(page) == []
