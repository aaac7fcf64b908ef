"""One contract, two stores: accounts, credentials, introductions and a need's withdrawal read
and behave alike in the embedded store and on a real Neo4j server."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import pytest

from graph.errors import ConflictError, StoreError
from graph.model import Company, Concept, ConceptMention, Extraction, Lab, Need
from graph.rules.accounts import (
    Credential,
    CredentialKind,
    User,
    digest,
    hash_password,
    new_credential,
)
from graph.rules.workflow import Event, Introduction, Status, advance, annotate, open_introduction
from graph.store.embedded import EmbeddedGraphStore
from graph.store.ports import Store

pytestmark = pytest.mark.integration

T = TypeVar("T")
T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
# hashing is slow on purpose: one hash serves every account of the module
PASSWORD_HASH = hash_password("correct horse battery staple")

CONCEPTS = [
    Concept(id="welding", kind="process", label_fr="soudage", label_en="welding"),
    Concept(
        id="tig_welding",
        kind="process",
        label_fr="soudage TIG",
        label_en="TIG welding",
        broader=("welding",),
    ),
]
LAB = Lab(id="201119725X", name="LEM3", acronym="LEM3", city="Metz", description="Soudage.")
LAB_EX = Extraction(
    language="fr",
    mentions=(ConceptMention(concept_id="welding", weight=0.75, evidence=("soudage",)),),
)
COMPANY = Company(id="acme", name="Acme (fictive)", city="Metz", size="PME", illustrative=True)
NEED = Need(
    id="need-1",
    company_id="acme",
    title="Soudures",
    text="Nos soudures TIG cassent au pliage (texte à retirer).",
)
OTHER_NEED = Need(id="need-2", company_id="acme", title="Rouille", text="Nos pièces rouillent.")
NEED_EX = Extraction(
    language="fr",
    mentions=(ConceptMention(concept_id="tig_welding", weight=0.5, evidence=("soudures TIG",)),),
    keywords=("soudures TIG",),
    terms=("soudur", "tig", "cass"),
)


def user(n: int, email: str, **more: Any) -> User:
    values: dict[str, Any] = {
        "id": f"u{n}",
        "email": email,
        "role": "officer",
        "password_hash": PASSWORD_HASH,
        "created_at": "2026-03-01T08:00:00+00:00",
        **more,
    }
    return User(**values)


ALICE = user(
    1,
    "alice@example.fr",
    role="sme",
    company_id="acme",
    disabled=True,
    demo=True,
    created_at="2026-01-05T10:00:00+00:00",
)
BOB = user(2, "bob@example.fr", role="researcher", lab_id="201119725X")
ZOE = user(3, "zoe@example.fr", role="admin")
CAROL = user(4, "carol@example.fr")


def write_sample(store: Store) -> None:
    """Labs, concepts, a company and two needs: what the graph holds besides accounts."""
    store.upsert_concepts(CONCEPTS)
    store.upsert_labs([(LAB, LAB_EX)])
    assert store.upsert_needs([(NEED, NEED_EX), (OTHER_NEED, NEED_EX)], [COMPANY]) == 2


def everything(store: Store) -> dict[str, Any]:
    """What the store tells of accounts, credentials and introductions."""
    users = store.users()
    intros = store.introductions()
    return {
        "users": users,
        "credentials": {u.id: store.credentials(u.id) for u in users},
        "introductions": intros,
        "events": {i.id: store.events(i.id) for i in intros},
    }


def parallel(n: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """``work(0..n-1)`` in ``n`` threads released together: each one's result or error."""
    start = threading.Barrier(n)
    results: list[T | BaseException] = [RuntimeError("not run")] * n

    def run(k: int) -> None:
        start.wait()
        try:
            results[k] = work(k)
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            results[k] = e

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


