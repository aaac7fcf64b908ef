"""Labs: search, detail, opportunities."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from api.deps import DeskDep, PrincipalDep, ServiceDep
from api.errors.body import error_responses
from api.schemas.requests import LabId, Limit
from api.schemas.views import (
    LabDetail,
    LabOpportunities,
    LabPublic,
    OpportunityPublic,
    explanation_public,
    lab_detail,
    lab_public,
    need_public,
)
from graph.rules.input import LINE_PATTERN, MAX_OFFSET, MAX_PAGE, MAX_QUERY_CHARS

router = APIRouter(prefix="/api/labs", tags=["labs"])


@router.get("", responses=error_responses())
def list_labs(
    service: ServiceDep,
    response: Response,
    q: str = Query(
        "",
        max_length=MAX_QUERY_CHARS,
        pattern=LINE_PATTERN,
        description="mots du sigle, du nom ou de la ville",
    ),
    limit: int = Query(100, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="labs skipped before the page"),
) -> list[LabPublic]:
    """Labs whose acronym, name or city has a word starting with each word of ``q`` (accents and
    case ignored), the acronym equal to ``q`` first, then by name; ``X-Total-Count`` gives how
    many match."""
    total, labs = service.search_labs(q, limit, offset)
    response.headers["X-Total-Count"] = str(total)
    return [lab_public(lab) for lab in labs]


@router.get("/{lab_id}", responses=error_responses(404))
def get_lab(lab_id: LabId, service: ServiceDep) -> LabDetail:
    """One lab with its description and capabilities."""
    view = service.lab_view(lab_id)
    return lab_detail(view.lab, view.profile, view.labels, view.records)


@router.get("/{lab_id}/opportunities", responses=error_responses(401, 403, 404))
def lab_opportunities(
    lab_id: LabId, who: PrincipalDep, desk: DeskDep, limit: Limit = 10
) -> LabOpportunities:
    """The stored needs the caller may read that fit this lab, best first, with explanations
    (the company of an anonymous need stays hidden)."""
    lab, ranked = desk.opportunities(who, lab_id, limit)
    return LabOpportunities(
        lab=lab_public(lab),
        opportunities=[
            OpportunityPublic(
                rank=r.rank,
                score=r.pairing.score,
                need=need_public(record),
                explanation=explanation_public(r.pairing, lab, f"{r.need.title}. {r.need.text}"),
            )
            for r, record in ranked
        ],
    )
