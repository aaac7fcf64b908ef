"""The one ranking pipeline: what the API serves, what the evaluation measures and what the
weight fitting tunes.

A :class:`Ranker` is built from what ranking reads of the graph (:class:`RankingData`: the
candidates' profiles, the vocabulary, companies, collaborations, projects and partners, the
project themes, the labs' regions) and ranks labs for a need's extraction in four steps:

1. the text's relevance, concept channel and lexical channel (``graph.ranking.matching``), with
   the labs' industry record (``graph.ranking.track_record.industry_strengths``);
2. the themes the need is about, from its concepts (``graph.ranking.context``);
3. every signal of the table (``graph.ranking.signals.SIGNALS``) that applies to this need,
   with its weight;
4. the candidates: a scope's units, less the labs declined for this need.

``graph.usecases.pairing.PairingService`` builds one per store revision (in its snapshot),
``ingest.evaluation.anr`` one per training split, from the same data as a store would hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from graph.model import Collaboration, Company, Concept, Extraction, Participation, Project
from graph.ranking import signals as table
from graph.ranking.context import GraphContext, Topic
from graph.ranking.feedback import NO_FEEDBACK, Feedback
from graph.ranking.matching import MatchIndex, MatchParams, Pairing
from graph.ranking.signals import Signal, SignalInput, Values, default_weights, labels
from graph.ranking.track_record import industry_strengths


@dataclass(frozen=True)
class RankingData:
    """What ranking reads of the graph, from one revision of it.

    Attributes
    ----------
    concepts : sequence of Concept
        The vocabulary, with its BROADER links.
    profiles : mapping of lab id to Extraction
        The candidates' profiles (research units only: organisations are never suggested).
    companies, collaborations : sequences
        Companies (their size sets the SME record) and lab–company collaborations (the labs'
        industry record).
    projects, participations : sequences
        Collaborative projects and who took part (the graph's signals).
    topics : mapping of code to Topic
        The project themes and their concepts.
    regions : mapping of lab id to region
        Where the labs are (the proximity signal).
    """

    concepts: Sequence[Concept]
    profiles: Mapping[str, Extraction]
    companies: Sequence[Company] = ()
    collaborations: Sequence[Collaboration] = ()
    projects: Sequence[Project] = ()
    participations: Sequence[Participation] = ()
    topics: Mapping[str, Topic] = field(default_factory=dict)
    regions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SignalValues:
    """The signals that apply to one need: each one's values per lab, and what it is about."""

    values: Mapping[str, Values]
    details: Mapping[str, str]


class Ranker:
    """Ranks labs for needs over one :class:`RankingData`, built once and queried many times.

    Parameters
    ----------
    data : RankingData
    params : MatchParams, optional
        Tuning of the text's relevance.
    signals : sequence of Signal, optional
        The signals; default: the table (``graph.ranking.signals.SIGNALS``).

    Examples
    --------
    >>> from graph.model import ConceptMention
    >>> vocab = [Concept(id="corrosion", kind="phenomenon", label_fr="corrosion",
    ...                  label_en="corrosion")]
    >>> rust = Extraction(language="fr", terms=("corrosion",),
    ...                   mentions=(ConceptMention(concept_id="corrosion", weight=1.0),))
    >>> ranker = Ranker(RankingData(vocab, {"L1": rust, "L2": Extraction(language="fr")}))
    >>> [p.lab_id for p in ranker.rank(rust, 5)]
    ['L1']
    """

    def __init__(
        self,
        data: RankingData,
        params: MatchParams | None = None,
        signals: Sequence[Signal] | None = None,
    ) -> None:
        smes = {c.id for c in data.companies if c.is_sme}
        industry, industry_sme = industry_strengths(data.collaborations, smes)
        self.index = MatchIndex(
            data.concepts, data.profiles, params, industry=industry, industry_sme=industry_sme
        )
        self.context: GraphContext | None = None
        """Signals from projects and partners (None without projects)."""
        if data.projects:
            self.context = GraphContext(
                self.index.lab_ids, data.projects, data.participations, data.topics, data.regions
            )
        # the table as it is now (a signal registered at run time counts from the next ranker)
        self.signals: tuple[Signal, ...] = tuple(table.SIGNALS if signals is None else signals)
        self._record = frozenset(s.name for s in self.signals if s.record)
        self._labels = labels(self.signals)

    @property
    def weights(self) -> dict[str, float]:
        """Each signal's default weight."""
        return default_weights(self.signals)

    def themes(self, need: Extraction) -> dict[str, float]:
        """The project themes a need is about, from its concepts (broader ones included)."""
        if self.context is None:
            return {}
        return self.context.topics_of(
            {c: e.weight for c, e in self.index.expand(need.mentions).items()}
        )

    def signal_values(
        self, need: Extraction, company: Company | None = None, feedback: Feedback = NO_FEEDBACK
    ) -> SignalValues:
        """The values of the signals that apply to ``need`` (submitted by ``company``, with
        the officers' ``feedback``): computed once, ranked with many weights (the fitting)."""
        given = SignalInput(self.index, self.context, need, self.themes(need), company, feedback)
        values: dict[str, Values] = {}
        details: dict[str, str] = {}
        for signal in self.signals:
            found = signal.compute(given)
            if found is None:
                continue
            values[signal.name] = found
            if signal.detail is not None:
                details[signal.name] = signal.detail(given)
        return SignalValues(values, details)

    def rank(
        self,
        need: Extraction,
        limit: int = 10,
        *,
        company: Company | None = None,
        candidates: npt.NDArray[np.bool_] | None = None,
        feedback: Feedback = NO_FEEDBACK,
        weights: Mapping[str, float] | None = None,
        signals: SignalValues | None = None,
    ) -> list[Pairing]:
        """The ``limit`` best labs for ``need``, best first, each with its explanation.

        Parameters
        ----------
        need : Extraction
        limit : int
        company : Company, optional
            The need's company: its size (the SME record), its history, partners and region.
        candidates : array of bool, optional
            The labs that may be suggested, by position in ``index.lab_ids`` (a scope).
        feedback : Feedback
            The labs declined for this need (left out) and those that succeeded on similar
            needs (the ``feedback`` signal).
        weights : mapping, optional
            The signals' weights; default: the table's.
        signals : SignalValues, optional
            The values ``signal_values`` gave for this need, when computed already.
        """
        found = signals or self.signal_values(need, company, feedback)
        chosen = self.weights if weights is None else weights
        if feedback.declined:
            declined = self.index.lab_vector(dict.fromkeys(feedback.declined, 1.0)) > 0
            keep = ~declined if candidates is None else candidates & ~declined
            candidates = keep
        return self.index.rank_labs(
            need,
            limit,
            sme=company is not None and company.is_sme,
            context=found.values,
            weights={k: w for k, w in chosen.items() if k in found.values},
            candidates=candidates,
            details=found.details,
            record=self._record,
            labels=self._labels,
        )
