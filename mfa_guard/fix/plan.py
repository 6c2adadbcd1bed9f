"""The runbook moved to mfa_guard/guide/runbook.py; this name stays for imports."""

from __future__ import annotations

from mfa_guard.guide.runbook import TARGETS, Facts, Plan, Step, build_plan, oaar_digest

__all__ = ["TARGETS", "Facts", "Plan", "Step", "build_plan", "oaar_digest"]
