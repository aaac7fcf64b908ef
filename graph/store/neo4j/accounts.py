"""Accounts and their credentials in Neo4j (one JSON document a node)."""

from __future__ import annotations

from collections.abc import Iterable

from neo4j import ManagedTransaction

from graph.errors import StoreError
from graph.rules.accounts import Credential, User
from graph.store.neo4j import cypher
from graph.store.neo4j.base import Neo4jBase


class AccountNodes(Neo4jBase):
    """The accounts' part of the Neo4j store (``graph.store.ports.AccountStore``)."""

    def upsert_user(self, user: User) -> None:
        """Write an account (StoreError when another account has its email)."""

        def work(tx: ManagedTransaction) -> None:
            other = tx.run(
                cypher.OTHER_USER_WITH_EMAIL_QUERY, id=user.id, email=user.email
            ).single()
            if other is not None:
                raise StoreError(
                    f"Un autre compte a déjà l'adresse {user.email}.",
                    f"Another account has the email {user.email} already.",
                    where="email",
                )
            tx.run(
                cypher.UPSERT_USER_QUERY, id=user.id, email=user.email, doc=user.model_dump_json()
            ).consume()

        self._write(work, bump=False)

    def user(self, user_id: str) -> User | None:
        """One account, or None."""
        return self._doc(User, cypher.USER_QUERY, id=user_id)

    def user_by_email(self, email: str) -> User | None:
        """The account of an email (as stored: lower-cased), or None."""
        return self._doc(User, cypher.USER_BY_EMAIL_QUERY, email=email)

    def users(self) -> list[User]:
        """Every account, ordered by email."""
        return self._docs(User, cypher.USERS_QUERY)

    def add_credential(self, credential: Credential) -> None:
        """Store a credential (its digest), linked to its account (StoreError if unknown)."""

        def work(tx: ManagedTransaction) -> None:
            written = tx.run(
                cypher.UPSERT_CREDENTIAL_QUERY,
                id=credential.id,
                user_id=credential.user_id,
                digest=credential.digest,
                doc=credential.model_dump_json(),
            ).single(strict=True)
            if not written["written"]:
                raise StoreError(
                    f"Compte inconnu : {credential.user_id} (identifiant {credential.id})",
                    f"Unknown account: {credential.user_id} (credential {credential.id})",
                )

        self._write(work, bump=False)

    def credential(self, digest: str) -> Credential | None:
        """The credential of a digest, or None."""
        return self._doc(Credential, cypher.CREDENTIAL_QUERY, digest=digest)

    def credentials(self, user_id: str) -> list[Credential]:
        """An account's credentials, oldest first."""
        found = self._docs(Credential, cypher.CREDENTIALS_QUERY, user_id=user_id)
        return sorted(found, key=lambda c: (c.created_at, c.id))

    @staticmethod
    def _revoke(tx: ManagedTransaction, docs: Iterable[str]) -> int:
        """Revoke, among the credentials of ``docs`` (locked by the caller), the live ones."""
        live = [c for c in map(Credential.model_validate_json, docs) if not c.revoked]
        rows = [
            {"id": c.id, "doc": c.model_copy(update={"revoked": True}).model_dump_json()}
            for c in live
        ]
        if rows:
            tx.run(cypher.SET_CREDENTIAL_DOCS_QUERY, rows=rows).consume()
        return len(rows)

    def revoke_credential(self, credential_id: str) -> bool:
        """Revoke one credential; True when it existed and was not revoked yet."""

        def work(tx: ManagedTransaction) -> int:
            docs = [r["doc"] for r in tx.run(cypher.LOCK_CREDENTIAL_QUERY, id=credential_id)]
            return self._revoke(tx, docs)

        return self._write(work, bump=False) > 0

    def revoke_credentials(self, user_id: str) -> int:
        """Revoke every credential of an account: how many were live."""

        def work(tx: ManagedTransaction) -> int:
            docs = [r["doc"] for r in tx.run(cypher.LOCK_CREDENTIALS_QUERY, user_id=user_id)]
            return self._revoke(tx, docs)

        return self._write(work, bump=False)
