"""Pages of needs (filled in by the next commits)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
