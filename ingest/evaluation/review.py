"""The ANR evaluation read closely: year by year, by segment, and the queries Passerelle wins or
loses against the best baseline, with why.

``rolling`` repeats ``ingest.evaluation.anr.run_detailed`` for each test year Y, trained on the calls
before Y only (train <= Y - 1, test Y): the same code path as ``passerelle eval anr``, so the
year 2020 gives the figures of ``make eval``. ``metric_table`` turns the runs into one row per
year × method × segment (and the years pooled). ``wins_and_losses`` lists the queries where
Passerelle finds a relevant lab in its top ``K`` and the best baseline of that year does not
(a win), and the reverse (a loss), each with what explains it: for a win, the concepts the
matcher's explanation shares between the need and the lab and the graph signals that helped;
for a loss, what the baseline relied on, where Passerelle ranked the lab and what its own first
lab matched instead.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from graph.extractor import Extractor
from graph.model import Concept
from graph.ranking.matching import Pairing
from ingest.evaluation.anr import (
    SMES,
    Detailed,
    K,
    Methods,
    PartnerRow,
    Query,
    QueryResult,
    read_partners,
    run_detailed,
    score_table,
    split,
)
from ingest.registers.anr import read_committees
from ingest.registers.rnsr import read_domains
from ingest.registers.table import named

SEGMENTS = ("all", "sme", "cold_start")
YEARS = 5
"""Test years of a full run: the five latest calls (2016–2020 in the ANR file)."""
SAMPLE_YEARS = 3
"""Test years of a sampled run (``PASSERELLE_NB_SAMPLE``): the three latest calls."""


@dataclass(frozen=True)
class YearRun:
    """The detailed evaluation of one test year (trained on the years before it)."""

    year: int
    detailed: Detailed


@dataclass(frozen=True)
class MetricRow:
    """Mean metrics of one method on one segment of one test year (``None``: years pooled)."""

    year: int | None
    method: str
    segment: str
    recall: float
    mrr: float
    ndcg: float
    hit: float
    n: int


@dataclass(frozen=True)
class Case:
    """A query Passerelle wins (``outcome == "win"``) or loses against the best baseline.

    Attributes
    ----------
    year, query_id, need
        The test year, the query's id (project/company) and its text.
    sme, cold_start
        Whether the company is an SME; whether it is absent from training.
    lab, lab_name
        The relevant lab at stake: the one Passerelle found (win) or the baseline found (loss).
    baseline
        The year's best baseline (by Recall@10 over all queries).
    passerelle_rank : int or None
        Where Passerelle ranks ``lab`` among every lab it pairs with the need (from 1);
        ``None`` when it pairs them not at all (they share nothing), or, for a win, when the lab
        only came from the popularity fill of the top ``K``.
    baseline_rank : int or None
        Where the baseline ranks ``lab`` in its top ``K``, ``None`` beyond.
    concepts
        The concepts Passerelle's explanation shares between the need and ``lab``, strongest
        first (French labels).
    words
        The words of the need its lexical channel shares with ``lab``'s profile, strongest
        first.
    signals
        The graph signals that add to ``lab``'s score, as ``"history 0.31"`` (their part of
        the score).
    baseline_evidence
        What the baseline relied on for ``lab`` (e.g. its projects in the committee).
    top_lab, top_lab_name, top_concepts
        Passerelle's first lab for the need and the concepts it shares with the need.
    why
        One sentence that says it all.
    """

    year: int
    outcome: str
    query_id: str
    need: str
    sme: bool
    cold_start: bool
    lab: str
    lab_name: str
    baseline: str
    passerelle_rank: int | None
    baseline_rank: int | None
    concepts: tuple[str, ...]
    words: tuple[str, ...]
    signals: tuple[str, ...]
    baseline_evidence: str
    top_lab: str
    top_lab_name: str
    top_concepts: tuple[str, ...]
    why: str
    fallback: bool = False
    """For a loss: the baseline reached ``lab`` only through its popularity fallback."""

    @property
    def relationship(self) -> bool:
        """Whether the company's relationships (``history``, ``partners``) add to ``lab``'s
        score in Passerelle's explanation."""
        return any(s.split()[0] in ("history", "partners") for s in self.signals)


