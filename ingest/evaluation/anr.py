"""Pairing quality on real lab–company collaborations (ANR): Passerelle against baselines.

Training graph: only projects of calls up to ``train_until``. Test queries: each (project,
company) of the test years where the project has at least one company and one public lab with
an RNSR code. The query is what the company would bring — a text of the topic (committee label),
its name, city and region, and its category (SME or not, as the API knows a company's size; the
category's words are not in the text: « Entreprise autre que TPE ou PME » is no need's wording);
the relevant labs are that project's partner labs with an RNSR code.
Candidates: every lab with an RNSR code seen in training. Nothing of a test project enters the
training graph (``split`` checks it).

Methods, on the same candidates: popularity (projects with a company partner, then all
projects); popularity in the company's region; popularity within the committee; BM25 of the
topic text over lab profile texts; and ``passerelle``, the ranking pipeline the API runs
(``graph.ranking.pipeline.Ranker``: the text's relevance, the industry record, every signal of
``graph.ranking.signals`` with its weight) over the training graph, on lab profiles extracted
from their training topics (and RNSR domains when given).

One code path: ``run_detailed`` runs every method on every query and keeps each query's outcome
(ranking, recall, hit, rank of the first relevant lab, ``Detailed``); ``run`` returns its
aggregates (``Detailed.summary``), the figures of ``passerelle eval anr``. The year-by-year
evaluation and the wins and losses against the best baseline read the detailed runs
(``ingest.evaluation.review``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import numpy as np

from graph.extractor import Extractor
from graph.model import Company, Concept, Participation, Project
from graph.ranking.matching import Pairing
from graph.ranking.pipeline import Ranker, RankingData
from graph.ranking.track_record import derive_collaborations
from ingest.evaluation.metrics import Scores, evaluate, hit_at, recall_at
from ingest.registers import anr
from ingest.registers.loaders import RNSR_ID, SIREN
from ingest.registers.programmes import topics
from ingest.registers.readers import RowError, read_rows
from ingest.registers.resolve import company_id

K = 10
SMES = frozenset({"PME", "TPE"})


@dataclass(frozen=True)
class PartnerRow:
    """One partner of one project, as the evaluation needs it."""

    project_id: str
    year: int
    topic_code: str
    kind: str  # "lab" (with an RNSR code), "company" or "other"
    partner_id: str
    category: str
    name: str
    city: str
    region: str


@dataclass
class Query:
    """A company's need for labs, from a test project."""

    id: str
    project_id: str
    company_id: str
    text: str
    topic_code: str
    category: str
    city: str
    region: str
    relevant: set[str]
    cold_start: bool = False


@dataclass
class Split:
    """The training rows and the test queries."""

    train: list[PartnerRow]
    queries: list[Query]
    candidates: list[str]
    committees: dict[str, str] = field(default_factory=dict)


def read_partners(path: Path) -> list[PartnerRow]:
    """The partner rows usable for the evaluation (malformed rows are skipped)."""
    out: list[PartnerRow] = []
    for _line, row in read_rows(path, delimiter=",", required=anr.REQUIRED):
        if isinstance(row, RowError):
            continue
        m = anr.PROJECT_ID.match(row[anr.COL_PROJECT].strip().upper())
        name = " ".join(row[anr.COL_NAME].split())
        if m is None or not name:
            continue
        rnsr = row[anr.COL_RNSR].strip().upper()
        category = " ".join(row[anr.COL_CATEGORY].split())
        if RNSR_ID.match(rnsr):
            kind, pid = "lab", rnsr
        elif category in anr.COMPANY_CATEGORIES:
            siren = rnsr if SIREN.match(rnsr) else None
            kind, pid = "company", company_id(name, siren)
        else:
            kind, pid = "other", name
        out.append(
            PartnerRow(
                project_id=m.group(0),
                year=2000 + int(m.group(1)),
                topic_code=m.group(2),
                kind=kind,
                partner_id=pid,
                category=category,
                name=name,
                city=" ".join(row[anr.COL_CITY].split()).title(),
                region=" ".join(row.get(anr.COL_REGION, "").split()),
            )
        )
    return out