# -- accounts ----------------------------------------------------------------------------------
def test_users_read_back_whole_and_ordered_by_email(store: Store) -> None:
    write_sample(store)
    revision = store.revision()
    for u in (ZOE, ALICE, CAROL, BOB):
        store.upsert_user(u)
    assert store.users() == [ALICE, BOB, CAROL, ZOE]
    assert store.user("u1") == ALICE
    stored = store.user("u1")
    assert stored is not None and stored.password_hash == PASSWORD_HASH
    assert stored.disabled and stored.demo and stored.company_id == "acme"
    assert store.user("u2") == BOB and store.user("u2").lab_id == "201119725X"  # type: ignore[union-attr]
    assert store.user_by_email("bob@example.fr") == BOB
    assert store.user_by_email("Bob@Example.fr") is None  # the stored email is lower-cased
    assert store.user_by_email("nobody@example.fr") is None
    assert store.user("nope") is None
    # writing an account again replaces it, email included
    moved = ZOE.model_copy(update={"email": "anne@example.fr", "disabled": True})
    store.upsert_user(moved)
    assert store.users() == [ALICE, moved, BOB, CAROL]
    assert store.user_by_email("zoe@example.fr") is None
    assert store.user_by_email("anne@example.fr") == moved
    store.upsert_user(moved)  # idempotent
    assert store.users() == [ALICE, moved, BOB, CAROL]
    assert store.revision() == revision


def test_an_email_taken_by_another_account_is_refused_and_nothing_changes(
    store: Store,
) -> None:
    store.upsert_user(ALICE)
    store.upsert_user(BOB)
    before = everything(store)
    with pytest.raises(StoreError):
        store.upsert_user(user(9, "alice@example.fr"))
    assert store.user("u9") is None
    with pytest.raises(StoreError):
        store.upsert_user(BOB.model_copy(update={"email": "alice@example.fr"}))
    assert everything(store) == before
    assert store.user_by_email("alice@example.fr") == ALICE


def test_credentials_are_found_by_digest_listed_and_revoked(store: Store) -> None:
    write_sample(store)
    revision = store.revision()
    for u in (ALICE, BOB):
        store.upsert_user(u)
    # added newest first: listed oldest first
    kinds: tuple[CredentialKind, ...] = ("session", "access", "personal")
    issued = [
        new_credential(ALICE, kind, name=kind, at=T0 - timedelta(minutes=k))
        for k, kind in enumerate(kinds)
    ]
    bob_secret, bob_credential = new_credential(BOB, "personal", name="notebook", at=T0)
    for _, c in issued:
        store.add_credential(c)
    store.add_credential(bob_credential)
    oldest_first = [c for _, c in reversed(issued)]
    assert store.credentials("u1") == oldest_first
    assert store.credentials("u2") == [bob_credential]
    assert store.credentials("nope") == []
    for secret, c in issued:
        assert store.credential(digest(secret)) == c
    assert store.credential(digest(bob_secret)) == bob_credential
    assert store.credential(digest("psp_not-a-secret-anyone-holds")) is None
    assert store.credential(bob_secret) is None  # the secret itself is not a key
    session = issued[0][1]
    assert session.csrf and store.credential(session.digest).csrf == session.csrf  # type: ignore[union-attr]

    assert store.revoke_credential(session.id) is True
    assert store.revoke_credential(session.id) is False
    assert store.revoke_credential("nope") is False
    revoked = store.credential(session.digest)
    assert revoked == session.model_copy(update={"revoked": True})
    assert revoked is not None and not revoked.valid_at(T0)
    # the two still valid, not the one revoked already; Bob's stay
    assert store.revoke_credentials("u1") == 2
    assert store.revoke_credentials("u1") == 0
    assert store.revoke_credentials("nope") == 0
    assert [c.revoked for c in store.credentials("u1")] == [True, True, True]
    assert store.credentials("u1") == [c.model_copy(update={"revoked": True}) for c in oldest_first]
    assert store.credentials("u2") == [bob_credential]
    assert store.revoke_credential(bob_credential.id) is True
    assert store.revision() == revision


