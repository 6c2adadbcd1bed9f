"""The fix tests' in-process CLI runner, for the guide tests."""

from __future__ import annotations

from tests.fix.conftest import cli

__all__ = ["cli"]
