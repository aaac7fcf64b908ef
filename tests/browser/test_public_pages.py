"""The public pages in a real browser: home and its free try-out, sign-in, errors, language."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import PASSWORD, Site, serious_violations, sign_in


def test_anyone_tries_a_problem_and_sees_labs_with_explanations(page: Any) -> None:
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_label("Décrivez votre problème").fill(
        "Nos pièces en acier galvanisé rouillent au bout de six mois en extérieur."
    )
    page.get_by_role("button", name="Trouver des laboratoires").click()
    pairings = page.locator("li.pairing")
    assert pairings.count() >= 3
    first = pairings.first
    assert first.locator(".concept-bars li").count() >= 1  # drawn, not dumped
    assert first.locator(".bar").count() >= 2
    assert serious_violations(page) == []


def test_the_english_switch_translates_the_pages(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Which lab can solve your problem?").is_visible()
    page.goto("/auth/login")
    assert page.get_by_role("heading", name=re.compile("Sign in")).is_visible()
    page.get_by_role("link", name="Français").click()
    assert page.locator("html").get_attribute("lang") == "fr"


def test_a_rejected_try_keeps_its_text_and_says_what_is_wrong(page: Any) -> None:
    page.goto("/")
    page.get_by_label("Décrivez votre problème").fill("   ")
    # the browser's own check would stop a blank field: send it as a script would
    page.evaluate("document.querySelector('textarea').removeAttribute('required')")
    page.get_by_role("button", name="Trouver des laboratoires").click()
    assert page.locator(".field-error").is_visible()
    assert "vide" in page.locator(".field-error").inner_text()


def test_error_pages_are_in_the_site_s_look_with_a_request_id(page: Any) -> None:
    response = page.goto("/cette-page-n-existe-pas")
    assert response.status == 404
    assert page.get_by_role("heading", name="Erreur 404").is_visible()
    assert page.locator(".request-id code").inner_text().strip()
    assert serious_violations(page) == []


def test_sign_in_and_out(page: Any, site: Site) -> None:
    sign_in(page, site.users["officer"])
    assert site.users["officer"].email in page.content()
    page.get_by_role("button", name="Se déconnecter").click()
    assert page.get_by_role("link", name="Se connecter").is_visible()


def test_a_wrong_password_keeps_the_email_typed(page: Any, site: Site) -> None:
    page.goto("/auth/login")
    page.get_by_label("Adresse électronique").fill(site.users["sme"].email)
    page.get_by_label("Mot de passe").fill(PASSWORD + "x")
    page.get_by_role("button", name="Se connecter").last.click()
    assert page.get_by_role("alert").inner_text() == "Adresse ou mot de passe incorrect."
    assert page.get_by_label("Adresse électronique").input_value() == site.users["sme"].email
    assert serious_violations(page) == []


def test_the_try_out_works_with_the_keyboard_alone(page: Any) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    # through the page's controls to the text box, then type and submit without a mouse
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "text":
            break
    assert page.evaluate("document.activeElement.id") == "text"
    page.keyboard.type("Nos pièces en acier galvanisé rouillent au bout de six mois.")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("li.pairing").count() >= 1


def test_the_home_page_fits_a_phone(phone: Any) -> None:
    phone.goto("/")
    phone.get_by_label("Décrivez votre problème").fill("Nos outils de coupe s'usent trop vite.")
    phone.get_by_role("button", name="Trouver des laboratoires").click()
    assert phone.locator("li.pairing").count() >= 1
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert serious_violations(phone) == []
