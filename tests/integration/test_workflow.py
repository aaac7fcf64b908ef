"""The introduction workflow through the API, on both stores: officers open introductions and
move them on with notes, the trail records who did what and when and cannot be edited, wrong
moves are 409, companies follow their needs without officers' notes, the queue and the CSV
export say where everything stands; needs are edited and withdrawn (their text gone)."""

from __future__ import annotations

import csv
import io

import pytest

from graph.store.embedded import DB_NAME, EmbeddedGraphStore
from tests.integration.world import COMPANY_A, NEED_TEXTS, World

pytestmark = pytest.mark.integration


def open_intro(world: World, need: str, lab: str, note: str = "") -> dict:  # type: ignore[type-arg]
    r = world.clients["officer"].post(
        "/api/introductions", json={"need_id": world.needs[need], "lab_id": lab, "note": note}
    )
    assert r.status_code in (200, 201), r.text
    return dict(r.json())


def move(world: World, intro: str, to: str, **more: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    r = world.clients["officer"].post(
        f"/api/introductions/{intro}/transitions", json={"to": to, **more}
    )
    return r.status_code, r.json()


def test_an_officer_takes_an_introduction_from_proposed_to_agreement(world: World) -> None:
    lab = world.labs[2]
    first = open_intro(world, "confidential", lab, "Le laboratoire a l'équipement.")
    assert first["status"] == "proposed"
    again = world.clients["officer"].post(
        "/api/introductions", json={"need_id": world.needs["confidential"], "lab_id": lab}
    )
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    intro = first["id"]
    for to, note in (
        ("contacted", "Courriel envoyé au directeur."),
        ("meeting", "Rendez-vous le 12 janvier à Metz."),
        ("agreement", "Contrat de prestation signé."),
    ):
        status, body = move(world, intro, to, note=note)
        assert status == 200, body
        assert body["status"] == to
    trail = world.clients["officer"].get(f"/api/introductions/{intro}").json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in trail] == [
        (None, "proposed"),
        ("proposed", "contacted"),
        ("contacted", "meeting"),
        ("meeting", "agreement"),
    ]
    assert [e["seq"] for e in trail] == [1, 2, 3, 4]
    assert {e["actor"] for e in trail} == {"agent@example.fr"}
    assert trail[2]["note"] == "Rendez-vous le 12 janvier à Metz."
    assert all(e["at"] for e in trail)
    # closed: it does not move any more, not even to declined
    status, body = move(world, intro, "declined", reason="trop tard")
    assert status == 409 and body["error"] == "conflict" and "close" in body["message"]


@pytest.mark.parametrize(
    ("path", "to", "message"),
    [
        ((), "meeting", "l'étape suivante est « contact pris »"),
        ((), "agreement", "l'étape suivante est « contact pris »"),
        (("contacted",), "proposed", "l'étape suivante est « rencontre »"),
        (("contacted", "meeting"), "contacted", "l'étape suivante est « accord »"),
    ],
)
def test_a_move_the_workflow_does_not_allow_is_a_409_that_says_the_next_step(
    world: World, path: tuple[str, ...], to: str, message: str
) -> None:
    lab = world.labs[3 + len(path)]
    intro = open_intro(world, "anonymous", lab)["id"]
    for step in path:
        assert move(world, intro, step)[0] == 200
    before = world.clients["officer"].get(f"/api/introductions/{intro}").json()
    status, body = move(world, intro, to)
    assert status == 409, body
    assert message in body["message"] and body["message_en"] and body["where"] == "to"
    assert world.clients["officer"].get(f"/api/introductions/{intro}").json() == before


def test_declining_needs_a_reason_and_works_from_any_open_state(world: World) -> None:
    intro = open_intro(world, "public", world.labs[1])["id"]
    assert move(world, intro, "contacted")[0] == 200
    status, body = move(world, intro, "declined")
    assert status == 422 and body["where"] == "reason"
    status, body = move(world, intro, "declined", reason="Pas de créneau avant 2028.")
    assert status == 200 and body["status"] == "declined"
    assert body["reason"] == "Pas de créneau avant 2028."
    # the officers see it among the need's declined labs, the ranking no longer has it
    pairings = world.clients["officer"].get(f"/api/needs/{world.needs['public']}/pairings").json()
    assert world.labs[1] not in [p["lab"]["id"] for p in pairings["pairings"]]
    assert {(d["lab"]["id"], d["reason"]) for d in pairings["declined"]} >= {
        (world.labs[1], "Pas de créneau avant 2028.")
    }
    # others who read the need see neither the declined list nor the reason
    for role in ("sme_b", "researcher"):
        seen = world.clients[role].get(f"/api/needs/{world.needs['public']}/pairings").json()
        assert seen["declined"] == [] and "créneau" not in str(seen)


def test_the_trail_cannot_be_edited_through_the_api(world: World) -> None:
    intro = world.desk().introductions(world.principal("officer"))[0].introduction.id
    officer = world.clients["officer"]
    before = officer.get(f"/api/introductions/{intro}").json()["events"]
    for method in ("PUT", "PATCH", "DELETE"):
        assert officer.request(method, f"/api/introductions/{intro}").status_code == 405
    assert officer.delete(f"/api/introductions/{intro}/notes").status_code == 405
    # a note is appended, never replaces
    r = officer.post(f"/api/introductions/{intro}/notes", json={"note": "Relance le 3 mars."})
    assert r.status_code == 200
    after = r.json()["events"]
    assert after[: len(before)] == before and after[-1]["note"] == "Relance le 3 mars."
    assert after[-1]["from_status"] == after[-1]["to_status"]


