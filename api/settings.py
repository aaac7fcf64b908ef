"""The deployment's settings, typed and read once: from the environment, then a ``.env`` file.

The command line builds one ``Settings`` at its entry and hands it down (``api.factory``,
``api.main.create_app``); nothing else in ``graph/``, ``ingest/`` or ``api/`` reads the
environment. Each field is read from the environment variable its alias names (the names the
README's settings table lists, checked by ``tests/unit/test_settings.py``); a value in the
environment wins over the same one in ``.env``. Secrets are ``SecretStr``: their repr, the
``passerelle settings`` listing and error messages show ``**********``, never the value.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.errors import InputError

DEFAULT_HOME = Path.home() / ".local" / "share" / "passerelle"
DEFAULT_INSTITUTION = "Université de Lorraine"
STORES = ("embedded", "neo4j")
MIN_SECRET_CHARS = 32
WEAK_SECRETS = frozenset({"change-me", "changeme", "secret", "passerelle", "please-change-me"})
"""Values of documentation and examples, refused as secret keys in production."""
SECRET_FILE = "secret_key"


def _env(name: str) -> Any:
    """The field is read from the environment variable ``name``, and only from it (a field
    named ``home`` must not read ``$HOME``): ``Settings(PASSERELLE_HOME=…)`` sets it too."""
    return AliasChoices(name)


class Settings(BaseSettings):
    """Every setting of a Passerelle deployment (see the README's settings table)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        validate_default=True,
    )

    home: Path = Field(
        DEFAULT_HOME,
        validation_alias=_env("PASSERELLE_HOME"),
        description="the embedded store, caches, fetched registers",
    )
    store: str | None = Field(
        None,
        validation_alias=_env("PASSERELLE_STORE"),
        description="the store: embedded or neo4j (default: neo4j when NEO4J_URI is set)",
    )
    neo4j_uri: str | None = Field(
        None, validation_alias=_env("NEO4J_URI"), description="the Neo4j server (bolt://…)"
    )
    neo4j_user: str | None = Field(
        None,
        validation_alias=_env("NEO4J_USER"),
        description="Neo4j user (neo4j when only a password is given)",
    )
    neo4j_password: SecretStr | None = Field(
        None, validation_alias=_env("NEO4J_PASSWORD"), description="Neo4j password (secret)"
    )
    neo4j_database: str = Field(
        "neo4j", validation_alias=_env("NEO4J_DATABASE"), description="Neo4j database"
    )
    neo4j_retry_seconds: float = Field(
        5.0,
        gt=0,
        validation_alias=_env("NEO4J_RETRY_SECONDS"),
        description="how long Neo4j transactions retry transient errors",
    )
    port: int = Field(
        8000,
        ge=1,
        le=65535,
        validation_alias=_env("PORT"),
        description="the port `passerelle serve` listens on",
    )
    institution: str | None = Field(
        DEFAULT_INSTITUTION,
        validation_alias=_env("PASSERELLE_INSTITUTION"),
        description="default scope (empty: all of France)",
    )
    region: str | None = Field(
        None, validation_alias=_env("PASSERELLE_REGION"), description="default scope by region"
    )
    registers: Path | None = Field(
        None,
        validation_alias=_env("PASSERELLE_REGISTERS"),
        description="where `passerelle load` finds the registers "
        "(default: $PASSERELLE_HOME/registers)",
    )
    rnsr_url: str | None = Field(
        None,
        validation_alias=_env("PASSERELLE_RNSR_URL"),
        description="where `passerelle fetch rnsr` downloads the RNSR (default: its portal)",
    )
    anr_url: str | None = Field(
        None,
        validation_alias=_env("PASSERELLE_ANR_URL"),
        description="where `passerelle fetch anr` downloads the ANR file (default: its portal)",
    )
    secret_key: SecretStr | None = Field(
        None,
        validation_alias=_env("PASSERELLE_SECRET_KEY"),
        description="signs the sign-in forms' CSRF tokens; required in production, at least "
        f"{MIN_SECRET_CHARS} characters (demo: made once in $PASSERELLE_HOME) (secret)",
    )
    environment: Literal["demo", "production"] = Field(
        "demo",
        validation_alias=_env("PASSERELLE_ENV"),
        description="production: refuses to start without a strong secret key, refuses demo "
        "accounts, cookies only over HTTPS",
    )
    match_per_minute: int = Field(
        60,
        ge=1,
        validation_alias=_env("PASSERELLE_MATCH_PER_MINUTE"),
        description="free-text matches one client may ask per minute without an account",
    )

    nb_sample: int | None = Field(
        None,
        ge=1,
        validation_alias=_env("PASSERELLE_NB_SAMPLE"),
        description="notebooks: only the first N ANR projects and at most N evaluation queries "
        "a year, for short runs (tests, CI); default: the whole registers",
    )

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any, info: Any) -> Any:
        """An empty or blank value is the default, as an unset variable (``NEO4J_URI=``), except
        for the institution, where empty means no restriction."""
        if isinstance(value, str):
            value = value.strip()
            if not value and info.field_name != "institution":
                default = cls.model_fields[info.field_name].default
                return default
        return value

    @field_validator("home", "registers")
    @classmethod
    def _expand(cls, value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    @field_validator("institution")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None

    @property
    def store_kind(self) -> str:
        """``store`` if set, else neo4j when ``NEO4J_URI`` is set, else embedded."""
        return self.store or ("neo4j" if self.neo4j_uri else "embedded")

    @property
    def registers_dir(self) -> Path:
        """Where registers are read: ``registers``, else where ``passerelle fetch`` writes them
        (``home/registers``)."""
        return self.registers if self.registers is not None else self.home / "registers"

    def register_url(self, register: str) -> str | None:
        """The download address set for ``register`` (``PASSERELLE_<REGISTER>_URL``), if any."""
        value = getattr(self, f"{register}_url", None)
        return value if isinstance(value, str) else None

    def with_store(self, store: str | None) -> Settings:
        """These settings with the store named on the command line (``--store``), if any."""
        return self if store is None else self.model_copy(update={"store": store})

    @property
    def production(self) -> bool:
        return self.environment == "production"

    def signing_key(self) -> str:
        """The secret key: ``PASSERELLE_SECRET_KEY``; in production it must be set, long and
        not an example's (InputError otherwise: the server does not start); in the demo,
        without one, a random key is made once and kept in ``home/secret_key`` (mode 600)."""
        given = self.secret_key.get_secret_value() if self.secret_key else ""
        if self.production:
            lowered = given.lower()
            if (
                len(given) < MIN_SECRET_CHARS
                or lowered in WEAK_SECRETS
                or any(w in lowered for w in ("change-me", "changeme"))
            ):
                raise InputError(
                    "En production, PASSERELLE_SECRET_KEY doit être une clé secrète d'au moins "
                    f"{MIN_SECRET_CHARS} caractères, pas celle d'un exemple (par exemple : "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))').",
                    f"In production, PASSERELLE_SECRET_KEY must be a secret key of at least "
                    f"{MIN_SECRET_CHARS} characters, not an example's (for instance: "
                    "python -c 'import secrets; print(secrets.token_urlsafe(48))').",
                    where="PASSERELLE_SECRET_KEY",
                )
            return given
        if given:
            return given
        path = self.home / SECRET_FILE
        if not path.is_file():
            self.home.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it meanwhile
                return path.read_text().strip()
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
        return path.read_text().strip()

    @staticmethod
    def env_name(field: str) -> str:
        """The environment variable of ``field``."""
        alias = Settings.model_fields[field].validation_alias
        assert isinstance(alias, AliasChoices)
        name = alias.choices[0]
        assert isinstance(name, str)
        return name

    def public(self) -> dict[str, str]:
        """Every setting by its environment variable, as text; secrets masked."""
        out: dict[str, str] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            out[self.env_name(name)] = "" if value is None else str(value)
        return out


def load_settings(env_file: Path | None = None) -> Settings:
    """The settings from the environment and ``env_file`` (default ``.env`` in the working
    folder, when there); a bad value is an ``InputError`` naming its variable."""
    if env_file is not None and not env_file.is_file():
        raise InputError(
            f"Fichier de réglages introuvable : {env_file}",
            f"Settings file not found: {env_file}",
            where=str(env_file),
        )
    try:
        if env_file is None:
            return Settings()
        return Settings(_env_file=env_file)
    except ValidationError as e:
        first = e.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        where = Settings.env_name(field) if field in Settings.model_fields else field
        # the input is not repeated: it may be a secret
        raise InputError(
            f"Réglage invalide {where} : {first['msg']}",
            f"Invalid setting {where}: {first['msg']}",
            where=where,
        ) from None