def test_a_credential_of_an_unknown_account_is_refused(store: Store) -> None:
    store.upsert_user(ALICE)
    _, stray = new_credential(user(9, "ghost@example.fr"), "access", at=T0)
    with pytest.raises(StoreError):
        store.add_credential(stray)
    assert store.credential(stray.digest) is None
    assert store.credentials("u9") == []


# -- introductions -----------------------------------------------------------------------------
def test_an_introduction_is_added_once_with_the_first_event_of_its_trail(
    store: Store,
) -> None:
    write_sample(store)
    revision = store.revision()
    intro, first = open_introduction("need-1", LAB.id, "u4", T0, note="Premier contact")
    assert store.introduction(intro.id) is None
    assert store.events(intro.id) == []
    assert store.add_introduction(intro, first) is True
    assert store.introduction(intro.id) == intro
    assert store.events(intro.id) == [first]
    # again, or the same id with something else: refused, nothing written
    assert store.add_introduction(intro, first) is False
    other, other_first = open_introduction(
        "need-1", LAB.id, "u9", T0 + timedelta(days=1), note="autre"
    )
    assert other.id == intro.id
    assert store.add_introduction(other, other_first) is False
    assert store.introduction(intro.id) == intro
    assert store.events(intro.id) == [first]
    assert store.introductions() == [intro]
    assert store.revision() == revision


def test_the_workflow_appends_its_trail_and_refuses_a_stale_version(store: Store) -> None:
    write_sample(store)
    revision = store.revision()
    intro, event = open_introduction("need-1", LAB.id, "u4", T0)
    assert store.add_introduction(intro, event) is True
    trail = [event]
    seen = [intro]
    steps: tuple[Status, ...] = ("contacted", "meeting", "agreement")
    for k, to in enumerate(steps, start=1):
        intro, event = advance(intro, to, "u4", T0 + timedelta(days=k), note=f"étape {k}")
        store.record_event(intro, event)
        trail.append(event)
        seen.append(intro)
        assert store.introduction(intro.id) == intro
        assert store.events(intro.id) == trail
    assert [e.to_status for e in store.events(intro.id)] == [
        "proposed",
        "contacted",
        "meeting",
        "agreement",
    ]
    assert [e.seq for e in store.events(intro.id)] == [1, 2, 3, 4]
    assert store.introduction(intro.id).version == 4  # type: ignore[union-attr]

    # someone who read it at "contacted" (version 2) and moves it on: refused, nothing written
    stale, stale_event = advance(seen[1], "meeting", "u5", T0 + timedelta(days=9), note="tard")
    with pytest.raises(ConflictError) as refused:
        store.record_event(stale, stale_event)
    assert refused.value.message_fr != refused.value.message_en
    # a note made over the version before the last one: refused too
    late, late_event = annotate(seen[2], "u5", T0 + timedelta(days=9), "remarque")
    with pytest.raises(ConflictError):
        store.record_event(late, late_event)
    # an introduction that was never stored
    ghost, ghost_event = advance(
        open_introduction("need-2", LAB.id, "u4", T0)[0], "contacted", "u4", T0
    )
    with pytest.raises(ConflictError):
        store.record_event(ghost, ghost_event)
    assert store.introduction(ghost.id) is None and store.events(ghost.id) == []
    assert store.introduction(intro.id) == intro
    assert store.events(intro.id) == trail
    assert store.revision() == revision


def test_a_declined_introduction_keeps_its_reason(store: Store) -> None:
    intro, event = open_introduction("need-1", LAB.id, "u4", T0)
    store.add_introduction(intro, event)
    declined, why = advance(intro, "declined", "u4", T0, reason="Pas de créneau cette année")
    store.record_event(declined, why)
    assert store.introduction(intro.id) == declined
    assert store.introduction(intro.id).reason == "Pas de créneau cette année"  # type: ignore[union-attr]
    assert store.events(intro.id) == [event, why]


