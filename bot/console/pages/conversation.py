"""One conversation as chat bubbles, with review and private notes."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
