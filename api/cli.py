"""The ``passerelle`` command line: load the demo, serve the API, match a need, list labs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from api.schemas import ExplanationPublic
from graph.errors import InputError, PasserelleError
from graph.settings import Settings, load_settings

app = typer.Typer(
    help="Passerelle : rapprocher laboratoires et PME / pair labs and SMEs.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="embedded (défaut / default) ou / or neo4j (défaut si NEO4J_URI)",
        show_default=False,
    ),
]
F = TypeVar("F", bound=Callable[..., Any])
_settings: list[Settings] = []


def settings(store: str | None = None) -> Settings:
    """The settings read at the entry (``--env-file``), with the ``--store`` given, if any."""
    if not _settings:
        _settings.append(load_settings())
    return _settings[0].with_store(store)


def _friendly(fn: F) -> F:
    """Turn Passerelle errors into a clear message and exit code 2, never a stack trace."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except PasserelleError as e:
            where = f" [{e.where}]" if e.where else ""
            typer.echo(f"Erreur{where} : {e.message_fr}\nError{where}: {e.message_en}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]


def _progress(what: str, done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r{what:<9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


@app.callback()
def main(
    env_file: Annotated[
        Path | None,
        typer.Option(
            "--env-file",
            help="Fichier de réglages / settings file (défaut / default .env)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Passerelle : rapprocher laboratoires et PME / pair labs and SMEs."""
    try:
        _settings[:] = [load_settings(env_file)]
    except PasserelleError as e:
        where = f" [{e.where}]" if e.where else ""
        typer.echo(f"Erreur{where} : {e.message_fr}\nError{where}: {e.message_en}", err=True)
        raise typer.Exit(2) from None


@app.command("settings")
@_friendly
def settings_cmd(as_json: Annotated[bool, typer.Option("--json", help="JSON")] = False) -> None:
    """Les réglages lus (secrets masqués) / the settings read (secrets masked)."""
    shown = settings().public()
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    for name, value in shown.items():
        typer.echo(f"{name:<24} {value}")


@app.command("load-demo")
@_friendly
def load_demo_cmd(store: StoreOpt = None) -> None:
    """Charge le vocabulaire et le corpus de démonstration / load the demo corpus."""
    from api.factory import build_service, new_store
    from ingest.demo import load_demo

    s = new_store(settings(store))
    try:
        service = build_service(s)
        counts = load_demo(s, service.extractor, progress=_progress)
        typer.echo(
            f"Démo chargée / demo loaded: {counts['concepts']} concepts, {counts['labs']} labs, "
            f"{counts['companies']} companies, {counts['needs']} needs."
        )
    finally:
        s.close()


def registers_dir() -> Path:
    """Where registers are read: ``$PASSERELLE_REGISTERS``, else where ``passerelle fetch``
    writes them (``$PASSERELLE_HOME/registers``)."""
    return settings().registers_dir


@app.command("load")
@_friendly
def load_cmd(
    registers: Annotated[
        Path | None,
        typer.Option(
            help="Dossier des registres / registers folder (défaut $PASSERELLE_REGISTERS, "
            "sinon / else $PASSERELLE_HOME/registers)",
            show_default=False,
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Charge le graphe du territoire : vocabulaire, démo, RNSR, ANR et nos descriptions des
    unités / load the territory's graph (the registers when found)."""
    from api.factory import build_extractor, new_store
    from ingest.territory import load_territory

    folder = registers or registers_dir()
    s = new_store(settings(store))
    try:
        loaded = load_territory(s, build_extractor(s), folder, _progress)
        for report in loaded.reports:
            _report(report, False)
        if loaded.missing:
            typer.echo(
                f"Registres absents de {folder} / registers not found: "
                f"{', '.join(loaded.missing)} — `passerelle fetch rnsr|anr` les télécharge."
            )
        demo = loaded.demo
        typer.echo(
            f"Démo / demo: {demo['concepts']} concepts, {demo['labs']} labs, "
            f"{demo['companies']} companies, {demo['needs']} needs."
        )
        labs = s.labs()
    finally:
        s.close()
    units = [lab for lab in labs if lab.is_unit]
    typer.echo(
        f"Graphe chargé / graph loaded: {len(units)} unités de recherche / research units "
        f"(dont / of which {sum(bool(lab.description_source) for lab in units)} décrites / "
        f"described), {len(labs) - len(units)} autres organisations partenaires / other "
        "partner organisations."
    )


@app.command("fetch")
@_friendly
def fetch_cmd(
    register: Annotated[str, typer.Argument(help="rnsr ou / or anr")],
    dest: Annotated[
        Path | None,
        typer.Option(help="Dossier / folder (défaut / default $PASSERELLE_REGISTERS)"),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="Adresse / URL (défaut $PASSERELLE_<REGISTRE>_URL, sinon le portail)"),
    ] = None,
) -> None:
    """Télécharge un registre depuis son portail officiel / download a register from its
    official portal (resumable, checksummed); `passerelle load` then reads it."""
    import dataclasses

    from ingest.fetch import OFFICIAL, fetch

    name = register.strip().lower()
    if name not in OFFICIAL:
        raise InputError(
            f"Registre inconnu : {register} (choix : {', '.join(OFFICIAL)})",
            f"Unknown register: {register} (choices: {', '.join(OFFICIAL)})",
            where="register",
        )
    folder = (dest or registers_dir()) / name
    for source in OFFICIAL[name]:
        chosen = url or settings().register_url(name)
        if chosen:
            source = dataclasses.replace(source, url=chosen)
        result = fetch(source, folder, progress=_progress)
        how = "déjà à jour / up to date" if result.skipped else "téléchargé / downloaded"
        typer.echo(f"{result.path} ({result.bytes} octets / bytes, sha256 {result.sha256}): {how}")


@app.command()
@_friendly
def serve(
    host: Annotated[str, typer.Option(help="Adresse d'écoute / listen address")] = "127.0.0.1",
    port: Annotated[int | None, typer.Option(help="Port (défaut $PORT ou 8000)")] = None,
    store: StoreOpt = None,
) -> None:
    """Sert l'API sur http://127.0.0.1:8000 / serve the API."""
    import uvicorn

    from api.main import create_app

    config = settings(store)
    uvicorn.run(create_app(settings=config), host=host, port=port or config.port)


def _breakdown(e: ExplanationPublic, width: int = 30, rows: int = 5) -> list[str]:
    """The score's parts as horizontal bars: a picture of the explanation in the terminal."""
    parts = [(c.label, c.contribution) for c in e.concepts[:rows]]
    rest = sum(c.contribution for c in e.concepts[rows:])
    if rest > 0:
        parts.append(("autres concepts / other concepts", rest))
    if e.lexical_score > 0:
        parts.append(("mots communs / shared words", e.lexical_score))
    if e.industry_score > 0:
        parts.append(("industrie / industry", e.industry_score))
    parts.extend((c.label, c.contribution) for c in e.context)
    return [
        f"    {label[:34]:<34} {'█' * max(1, round(value * width)):<{width}} +{value:.3f}"
        for label, value in parts
    ]


@app.command()
@_friendly
def match(
    text: Annotated[str, typer.Argument(help="Le besoin, en texte libre / the need")],
    limit: Annotated[int, typer.Option(help="Nombre de laboratoires / number of labs")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON (comme /api/match)")] = False,
    institution: Annotated[
        str | None,
        typer.Option(help="Établissement (nom ou sigle RNSR) / institution", show_default=False),
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="Région / region (« Grand Est »)", show_default=False)
    ] = None,
    everywhere: Annotated[
        bool, typer.Option("--all", help="Toute la France / all of France")
    ] = False,
    store: StoreOpt = None,
) -> None:
    """Propose des laboratoires pour un besoin / suggest labs for a need (by default in the
    deployment's territory: $PASSERELLE_INSTITUTION, « Université de Lorraine »)."""
    from api.factory import build_service, new_store
    from api.schemas import MatchResponse, concepts_public, pairings_public, scope_public
    from graph.scope import Scope

    scope = None
    if everywhere:
        scope = Scope()
    elif institution or region:
        scope = Scope(institution=institution, region=region)
    s = new_store(settings(store))
    try:
        service = build_service(s)
        result = service.match_text(text, limit, scope)
        body = MatchResponse(
            language=result.extraction.language,
            concepts=concepts_public(result.extraction, result.labels),
            keywords=list(result.extraction.keywords),
            pairings=pairings_public(result.ranking, text),
            scope=scope_public(result.scope) if result.scope else None,
        )
    finally:
        s.close()
    if as_json:
        typer.echo(json.dumps(body.model_dump(), ensure_ascii=False, indent=2))
        return
    typer.echo(f"Langue / language: {body.language}")
    if body.scope:
        typer.echo(f"Périmètre / scope: {body.scope.label} ({body.scope.units} unités / units)")
    typer.echo("Concepts : " + (", ".join(c.label for c in body.concepts) or "aucun / none"))
    if not body.pairings:
        typer.echo("Aucun laboratoire trouvé : `passerelle load-demo` a-t-il été lancé ?")
    for p in body.pairings:
        typer.echo(
            f"{p.rank:>2}. {p.lab.acronym or p.lab.name:<14} {p.score:.3f}  "
            f"{p.lab.name} ({p.lab.city}) [{p.lab.id}]"
        )
        typer.echo(f"    {p.explanation.summary}")
        for line in _breakdown(p.explanation):
            typer.echo(line)


labs_app = typer.Typer(help="Laboratoires / labs", no_args_is_help=False)
app.add_typer(labs_app, name="labs")
ingest_app = typer.Typer(
    help="Charger un registre public / load a public register", no_args_is_help=True
)
app.add_typer(ingest_app, name="ingest")
JsonOpt = Annotated[bool, typer.Option("--json", help="Sortie JSON / JSON output")]


@labs_app.callback(invoke_without_command=True)
@_friendly
def labs(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            "-s",
            help="mots du sigle, du nom ou de la ville / words of the acronym, name or city",
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="au plus / at most")] = None,
    as_json: JsonOpt = False,
    store: StoreOpt = None,
) -> None:
    """Liste ou cherche les laboratoires / list or search the labs (``labs show ID`` for one)."""
    if ctx.invoked_subcommand is not None:
        return
    from api.factory import new_store

    s = new_store(settings(store))
    try:
        total, items = s.search_labs(search, limit or sys.maxsize)
    finally:
        s.close()
    if as_json:
        typer.echo(
            json.dumps(
                [lab.model_dump(include={"id", "name", "acronym", "city"}) for lab in items],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for lab in items:
        typer.echo(f"{lab.id}  {lab.acronym or '':<14} {lab.name} ({lab.city})")
    shown = f"{len(items)} / {total}" if len(items) < total else str(total)
    typer.echo(f"{shown} laboratoires / labs")


@labs_app.command("show")
@_friendly
def labs_show(lab_id: str, as_json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Un laboratoire, ses compétences et ses entreprises partenaires / one lab in detail."""
    from api.factory import build_service, new_store
    from api.schemas import industry_record

    s = new_store(settings(store))
    try:
        service = build_service(s)
        view = service.lab_view(lab_id)
        lab, profile = view.lab, view.profile
        record = industry_record(view.records, lab_id)
    finally:
        s.close()
    if as_json:
        out = lab.model_dump() | {
            "capabilities": [m.concept_id for m in profile.mentions],
            "industry": record.model_dump(),
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{lab.id}  {lab.acronym or ''}  {lab.name}")
    typer.echo(f"  {lab.postcode or ''} {lab.city or ''}  {' ; '.join(lab.institutions)}")
    caps = sorted(profile.mentions, key=lambda m: (-m.weight, m.concept_id))[:12]
    labels = ", ".join(view.labels.get(m.concept_id, (m.concept_id,))[0] for m in caps)
    typer.echo(f"  Compétences / capabilities: {labels or '-'}")
    typer.echo(
        f"  Industrie / industry: {record.companies} entreprises / companies "
        f"(dont / of which {record.smes} PME-TPE / SMEs), "
        f"{record.projects_with_industry} projets / projects"
    )
    if record.by_year:
        top = max(record.by_year.values())
        for year, n in record.by_year.items():
            typer.echo(f"    {year}  {'█' * max(1, round(20 * n / top)):<20} {n}")
    for topic, n in list(record.by_topic.items())[:5]:
        typer.echo(f"    {n:>3} × {topic}")
    for p in record.partners[:15]:
        typer.echo(
            f"    {p.projects:>3} projet(s)  {p.name} ({p.category or '?'}, {p.city or '?'})"
        )


def _report(report: Any, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{report.source}: lues / read {report.read}, créées / created {report.created}, "
        f"mises à jour / updated {report.updated}, inchangées / unchanged {report.unchanged}, "
        f"rejetées / rejected {report.rejected}, ignorées / ignored {report.ignored}"
    )
    for e in report.errors[:20]:
        typer.echo(f"  rejet / rejected: {e}", err=True)
    if len(report.errors) > 20:
        typer.echo(f"  … {len(report.errors) - 20} autres / more", err=True)
    if report.merges:
        typer.echo(f"  fusions / merges: {len(report.merges)} entités écrites de plusieurs façons")
        for key, names in list(report.merges.items())[:10]:
            typer.echo(f"    {key}: {' | '.join(names)}")


PathArg = Annotated[Path, typer.Argument(help="Fichier / file")]


def _load(
    store: str | None, as_json: bool, run: Callable[..., Any], extractor: bool = True
) -> None:
    """Open the store, run a loader ``run(store, extractor, progress)``, print its report.

    A loader without extractor extends the vocabulary (ESCO, NAF): the units' profiles are then
    linked again with an extractor that knows the new concepts, so that the order in which
    registers are loaded does not change the graph.
    """
    from api.factory import build_extractor, new_store
    from ingest.profiles import ProfileBuilder

    s = new_store(settings(store))
    progress = None if as_json else _progress
    try:
        ex = build_extractor(s) if extractor else None
        report = run(s, ex, progress)
        if not extractor:
            relinked = ProfileBuilder(s, build_extractor(s)).refresh(progress=progress)
            if not as_json:
                typer.echo(f"profils des unités / unit profiles: {relinked} mis à jour / updated")
    finally:
        s.close()
    _report(report, as_json)


@ingest_app.command("rnsr")
@_friendly
def ingest_rnsr_cmd(path: PathArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Toutes les unités de recherche du RNSR / every RNSR research unit."""
    from ingest.rnsr import ingest_rnsr

    _load(store, as_json, lambda s, ex, progress: ingest_rnsr(path, s, ex, progress))


@ingest_app.command("descriptions")
@_friendly
def ingest_descriptions_cmd(
    path: Annotated[Path, typer.Argument(help="Fichier YAML ou CSV / YAML or CSV file")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Descriptions d'unités fournies par les établissements / unit descriptions (see
    ingest/descriptions.py for the format)."""
    from ingest.descriptions import ingest_descriptions

    _load(store, as_json, lambda s, ex, progress: ingest_descriptions(path, s, ex, progress))


@ingest_app.command("anr")
@_friendly
def ingest_anr_cmd(
    path: PathArg,
    committees: Annotated[
        Path | None, typer.Option(help="anr_committees_ces.csv (défaut : à côté / beside)")
    ] = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Projets ANR, partenaires, collaborations labo–entreprise / ANR projects and partners."""
    from ingest.anr import ingest_anr

    _load(store, as_json, lambda s, ex, progress: ingest_anr(path, s, ex, committees, progress))


@ingest_app.command("cordis")
@_friendly
def ingest_cordis_cmd(
    projects: Annotated[Path, typer.Argument(help="Table des projets / project table")],
    organizations: Annotated[Path, typer.Argument(help="Table des organisations")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Projets CORDIS (UE) et participants / CORDIS projects and participants."""
    from ingest.cordis import ingest_cordis

    _load(
        store,
        as_json,
        lambda s, ex, progress: ingest_cordis(projects, organizations, s, ex, progress),
    )


@ingest_app.command("esco")
@_friendly
def ingest_esco_cmd(
    path: Annotated[Path, typer.Argument(help="Dossier ESCO (skills_fr.csv…) / ESCO folder")],
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Compétences ESCO (français) et leur hiérarchie / ESCO skills in French."""
    from ingest.extensions import ingest_esco

    _load(store, as_json, lambda s, _ex, progress: ingest_esco(path, s, progress), False)


@ingest_app.command("naf")
@_friendly
def ingest_naf_cmd(path: PathArg, store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Codes NAF rév. 2 et leurs libellés / NAF codes with French labels."""
    from ingest.extensions import ingest_naf

    _load(store, as_json, lambda s, _ex, progress: ingest_naf(path, s, progress), False)


eval_app = typer.Typer(help="Mesurer la qualité des appariements / measure pairing quality")
app.add_typer(eval_app, name="eval")


@eval_app.command("anr")
@_friendly
def eval_anr_cmd(
    partners: Annotated[Path, typer.Option("--partners", help="anr_partners_*.csv.gz")],
    train_until: Annotated[int, typer.Option("--train-until", help="dernière année apprise")],
    test_years: Annotated[str, typer.Option("--test-years", help="années testées : 2020,2021")],
    rnsr: Annotated[Path | None, typer.Option("--rnsr", help="registre RNSR (domaines)")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Appariements ANR réels : Passerelle contre des références / Passerelle vs baselines."""
    from ingest import eval_anr
    from ingest.anr import read_committees
    from ingest.extract import SpacyExtractor
    from ingest.rnsr import read_domains
    from ingest.vocabulary import load_vocabulary

    try:
        years = [int(y) for y in test_years.split(",") if y.strip()]
    except ValueError:
        raise InputError(
            f"--test-years invalide : {test_years}",
            f"invalid --test-years: {test_years}",
            where="--test-years",
        ) from None
    if not years or min(years) <= train_until:
        raise InputError(
            "Les années testées doivent suivre --train-until.",
            "Test years must come after --train-until.",
            where="--test-years",
        )
    committees_path = partners.parent / "anr_committees_ces.csv"
    committees = read_committees(committees_path) if committees_path.exists() else {}
    domains = read_domains(rnsr) if rnsr is not None else {}
    rows = eval_anr.read_partners(partners)
    data = eval_anr.split(rows, train_until, years, committees)
    vocabulary = load_vocabulary()
    result = eval_anr.run(
        data,
        SpacyExtractor(vocabulary),
        vocabulary,
        domains,
        progress=None if as_json else _progress,
    )
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{result['queries']} requêtes / queries, {result['candidates']} laboratoires candidats"
    )
    segments: Any = result["segments"]
    for seg, label in (
        ("all", "toutes / all"),
        ("sme", "PME-TPE / SMEs"),
        ("cold_start", "sans historique / cold start"),
    ):
        scores = segments[seg]
        n = next(iter(scores.values()))["n"]
        typer.echo(f"\n{label} (n={n})")
        typer.echo(
            f"  {'méthode / method':<20}{'recall@10':>10}{'mrr':>8}{'ndcg@10':>9}{'hit@10':>8}"
        )
        for method, m in scores.items():
            bar = "█" * round(40 * m["recall@10"])
            typer.echo(
                f"  {method:<20}{m['recall@10']:>10.3f}{m['mrr']:>8.3f}{m['ndcg@10']:>9.3f}"
                f"{m['hit@10']:>8.3f}  {bar}"
            )
    typer.echo(
        f"\nPasserelle recall@10 / meilleure référence ({result['best_baseline']}) : "
        f"{result['lift']:.2f}x"
    )


@app.command()
@_friendly
def stats(as_json: JsonOpt = False, store: StoreOpt = None) -> None:
    """Nombre de nœuds et de relations / node and relationship counts."""
    from api.factory import new_store

    s = new_store(settings(store))
    try:
        counts = s.counts()
    finally:
        s.close()
    if as_json:
        typer.echo(json.dumps(counts, indent=2))
        return
    for group in ("nodes", "relationships"):
        typer.echo(group)
        for name, n in counts[group].items():
            typer.echo(f"  {name:<18} {n:>8}")


if __name__ == "__main__":
    app()