@dataclass(frozen=True)
class Inputs:
    """What the evaluation reads from the registers' folder."""

    rows: list[PartnerRow]
    """The ANR partner rows (``ingest.evaluation.anr.read_partners``)."""
    committees: dict[str, str]
    """Committee labels by code (``anr_committees_ces.csv`` beside the partners' file)."""
    domains: dict[str, str]
    """RNSR domains by lab (added to lab profiles)."""
    partners: Path


def read_inputs(registers: Path | None) -> Inputs | None:
    """The ANR partners, committees and RNSR domains of a registers' folder, ``None`` when the
    ANR or RNSR file is missing (``api.notebook.workspace.find_registers`` finds the folder)."""
    partners, rnsr = named("anr").find(registers), named("rnsr").find(registers)
    if partners is None or rnsr is None:
        return None
    committees_path = partners.parent / "anr_committees_ces.csv"
    return Inputs(
        rows=read_partners(partners),
        committees=read_committees(committees_path) if committees_path.exists() else {},
        domains=read_domains(rnsr),
        partners=partners,
    )


@dataclass(frozen=True)
class Lift:
    """Passerelle against the best baseline on one segment of one year (``None``: pooled)."""

    baseline: str
    baseline_recall: float
    passerelle_recall: float
    ratio: float
    """Passerelle's Recall@10 / the baseline's (``inf`` when the baseline's is 0)."""


def lift(table: Sequence[MetricRow], year: int | None = None, segment: str = "all") -> Lift:
    """Passerelle's Recall@10 against the best baseline's, from a ``metric_table``.

    The best baseline is chosen on this segment of this year (for ``all``, the one of
    ``Detailed.best_baseline``).

    Examples
    --------
    >>> rows = [MetricRow(2020, m, "all", r, 0, 0, 0, 9)
    ...         for m, r in (("popularity", 0.1), ("popularity_topic", 0.2), ("passerelle", 0.4))]
    >>> lift(rows, 2020)
    Lift(baseline='popularity_topic', baseline_recall=0.2, passerelle_recall=0.4, ratio=2.0)
    """
    rows = [r for r in table if r.year == year and r.segment == segment]
    mine = next(r.recall for r in rows if r.method == "passerelle")
    best = max((r for r in rows if r.method != "passerelle"), key=lambda r: r.recall)
    ratio = mine / best.recall if best.recall > 0 else float("inf")
    return Lift(best.method, best.recall, mine, ratio)


def last_years(rows: Iterable[PartnerRow], count: int) -> list[int]:
    """The ``count`` latest call years of ``rows`` that have an earlier year to learn from.

    Examples
    --------
    >>> from ingest.evaluation.anr import PartnerRow
    >>> rows = [PartnerRow("P", y, "CE01", "lab", "L", "", "L", "", "") for y in (2010, 2011, 2012)]
    >>> last_years(rows, 5)
    [2011, 2012]
    """
    years = sorted({r.year for r in rows})[1:]
    return years[-count:] if count > 0 else []


def evaluated_years(rows: Iterable[PartnerRow], sample: int | None = None) -> list[int]:
    """The test years of a run: the ``YEARS`` latest calls, the ``SAMPLE_YEARS`` latest with a
    ``sample`` (``settings.nb_sample``, which also caps the queries per year: ``rolling``).

    Examples
    --------
    >>> from ingest.evaluation.anr import PartnerRow
    >>> rows = [PartnerRow("P", y, "CE01", "lab", "L", "", "L", "", "") for y in range(2010, 2021)]
    >>> evaluated_years(rows), evaluated_years(rows, sample=1500)
    ([2016, 2017, 2018, 2019, 2020], [2018, 2019, 2020])
    """
    return last_years(rows, SAMPLE_YEARS if sample is not None else YEARS)


def sample_queries(queries: Sequence[Query], most: int | None) -> list[Query]:
    """At most ``most`` queries, the same ones at every run, in their original order.

    The queries kept are the first ``most`` by a hash of their id (BLAKE2b), a stable sample
    spread over every committee, rather than the first ones of the list (sorted by project
    id, hence by committee). ``None``: every query.

    Examples
    --------
    >>> from ingest.evaluation.anr import Query
    >>> qs = [Query(str(i), "", "", "", "", "", "", "", set()) for i in range(10)]
    >>> [q.id for q in sample_queries(qs, 3)] == [q.id for q in sample_queries(qs, 3)]
    True
    >>> len(sample_queries(qs, 3)), len(sample_queries(qs, None))
    (3, 10)
    """
    if most is None or most >= len(queries):
        return list(queries)
    keep = set(
        sorted(
            range(len(queries)),
            key=lambda i: hashlib.blake2b(queries[i].id.encode(), digest_size=8).digest(),
        )[: max(most, 0)]
    )
    return [q for i, q in enumerate(queries) if i in keep]