def test_a_company_follows_its_introductions_without_officers_notes(world: World) -> None:
    sme = world.clients["sme_a"]
    mine = sme.get("/api/introductions").json()
    assert mine and {i["need_id"] for i in mine} <= {
        world.needs["confidential"],
        world.needs["anonymous"],
    }
    for intro in mine:
        assert intro["reason"] is None
        assert all(e["note"] is None and e["actor"] is None for e in intro["events"])
        assert all(e["from_status"] != e["to_status"] for e in intro["events"])
    one = mine[0]["id"]
    assert sme.get(f"/api/introductions/{one}").status_code == 200
    assert world.clients["sme_b"].get(f"/api/introductions/{one}").status_code == 404
    r = sme.post(f"/api/introductions/{one}/transitions", json={"to": "declined", "reason": "x"})
    assert r.status_code == 403
    detail = sme.get(f"/api/needs/{world.needs['confidential']}").json()
    assert detail["introductions"] and detail["need"]["status"] in ("in_progress", "closed")


def test_the_queue_shows_needs_by_status_with_suggestions(world: World) -> None:
    officer = world.clients["officer"]
    queue = officer.get("/api/queue").json()
    by_id = {item["need"]["id"]: item for item in queue}
    assert set(world.needs.values()) <= set(by_id)
    assert {item["status"] for item in queue} >= {"new", "in_progress"}
    for item in queue:
        assert item["status"] == item["need"]["status"]
        if item["status"] == "new":
            assert item["introductions"] == []
        if item["status"] != "closed":
            assert 1 <= len(item["suggestions"]) <= 3
    new = officer.get("/api/queue?status=new").json()
    assert new and all(item["status"] == "new" for item in new)
    assert len(new) < len(queue)


def test_the_csv_export_opens_in_excel_and_matches_the_introductions(world: World) -> None:
    r = world.clients["officer"].get("/api/exports/introductions.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    intros = world.desk().introductions(world.principal("officer"))
    assert {(row["introduction"], row["status"]) for row in rows} == {
        (i.introduction.id, i.introduction.status) for i in intros
    }
    by_id = {row["introduction"]: row for row in rows}
    conf = next(i for i in intros if i.introduction.need_id == world.needs["confidential"])
    row = by_id[conf.introduction.id]
    assert row["entreprise"] == COMPANY_A.name  # accents survive (« Aciéries Zéphyr »)
    assert row["besoin"] == NEED_TEXTS["confidential"][0]
    assert row["ouverte_par"] == "agent@example.fr"
    assert row["statut"] in ("proposée", "contact pris", "rencontre", "accord", "déclinée")


def test_an_sme_edits_its_need_and_the_concepts_follow(world: World) -> None:
    sme, need = world.clients["sme_a"], world.needs["anonymous"]
    text = (
        "Les soudures TIG de nos cuves en acier inoxydable fissurent. Référence interne KQZANON. "
        "Nous voulons aussi un contrôle non destructif par ultrasons."
    )
    r = sme.patch(f"/api/needs/{need}", json={"text": text})
    assert r.status_code == 200 and r.json()["text"] == text and r.json()["id"] == need
    profile = world.store.need_profile(need)
    assert profile is not None and profile.mentions
    assert world.store.need(need).text == text  # type: ignore[union-attr]
    r = sme.patch(f"/api/needs/{need}", json={"title": " "})
    assert r.status_code == 422
    assert world.store.need(need).text == text  # type: ignore[union-attr]


def test_withdrawing_a_need_removes_its_text_from_the_store(world: World) -> None:
    sme = world.clients["sme_a"]
    created = sme.post(
        "/api/needs",
        json={
            "title": "Bavures d'emboutissage KQZGONE",
            "text": "Nos pièces embouties présentent des bavures. Référence KQZGONE à retirer.",
        },
    )
    assert created.status_code == 201
    need = created.json()["id"]
    intro = world.clients["officer"].post(
        "/api/introductions", json={"need_id": need, "lab_id": world.labs[0]}
    )
    assert intro.status_code == 201
    r = sme.delete(f"/api/needs/{need}")
    assert r.status_code == 200 and r.json()["introductions_declined"] == 1
    assert sme.get(f"/api/needs/{need}").status_code == 404
    assert sme.delete(f"/api/needs/{need}").status_code == 404
    store = world.store
    assert store.need(need) is None and need not in store.need_profiles()
    assert all("KQZGONE" not in n.text + n.title for n in store.needs())
    # the trail keeps that it was withdrawn, and by whom, but not the text
    trail = world.clients["officer"].get(f"/api/introductions/{intro.json()['id']}").json()
    assert trail["status"] == "declined" and "retiré" in trail["reason"]
    assert "KQZGONE" not in str(trail)
    export = world.clients["officer"].get("/api/exports/introductions.csv").text
    assert "KQZGONE" not in export
    # nothing of it is left in the database itself (its words are lower-cased in the terms)
    if isinstance(store, EmbeddedGraphStore):
        files = [p for p in store.home.iterdir() if p.name.startswith(DB_NAME)]
        assert files and all(b"kqzgone" not in p.read_bytes().lower() for p in files)
    else:
        holds = (
            "any(k IN keys(x) WHERE (x[k] IS :: STRING AND toLower(x[k]) CONTAINS $m)"
            " OR (x[k] IS :: LIST<STRING NOT NULL> AND any(v IN x[k] WHERE toLower(v) CONTAINS $m)))"
        )
        for match in ("MATCH (x)", "MATCH ()-[x]->()"):
            records, _, _ = store.driver.execute_query(  # type: ignore[attr-defined]
                f"{match} WHERE {holds} RETURN count(x) AS n",
                m="kqzgone",
                database_=store.database,  # type: ignore[attr-defined]
            )
            assert records[0]["n"] == 0, match
