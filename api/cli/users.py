"""``passerelle users`` (add, list, disable, demo) and ``passerelle tokens`` (create, list,
revoke): the accounts, through ``graph.usecases.auth.Accounts``.

Passwords are read from standard input (``--password-stdin``, its first line) or asked twice
with hidden input, never from the command's arguments; hashes and token digests are never
shown. A personal token is printed once, alone on standard output (its explanation goes to
standard error), so that ``TOKEN=$(passerelle tokens create …)`` keeps it.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from api.cli.common import JsonOpt, StoreOpt, friendly, open_store, settings

if TYPE_CHECKING:
    from graph.rules.accounts import Credential, User
    from graph.store.ports import Store
    from graph.usecases.auth import Accounts

users_app = typer.Typer(help="Comptes / accounts", no_args_is_help=True)
tokens_app = typer.Typer(help="Jetons personnels / personal tokens", no_args_is_help=True)

DEMO_FILE = "demo-accounts.json"
"""Where ``passerelle users demo`` keeps the demo accounts' passwords, in ``$PASSERELLE_HOME``."""
DEMO_ACCOUNTS = (
    ("agent@demo.passerelle.fr", "officer"),
    ("pme@demo.passerelle.fr", "sme"),
    ("chercheur@demo.passerelle.fr", "researcher"),
    ("admin@demo.passerelle.fr", "admin"),
)


def _accounts(store: Store, store_name: str | None) -> Accounts:
    from graph.usecases.auth import Accounts

    return Accounts(store, production=settings(store_name).production)


def _read_password(from_stdin: bool) -> str:
    """The first line of standard input, or a password asked twice with hidden input."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    answer: str = typer.prompt(
        "Mot de passe / password",
        hide_input=True,
        confirmation_prompt="Encore une fois / again",
    )
    return answer


def _user_row(user: User) -> dict[str, object]:
    """What may be shown of an account (never its hash)."""
    return user.model_dump(
        include={"id", "email", "role", "company_id", "lab_id", "disabled", "demo", "created_at"}
    )


# -- users ---------------------------------------------------------------------------------
@users_app.command("add")
@friendly
def users_add(
    email: str,
    role: Annotated[
        str,
        typer.Option("--role", help="sme, officer, researcher ou / or admin", show_default=False),
    ],
    company: Annotated[
        str | None,
        typer.Option("--company", help="l'entreprise d'un compte sme / an sme's company (name)"),
    ] = None,
    lab: Annotated[
        str | None,
        typer.Option("--lab", help="le laboratoire d'un chercheur / a researcher's lab (RNSR id)"),
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="lit le mot de passe sur l'entrée standard / read the password from stdin",
        ),
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Crée un compte / create an account (mot de passe demandé / password asked)."""
    from graph.usecases.auth import role_of

    role_of(role)  # before asking for a password
    password = _read_password(password_stdin)
    with open_store(store) as s:
        user = _accounts(s, store).add_user(email, role, password, company=company, lab_id=lab)
    typer.echo(f"Compte créé / account created: {user.email} ({user.role})")
    typer.echo(f"  id: {user.id}")
    typer.echo(f"  entreprise / company: {user.company_id or '-'}")
    typer.echo(f"  laboratoire / lab: {user.lab_id or '-'}")


