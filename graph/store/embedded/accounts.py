"""Accounts and their credentials in the embedded store (one JSON document a row)."""

from __future__ import annotations

import sqlite3

from graph.rules.accounts import Credential, User
from graph.store.embedded.base import EmbeddedBase


class AccountTables(EmbeddedBase):
    """The accounts' part of the embedded store (``graph.store.ports.AccountStore``)."""

    def upsert_user(self, user: User) -> None:
        """Write an account (StoreError when another account has its email)."""
        with self._write(bump=False) as cur:
            cur.execute(
                "INSERT INTO account (id, email, doc) VALUES (?, ?, ?) ON CONFLICT(id)"
                " DO UPDATE SET email = excluded.email, doc = excluded.doc",
                (user.id, user.email, user.model_dump_json()),
            )

    def user(self, user_id: str) -> User | None:
        """One account, or None."""
        found = self._docs(User, "SELECT doc FROM account WHERE id = ?", (user_id,))
        return found[0] if found else None

    def user_by_email(self, email: str) -> User | None:
        """The account of an email, or None."""
        found = self._docs(User, "SELECT doc FROM account WHERE email = ?", (email,))
        return found[0] if found else None

    def users(self) -> list[User]:
        """Every account, ordered by email."""
        return self._docs(User, "SELECT doc FROM account ORDER BY email")

    def add_credential(self, credential: Credential) -> None:
        """Store a credential (its digest)."""
        with self._write(bump=False) as cur:
            self._put_credentials(cur, [credential])

    @staticmethod
    def _put_credentials(cur: sqlite3.Cursor, credentials: list[Credential]) -> None:
        cur.executemany(
            "INSERT INTO credential (id, user_id, digest, doc) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(id) DO UPDATE SET user_id = excluded.user_id,"
            " digest = excluded.digest, doc = excluded.doc",
            [(c.id, c.user_id, c.digest, c.model_dump_json()) for c in credentials],
        )

    def credential(self, digest: str) -> Credential | None:
        """The credential of a digest, or None."""
        found = self._docs(Credential, "SELECT doc FROM credential WHERE digest = ?", (digest,))
        return found[0] if found else None

    def credentials(self, user_id: str) -> list[Credential]:
        """An account's credentials, oldest first."""
        found: list[Credential] = self._docs(
            Credential, "SELECT doc FROM credential WHERE user_id = ?", (user_id,)
        )
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def _revoke(self, where: str, key: str) -> int:
        """Revoke the live credentials ``where`` says, read and written in one transaction
        (two callers never both revoke the same one)."""
        with self._write(bump=False) as cur:
            live = [
                c
                for c in (
                    Credential.model_validate_json(r[0])
                    for r in cur.execute(
                        f"SELECT doc FROM credential WHERE {where} = ?",  # noqa: S608
                        (key,),
                    )
                )
                if not c.revoked
            ]
            self._put_credentials(cur, [c.model_copy(update={"revoked": True}) for c in live])
        return len(live)

    def revoke_credential(self, credential_id: str) -> bool:
        """Revoke one credential; True when it was valid."""
        return self._revoke("id", credential_id) == 1

    def revoke_credentials(self, user_id: str) -> int:
        """Revoke every credential of an account."""
        return self._revoke("user_id", user_id)