def test_introductions_are_listed_by_need_then_lab(store: Store) -> None:
    made: dict[tuple[str, str], Introduction] = {}
    for need_id, lab_id in (("n2", "lab-b"), ("n1", "lab-b"), ("n2", "lab-a"), ("n1", "lab-a")):
        intro, event = open_introduction(need_id, lab_id, "u4", T0)
        assert store.add_introduction(intro, event) is True
        made[need_id, lab_id] = intro
    assert store.introductions() == [made[k] for k in sorted(made)]
    assert store.introductions("n1") == [made["n1", "lab-a"], made["n1", "lab-b"]]
    assert store.introductions("n2") == [made["n2", "lab-a"], made["n2", "lab-b"]]
    assert store.introductions("n3") == []


# -- a need's withdrawal -----------------------------------------------------------------------
def raw_need_traces(store: Store, need_id: str, text: str) -> tuple[int, int]:
    """How many rows or nodes still hold the need's id, and its text, read past the store."""
    if isinstance(store, EmbeddedGraphStore):
        conn = store._conn
        by_id = conn.execute("SELECT count(*) FROM need WHERE id = ?", (need_id,)).fetchone()
        by_text = conn.execute("SELECT count(*) FROM need WHERE text = ?", (text,)).fetchone()
        return int(by_id[0]), int(by_text[0])
    neo: Any = store
    records, _, _ = neo.driver.execute_query(
        "CALL () { MATCH (n) WHERE n.id = $id RETURN count(n) AS by_id }"
        " CALL () { MATCH (n) WHERE n.text = $text RETURN count(n) AS by_text }"
        " RETURN by_id, by_text",
        id=need_id,
        text=text,
        database_=neo.database,
    )
    return int(records[0]["by_id"]), int(records[0]["by_text"])


def test_a_withdrawn_need_leaves_with_its_text_and_profile_but_not_its_introductions(
    store: Store,
) -> None:
    write_sample(store)
    intro, event = open_introduction(NEED.id, LAB.id, "u4", T0)
    store.add_introduction(intro, event)
    moved, step = advance(intro, "contacted", "u4", T0 + timedelta(days=1))
    store.record_event(moved, step)
    revision = store.revision()
    counts = store.counts()
    assert raw_need_traces(store, NEED.id, NEED.text) == (1, 1)

    assert store.delete_need(NEED.id) is True
    assert store.need(NEED.id) is None
    assert store.stored_need(NEED.id) is None
    assert store.need_profile(NEED.id) is None
    assert store.needs() == [OTHER_NEED]
    assert store.need_profiles() == {OTHER_NEED.id: NEED_EX}
    assert store.stored_need(OTHER_NEED.id) == (OTHER_NEED, NEED_EX, COMPANY)
    assert raw_need_traces(store, NEED.id, NEED.text) == (0, 0)
    # its company, the labs and the concepts stay; its links go
    assert store.company(COMPANY.id) == COMPANY
    assert store.labs() == [LAB]
    after = store.counts()
    assert after["nodes"] == {**counts["nodes"], "Need": 1}
    assert after["relationships"] == {
        **counts["relationships"],
        "EXPRESSES": 1,
        "REQUIRES": 1,
    }
    # the introduction and its trail stay
    assert store.introduction(intro.id) == moved
    assert store.introductions(NEED.id) == [moved]
    assert store.events(intro.id) == [event, step]
    # a second time: nothing to remove
    assert store.delete_need(NEED.id) is False
    assert store.delete_need("nope") is False
    assert store.needs() == [OTHER_NEED]
    assert store.revision() == revision
    # and it may come back
    assert store.upsert_need(NEED, NEED_EX) is True
    assert store.stored_need(NEED.id) == (NEED, NEED_EX, COMPANY)


