"""The use cases of signed-in people: needs with their visibility, introductions, the queue.

Every method takes the :class:`~graph.rules.accounts.Principal` who asks and applies the rules of
``graph.rules.accounts``: a need the caller may not read does not exist for it (NotFoundError, so
that its existence does not leak), a company it may not know is left out, an action its role
may not take is a ForbiddenError. The HTTP API and the web pages call these methods and
nothing else for needs and introductions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from graph.errors import ForbiddenError, InputError, unknown_introduction, unknown_need
from graph.model import Company, ConceptMention, Extraction, Lab, Need, Visibility
from graph.ranking.feedback import Feedback
from graph.rules.accounts import Principal, can_change_need, can_read_need, iso, now, shows_company
from graph.rules.identity import resolve_company
from graph.rules.needs import check_written
from graph.rules.scope import Scope
from graph.rules.workflow import (
    STATUS_LABELS,
    Event,
    Introduction,
    NeedStatus,
    Status,
    advance,
    annotate,
    need_status,
    open_introduction,
)
from graph.usecases.pairing import PairingService, RankedLab, RankedNeed, ScopeUsed

WITHDRAWN_REASON = "Besoin retiré par l'entreprise / need withdrawn by the company"
QUEUE_SUGGESTIONS = 3
"""Suggested labs shown with each need of the officers' queue."""


@dataclass(frozen=True)
class NeedRecord:
    """A need as one caller may see it."""

    need: Need
    company: Company | None
    """None when the caller may not know it (an anonymous need read by a researcher)."""
    status: NeedStatus
    shown: bool
    """Whether the caller may know the need's company (no default: each view decides)."""
    introductions: list[Introduction] = field(default_factory=list)


@dataclass(frozen=True)
class IntroductionRecord:
    """An introduction, its lab and its trail as one caller may see them (an SME sees the
    steps, neither officers' notes nor who wrote them, nor a decline's reason)."""

    introduction: Introduction
    lab: Lab | None
    events: list[Event]
    private: bool
    """Whether notes and actors are shown (officers)."""


@dataclass(frozen=True)
class Pairings:
    """Labs for a need, and the labs declined for it (shown to officers only)."""

    record: NeedRecord
    ranking: list[RankedLab]
    scope: ScopeUsed
    declined: list[tuple[Lab | None, str]]


@dataclass(frozen=True)
class QueueEntry:
    """A need of the officers' queue: its suggestions and introductions."""

    record: NeedRecord
    suggestions: list[RankedLab]


def corrected(extraction: Extraction, need: Need) -> Extraction:
    """``extraction`` with the need's corrections: its removed concepts' mentions left out,
    its added concepts mentioned (weight 1, no evidence) unless already found."""
    removed = set(need.concepts_removed)
    mentions = [m for m in extraction.mentions if m.concept_id not in removed]
    found = {m.concept_id for m in mentions}
    mentions += [
        ConceptMention(concept_id=c, weight=1.0)
        for c in need.concepts_added
        if c not in found and c not in removed
    ]
    return extraction.model_copy(update={"mentions": tuple(mentions)})


def _forbidden(fr: str, en: str, where: str | None = None) -> ForbiddenError:
    return ForbiddenError(fr, en, where=where)