def rolling(
    rows: Sequence[PartnerRow],
    years: Iterable[int],
    extractor: Extractor,
    vocabulary: Sequence[Concept],
    committees: dict[str, str] | None = None,
    domains: dict[str, str] | None = None,
    most: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[YearRun]:
    """The evaluation year by year: for each test year Y, train on the calls before Y.

    Parameters
    ----------
    rows : sequence of PartnerRow
        Every partner row (``ingest.evaluation.anr.read_partners``).
    years : iterable of int
        The test years (e.g. ``last_years(rows, 5)``).
    extractor, vocabulary, committees, domains
        As for ``ingest.evaluation.anr.split`` and ``run_detailed``.
    most : int, optional
        At most this many queries per test year (``sample_queries``); default every query.
    progress : callable, optional
        ``progress(what, done, total)``, once per year done.

    Returns
    -------
    list of YearRun
        One detailed run per test year, in year order.
    """
    todo = sorted(set(years))
    out: list[YearRun] = []
    for n, year in enumerate(todo, start=1):
        data = split(rows, year - 1, [year], committees)
        data = replace(data, queries=sample_queries(data.queries, most))
        out.append(YearRun(year, run_detailed(data, extractor, vocabulary, domains)))
        if progress:
            progress(f"{year}", n, len(todo))
    return out


def metric_table(runs: Sequence[YearRun], pooled: bool = True) -> list[MetricRow]:
    """Mean metrics by test year, method and segment; with ``pooled``, the years together too
    (``year=None``: every query of every year counts once).

    Returns
    -------
    list of MetricRow
        Years in order (the pooled rows last), then methods in ``Methods.all`` order, then
        segments (``all``, ``sme``, ``cold_start``).
    """
    table: list[MetricRow] = []
    groups: list[tuple[int | None, list[QueryResult]]] = [
        (r.year, r.detailed.results) for r in runs
    ]
    if pooled and runs:
        groups.append((None, [res for r in runs for res in r.detailed.results]))
    for year, results in groups:
        if not results:
            continue
        scores = score_table(results)
        for method in results[0].outcomes:
            for segment in SEGMENTS:
                s = scores[segment][method]
                table.append(MetricRow(year, method, segment, s.recall, s.mrr, s.ndcg, s.hit, s.n))
    return table


def lab_names(rows: Iterable[PartnerRow]) -> dict[str, str]:
    """Each lab's name (its latest row's), by RNSR code.

    Examples
    --------
    >>> from ingest.evaluation.anr import PartnerRow
    >>> lab_names([PartnerRow("P", 2019, "CE01", "lab", "L1", "", "Old", "", ""),
    ...            PartnerRow("Q", 2020, "CE01", "lab", "L1", "", "New", "", "")])
    {'L1': 'New'}
    """
    out: dict[str, tuple[int, str]] = {}
    for r in rows:
        if r.kind == "lab" and (r.partner_id not in out or r.year >= out[r.partner_id][0]):
            out[r.partner_id] = (r.year, r.name)
    return {lab: name for lab, (_year, name) in out.items()}


def baseline_evidence(methods: Methods, baseline: str, q: Query, lab: str) -> str:
    """What ``baseline`` relied on to rank ``lab`` for ``q``, in a few words.

    Examples: « 4 projects in committee CE08 », « 12 projects in Grand Est », « 31 projects
    with a company ». A lab the baseline only reached through its popularity fallback is said
    so.
    """
    with_company = projects(methods.popularity.get(lab, 0))
    fallback = f"fallback: {with_company} with a company"
    if baseline == "popularity_topic":
        n = methods.topic.get(q.topic_code, Counter())[lab]
        return f"{projects(n)} in committee {q.topic_code}" if n else fallback
    if baseline == "popularity_region":
        n = methods.region.get(q.region, Counter())[lab]
        return f"{projects(n)} in {q.region}" if n else fallback
    if baseline == "bm25_topic":
        return f"its projects' committees share words with {q.topic_code}"
    return f"{with_company} with a company"


def projects(n: int) -> str:
    """« 1 project », « 3 projects ».

    >>> projects(1), projects(3)
    ('1 project', '3 projects')
    """
    return f"{n} project" + ("" if n == 1 else "s")


def _concepts(pairing: Pairing | None, most: int = 3) -> tuple[str, ...]:
    if pairing is None:
        return ()
    return tuple(c.label_fr for c in pairing.explanation.concepts[:most])


def _words(pairing: Pairing | None, most: int = 3) -> tuple[str, ...]:
    if pairing is None:
        return ()
    return tuple(t.term for t in pairing.explanation.terms[:most])


def _signals(pairing: Pairing | None) -> tuple[str, ...]:
    if pairing is None:
        return ()
    return tuple(
        f"{c.signal} {c.contribution:.2f}"
        for c in sorted(pairing.explanation.context, key=lambda c: -c.contribution)
    )


def _case(run: YearRun, res: QueryResult, baseline: str, win: bool, names: dict[str, str]) -> Case:
    methods = run.detailed.methods
    q = res.query
    mine, theirs = res.outcomes["passerelle"], res.outcomes[baseline]
    found = mine if win else theirs
    assert found.first_relevant is not None
    lab = found.ranked[found.first_relevant - 1]
    # every lab the matcher pairs with the need, to tell where it ranks the one at stake
    pairings = methods.pairings(q, limit=K if win else len(methods.data.candidates))
    rank = next((n for n, p in enumerate(pairings, start=1) if p.lab_id == lab), None)
    at_stake = pairings[rank - 1] if rank is not None else None
    top = pairings[0] if pairings else None
    top_lab = mine.ranked[0] if mine.ranked else ""
    baseline_rank = theirs.ranked.index(lab) + 1 if lab in theirs.ranked[:K] else None
    evidence = baseline_evidence(methods, baseline, q, lab)
    concepts, words, signals = _concepts(at_stake), _words(at_stake), _signals(at_stake)
    if win:
        parts = [
            f"{what} {', '.join(items)}"
            for what, items in (("concepts", concepts), ("words", words), ("graph", signals))
            if items
        ]
        reason = "; ".join(parts) or "a score of its own"
        if at_stake is None:
            reason = "popularity fill of the top 10 (no pairing)"
        why = f"Passerelle #{found.first_relevant}: {reason}; {baseline} misses it"
    else:
        where = f"#{rank}" if rank is not None else "not paired (shares nothing with the need)"
        instead = ", ".join(_concepts(top)) or ", ".join(_words(top)) or "the company's graph"
        why = (
            f"{baseline} #{found.first_relevant} by {evidence}; Passerelle ranks it {where}, "
            f"its first lab matches {instead}"
        )
    return Case(
        year=run.year,
        outcome="win" if win else "loss",
        query_id=q.id,
        need=q.text,
        sme=q.category in SMES,
        cold_start=q.cold_start,
        lab=lab,
        lab_name=names.get(lab, lab),
        baseline=baseline,
        passerelle_rank=rank,
        baseline_rank=baseline_rank,
        concepts=concepts,
        words=words,
        signals=signals,
        baseline_evidence=evidence,
        top_lab=top_lab,
        top_lab_name=names.get(top_lab, top_lab),
        top_concepts=_concepts(top if top is not None and top.lab_id == top_lab else None),
        why=why,
        fallback=evidence.startswith("fallback"),
    )


def wins_and_losses(runs: Sequence[YearRun], most: int | None = None) -> list[Case]:
    """The queries Passerelle wins and loses against each year's best baseline, explained.

    A win: a relevant lab in Passerelle's top ``K`` and none in the baseline's; a loss: the
    reverse. Queries where both (or neither) find one are left out.

    Parameters
    ----------
    runs : sequence of YearRun
        The detailed runs (``rolling``).
    most : int, optional
        At most this many wins and this many losses per year (the first queries in the run's
        order); default all.

    Returns
    -------
    list of Case
        By year, wins before losses, queries in the run's order.
    """
    out: list[Case] = []
    for run in runs:
        detailed = run.detailed
        if not detailed.results:
            continue
        baseline = detailed.best_baseline()
        names = lab_names(detailed.data.train)
        for win in (True, False):
            picked = [
                res
                for res in detailed.results
                if res.outcomes["passerelle"].hit != res.outcomes[baseline].hit
                and res.outcomes["passerelle"].hit == win
            ]
            for res in picked[:most] if most is not None else picked:
                out.append(_case(run, res, baseline, win, names))
    return out