def test_no_write_of_accounts_introductions_or_withdrawals_moves_the_revision(
    store: Store,
) -> None:
    write_sample(store)
    revision = store.revision()
    assert revision
    intro, event = open_introduction(NEED.id, LAB.id, "u4", T0)
    moved, step = annotate(intro, "u4", T0, "une note")
    _, credential = new_credential(ALICE, "session", at=T0)
    writes: list[Callable[[], object]] = [
        lambda: store.upsert_user(ALICE),
        lambda: store.upsert_user(ALICE.model_copy(update={"role": "officer"})),
        lambda: store.add_credential(credential),
        lambda: store.revoke_credential(credential.id),
        lambda: store.revoke_credentials(ALICE.id),
        lambda: store.add_introduction(intro, event),
        lambda: store.record_event(moved, step),
        lambda: store.delete_need(NEED.id),
    ]
    for write in writes:
        write()
        assert store.revision() == revision
    # a write of what matching reads still moves it (the check above can fail)
    store.upsert_labs([(LAB, LAB_EX)])
    assert store.revision() != revision


# -- concurrency -------------------------------------------------------------------------------
def test_racing_writers_of_one_version_make_exactly_one_change(store: Store) -> None:
    """Several clients read the same version and each records its own event: one wins, the
    others get ConflictError, and the trail gains one event per round."""
    intro, event = open_introduction(NEED.id, LAB.id, "u4", T0)
    store.add_introduction(intro, event)
    trail: list[Event] = [event]

    def record(notes: list[tuple[Introduction, Event]], k: int) -> None:
        store.record_event(*notes[k])

    for round_ in range(5):
        notes = [
            annotate(intro, f"u{k}", T0 + timedelta(minutes=round_), f"note {k}") for k in range(6)
        ]
        results = parallel(len(notes), partial(record, notes))
        won = [k for k, r in enumerate(results) if not isinstance(r, BaseException)]
        assert len(won) == 1, results
        assert all(isinstance(r, ConflictError) for k, r in enumerate(results) if k not in won)
        intro, winner = notes[won[0]]
        trail.append(winner)
        assert store.introduction(intro.id) == intro
        assert store.events(intro.id) == trail


def test_racing_adds_of_one_introduction_store_it_once(store: Store) -> None:
    tries = [open_introduction(NEED.id, LAB.id, f"u{k}", T0, note=f"n{k}") for k in range(6)]
    results = parallel(len(tries), lambda k: store.add_introduction(*tries[k]))
    assert sorted(results, key=str) == [False] * 5 + [True], results
    winner = results.index(True)
    assert store.introductions() == [tries[winner][0]]
    assert store.events(tries[winner][0].id) == [tries[winner][1]]


def test_racing_revocations_of_one_credential_count_once(store: Store) -> None:
    store.upsert_user(ALICE)
    credentials: list[Credential] = []
    for k in range(4):
        _, c = new_credential(ALICE, "access", at=T0 + timedelta(seconds=k))
        store.add_credential(c)
        credentials.append(c)
    results = parallel(6, lambda k: store.revoke_credential(credentials[0].id))
    assert results.count(True) == 1, results
    assert results.count(False) == 5, results
    counted = parallel(4, lambda k: store.revoke_credentials(ALICE.id))
    assert sorted(counted, key=str) == [0, 0, 0, 3], counted
    assert all(c.revoked for c in store.credentials(ALICE.id))


# -- the embedded store's trail cannot be edited, even by hand ---------------------------------
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE introduction_event SET doc = '{}'",
        "UPDATE introduction_event SET seq = seq + 10",
        "DELETE FROM introduction_event",
        "DELETE FROM introduction_event WHERE seq = 2",
    ],
)
def test_the_embedded_trail_is_append_only(tmp_path: Path, statement: str) -> None:
    store = EmbeddedGraphStore(tmp_path)
    try:
        intro, event = open_introduction(NEED.id, LAB.id, "u4", T0)
        store.add_introduction(intro, event)
        moved, step = advance(intro, "contacted", "u4", T0)
        store.record_event(moved, step)
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            store._conn.execute(statement)
        assert store.events(intro.id) == [event, step]
        # the same from another connection to the file
        other = sqlite3.connect(tmp_path / "passerelle.sqlite3")
        try:
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                other.execute(statement)
        finally:
            other.close()
        assert store.events(intro.id) == [event, step]
    finally:
        store.close()
