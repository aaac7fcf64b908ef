"""The one table of ranking signals: what the graph and the officers' introductions add to a
text's relevance.

A signal gives every candidate lab a value in [0, 1] for the need being ranked. Each row of
:data:`SIGNALS` says what the signal is called (French and English, as explanations show it),
its default weight, how it joins the text's relevance, and how it is computed. The pipeline
(``graph.ranking.pipeline.Ranker``), hence the API's service, the evaluation and the weight
fitting, all read this table: adding a signal is one function and one line here.

How a signal joins the score (``graph.ranking.matching.MatchIndex.rank_labs``): a ``record``
signal (the labs' own record, such as their projects on the need's themes) multiplies a lab's
relevance, so that it reorders relevant labs and lifts no weak one; any other signal (the
company's relationships, the officers' feedback) adds to the score of the labs that share a
concept with the need. The score is divided by ``1 + sum(weights)``, so that it stays in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from graph.model import Company, Extraction
from graph.ranking.context import GraphContext
from graph.ranking.feedback import NO_FEEDBACK, Feedback
from graph.ranking.matching import MatchIndex

Values = npt.NDArray[np.float64]
"""A signal's value for every lab, in the index's lab order (``MatchIndex.lab_ids``)."""


@dataclass(frozen=True)
class SignalInput:
    """What a signal reads: the graph's structures and the need being ranked."""

    index: MatchIndex
    context: GraphContext | None
    """Projects and partners (None when the graph holds no project)."""
    need: Extraction
    themes: Mapping[str, float] = field(default_factory=dict)
    """The project themes the need is about (``GraphContext.topics_of``), by weight."""
    company: Company | None = None
    """The company the need comes from (None: a free text, no company known)."""
    feedback: Feedback = NO_FEEDBACK


@dataclass(frozen=True)
class Signal:
    """One row of the table.

    Attributes
    ----------
    name : str
        Its key in explanations, weights and the API (``history``).
    label_fr, label_en : str
        How an explanation names it.
    weight : float
        Its default weight, beside the text's relevance (which lies in [0, 1]).
    compute : callable
        ``compute(SignalInput)``: the value of every lab, in [0, 1], or None when the signal
        does not apply to this need (no project in the graph, no company known...).
    record : bool
        It describes the labs' own record: it multiplies their relevance instead of adding.
    detail : callable, optional
        ``detail(SignalInput)``: what the signal is about, for the explanation (the themes).
    """

    name: str
    label_fr: str
    label_en: str
    weight: float
    compute: Callable[[SignalInput], Values | None]
    record: bool = False
    detail: Callable[[SignalInput], str] | None = None


def _topic_record(s: SignalInput) -> Values | None:
    return None if s.context is None else s.context.topic_record(s.themes)


def _themes(s: SignalInput) -> str:
    return "" if s.context is None else s.context.describe(s.themes)


def _history(s: SignalInput) -> Values | None:
    if s.context is None or s.company is None:
        return None
    return s.context.history(s.company.id)


def _partners(s: SignalInput) -> Values | None:
    if s.context is None or s.company is None:
        return None
    return s.context.partners(s.company.id)


def _proximity(s: SignalInput) -> Values | None:
    if s.context is None or s.company is None:
        return None
    return s.context.proximity(s.company.region)


def _feedback(s: SignalInput) -> Values | None:
    return s.index.lab_vector(s.feedback.similar) if s.feedback.similar else None


def _feedback_detail(s: SignalInput) -> str:
    return "rencontres et accords sur des besoins proches"


SIGNALS: tuple[Signal, ...] = (
    # weights of the graph's signals: the best Recall@10 of a grid search on ANR collaborations,
    # calls up to 2018 against 2019 (``ingest.evaluation.fit``); 2020 was not used to choose them
    Signal(
        "topic_record",
        "projets sur ces thèmes",
        "projects on these topics",
        0.5,
        _topic_record,
        record=True,
        detail=_themes,
    ),
    Signal(
        "history",
        "déjà partenaire de l'entreprise",
        "already worked with the company",
        1.0,
        _history,
    ),
    Signal(
        "partners",
        "partenaire de ses partenaires",
        "works with the company's partners",
        0.6,
        _partners,
    ),
    Signal("proximity", "même région", "same region", 0.15, _proximity),
    # officers' introductions (``graph.ranking.feedback``)
    Signal(
        "feedback",
        "a réussi sur des besoins proches",
        "met or agreed with companies on similar needs",
        0.5,
        _feedback,
        detail=_feedback_detail,
    ),
)
"""Every signal, in the order explanations list them when they weigh the same."""


def default_weights(signals: Sequence[Signal] | None = None) -> dict[str, float]:
    """Each signal's default weight, by name (of the table, unless ``signals`` are given).

    >>> default_weights()["history"]
    1.0
    """
    return {s.name: s.weight for s in (SIGNALS if signals is None else signals)}


def labels(signals: Sequence[Signal] | None = None) -> dict[str, tuple[str, str]]:
    """Each signal's French and English labels, by name (of the table, unless given)."""
    return {s.name: (s.label_fr, s.label_en) for s in (SIGNALS if signals is None else signals)}
