"""The questions the bot could not answer, grouped, with YAML to paste."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