@users_app.command("list")
@friendly
def users_list(as_json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Les comptes / the accounts (jamais leurs mots de passe / never their passwords)."""
    with open_store(store) as s:
        users = _accounts(s, store).users()
    if as_json:
        typer.echo(json.dumps([_user_row(u) for u in users], ensure_ascii=False, indent=2))
        return
    for u in users:
        flags = " ".join(
            f for f, on in (("désactivé/disabled", u.disabled), ("démo/demo", u.demo)) if on
        )
        typer.echo(
            f"{u.email:<32} {u.role:<10} entreprise/company={u.company_id or '-'} "
            f"labo/lab={u.lab_id or '-'} {u.created_at} {flags}".rstrip()
        )
    typer.echo(f"{len(users)} comptes / accounts")


@users_app.command("disable")
@friendly
def users_disable(email: str, store: StoreOpt = None) -> None:
    """Désactive un compte, révoque ses jetons / disable an account, revoke its tokens."""
    from graph.rules.accounts import now

    with open_store(store) as s:
        accounts = _accounts(s, store)
        before = accounts.find(email)
        at = now()
        live = sum(c.valid_at(at) for c in s.credentials(before.id))
        user = accounts.disable(email)
    already = " (déjà / already)" if before.disabled else ""
    typer.echo(f"Compte désactivé / account disabled: {user.email}{already}")
    typer.echo(f"  sessions et jetons révoqués / sessions and tokens revoked: {live}")


def _demo_sources() -> tuple[str, str | None]:
    """The company of the demo corpus's first need and the first demo lab's id."""
    from ingest.resources import DEMO, read_yaml

    needs = read_yaml((DEMO / "needs.yaml").read_text(encoding="utf-8"))
    labs = read_yaml((DEMO / "labs.yaml").read_text(encoding="utf-8"))
    first_lab = (labs.get("labs") or [{}])[0].get("id")
    return str(needs["needs"][0]["company"]), str(first_lab) if first_lab else None


def _read_demo_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, str)}


def _write_demo_file(path: Path, passwords: dict[str, str]) -> None:
    """Write the passwords, readable by their owner only (mode 600), replacing the file whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        os.fchmod(out.fileno(), 0o600)
        json.dump(passwords, out, indent=2)
        out.write("\n")
    os.replace(partial, path)


@users_app.command("demo")
@friendly
def users_demo(store: StoreOpt = None) -> None:
    """Comptes de démonstration (hors production) / demo accounts (not in production)."""
    from graph.errors import InputError
    from graph.rules.accounts import verify_password

    config = settings(store)
    if config.production:
        raise InputError(
            "Pas de comptes de démonstration en production (PASSERELLE_ENV=production).",
            "No demo accounts in production (PASSERELLE_ENV=production).",
            where="PASSERELLE_ENV",
        )
    company_id, lab_id = _demo_sources()
    path = config.home / DEMO_FILE
    with open_store(store) as s:
        if s.company(company_id) is None:
            raise InputError(
                f"L'entreprise de démonstration « {company_id} » n'est pas dans le graphe : "
                "lancez d'abord « passerelle load-demo » (ou « passerelle load »).",
                f"The demo company '{company_id}' is not in the graph: run "
                "'passerelle load-demo' (or 'passerelle load') first.",
                where="company",
            )
        accounts = _accounts(s, store)
        known = _read_demo_file(path)
        passwords = {
            email: known.get(email) or secrets.token_urlsafe(12) for email, _ in DEMO_ACCOUNTS
        }
        _write_demo_file(path, passwords)  # before the accounts: a password is never lost
        rows: list[tuple[str, str, str, bool]] = []
        for email, role in DEMO_ACCOUNTS:
            password = passwords[email]
            user = s.user_by_email(email)
            if user is None:
                member = lab_id if role == "researcher" and lab_id and s.lab(lab_id) else None
                company = company_id if role == "sme" else None
                user = accounts.add_user(
                    email, role, password, company=company, lab_id=member, demo=True
                )
            elif not user.demo:
                typer.echo(
                    f"{email} existe et n'est pas un compte de démonstration : laissé tel quel. / "
                    f"{email} exists and is not a demo account: left as it is.",
                    err=True,
                )
                continue
            elif email not in known or not verify_password(user.password_hash, password):
                user = accounts.set_password(user, password)
            rows.append((email, role, password, user.disabled))
    _print_demo(rows, config.port)


def _print_demo(rows: list[tuple[str, str, str, bool]], port: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Comptes de démonstration / demo accounts")
    for name in ("email", "rôle / role", "mot de passe / password"):
        table.add_column(name, no_wrap=True)
    for email, role, password, disabled in rows:
        table.add_row(email, role, password + (" (désactivé / disabled)" if disabled else ""))
    console = Console(width=max(100, Console().width), highlight=False)
    console.print(table)
    if rows:
        email, _, password, _ = rows[0]
        typer.echo(
            "Un jeton / a token: "
            f"curl -s -X POST localhost:{port}/api/auth/token "
            f"-d username={email} -d password={password}"
        )


# -- tokens --------------------------------------------------------------------------------
@tokens_app.command("create")
@friendly
def tokens_create(
    email: str,
    name: Annotated[
        str, typer.Option("--name", help="à quoi il sert / what it is for", show_default=False)
    ] = "",
    store: StoreOpt = None,
) -> None:
    """Crée un jeton personnel, affiché une seule fois / create a personal token, shown once."""
    from graph.errors import InputError

    with open_store(store) as s:
        accounts = _accounts(s, store)
        user = accounts.find(email)
        if user.disabled:
            raise InputError(
                f"Le compte {user.email} est désactivé.",
                f"The account {user.email} is disabled.",
                where="email",
            )
        secret, credential = accounts.issue(user, "personal", name)
    typer.echo(
        f"Jeton personnel de / personal token of {user.email} "
        f"(id {credential.id}{', ' + credential.name if credential.name else ''}) :",
        err=True,
    )
    typer.echo(secret)
    typer.echo(
        "Il n'est affiché qu'une fois : gardez-le maintenant. / "
        "It is shown only once: keep it now.",
        err=True,
    )


def _token_row(c: Credential) -> dict[str, object]:
    return c.model_dump(include={"id", "name", "created_at", "expires_at", "revoked"})


@tokens_app.command("list")
@friendly
def tokens_list(email: str, as_json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Les jetons personnels d'un compte / an account's personal tokens."""
    with open_store(store) as s:
        accounts = _accounts(s, store)
        tokens = accounts.tokens(accounts.find(email))
    if as_json:
        typer.echo(json.dumps([_token_row(c) for c in tokens], ensure_ascii=False, indent=2))
        return
    for c in tokens:
        state = "révoqué / revoked" if c.revoked else "actif / active"
        typer.echo(f"{c.id}  {c.created_at}  {state:<17}  {c.name or '-'}")
    typer.echo(f"{len(tokens)} jetons / tokens")


@tokens_app.command("revoke")
@friendly
def tokens_revoke(email: str, token_id: str, store: StoreOpt = None) -> None:
    """Révoque un jeton d'un compte / revoke one of an account's tokens."""
    from graph.errors import InputError

    with open_store(store) as s:
        accounts = _accounts(s, store)
        user = accounts.find(email)
        if not any(c.id == token_id for c in s.credentials(user.id)):
            raise InputError(
                f"{user.email} n'a pas de jeton {token_id}.",
                f"{user.email} has no token {token_id}.",
                where="token",
            )
        revoked = accounts.revoke(user, token_id)
    if revoked:
        typer.echo(f"Jeton révoqué / token revoked: {token_id}")
    else:
        typer.echo(f"Jeton déjà révoqué / token already revoked: {token_id}")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
