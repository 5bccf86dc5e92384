"""Helpers of `sandbox_workflows` in a module of their own, where the definition-time check
does not look: only the workflow sandbox sees these calls, when they run."""

from __future__ import annotations

import os
from datetime import datetime


def stamp() -> str:
    return datetime.now().isoformat()


def region() -> str:
    return os.environ.get("REGION", "eu")