def split(
    rows: Sequence[PartnerRow],
    train_until: int,
    test_years: Iterable[int],
    committees: dict[str, str] | None = None,
) -> Split:
    """Training rows (calls up to ``train_until``) and test queries (calls of ``test_years``)."""
    committees = committees or {}
    years = set(test_years)
    train = [r for r in rows if r.year <= train_until]
    seen_companies = {r.partner_id for r in train if r.kind == "company"}
    candidates = sorted({r.partner_id for r in train if r.kind == "lab"})
    by_project: dict[str, list[PartnerRow]] = defaultdict(list)
    for r in rows:
        if r.year in years:
            by_project[r.project_id].append(r)
    queries: list[Query] = []
    for pid, partners in sorted(by_project.items()):
        labs = {r.partner_id for r in partners if r.kind == "lab"}
        companies = {r.partner_id: r for r in partners if r.kind == "company"}
        if not labs or not companies:
            continue
        for cid, c in sorted(companies.items()):
            topic = committees.get(c.topic_code, c.topic_code)
            queries.append(
                Query(
                    id=f"{pid}/{cid}",
                    project_id=pid,
                    company_id=cid,
                    text=f"{topic}. {c.name}, {c.city}, {c.region}",
                    topic_code=c.topic_code,
                    category=c.category,
                    city=c.city,
                    region=c.region,
                    relevant=labs,
                    cold_start=cid not in seen_companies,
                )
            )
    return Split(train=train, queries=queries, candidates=candidates, committees=committees)


def _then(first: Counter[str], fallback: list[str], k: int = K) -> list[str]:
    """Labs by ``first`` (positive counts only), then the fallback order."""
    head = [lab for lab, n in sorted(first.items(), key=lambda kv: (-kv[1], kv[0])) if n > 0]
    seen = set(head)
    return (head + [lab for lab in fallback if lab not in seen])[: max(k, len(head))]


class Methods:
    """Every method, fitted on the training rows once."""

    def __init__(
        self,
        data: Split,
        extractor: Extractor,
        vocabulary: Sequence[Concept],
        domains: dict[str, str] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        weights: Mapping[str, float] | None = None,
    ) -> None:
        self.data = data
        labs = [r for r in data.train if r.kind == "lab"]
        projects_of: dict[str, set[str]] = defaultdict(set)
        for r in labs:
            projects_of[r.partner_id].add(r.project_id)
        with_company = {r.project_id for r in data.train if r.kind == "company"}
        # popularity: how often a lab worked with companies (its projects with a company
        # partner), then how many projects it had at all
        self.popularity: Counter[str] = Counter(
            {lab: len(p & with_company) for lab, p in projects_of.items()}
        )
        overall = {lab: len(p) for lab, p in projects_of.items()}
        self.by_popularity = sorted(
            data.candidates,
            key=lambda lab: (-self.popularity.get(lab, 0), -overall.get(lab, 0), lab),
        )
        region_projects: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        topic_projects: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        topics_of: dict[str, list[str]] = defaultdict(list)
        for r in labs:
            region_projects[r.region][r.partner_id].add(r.project_id)
            topic_projects[r.topic_code][r.partner_id].add(r.project_id)
            topics_of[r.partner_id].append(data.committees.get(r.topic_code, r.topic_code))
        self.region = {
            reg: Counter({lab: len(p) for lab, p in d.items()})
            for reg, d in region_projects.items()
        }
        self.topic = {
            t: Counter({lab: len(p) for lab, p in d.items()}) for t, d in topic_projects.items()
        }
        # lab profile texts: the topics of their training projects, and their RNSR domains
        self.profile_texts = {
            lab: ". ".join([*topics_of[lab], (domains or {}).get(lab, "")]).strip(". ") or lab
            for lab in data.candidates
        }
        texts = [self.profile_texts[lab] for lab in data.candidates]
        extractions = extractor.extract_many(texts)
        if progress:
            progress("profils", len(texts), len(texts))
        self.bm25 = bm25s.BM25()
        self.bm25.index([list(e.terms) or ["\u2205"] for e in extractions], show_progress=False)
        self.extractor = extractor
        # the knowledge graph of training, as a store would hold it, ranked by the pipeline the
        # API runs (``graph.ranking.pipeline``): the same industry record, signals and weights
        projects = {
            r.project_id: Project(
                id=r.project_id,
                source="anr",
                year=r.year,
                topic_code=r.topic_code,
                topic=data.committees.get(r.topic_code),
            )
            for r in data.train
        }
        participations = [
            Participation(
                project_id=r.project_id,
                partner_kind="lab" if r.kind == "lab" else "company",
                partner_id=r.partner_id,
            )
            for r in data.train
            if r.kind in ("lab", "company")
        ]
        # a company as a store keeps it: the category of its latest row sets its size
        companies = {r.partner_id: _company(r) for r in data.train if r.kind == "company"}
        regions: dict[str, Counter[str]] = defaultdict(Counter)
        for r in labs:
            if r.region:
                regions[r.partner_id][r.region] += 1
        self.ranker = Ranker(
            RankingData(
                concepts=vocabulary,
                profiles=dict(zip(data.candidates, extractions, strict=True)),
                companies=list(companies.values()),
                collaborations=derive_collaborations(projects.values(), participations),
                projects=list(projects.values()),
                participations=participations,
                topics=topics(),
                regions={lab: c.most_common(1)[0][0] for lab, c in regions.items()},
            )
        )
        self.weights = dict(self.ranker.weights if weights is None else weights)

    def company(self, q: Query) -> Company:
        """The query's company as the API knows a need's company: its size and region."""
        return Company(
            id=q.company_id, name=q.company_id, category=q.category, region=q.region or None
        )

    # -- baselines ------------------------------------------------------------------------
    def rank_popularity(self, q: Query) -> list[str]:
        return self.by_popularity[:K]

    def rank_region(self, q: Query) -> list[str]:
        return _then(self.region.get(q.region, Counter()), self.by_popularity)[:K]

    def rank_topic(self, q: Query) -> list[str]:
        return _then(self.topic.get(q.topic_code, Counter()), self.by_popularity)[:K]

    def rank_bm25(self, q: Query) -> list[str]:
        topic = self.data.committees.get(q.topic_code, q.topic_code)
        terms = list(self.extractor.extract(topic).terms)
        scores = self.bm25.get_scores(terms) if terms else np.zeros(len(self.data.candidates))
        order = np.lexsort((np.arange(len(scores)), -scores))[:K]
        return [self.data.candidates[i] for i in order if scores[i] > 0] or self.by_popularity[:K]

    # -- passerelle -----------------------------------------------------------------------
    def pairings(self, q: Query, limit: int = K) -> list[Pairing]:
        """The pipeline's ``limit`` best labs for a query, with their explanations: the need
        is the query's text, its company the query's (``company``), the weights
        ``self.weights``. Only labs that share something with the need are returned."""
        need = self.extractor.extract(q.text)
        return self.ranker.rank(need, limit, company=self.company(q), weights=self.weights)

    def rank_passerelle(self, q: Query) -> list[str]:
        """The matcher's labs (``pairings``), completed by popularity up to ``K``."""
        ranked = [p.lab_id for p in self.pairings(q)]
        seen = set(ranked)
        return (ranked + [lab for lab in self.by_popularity if lab not in seen])[:K]

    def all(self) -> dict[str, Callable[[Query], list[str]]]:
        return {
            "popularity": self.rank_popularity,
            "popularity_region": self.rank_region,
            "popularity_topic": self.rank_topic,
            "bm25_topic": self.rank_bm25,
            "passerelle": self.rank_passerelle,
        }


