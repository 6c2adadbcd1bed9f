"""Checks of the backends family."""

from __future__ import annotations

from mfa_guard.checks.base import CheckSpec

CHECKS: dict[str, CheckSpec] = {}
