"""graph.ranking.feedback.Lessons: the introductions read once for many needs, the same feedback as
one need at a time, each successful need's extraction read once."""

from __future__ import annotations

from collections import Counter

from graph.model import ConceptMention, Extraction
from graph.ranking.feedback import Lessons, feedback_for
from graph.rules.workflow import Introduction


def profile(*weights: tuple[str, float]) -> Extraction:
    return Extraction(
        language="fr", mentions=tuple(ConceptMention(concept_id=c, weight=w) for c, w in weights)
    )


PROFILES = {
    "n1": profile(("welding", 1.0), ("steel", 0.5)),
    "n2": profile(("welding", 1.0)),
    "n3": profile(("steel", 1.0), ("corrosion", 1.0)),
    "n4": profile(("ml", 1.0)),
    "gone": None,
}


def intro(n: int, need: str, lab: str, status: str, reason: str = "") -> Introduction:
    return Introduction(
        id=f"i{n}",
        need_id=need,
        lab_id=lab,
        status=status,  # type: ignore[arg-type]
        reason=reason,
        opened_by="u",
        opened_at="2026-12-01T10:00:00+00:00",
        updated_at="2026-12-01T10:00:00+00:00",
    )


INTROS = [
    intro(1, "n2", "LEM3", "meeting"),
    intro(2, "n2", "IJL", "agreement"),
    intro(3, "n3", "IJL", "meeting"),
    intro(4, "n3", "LCFC", "contacted"),  # not a success: teaches nothing
    intro(5, "n1", "LCFC", "declined", "hors de son domaine"),
    intro(6, "n1", "LEM3", "agreement"),  # the need's own success is not feedback for itself
    intro(7, "gone", "LORIA", "agreement"),  # a withdrawn need teaches nothing
    intro(8, "n4", "LORIA", "meeting"),
]


def test_lessons_give_each_need_the_feedback_of_feedback_for_reading_profiles_once() -> None:
    reads: Counter[str] = Counter()

    def profile_of(need_id: str) -> Extraction | None:
        reads[need_id] += 1
        return PROFILES[need_id]

    lessons = Lessons(INTROS, profile_of)
    for need_id in ("n1", "n2", "n3", "n4"):
        need_profile = PROFILES[need_id]
        assert need_profile is not None
        expected = feedback_for(need_id, need_profile, INTROS, PROFILES.get)
        assert lessons.feedback(need_id, need_profile) == expected
    assert max(reads.values()) == 1  # n1, n2, n3, n4 and gone: each read once for four needs
    n1 = lessons.feedback("n1", PROFILES["n1"])  # type: ignore[arg-type]
    assert n1.declined == {"LCFC": "hors de son domaine"}
    # n2 shares welding with n1 (overlap 1/1.5), n3 shares steel (0.5/2.5)
    assert n1.similar == {"LEM3": 1 / 1.5, "IJL": 1 / 1.5}
    assert lessons.feedback("n4", PROFILES["n4"]).similar == {}  # type: ignore[arg-type]
