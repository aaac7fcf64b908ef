"""Every page of the site, for each role that may open it, in the browser: it answers, has one
title and one h1, fits a phone, and axe-core finds no serious or critical violation.

The pages are the GET routes of the policy table outside the API (a page added later is
visited here without anything to write)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api.security import POLICIES
from graph.rules.accounts import Principal
from tests.browser.conftest import Site, serious_violations, sign_in

NOT_PAGES = ("/api/", "/health", "/openapi.json", "/docs", "/redoc")


def page_paths() -> list[str]:
    return sorted(
        path
        for method, path in POLICIES
        if method == "GET" and not path.startswith(NOT_PAGES) and path != "/lang/{code}"
    )


@pytest.fixture(scope="module")
def ids(site: Site) -> dict[str, str]:
    """An id of each kind that the pages take, made for this module."""
    desk = site.app.state.desk
    sme, officer = Principal(site.users["sme"]), Principal(site.users["officer"])
    need, _, _ = desk.submit(
        sme,
        title="Toutes les pages : fissures de soudures",
        text="Nos soudures TIG sur acier inoxydable fissurent après traitement thermique.",
        visibility="anonymous",
    )
    lab = desk.pairings(officer, need.id, 1).ranking[0].lab.id
    intro, _ = desk.introduce(officer, need.id, lab, "Appel prévu.")
    return {"need_id": need.id, "lab_id": lab, "introduction_id": intro.introduction.id}


def concrete(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)


@pytest.mark.parametrize("role", ["anonymous", "sme", "officer", "researcher"])
def test_every_page_a_role_may_open_is_accessible(
    browser: Any, site: Site, ids: dict[str, str], role: str
) -> None:
    opened = 0
    for size in ({"width": 1280, "height": 900}, {"width": 390, "height": 844}):
        context = browser.new_context(base_url=site.url, viewport=size)
        page = context.new_page()
        if role != "anonymous":
            sign_in(page, site.users[role])
        for path in page_paths():
            response = page.goto(concrete(path, ids))
            assert response is not None
            if "/auth/login" in page.url and role == "anonymous":
                continue  # a page that needs an account asks for one
            if response.status in (403, 404):
                continue  # not this role's: the error page is checked elsewhere
            where = f"{role} {path} {size['width']}px"
            assert response.status == 200, where
            assert page.locator("h1").count() == 1, where
            assert page.title().endswith("Passerelle"), where
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
                where
            )
            assert serious_violations(page) == [], where
            opened += 1
        context.close()
    assert opened >= 6