class Desk:
    """Needs and introductions over a :class:`PairingService` (and its store)."""

    def __init__(self, pairing: PairingService, clock: Callable[[], datetime] = now) -> None:
        self.pairing = pairing
        self.store = pairing.store
        self.clock = clock

    def emails(self) -> dict[str, str]:
        """Each account's email by id: who did what in introductions' trails (shown to
        officers only: ``IntroductionRecord.private``)."""
        return {u.id: u.email for u in self.store.users()}

    # -- needs ------------------------------------------------------------------------------
    def _record(self, who: Principal, need: Need, intros: list[Introduction]) -> NeedRecord:
        shown = shows_company(who, need)
        company = self.store.company(need.company_id) if shown else None
        mine = who.is_officer or who.owns(need)
        return NeedRecord(need, company, need_status(intros), shown, intros if mine else [])

    def needs(self, who: Principal) -> list[NeedRecord]:
        """The needs ``who`` may read, by id."""
        by_need: dict[str, list[Introduction]] = {}
        for intro in self.store.introductions():
            by_need.setdefault(intro.need_id, []).append(intro)
        return [
            self._record(who, n, by_need.get(n.id, []))
            for n in self.store.needs()
            if can_read_need(who, n)
        ]

    def _readable(self, who: Principal, need_id: str) -> Need:
        need = self.store.need(need_id)
        if need is None or not can_read_need(who, need):
            raise unknown_need(need_id)
        return need

    def need(self, who: Principal, need_id: str) -> NeedRecord:
        """One need ``who`` may read (NotFoundError otherwise, whether it exists or not)."""
        need = self._readable(who, need_id)
        return self._record(who, need, self.store.introductions(need_id))

    def need_profile(self, who: Principal, need_id: str) -> Extraction:
        """The concepts found in a need ``who`` may read."""
        self._readable(who, need_id)
        return self.store.need_profile(need_id) or Extraction(language="fr")

    def submit(
        self,
        who: Principal,
        *,
        visibility: Visibility = "confidential",
        company: str | None = None,
        city: str | None = None,
        siren: str | None = None,
        **written: str,
    ) -> tuple[Need, Extraction, bool]:
        """Store a need: an SME's for its own company, an officer's on behalf of the company
        it names; ``written``: the fields its company writes (``graph.rules.needs``: its title,
        its text...). Returns the need, its extraction and whether it was new."""
        fields = check_written(written)
        title, text = fields["title"], fields["text"]
        if who.role == "sme":
            assert who.user is not None
            company_id = who.company_id
            if company_id is None:
                raise _forbidden(
                    "Ce compte PME n'est rattaché à aucune entreprise.",
                    "This SME account belongs to no company.",
                )
            if company and company.strip():
                own = self.store.company(company_id)
                named_id, _ = resolve_company(company, city, siren, self.store.company)
                if own is None or named_id != company_id:
                    raise _forbidden(
                        "Un compte PME dépose des besoins pour sa propre entreprise seulement.",
                        "An SME account submits needs for its own company only.",
                        where="company",
                    )
            new_company = None
        elif who.is_officer:
            if not company or not company.strip():
                raise InputError(
                    "Indiquez l'entreprise pour laquelle vous déposez ce besoin (« company »).",
                    "Name the company you submit this need for ('company').",
                    where="company",
                )
            company_id, new_company = resolve_company(company, city, siren, self.store.company)
        else:
            raise _forbidden(
                "Seuls les comptes PME et les chargés de valorisation déposent des besoins.",
                "Only SME and officer accounts submit needs.",
            )
        digest = hashlib.sha256(f"{company_id}\n{title}\n{text}".encode()).hexdigest()[:16]
        need_id = f"need-{digest}"
        existing = self.store.need(need_id)
        if existing is not None:
            profile = self.store.need_profile(need_id) or Extraction(language="fr")
            if existing.visibility != visibility:
                self.store.upsert_need(
                    existing.model_copy(update={"visibility": visibility}), profile
                )
            return existing, profile, False
        need = Need(
            id=need_id,
            company_id=company_id,
            **fields,
            visibility=visibility,
            submitted_by=who.user.id if who.user else None,
            submitted_at=iso(self.clock()),
        )
        extraction = self.pairing.extractor.extract(text)
        created = self.store.upsert_need(need, extraction, new_company)
        return need, extraction, created

    def changeable(self, who: Principal, need_id: str) -> Need:
        """A need ``who`` may edit or withdraw (NotFoundError when it may not read it,
        ForbiddenError when it reads but may not change it)."""
        need = self._readable(who, need_id)
        if not can_change_need(who, need):
            raise _forbidden(
                "Seule l'entreprise du besoin (ou un chargé de valorisation) peut le modifier.",
                "Only the need's company (or an officer) may change it.",
                where="need_id",
            )
        return need

    def edit(
        self,
        who: Principal,
        need_id: str,
        *,
        visibility: Visibility | None = None,
        **written: str | None,
    ) -> tuple[Need, Extraction]:
        """Change a need's written fields (``graph.rules.needs``: those given, not None) or its
        visibility (its id stays); its concepts are found again when the text changes."""
        need = self.changeable(who, need_id)
        update: dict[str, object] = dict(check_written(written, complete=False))
        if visibility is not None:
            update["visibility"] = visibility
        changed = need.model_copy(update=update)
        profile = self.store.need_profile(need_id) or Extraction(language="fr")
        if changed.text != need.text:
            profile = corrected(self.pairing.extractor.extract(changed.text), changed)
        self.store.upsert_need(changed, profile)
        return changed, profile

    def correct_concepts(
        self,
        who: Principal,
        need_id: str,
        add: Iterable[str] = (),
        remove: Iterable[str] = (),
    ) -> tuple[Need, Extraction]:
        """Add concepts to a need's profile (weight 1, no evidence) or remove some, as its
        company (or an officer) corrects what extraction found. The corrections are kept on
        the need, so that an edit of its text applies them again (InputError for a concept
        the vocabulary does not hold)."""
        need = self.changeable(who, need_id)
        add, remove = tuple(dict.fromkeys(add)), tuple(dict.fromkeys(remove))
        self.pairing.check_concepts((*add, *remove))
        stored = self.store.need_profile(need_id) or Extraction(language="fr")
        present = {m.concept_id for m in stored.mentions}
        # a concept already found is not added again (nothing changes)
        added = [c for c in need.concepts_added if c not in remove]
        added += [c for c in add if c not in added and c not in present]
        removed = [c for c in need.concepts_removed if c not in add]
        removed += [c for c in remove if c not in removed]
        changed = need.model_copy(
            update={"concepts_added": tuple(added), "concepts_removed": tuple(removed)}
        )
        profile = corrected(stored, changed)
        self.store.upsert_need(changed, profile)
        return changed, profile

    def withdraw(self, who: Principal, need_id: str) -> int:
        """Remove a need and its text from the store; its open introductions are declined
        (the trail keeps who withdrew it and when). Returns how many were declined."""
        self.changeable(who, need_id)
        assert who.user is not None
        declined = 0
        for intro in self.store.introductions(need_id):
            if intro.is_open:
                moved, event = advance(
                    intro, "declined", who.user.id, self.clock(), reason=WITHDRAWN_REASON
                )
                self.store.record_event(moved, event)
                declined += 1
        self.store.delete_need(need_id)
        return declined

    def pairings(
        self, who: Principal, need_id: str, limit: int = 10, scope: Scope | None = None
    ) -> Pairings:
        """Labs for a need ``who`` may read, with the feedback of introductions."""
        need = self._readable(who, need_id)
        _, ranking, used, feedback = self.pairing.need_pairings_with_feedback(need_id, limit, scope)
        return Pairings(
            self._record(who, need, self.store.introductions(need_id)),
            ranking,
            used,
            self._declined(who, feedback),
        )

    def _declined(self, who: Principal, feedback: Feedback) -> list[tuple[Lab | None, str]]:
        if not who.is_officer:
            return []
        return [
            (self.store.lab(lab_id), reason) for lab_id, reason in sorted(feedback.declined.items())
        ]

    def opportunities(
        self, who: Principal, lab_id: str, limit: int = 10
    ) -> tuple[Lab, list[tuple[RankedNeed, NeedRecord]]]:
        """The needs ``who`` may read that fit a lab, best first."""
        readable = {n.id: n for n in self.store.needs() if can_read_need(who, n)}
        lab, ranked = self.pairing.lab_opportunities(lab_id, limit, readable)
        return lab, [(r, self._record(who, r.need, [])) for r in ranked]

    # -- introductions ----------------------------------------------------------------------
    def _officer(self, who: Principal) -> str:
        if not who.is_officer or who.user is None:
            raise _forbidden("Réservé aux chargés de valorisation.", "Tech-transfer officers only.")
        return who.user.id

    def introduce(
        self, who: Principal, need_id: str, lab_id: str, note: str = ""
    ) -> tuple[IntroductionRecord, bool]:
        """Open an introduction of a need's company to a lab (``proposed``); the same one
        again is found, not opened twice. Returns it and whether it is new."""
        actor = self._officer(who)
        self._readable(who, need_id)
        self.pairing.lab(lab_id)  # NotFoundError for an unknown lab
        intro, event = open_introduction(need_id, lab_id, actor, self.clock(), note)
        created = self.store.add_introduction(intro, event)
        return self.introduction(who, intro.id), created

    def _visible_introduction(self, who: Principal, intro_id: str) -> Introduction:
        intro = self.store.introduction(intro_id)
        if intro is None:
            raise unknown_introduction(intro_id)
        if who.is_officer:
            return intro
        need = self.store.need(intro.need_id)
        if need is None or not who.owns(need):
            raise unknown_introduction(intro_id)
        return intro

    def introduction(self, who: Principal, intro_id: str) -> IntroductionRecord:
        """One introduction and its trail, as ``who`` may see them."""
        intro = self._visible_introduction(who, intro_id)
        return self._intro_record(who, intro)

    def _intro_record(self, who: Principal, intro: Introduction) -> IntroductionRecord:
        events = self.store.events(intro.id)
        private = who.is_officer
        if not private:
            intro = intro.model_copy(update={"reason": "", "opened_by": ""})
            events = [
                e.model_copy(update={"note": "", "actor": ""})
                for e in events
                if e.from_status != e.to_status  # notes alone are officers' own
            ]
        return IntroductionRecord(intro, self.store.lab(intro.lab_id), events, private)

    def introductions(
        self, who: Principal, need_id: str | None = None, status: Status | None = None
    ) -> list[IntroductionRecord]:
        """The introductions ``who`` may see (officers: all; an SME: its needs'), of one need
        and in one status when given."""
        if need_id is not None:
            self._readable(who, need_id)
        if who.role not in ("officer", "sme"):
            raise _forbidden(
                "Réservé aux chargés de valorisation et aux entreprises.",
                "Officers and companies only.",
            )
        own: set[str] | None = None
        if not who.is_officer:
            own = {n.id for n in self.store.needs() if who.owns(n)}
        return [
            self._intro_record(who, i)
            for i in self.store.introductions(need_id)
            if (own is None or i.need_id in own) and (status is None or i.status == status)
        ]

    def move(
        self, who: Principal, intro_id: str, to: Status, note: str = "", reason: str = ""
    ) -> IntroductionRecord:
        """Move an introduction to its next step, or decline it with a reason (ConflictError
        for a move the workflow does not allow)."""
        actor = self._officer(who)
        intro = self._visible_introduction(who, intro_id)
        moved, event = advance(intro, to, actor, self.clock(), note, reason)
        self.store.record_event(moved, event)
        return self._intro_record(who, moved)

    def note(self, who: Principal, intro_id: str, note: str) -> IntroductionRecord:
        """Add a note to an introduction's trail."""
        actor = self._officer(who)
        intro = self._visible_introduction(who, intro_id)
        moved, event = annotate(intro, actor, self.clock(), note)
        self.store.record_event(moved, event)
        return self._intro_record(who, moved)

    def queue(self, who: Principal, status: NeedStatus | None = None) -> list[QueueEntry]:
        """The officers' queue: needs (new, in progress, closed), each with its suggested labs
        and its introductions."""
        self._officer(who)
        lessons = self.pairing.lessons()  # the introductions read once for every need
        out = []
        for record in self.needs(who):
            if status is not None and record.status != status:
                continue
            if record.status == "closed":
                suggestions: list[RankedLab] = []
            else:
                suggestions = self.pairing.need_pairings(
                    record.need.id, QUEUE_SUGGESTIONS, lessons=lessons
                )[1]
            out.append(QueueEntry(record, suggestions))
        return out

    def export_rows(self, who: Principal) -> list[dict[str, str]]:
        """Every introduction as a row of the officers' CSV export."""
        self._officer(who)
        needs = {n.id: n for n in self.store.needs()}
        users = {u.id: u.email for u in self.store.users()}
        rows = []
        for intro in self.store.introductions():
            need = needs.get(intro.need_id)
            company = self.store.company(need.company_id) if need else None
            lab = self.store.lab(intro.lab_id)
            rows.append(
                {
                    "introduction": intro.id,
                    "besoin": need.title if need else "(retiré / withdrawn)",
                    "entreprise": company.name if company else "",
                    "laboratoire": (lab.acronym or lab.name) if lab else intro.lab_id,
                    "statut": STATUS_LABELS[intro.status][0],
                    "status": intro.status,
                    "motif": intro.reason,
                    "ouverte_le": intro.opened_at,
                    "ouverte_par": users.get(intro.opened_by, intro.opened_by),
                    "mise_a_jour": intro.updated_at,
                }
            )
        return rows