@dataclass(frozen=True)
class Outcome:
    """What one method returned for one query, and how good it was.

    Attributes
    ----------
    ranked : tuple of str
        The method's ranking (its first ``K`` labs).
    recall : float
        Share of the query's relevant labs in ``ranked[:K]``.
    hit : bool
        Whether at least one relevant lab is in ``ranked[:K]``.
    first_relevant : int or None
        Rank (from 1) of the first relevant lab in ``ranked``, ``None`` when there is none.
    """

    ranked: tuple[str, ...]
    recall: float
    hit: bool
    first_relevant: int | None


def outcome(ranked: Sequence[str], relevant: set[str], k: int = K) -> Outcome:
    """A ranking's outcome for a query whose relevant labs are ``relevant``.

    Examples
    --------
    >>> outcome(["a", "b", "c"], {"c", "z"})
    Outcome(ranked=('a', 'b', 'c'), recall=0.5, hit=True, first_relevant=3)
    >>> outcome(["a"], {"z"}).first_relevant is None
    True
    """
    first = next((n for n, lab in enumerate(ranked, start=1) if lab in relevant), None)
    return Outcome(
        ranked=tuple(ranked),
        recall=recall_at(ranked, relevant, k),
        hit=hit_at(ranked, relevant, k) > 0,
        first_relevant=first,
    )


@dataclass(frozen=True)
class QueryResult:
    """One query and every method's outcome for it (by method name)."""

    query: Query
    outcomes: dict[str, Outcome]


def segments_of(queries: Sequence[Query]) -> dict[str, list[str]]:
    """The query ids of each segment: ``all``, ``sme`` (PME, TPE) and ``cold_start``
    (companies absent from training)."""
    return {
        "all": [q.id for q in queries],
        "sme": [q.id for q in queries if q.category in SMES],
        "cold_start": [q.id for q in queries if q.cold_start],
    }


def score_table(
    results: Sequence[QueryResult], methods: Iterable[str] | None = None
) -> dict[str, dict[str, Scores]]:
    """Mean metrics of ``results`` by segment (``segments_of``), then by method (``methods``,
    default those of the first result).

    Examples
    --------
    >>> from ingest.evaluation.anr import Query
    >>> q = Query("q", "P", "C", "", "CE01", "PME", "", "", {"L"})
    >>> table = score_table([QueryResult(q, {"m": outcome(["L", "M"], {"L"})})])
    >>> table["sme"]["m"].recall, table["cold_start"]["m"].n
    (1.0, 0)
    """
    names = list(methods if methods is not None else (results[0].outcomes if results else ()))
    queries = [r.query for r in results]
    relevant = {q.id: q.relevant for q in queries}
    rankings = {name: {r.query.id: r.outcomes[name].ranked for r in results} for name in names}
    return {
        seg: {name: evaluate(rankings[name], relevant, ids, K) for name in names}
        for seg, ids in segments_of(queries).items()
    }


def _best_baseline(table: Mapping[str, Scores]) -> str:
    return max((m for m in table if m != "passerelle"), key=lambda m: table[m].recall)


@dataclass
class Detailed:
    """A whole evaluation kept query by query: the methods fitted and every outcome.

    ``summary()`` is what ``run`` returns (the aggregates of ``passerelle eval anr``);
    ``methods`` stays available to explain a ranking afterwards
    (``ingest.evaluation.review.wins_and_losses``).
    """

    data: Split
    methods: Methods
    results: list[QueryResult]

    def rankings(self) -> dict[str, dict[str, list[str]]]:
        """Each method's ranking of each query: ``{method: {query id: labs}}``."""
        return {
            name: {r.query.id: list(r.outcomes[name].ranked) for r in self.results}
            for name in self.methods.all()
        }

    def scores(self) -> dict[str, dict[str, Scores]]:
        """Mean metrics by segment, then by method (``score_table``)."""
        return score_table(self.results, self.methods.all())

    def best_baseline(self) -> str:
        """The baseline with the best Recall@10 over all queries (the first one on a tie)."""
        return _best_baseline(self.scores()["all"])

    def summary(self) -> dict[str, object]:
        """Metrics overall and by segment, the best baseline and Passerelle's lift over it."""
        table = self.scores()
        best = _best_baseline(table["all"])
        lift = (
            table["all"]["passerelle"].recall / table["all"][best].recall
            if table["all"][best].recall > 0
            else float("inf")
        )
        return {
            "methods": {m: s.as_dict(K) for m, s in table["all"].items()},
            "segments": {
                seg: {m: s.as_dict(K) for m, s in scores.items()} for seg, scores in table.items()
            },
            "best_baseline": best,
            "lift": lift,
            "queries": len(self.data.queries),
            "candidates": len(self.data.candidates),
        }


def run_detailed(
    data: Split,
    extractor: Extractor,
    vocabulary: Sequence[Concept],
    domains: dict[str, str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Detailed:
    """Every method on every query, each query's outcome kept.

    Parameters
    ----------
    data : Split
        Training rows, test queries and candidates (``split``).
    extractor : Extractor
        The concept extractor (lab profiles and queries).
    vocabulary : sequence of Concept
        The vocabulary the matcher expands concepts with.
    domains : dict, optional
        RNSR domains per lab, added to the lab profiles.
    progress : callable, optional
        ``progress(what, done, total)``.

    Returns
    -------
    Detailed
        The fitted methods and, per query, each method's ranking, recall, hit and the rank of
        its first relevant lab.
    """
    methods = Methods(data, extractor, vocabulary, domains, progress)
    rankings: dict[str, dict[str, list[str]]] = {}
    for name, rank in methods.all().items():
        rankings[name] = {}
        for n, q in enumerate(data.queries, start=1):
            rankings[name][q.id] = rank(q)
            if progress and (n % 200 == 0 or n == len(data.queries)):
                progress(name[:9], n, len(data.queries))
    results = [
        QueryResult(q, {name: outcome(r[q.id], q.relevant) for name, r in rankings.items()})
        for q in data.queries
    ]
    return Detailed(data, methods, results)


def run(
    data: Split,
    extractor: Extractor,
    vocabulary: Sequence[Concept],
    domains: dict[str, str] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, object]:
    """Every method on every query; metrics overall, for SMEs and for cold-start companies.

    The aggregates of ``run_detailed`` (``Detailed.summary``): ``methods`` (metrics over all
    queries), ``segments``, ``best_baseline``, ``lift``, ``queries`` and ``candidates``.
    """
    return run_detailed(data, extractor, vocabulary, domains, progress).summary()


def _company(row: PartnerRow) -> Company:
    return Company(
        id=row.partner_id,
        name=row.name,
        city=row.city or None,
        category=row.category or None,
        region=row.region or None,
    )
